"""The platform the line stands on: its configuration, its database, its logs and its
metrics.

Nothing here knows what a call flow is: these modules import nothing else of the line, so
every layer above may use them. Code outside this package imports from here, never from
the modules inside (an import-linter contract in pyproject.toml holds it):

- :mod:`~ivr.platform.config`: the settings, read once from the environment
  (:mod:`~ivr.platform.setting_values`: how each is declared, read and refused);
- :mod:`~ivr.platform.db`: the database's tables, as the code reads and writes them;
- :mod:`~ivr.platform.engine`: the engine, its schema made by the Alembic migrations alone;
- :mod:`~ivr.platform.logs`: structured logs with every phone number taken out;
- :mod:`~ivr.platform.metrics`: what Prometheus scrapes.
"""

from __future__ import annotations

from ivr.platform.config import (
    DEFAULTS,
    AlertSettings,
    ConfigError,
    Settings,
    database_url_of,
    destinations_of,
    media_hosts_of,
)
from ivr.platform.db import (
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
from ivr.platform.engine import MIGRATIONS, Database, SchemaUnknown, driver_url, make_engine, shared_secret, upgrade
from ivr.platform.logs import (
    REDACTED,
    JsonFormatter,
    RedactNumbers,
    call_id,
    configure_logging,
    in_letters,
    protect_all_handlers,
    protect_handler,
    redact,
)
from ivr.platform.metrics import DROPPED_QUEUE_FULL, DROPPED_REFUSED, OTHER, LineMetrics, multiprocess_registry

__all__ = [
    "DEFAULTS",
    "DROPPED_QUEUE_FULL",
    "DROPPED_REFUSED",
    "MIGRATIONS",
    "OTHER",
    "REDACTED",
    "AlertSettings",
    "ConfigError",
    "Database",
    "JsonFormatter",
    "LineMetrics",
    "RedactNumbers",
    "SchemaUnknown",
    "Settings",
    "audit_log",
    "call_events",
    "call_id",
    "configure_logging",
    "console_sessions",
    "database_url_of",
    "destinations_of",
    "driver_url",
    "flow_drafts",
    "flow_proposals",
    "flow_revisions",
    "in_letters",
    "known_addresses",
    "line_alerts",
    "line_secrets",
    "login_failures",
    "make_engine",
    "media_hosts_of",
    "metadata",
    "multiprocess_registry",
    "operators",
    "protect_all_handlers",
    "protect_handler",
    "redact",
    "shared_secret",
    "upgrade",
]
