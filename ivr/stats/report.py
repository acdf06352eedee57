"""What the console and ``ivr stats export`` make of the call events: aggregates only.

Calls are told apart by the keyed hash the events carry, summarised one by one (how each
ended, where a caller hung up), then counted. Nothing call-level leaves this module.
"""

from __future__ import annotations

import csv
import io
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import Engine, select

from ivr.database import call_events
from ivr.definition.builtins import is_builtin_node
from ivr.definition.limits import DAY_SECONDS
from ivr.runtime.outcomes import RETRIES, Kind, Outcome
from ivr.stats.events import KIND_END, KIND_STEP
from ivr.stats.spoken import SpeechTally, SpokenAnswers

#: How a call ended, as the console says it.
CONNECTED = "connected to "
TRANSFER_FAILED = "transfer failed"
QUICK_EXIT = "quick exit"
HUNG_UP = "caller hung up at "
IN_PROGRESS = "still in the call, or ended without a status"


@dataclass
class CallSummary:
    first_at: float = 0.0
    language: str = ""
    outcomes: list[Outcome] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    last_node: str = ""
    retries: int = 0
    ended: bool = False
    duration: int | None = None

    def outcome(self, number_names: dict[str, str]) -> str:
        """How the call ended, most helpful outcome first."""
        for outcome in reversed(self.outcomes):
            if outcome.kind is Kind.CONNECTED:
                return CONNECTED + number_names.get(outcome.number, outcome.number)
        if any(o.kind is Kind.NOT_CONNECTED for o in self.outcomes):
            return TRANSFER_FAILED
        if self.labels:
            return self.labels[-1]
        if any(o.kind is Kind.QUICK_EXIT for o in self.outcomes):
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
    spoken: list[SpokenAnswers] = field(default_factory=list)  # per language: ivr.stats.spoken
    spoken_in_all: SpokenAnswers = field(default_factory=lambda: SpokenAnswers("", {}))
    answers_unknown: int = 0  # steps recorded before the line kept how callers answered


def summarise(
    engine: Engine, days: int = 30, number_names: dict[str, str] | None = None, now: float | None = None
) -> Report:
    """The console's statistics for the last ``days`` days, from the call events."""
    now = now or time.time()
    since = now - days * DAY_SECONDS
    calls: dict[str, CallSummary] = defaultdict(CallSummary)
    speech = SpeechTally()
    query = select(call_events).where(call_events.c.at >= since).order_by(call_events.c.at, call_events.c.id)
    with engine.connect() as connection:
        for row in connection.execute(query):
            call = calls[row.call]
            call.first_at = call.first_at or row.at
            if row.kind == KIND_END:
                call.ended = True
                call.duration = row.duration
                continue
            if row.language:
                call.language = row.language
            outcome = Outcome.parse(row.outcome) if row.outcome else None
            if outcome is not None:
                call.outcomes.append(outcome)
                call.retries += outcome.kind in RETRIES
            if row.kind == KIND_STEP:
                speech.add(row.answered_by, outcome, row.language)
            if row.label:
                call.labels.append(row.label)
            if row.node and not is_builtin_node(row.node):
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
        spoken=speech.languages(),
        spoken_in_all=speech.all_languages(),
        answers_unknown=speech.unknown,
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
