"""Anonymous call statistics: recorded off the call's path, read by the console.

The webhooks hand each event to a :class:`Recorder`, which only puts it on a bounded
queue (a dict append, about a microsecond); a background thread writes them in batches.
A slow or broken database never delays or breaks a call: events wait, and when the
queue is full the newest are dropped and counted in the log. Old events are deleted
after the retention period.
"""

from __future__ import annotations

import csv
import io
import logging
import threading
import time
from collections import Counter, defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, delete, select

from .db import Database, call_events

log = logging.getLogger("ivr.stats")

BATCH = 500
EVENT_COLUMNS = ("call", "at", "kind", "node", "outcome", "choice", "language", "label", "duration")
EMPTY_EVENT: dict[str, Any] = {
    "kind": "",
    "node": "",
    "outcome": "",
    "choice": "",
    "language": "",
    "label": "",
    "duration": None,
}
QUEUE_SIZE = 50_000
CLEANUP_SECONDS = 3600
WRITE_EVERY = 0.5  # seconds between batches when there is nothing to write


class Recorder:
    def __init__(self, database: Database, retention_days: int) -> None:
        self.database = database
        self.retention_seconds = retention_days * 86400
        # A deque's append is atomic and takes no lock: the cheapest hand-over there is.
        self._events: deque[dict[str, Any]] = deque()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self._writing = False
        self._dropped = 0
        self._last_cleanup = 0.0

    def record(self, **event: Any) -> None:
        """Queue one event; never blocks, never raises."""
        if len(self._events) >= QUEUE_SIZE:
            self._dropped += 1
            return
        self._events.append({**EMPTY_EVENT, "at": time.time(), **event})  # same columns: one batch insert
        if self._thread is None:
            self._start()

    def _start(self) -> None:
        with self._start_lock:
            if self._thread is None:  # started on first use: creating the app starts nothing
                self._thread = threading.Thread(target=self._run, name="ivr-stats-writer", daemon=True)
                self._thread.start()

    def flush(self, timeout: float = 10.0) -> None:
        """Wait until every queued event is written (for tests and the CLI)."""
        deadline = time.monotonic() + timeout
        while (self._events or self._writing) and time.monotonic() < deadline:
            time.sleep(0.01)

    def _run(self) -> None:
        while True:
            if not self._events:
                time.sleep(WRITE_EVERY)
                continue
            self._writing = True
            batch = []
            while self._events and len(batch) < BATCH:
                batch.append(self._events.popleft())
            try:
                self._write(batch)
            except Exception:
                log.warning("could not write %d call events; calls are not affected", len(batch), exc_info=True)
            finally:
                self._writing = bool(self._events)

    def _write(self, batch: list[dict[str, Any]]) -> None:
        engine = self.database.engine
        with engine.begin() as connection:
            # Straight to the driver's executemany: a third of the cost of a compiled insert,
            # and these rows are the one write the line makes per webhook request.
            sql, rows = _insert(engine.dialect.paramstyle, batch)
            connection.exec_driver_sql(sql, rows)
            if self._dropped:
                log.warning("dropped %d call events: the database could not keep up", self._dropped)
                self._dropped = 0
            now = time.time()
            if now - self._last_cleanup > CLEANUP_SECONDS:
                self._last_cleanup = now
                connection.execute(delete(call_events).where(call_events.c.at < now - self.retention_seconds))


def _insert(paramstyle: str, batch: list[dict[str, Any]]) -> tuple[str, list[Any]]:
    """The batch insert in the placeholders of the database's driver, and its rows."""
    columns = ", ".join(EVENT_COLUMNS)
    if paramstyle in ("named", "pyformat"):
        marks = ", ".join((f":{c}" if paramstyle == "named" else f"%({c})s") for c in EVENT_COLUMNS)
        return f"INSERT INTO call_events ({columns}) VALUES ({marks})", batch
    mark = {"qmark": "?", "format": "%s"}.get(paramstyle)
    marks = ", ".join(mark or f":{i + 1}" for i in range(len(EVENT_COLUMNS)))  # numeric: :1, :2 ...
    return f"INSERT INTO call_events ({columns}) VALUES ({marks})", [
        tuple(event[c] for c in EVENT_COLUMNS) for event in batch
    ]


def delete_old_events(engine: Engine, retention_days: int) -> int:
    with engine.begin() as connection:
        result = connection.execute(delete(call_events).where(call_events.c.at < time.time() - retention_days * 86400))
        return result.rowcount or 0


# -- what the console shows ------------------------------------------------------------------
CONNECTED = "connected to "
TRANSFER_FAILED = "transfer failed"
QUICK_EXIT = "quick exit"
HUNG_UP = "caller hung up at "
IN_PROGRESS = "still in the call, or ended without a status"


@dataclass
class CallSummary:
    first_at: float = 0.0
    language: str = ""
    outcomes: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    last_node: str = ""
    retries: int = 0
    ended: bool = False
    duration: int | None = None

    def outcome(self, number_names: dict[str, str]) -> str:
        """How the call ended, most helpful outcome first."""
        for outcome in reversed(self.outcomes):
            if outcome.startswith("connected:"):
                key = outcome.split(":", 1)[1]
                return CONNECTED + number_names.get(key, key)
        if any(o.startswith("not-connected:") for o in self.outcomes):
            return TRANSFER_FAILED
        if self.labels:
            return self.labels[-1]
        if "quick-exit" in self.outcomes:
            return QUICK_EXIT
        if self.ended:
            return HUNG_UP + (self.last_node or "the start")
        return IN_PROGRESS


@dataclass
class Report:
    days: int
    calls: int
    calls_per_day: list[tuple[str, int]]
    outcomes: list[tuple[str, int]]
    drop_offs: list[tuple[str, int]]
    languages: list[tuple[str, int]]
    needed_retry: int
    average_seconds: float | None


def summarise(
    engine: Engine, days: int = 30, number_names: dict[str, str] | None = None, now: float | None = None
) -> Report:
    """The console's statistics for the last ``days`` days, from the call events."""
    now = now or time.time()
    since = now - days * 86400
    calls: dict[str, CallSummary] = defaultdict(CallSummary)
    query = select(call_events).where(call_events.c.at >= since).order_by(call_events.c.at, call_events.c.id)
    with engine.connect() as connection:
        for row in connection.execute(query):
            call = calls[row.call]
            call.first_at = call.first_at or row.at
            if row.kind == "end":
                call.ended = True
                call.duration = row.duration
                continue
            if row.language:
                call.language = row.language
            if row.outcome:
                call.outcomes.append(row.outcome)
            if row.outcome in ("silence", "invalid"):
                call.retries += 1
            if row.label:
                call.labels.append(row.label)
            if row.node and not row.node.startswith("_"):
                call.last_node = row.node
    names = number_names or {}
    per_day: Counter[str] = Counter()
    for call in calls.values():
        per_day[_day(call.first_at)] += 1
    start = date.fromtimestamp(since)
    day_labels = [date.fromordinal(start.toordinal() + i).isoformat() for i in range(days + 1)]
    outcomes = Counter(call.outcome(names) for call in calls.values())
    drop_offs = Counter(
        call.last_node or "the start" for call in calls.values() if call.outcome(names).startswith(HUNG_UP)
    )
    languages = Counter(call.language or "not chosen" for call in calls.values())
    durations = [c.duration for c in calls.values() if c.duration is not None]
    return Report(
        days=days,
        calls=len(calls),
        calls_per_day=[(day, per_day.get(day, 0)) for day in day_labels],
        outcomes=outcomes.most_common(),
        drop_offs=drop_offs.most_common(),
        languages=languages.most_common(),
        needed_retry=sum(1 for c in calls.values() if c.retries),
        average_seconds=sum(durations) / len(durations) if durations else None,
    )


def _day(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, tz=UTC).astimezone().date().isoformat()


def report_csv(report: Report) -> str:
    """The aggregates as CSV: one row per figure, no call-level data."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["section", "item", "calls"])
    writer.writerow(["total", f"last {report.days} days", report.calls])
    writer.writerow(["total", "needed a retry", report.needed_retry])
    for section, items in (
        ("per day", report.calls_per_day),
        ("outcome", report.outcomes),
        ("drop-off", report.drop_offs),
        ("language", report.languages),
    ):
        for item, count in items:
            writer.writerow([section, item, count])
    return out.getvalue()
