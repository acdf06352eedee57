"""Getting call events into the database off the call's path, and not losing them to a
locked, restarting, replaced or deleted database.

The webhooks hand each event to an :class:`EventWriter` (the :class:`ivr.stats.recorder.Recorder`),
which appends it to a bounded deque (a microsecond, no lock) and returns. One background
thread per process takes the events in batches, has them cleaned (the recorder keeps only
values from a closed set) and writes them. It:

* retries a batch that failed because the database is locked or down, waiting longer each
  time, until it is written. New events wait in the deque meanwhile; when it holds
  :attr:`WriterSettings.queue` events, each new one pushes out the oldest, counted. A batch
  the database refuses for what it holds (not for being down) would block every later
  one: it is dropped after a few tries, counted.
* notices that the SQLite file at the database's path was deleted or replaced and opens
  the one there now (:mod:`ivr.stats.database_faults` tells these troubles apart).
* logs the counts of what was lost or replaced at most every
  :attr:`WriterSettings.report_every` seconds; never a value.

Still lost: what is in memory when a process dies without warning (SIGKILL, a crash): the
events of about the last :attr:`WriterSettings.idle` seconds, or, while the database
cannot be written, all that wait. A normal exit first writes what waits, if it can;
:meth:`EventWriter.close` does the same for a writer whose database is going away before
the process does (a test's), and ends its thread, so that nothing outlives the database.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine

from ivr.definition.limits import DAY_SECONDS
from ivr.platform import DROPPED_QUEUE_FULL, DROPPED_REFUSED, LineMetrics
from ivr.publishing import older_than as audit_older_than
from ivr.stats.database_faults import DatabaseFile, describe, unavailable
from ivr.stats.events import EMPTY_EVENT, Row, insert_statement, older_than

log = logging.getLogger("ivr.stats")


@dataclass(frozen=True)
class WriterSettings:
    """How the writer batches, waits and reports (tests make the times short)."""

    queue: int = 50_000  # events waiting in a process at most (about 20 MB); then the oldest go
    batch: int = 500
    idle: float = 0.2  # seconds between looks at an empty queue: about what a SIGKILL loses
    retry_first: float = 0.5  # seconds before the first retry, doubling each time...
    retry_longest: float = 5.0  # ... up to this
    tries_for_refused: int = 3  # a batch refused for what it holds is dropped after this many
    report_every: float = 60.0  # seconds between log lines that count losses
    exit_wait: float = 3.0  # seconds a normal exit waits for the writer
    cleanup_every: float = 3600.0  # seconds between deletions of events past retention


@dataclass(frozen=True)
class WriterStatus:
    """Counts since the writer was made; no values."""

    waiting: int  # in memory, not yet written
    dropped_oldest: int  # pushed out of a full queue
    dropped_refused: int  # in batches the database refused
    values_replaced: int  # outside the closed set: stored as a marker
    failing: bool  # the last write failed; its batch will be tried again


class HasEngine(Protocol):
    @property
    def engine(self) -> Engine: ...


class EventWriter:
    """Takes events from the webhooks and writes them from a thread of its own."""

    def __init__(
        self,
        database: HasEngine,
        retention_days: int,
        settings: WriterSettings | None = None,
        audit_retention_days: int | None = None,
        metrics: LineMetrics | None = None,
    ) -> None:
        self.database = database
        self.metrics = metrics
        self.retention_seconds = retention_days * DAY_SECONDS
        #: The audit log is pruned with the events, on its own longer period (None: never here).
        self.audit_retention_days = audit_retention_days
        self.settings = settings or WriterSettings()
        # A deque's append is atomic and takes no lock: the cheapest hand-over there is.
        # Full, it drops the oldest event by itself; record() only counts them.
        self._events: deque[dict[str, Any]] = deque(maxlen=self.settings.queue)
        self._pushed_out = 0
        self._thread: threading.Thread | None = None
        self._closed = threading.Event()
        self._start_lock = threading.Lock()
        self._busy = False  # the writer holds events outside the deque
        # Only the writer thread changes these.
        self._pending: list[Row] = []  # the batch being written, cleaned
        self._tries = 0
        self._failing_since: float | None = None
        self._refused = 0
        self._replaced = 0
        self._file = DatabaseFile()
        self._last_cleanup = 0.0
        self._last_report = time.monotonic()
        self._reported = (0, 0, 0)

    def record(self, **event: Any) -> None:
        """Queue one event; never blocks, never raises."""
        events = self._events
        if len(events) == events.maxlen:
            self._pushed_out += 1  # appending pushes out the oldest
            if self.metrics is not None:
                self.metrics.stats_events_dropped(DROPPED_QUEUE_FULL)
        event["at"] = time.time()
        events.append(event)
        if self._thread is None:
            self._start()

    def clean(self, events: list[dict[str, Any]]) -> tuple[list[Row], int]:
        """The rows to store for ``events``, and how many values were replaced (here:
        none; the recorder keeps only values from a closed set)."""
        return [{**EMPTY_EVENT, **event} for event in events], 0

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:  # started on first use: creating the app starts nothing
                self._thread = threading.Thread(target=self._run, name="ivr-stats-writer", daemon=True)
                self._thread.start()
                atexit.register(self._at_exit)

    def status(self) -> WriterStatus:
        return WriterStatus(
            waiting=len(self._events) + len(self._pending),
            dropped_oldest=self._pushed_out,
            dropped_refused=self._refused,
            values_replaced=self._replaced,
            failing=self._failing_since is not None,
        )

    def flush(self, timeout: float = 10.0) -> bool:
        """Wait until every queued event is written (tests, a normal exit); whether it was.
        A failing database is not waited for: its events stay queued and are retried."""
        deadline = time.monotonic() + timeout
        while self._events or self._busy:
            if self._failing_since is not None or time.monotonic() >= deadline:
                return False
            time.sleep(0.005)
        return True

    def close(self, timeout: float | None = None) -> bool:
        """Write what waits (for up to ``timeout`` seconds, else the exit's wait), then end
        the thread; whether every event was written. For a writer whose database goes
        before the process does: at the process's exit it would find no database to write
        to. Events recorded after are kept in memory only."""
        written = self.flush(self.settings.exit_wait if timeout is None else timeout)
        self._closed.set()
        atexit.unregister(self._at_exit)
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(self.settings.retry_longest)
        if not written:
            log.warning("closed with call events not written", extra={"fields": self._count_fields()})
        return written

    def _at_exit(self) -> None:
        if not self.flush(self.settings.exit_wait):
            log.warning("exiting with call events not written", extra={"fields": self._count_fields()})

    # -- the writer thread -------------------------------------------------------------------
    def _run(self) -> None:
        while not self._closed.is_set():
            try:
                wait = self._write_next()
                self._report()
            except Exception:  # a bug here must not end the statistics: logged, then go on
                log.exception("the call statistics writer failed; it goes on")
                wait = self.settings.retry_longest
            if wait:
                self._closed.wait(wait)

    def _write_next(self) -> float:
        """Write the batch that failed last time, or the next; how long to wait then."""
        self._busy = True
        try:
            if not self._pending:
                events = self._events
                taken = [events.popleft() for _ in range(min(len(events), self.settings.batch))]
                if taken:
                    self._pending, replaced = self.clean(taken)
                    self._replaced += replaced
            if not self._pending:
                return self.settings.idle
            try:
                self._write(self._pending)
            except Exception as exc:
                return self._failed(exc)
            self._pending, self._tries = [], 0
            if self._failing_since is not None:
                fields = {"event": "stats-recovered", "after_seconds": self._failing_for()}
                log.info("call statistics written again", extra={"fields": fields})
                self._failing_since = None
            return 0.0
        finally:
            self._busy = bool(self._pending)

    def _write(self, rows: list[Row]) -> None:
        engine = self.database.engine
        self._file.reopen_if_replaced(engine)
        with engine.begin() as connection:
            sql, parameters = insert_statement(engine.dialect.paramstyle, rows)
            connection.exec_driver_sql(sql, parameters)
            now = time.time()
            if now - self._last_cleanup > self.settings.cleanup_every:
                self._last_cleanup = now
                connection.execute(older_than(now - self.retention_seconds))
                if self.audit_retention_days is not None:
                    connection.execute(audit_older_than(now - self.audit_retention_days * DAY_SECONDS))

    def _failed(self, exc: Exception) -> float:
        """Keep the batch to try again (or drop it, if the database refuses it); the wait."""
        self._tries += 1
        error = describe(exc)
        if self._failing_since is None:
            self._failing_since = time.monotonic()
            fields = {**self._count_fields(), "event": "stats-write-failed", "error": error}
            log.warning("cannot write call statistics: trying again; calls are not affected", extra={"fields": fields})
        if not unavailable(exc) and self._tries >= self.settings.tries_for_refused:
            fields = {"event": "stats-refused", "error": error, "events": len(self._pending)}
            log.warning("dropped call events the database refuses", extra={"fields": fields})
            self._refused += len(self._pending)
            if self.metrics is not None:
                self.metrics.stats_events_dropped(DROPPED_REFUSED, len(self._pending))
            self._pending, self._tries, self._failing_since = [], 0, None  # nothing left to try again
            return 0.0
        with contextlib.suppress(Exception):
            self.database.engine.dispose()  # fresh connections for the retry: one may be broken
        return min(self.settings.retry_first * 2 ** (self._tries - 1), self.settings.retry_longest)

    def _failing_for(self) -> float:
        return round(time.monotonic() - self._failing_since, 1) if self._failing_since is not None else 0.0

    def _count_fields(self) -> dict[str, Any]:
        status = self.status()
        return {
            "event": "stats-losses",
            "waiting": status.waiting,
            "dropped_oldest": status.dropped_oldest,
            "dropped_refused": status.dropped_refused,
            "values_replaced": status.values_replaced,
            "failing_seconds": self._failing_for(),
        }

    def _report(self) -> None:
        """A log line with the counts, when they changed or the database is failing."""
        now = time.monotonic()
        if now - self._last_report < self.settings.report_every:
            return
        self._last_report = now
        counts = (self._pushed_out, self._refused, self._replaced)
        if counts != self._reported or self._failing_since is not None:
            self._reported = counts
            log.warning("call statistics lost or changed", extra={"fields": self._count_fields()})
