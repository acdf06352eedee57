"""The line's database: its tables, and the engine that reaches them, on SQLite (one file)
or PostgreSQL (several servers sharing one), its schema made by the Alembic migrations
in ivr/migrations alone.

A package of its own, apart from :mod:`ivr.platform`, because what loads a flow (the
loading pipeline, in a child process under a tight memory limit) must never import
SQLAlchemy. Code outside this package imports from here, never from the modules inside
(an import-linter contract in pyproject.toml holds it):

- :mod:`~ivr.database.tables`: the tables, as the code reads and writes them;
- :mod:`~ivr.database.engine`: the engine, its schema upgraded under a lock at start.
"""

from __future__ import annotations

from ivr.database.engine import MIGRATIONS, Database, SchemaUnknown, driver_url, make_engine, shared_secret, upgrade
from ivr.database.tables import (
    audit_log,
    call_events,
    console_sessions,
    flow_drafts,
    flow_proposals,
    flow_revisions,
    known_addresses,
    line_alerts,
    line_secrets,
    login_failures,
    metadata,
    operators,
)

__all__ = [
    "MIGRATIONS",
    "Database",
    "SchemaUnknown",
    "audit_log",
    "call_events",
    "console_sessions",
    "driver_url",
    "flow_drafts",
    "flow_proposals",
    "flow_revisions",
    "known_addresses",
    "line_alerts",
    "line_secrets",
    "login_failures",
    "make_engine",
    "metadata",
    "operators",
    "shared_secret",
    "upgrade",
]
