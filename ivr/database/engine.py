"""The engine for the line's database (``DATABASE_URL``, or the SQLite file), its schema
made and kept up to date by the Alembic migrations in ivr/migrations alone, and the random
keys every server on it shares.

SQLAlchemy Core, so the same code runs on SQLite (the default, one file) and on
PostgreSQL when several servers share one (``DATABASE_URL``). The tables themselves are in
:mod:`ivr.database.tables`.

A database is made by upgrading it to the newest migration, and changed only so: nothing
here creates a table from the model, and nothing guesses which migration an unmarked
database is at. One that has the line's tables but no mark of Alembic's is refused
(:class:`SchemaUnknown`) until someone says which schema it has
(``ivr database upgrade --schema-is``): changing a database whose shape is unknown could
lose its rows.
"""

from __future__ import annotations

import fcntl
import logging
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, Engine, create_engine, event, insert, inspect, select, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError, SQLAlchemyError

from ivr.database.tables import line_secrets, metadata

log = logging.getLogger("ivr")


class Database:
    """The engine, made on first use: creating the app opens no file and no connection."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._told = False  # that the database's schema is unknown

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    try:
                        self._engine = make_engine(self.url)
                    except SchemaUnknown as refused:
                        self._say_once(refused)
                        raise
        return self._engine

    def _say_once(self, refused: SchemaUnknown) -> None:
        """Log what to do about an unmarked database once: every use tries it again (it is
        usable as soon as someone marks it), and each would otherwise log the same line."""
        if not self._told:
            self._told = True
            log.error(str(refused), extra={"fields": {"event": "database-schema-unknown"}})

    def close(self) -> None:
        """Close its connections now (an app dropped while the process goes on); the next
        use opens new ones."""
        if self._engine is not None:
            self._engine.dispose()

    def after_fork(self) -> None:
        """In a child process forked after the engine was made: start with an empty pool.
        ``close=False`` leaves the parent's connections alone (SQLAlchemy's documented way
        for ``os.fork()``): closing them here would close them for the parent too."""
        if self._engine is not None:
            self._engine.dispose(close=False)


class SchemaUnknown(SQLAlchemyError):
    """The database has the line's tables but no record of the migration that made them.

    A database error like any other to the code that uses the database (calls are served
    from the flow file meanwhile, the statistics wait), with a message that says what to do.
    """

    def __init__(self) -> None:
        super().__init__(
            "The database has the line's tables but no record of which schema they are "
            "(Alembic's alembic_version table), so the line will not change it: it was made by a "
            "line from before 4 December 2026. Back it up, then run "
            "'ivr database upgrade --schema-is 0001' (or 0002 if it has a flow_revisions table) once."
        )


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


def make_engine(url: str, schema_is: str | None = None) -> Engine:
    """An engine for ``url``, its schema made or brought up to date (:func:`upgrade`)."""
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

    try:
        upgrade(engine, schema_is)
    except BaseException:
        engine.dispose()  # its connections closed now, not whenever the collector finds them
        raise
    return engine


def upgrade(engine: Engine, schema_is: str | None = None) -> None:
    """Bring the database's tables to this version of the line (Alembic, ivr/migrations):
    an empty database gets every table, an older one is changed in place with its rows
    kept. One with the line's tables but no mark of Alembic's raises :class:`SchemaUnknown`,
    unless ``schema_is`` names the migration it is at (someone who looked says so).

    Servers and workers starting together take turns: on PostgreSQL under a lock held until
    the transaction ends; on SQLite (one machine) under a lock on a file beside the
    database, since SQLite would refuse, not queue, a second writer that read first."""
    with _ONE_MIGRATION_AT_A_TIME, _sqlite_file_lock(engine):
        tries = 3
        for attempt in range(tries):
            try:
                with engine.begin() as connection:
                    if connection.dialect.name == "postgresql":
                        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                    _upgrade(connection, schema_is)
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


def _upgrade(connection: Connection, schema_is: str | None) -> None:
    from alembic import command
    from alembic.config import Config
    from alembic.runtime.migration import MigrationContext

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["connection"] = connection
    if MigrationContext.configure(connection).get_current_revision() is None and _has_the_lines_tables(connection):
        if schema_is is None:
            raise SchemaUnknown()
        command.stamp(config, schema_is)
    command.upgrade(config, "head")


def _has_the_lines_tables(connection: Connection) -> bool:
    """Whether any of the line's tables is there (other software's tables, in a shared
    PostgreSQL database, are no reason to refuse)."""
    return not set(metadata.tables).isdisjoint(inspect(connection).get_table_names())


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
