"""The line's tables, as the code reads and writes them: operators' accounts and sessions,
failed logins, the console's key, anonymous call events, the published revisions of the
call flow with drafts and proposals waiting for approval, the audit log and the alerts.

This is the model, not what makes the schema: every database is made and changed by the
Alembic migrations in ivr/migrations alone (:func:`ivr.database.engine.upgrade`), and a test
(tests/test_migrations.py) holds that upgrading to the newest one gives exactly these
tables. Nothing here ever holds a phone number: a call is known only by a keyed hash of
its CallSid. The columns of ``call_events`` are the one list of what a call event holds
(:mod:`ivr.stats.events` reads it from here).
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Float, Integer, MetaData, String, Table, Text, false

metadata = MetaData()

operators = Table(
    "operators",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("password_hash", String(300), nullable=False),
    Column("created", Float, nullable=False),
    Column("admin", Boolean, nullable=False, default=False, server_default=false()),  # may add and disable operators
    Column("disabled", Float, nullable=True),  # when an admin disabled the account; it cannot log in since
)

login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(200), nullable=False, index=True),  # "name:<name>" or "address:<ip>"
    Column("at", Float, nullable=False, index=True),
)

#: One row per logged-in browser: the session ends when its row goes (logout, removal,
#: a new password) or at ``expires``, fixed at login and never pushed back.
console_sessions = Table(
    "console_sessions",
    metadata,
    Column("id", String(64), primary_key=True),  # SHA-256 of the cookie's session id, never the id itself
    Column("operator", String(80), nullable=False, index=True),
    Column("created", Float, nullable=False),
    Column("expires", Float, nullable=False, index=True),
)

#: Where each operator has logged in from: a name locked by others' wrong passwords still
#: lets its own operator in from these addresses.
known_addresses = Table(
    "known_addresses",
    metadata,
    Column("operator", String(80), primary_key=True),
    Column("address", String(64), primary_key=True),
    Column("last", Float, nullable=False),
)

#: Random keys made once and shared by every server on the same database.
line_secrets = Table(
    "line_secrets",
    metadata,
    Column("name", String(80), primary_key=True),
    Column("value", String(200), nullable=False),
)

#: The anonymous call events (:mod:`ivr.stats.events`): these columns are the one list of
#: what an event holds. ``default`` is what an event that does not say stores.
call_events = Table(
    "call_events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("call", String(16), nullable=False),  # keyed hash of the CallSid, letters only
    Column("at", Float, nullable=False, index=True),
    Column("kind", String(16), nullable=False),  # start, step, end
    Column("node", String(120), nullable=False, default=""),
    Column("outcome", String(80), nullable=False, default=""),
    Column("choice", String(8), nullable=False, default=""),
    Column("language", String(20), nullable=False, default=""),
    Column("label", String(80), nullable=False, default=""),  # what the flow calls reaching this node
    Column("duration", Integer, nullable=True),
    # How the caller answered at a step: "key", "speech", or "" (no answer: a silence, a
    # transfer's end, a call's start or end). Never the words said. NULL: recorded before
    # the line kept this (schema 0004 and older), counted as unknown.
    Column("answered_by", String(8), nullable=True, default=""),
)

#: Every published call flow, never changed or deleted: the newest row is what the line
#: serves (see :mod:`ivr.publishing.revisions`). ``id`` orders them; the same text published again
#: (a rollback) is a new row with the same ``version``.
flow_revisions = Table(
    "flow_revisions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", String(16), nullable=False, index=True),
    Column("text", Text, nullable=False),
    Column("author", String(80), nullable=False),
    Column("at", Float, nullable=False),
    Column("message", Text, nullable=False),
    Column("warnings", Text, nullable=False, default=""),  # the check's warnings, one formatted problem a line
    Column("replaces", String(16), nullable=True),  # the version that was live before, if any
    Column("approved_by", String(80), nullable=True),  # the second operator, when approval is required
)

#: Each operator's unpublished draft of the flow, saved as they type: closing the tab loses nothing.
flow_drafts = Table(
    "flow_drafts",
    metadata,
    Column("operator", String(80), primary_key=True),
    Column("text", Text, nullable=False),
    Column("saved", Float, nullable=False),
    Column("base", String(16), nullable=True),  # the live version the draft was started from
)

#: Drafts submitted for a second operator's approval (``IVR_REQUIRE_APPROVAL``). A proposal
#: is decided once: approved (it becomes a revision), rejected, or withdrawn by its author.
flow_proposals = Table(
    "flow_proposals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", String(16), nullable=False),
    Column("text", Text, nullable=False),
    Column("author", String(80), nullable=False, index=True),
    Column("at", Float, nullable=False),
    Column("message", Text, nullable=False),
    Column("base", String(16), nullable=True),  # the live version when it was submitted
    Column("status", String(16), nullable=False, index=True),  # waiting, approved, rejected, withdrawn
    Column("decided_by", String(80), nullable=True),
    Column("decided_at", Float, nullable=True),
)

#: Who did what in the console and with the 'ivr' commands, kept longer than call
#: statistics (``IVR_AUDIT_RETENTION_DAYS``). Never a caller's data: actors are operators
#: (or "cli:<user>"), and details name flow versions, operators and messages.
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", Float, nullable=False, index=True),
    Column("actor", String(100), nullable=False),
    Column("action", String(40), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

#: Each alert's state, shared by every server (:mod:`ivr.stats.alert`): whether an episode
#: is going on, whether its message was delivered, and when a server last looked, so that
#: one server in a fleet checks at a time and each episode is told once.
line_alerts = Table(
    "line_alerts",
    metadata,
    Column("name", String(40), primary_key=True),
    Column("failing", Boolean, nullable=False, default=False),
    Column("changed", Float, nullable=False),  # when the state last changed
    Column("notified", Boolean, nullable=False, default=True),  # the change was told
    Column("checked", Float, nullable=False),  # when a server last looked
    # delivery's backoff: failed tries in a row, and when any server may try again
    Column("failed_sends", Integer, nullable=False, default=0, server_default="0"),
    Column("next_send", Float, nullable=False, default=0.0, server_default="0"),
)
