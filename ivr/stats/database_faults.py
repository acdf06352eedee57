"""What goes wrong under the statistics writer (:mod:`ivr.stats.writer`), told apart so that
it waits for what passes and gives up on what never will:

* a database that is locked, down, restarting or out of connections, or whose schema is
  not known yet (:class:`~ivr.platform.SchemaUnknown`, until someone marks it): worth
  waiting for, the events kept (:func:`unavailable`);
* a batch the database refuses for what it holds: not worth waiting for;
* the SQLite file at the database's path deleted or replaced (its device and inode
  changed), noticed by :class:`DatabaseFile`: the connections the writer holds would go on
  writing into a file nobody can open, so it opens the one there now, its tables made or
  brought up to date as a server does at start (a backup restored from an older line lacks
  new columns).

Errors are described by their kind and code alone (:func:`describe`): SQLAlchemy's messages
repeat the rows it could not write.
"""

from __future__ import annotations

import logging
import os

from sqlalchemy import Engine
from sqlalchemy import exc as db_errors

from ivr.database import SchemaUnknown, upgrade

log = logging.getLogger("ivr.stats")


class DatabaseFile:
    """The SQLite file the writer writes to, looked at once per batch (one ``stat()``)."""

    def __init__(self) -> None:
        self._identity: tuple[int, int] | None = None  # (device, inode) of the file written to

    def reopen_if_replaced(self, engine: Engine) -> None:
        """Make ``engine`` write to the file now at its path, if that is another file than
        the last batch's. Nothing for PostgreSQL or an in-memory database."""
        path = _sqlite_path(engine)
        if path is None:
            return
        found = _identity(path)
        if found is not None and found == self._identity:
            return
        if found is not None and self._identity is None:  # the first write: the file the engine opened
            self._identity = found
            return
        log.warning(
            "the statistics database file was deleted or replaced: writing to the one at its path now",
            extra={"fields": {"event": "stats-file-reopened", "found": "another file" if found else "no file"}},
        )
        engine.dispose()  # connections to the old file close; the next ones open the path
        upgrade(engine)  # its tables made, or brought up to date; if this fails, the next batch tries again
        self._identity = _identity(path)


def unavailable(exc: Exception) -> bool:
    """Locked, down, restarting, out of connections, or waiting to be marked: worth waiting for."""
    waits = (db_errors.OperationalError, db_errors.InterfaceError, db_errors.DisconnectionError, SchemaUnknown)
    return isinstance(exc, (*waits, db_errors.TimeoutError, OSError))


def describe(exc: Exception) -> str:
    """The error's kind and code, without its message."""
    original = getattr(exc, "orig", None) or exc
    code = getattr(original, "sqlite_errorname", None) or getattr(original, "pgcode", None)
    return type(original).__name__ + (f" {code}" if code else "")


def _sqlite_path(engine: Engine) -> str | None:
    database = engine.url.database
    if engine.dialect.name != "sqlite" or not database or database == ":memory:" or database.startswith("file:"):
        return None
    return database


def _identity(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)
