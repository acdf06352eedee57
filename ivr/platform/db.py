"""The line's database: operators' accounts and sessions, failed logins, the console's key,
anonymous call events, the published revisions of the call flow with drafts and proposals
waiting for approval, and the audit log.

SQLAlchemy Core, so the same code runs on SQLite (the default, one file) and on
PostgreSQL when several servers share one (``DATABASE_URL``). Nothing here ever holds a
phone number: a call is known only by a keyed hash of its CallSid.
"""

from __future__ import annotations

import fcntl
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    Float,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    create_engine,
    event,
    false,
    insert,
    inspect,
    select,
    text,
)
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

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
    Column("answered_by", String(8), nullable=True),
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


class Database:
    """The engine, made on first use: creating the app opens no file and no connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = make_engine(self.url)
        return self._engine

    def after_fork(self) -> None:
        """In a child process forked after the engine was made: start with an empty pool.
        ``close=False`` leaves the parent's connections alone (SQLAlchemy's documented way
        for ``os.fork()``): closing them here would close them for the parent too."""
        if self._engine is not None:
            self._engine.dispose(close=False)


#: The advisory lock under which a PostgreSQL database's tables are made (any fixed number).
SCHEMA_LOCK = 0x1C5_7AB1E
#: The Alembic migrations, shipped in the package.
MIGRATIONS = Path(__file__).parent.parent / "migrations"
#: Alembic keeps the migration being run in module-level state (``alembic.context``), so two
#: threads of one process must not run migrations at once (a line has one database per
#: process; the tests make many). Other processes take turns through the database itself.
_ONE_MIGRATION_AT_A_TIME = threading.Lock()


def driver_url(url: str) -> str:
    """``DATABASE_URL`` as people write it (``postgresql://`` or Heroku's ``postgres://``), with
    the driver the line installs (psycopg 3) named, since SQLAlchemy would look for psycopg2."""
    for scheme in ("postgresql://", "postgres://"):
        if url.startswith(scheme):
            return "postgresql+psycopg://" + url[len(scheme) :]
    return url


def make_engine(url: str) -> Engine:
    """An engine for ``url``, with the tables created if they are not there yet."""
    is_sqlite = url.startswith("sqlite")
    # PostgreSQL: a server that does not answer is given up on after 5 s, like SQLite's lock wait.
    connect_args = {"timeout": 5, "check_same_thread": False} if is_sqlite else {"connect_timeout": 5}
    engine = create_engine(driver_url(url), pool_pre_ping=not is_sqlite, connect_args=connect_args)
    if is_sqlite:

        @event.listens_for(engine, "connect")
        def _pragmas(connection, _record) -> None:  # type: ignore[no-untyped-def]
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")  # writers do not block the console's readers
            cursor.execute("PRAGMA busy_timeout=5000")
            # With WAL, NORMAL never corrupts the file; a power cut may lose the last second of
            # statistics, which is worth not waiting for the disk on every batch.
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    upgrade(engine)
    return engine


def upgrade(engine: Engine) -> None:
    """Bring the database's tables to this version of the line (Alembic, ivr/migrations):
    an empty database gets every table, an older one is changed in place with its rows
    kept. Servers and workers starting together take turns: on PostgreSQL under a lock held
    until the transaction ends; on SQLite (one machine) under a lock on a file beside the
    database, since SQLite would refuse, not queue, a second writer that read first."""
    with _ONE_MIGRATION_AT_A_TIME, _sqlite_file_lock(engine):
        tries = 3
        for attempt in range(tries):
            try:
                with engine.begin() as connection:
                    if connection.dialect.name == "postgresql":
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                    _upgrade(connection)
                return
            except (OperationalError, ProgrammingError):  # e.g. SQLite locked by a statistics write
                if attempt == tries - 1:
                    raise
                time.sleep(0.2 * (attempt + 1))


@contextmanager
def _sqlite_file_lock(engine: Engine) -> Iterator[None]:
    """An exclusive lock on ``<database>-migrate.lock`` for a SQLite file; nothing for other
    databases, and nothing where the lock file cannot be made (a read-only folder: such a
    database is not changed anyway, and a clash is still tried again)."""
    path = engine.url.database if engine.dialect.name == "sqlite" else None
    if path and path.startswith("file:"):  # a URI filename: file:PATH?mode=ro
        path = path.removeprefix("file:").split("?", 1)[0]
    try:
        lock = open(f"{path}-migrate.lock", "a") if path and path != ":memory:" else None  # noqa: SIM115
    except OSError:
        lock = None
    if lock is None:
        yield
        return
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _upgrade(connection: Connection) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    if MigrationContext.configure(connection).get_current_revision() is None:
        made_before_migrations = _schema_of(connection)
        if made_before_migrations is not None:
            command.stamp(config, made_before_migrations)
    command.upgrade(config, "head")


def _schema_of(connection: Connection) -> str | None:
    """The migration a database without Alembic's mark is at (None: empty): one made before
    the line used Alembic, or made from the model itself (``metadata.create_all``, as
    scripts and tests do), which has every table of its day."""
    found = inspect(connection)
    tables = set(found.get_table_names())
    if "operators" not in tables:
        return None
    if "answered_by" in {c["name"] for c in found.get_columns("call_events")}:
        return "0005"
    if "line_alerts" in tables:
        return "0004" if "next_send" in {c["name"] for c in found.get_columns("line_alerts")} else "0003"
    columns = {column["name"] for column in found.get_columns("operators")}
    return "0002" if "admin" in columns and "audit_log" in tables else "0001"


def shared_secret(engine: Engine, name: str) -> str:
    """The random key called ``name``, made on first use and then the same for every server
    using this database (so any of them accepts the console cookies another one signed)."""
    with engine.connect() as connection:
        found = connection.execute(select(line_secrets.c.value).where(line_secrets.c.name == name)).scalar()
    if found:
        return found
    try:
        with engine.begin() as connection:
            connection.execute(insert(line_secrets).values(name=name, value=secrets.token_hex(32)))
    except IntegrityError:
        pass  # another server made it first: use theirs
    with engine.connect() as connection:
        return connection.execute(select(line_secrets.c.value).where(line_secrets.c.name == name)).scalar_one()
