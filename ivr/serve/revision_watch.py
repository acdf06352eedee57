"""Asking the line's database for the newest published revision, as a serving worker does.

The watcher of :mod:`ivr.serve.store` asks at most every ``poll_seconds`` (one small query
for the newest number and version, and the whole revision only when it is new). A database
that cannot be reached is logged once, and once more when it is back: calls never wait for
it, and the live flow keeps serving meanwhile. Whether a new revision goes live is the
store's rule, not this module's.
"""

from __future__ import annotations

import logging
import time

from sqlalchemy.exc import SQLAlchemyError

from ivr.database import Database
from ivr.publishing import Revision, by_number, latest_head

log = logging.getLogger("ivr.flow")

#: At most one version query to the database this often, per worker.
POLL_SECONDS = 2.0


class RevisionWatch:
    """The newest revision of one database, asked for no more often than ``poll_seconds``."""

    def __init__(self, database: Database, poll_seconds: float = POLL_SECONDS) -> None:
        self.database = database
        self.poll_seconds = poll_seconds
        self._next_poll = 0.0
        self._seen: int | None = None  # the number of the newest revision seen, once one has been
        self.down = False  # whether the last look found the database unreachable

    def due(self) -> bool:
        """Whether it is time to ask again; asking now or not, the next look waits ``poll_seconds``."""
        if time.monotonic() < self._next_poll:
            return False
        self._next_poll = time.monotonic() + self.poll_seconds
        return True

    def new_revision(self) -> Revision | None:
        """The newest revision if it is newer than the last one seen; ``None`` when there is
        none, it was seen already, or the database cannot be reached (logged once)."""
        try:
            head = latest_head(self.database.engine)
            if head is None or head[0] == self._seen:
                self._up()
                return None
            revision = by_number(self.database.engine, head[0])
        except (SQLAlchemyError, OSError) as exc:
            if not self.down:
                self.down = True
                log.error(
                    "cannot reach the database for published revisions: the live flow keeps serving",
                    extra={"fields": {"event": "revisions-unreachable", "reason": type(exc).__name__}},
                )
            return None
        self._up()
        self._seen = revision.number
        return revision

    def _up(self) -> None:
        if self.down:
            self.down = False
            log.info("the database for published revisions is back", extra={"fields": {"event": "revisions-reachable"}})
