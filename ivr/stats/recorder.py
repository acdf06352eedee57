"""Anonymous call statistics: what an event may hold, and what the console makes of them.

The webhooks hand every event to the :class:`Recorder`, which writes it off the call's
path (:mod:`ivr.stats_writer`: batches, retries, a replaced database file). Before it is
written, each value is checked against a closed set (:class:`Allowed`): the names of the
live flow's nodes, numbers, languages and labels; the outcomes :mod:`ivr.engine` names;
Twilio's call and dial statuses; a phone's keys. Anything else (a forged node name
carrying a phone number, digits of another script) is stored as :data:`UNKNOWN`, so the
table can never hold what a caller or an attacker typed. The check runs on the writer's
thread, not in the webhook: the call's path costs what it did.
"""

from __future__ import annotations

import csv
import io
import logging
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Engine, String, select

from ivr.db import call_events
from ivr.runtime import flow as rt
from ivr.stats.writer import EMPTY_EVENT as EMPTY_EVENT
from ivr.stats.writer import EventWriter, HasEngine, Row, WriterSettings
from ivr.stats.writer import _insert as _insert
from ivr.stats.writer import delete_old_events as delete_old_events

log = logging.getLogger("ivr.stats")

# -- what an event may hold ------------------------------------------------------------------
#: What a value outside the closed set is stored as. No flow name can be this (they start
#: with a letter), nor any Twilio status; and the console counts no drop-off at a node whose
#: name starts with "_". Eight characters: it fits every column, ``choice`` included.
UNKNOWN = "_unknown"
KINDS = frozenset({"start", "step", "end"})
#: Twilio's CallStatus values: the ``outcome`` of an "end" event.
CALL_STATUSES = frozenset(
    {"queued", "initiated", "ringing", "in-progress", "completed", "busy", "failed", "no-answer", "canceled"}
)
#: Twilio's DialCallStatus values, and the engine's word for a missing one.
DIAL_STATUSES = frozenset({"completed", "answered", "busy", "no-answer", "failed", "canceled", "unknown"})
#: The outcomes :mod:`ivr.engine` names in full; the rest end in a name of the flow:
#: ``language:<code>``, ``connected:<number>``, ``not-connected:<number>:<DialCallStatus>``.
OUTCOMES = frozenset(
    {
        "choice", "repeat", "helpline", "helpline-now", "skip", "goodbye-skipped", "quick-exit", "slower",
        "invalid", "unclear", "danger-words", "silence", "silence-limit", "invalid-limit",
        "input-outside-menu", "silence-outside-menu", "dial-result-outside-transfer",
    }
)  # fmt: skip
CHOICES = frozenset([*"0123456789*#", "speech"])
LONGEST_CALL = 24 * 3600  # seconds: Twilio ends every call by then
#: Columns that may be empty (the event did not say); ``call`` and ``kind`` never are.
OPTIONAL = frozenset({"node", "outcome", "choice", "language", "label"})
#: What each text column holds at most (PostgreSQL refuses longer; SQLite would keep them).
LENGTHS = {c.name: c.type.length or 200 for c in call_events.columns if isinstance(c.type, String)}
#: With no flow to compare against: names shaped as the checker allows (the line's own
#: prefixed, "_busy:_transfer:crimestoppers"), and language codes, in ASCII only...
_NAME = re.compile(r"(?:_[a-z_]+:)*_?[A-Za-z][A-Za-z0-9_\-]*")
_LANGUAGE = re.compile(r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8}){0,3}")
#: ... and with too few digits to be a phone number.
_FEW_DIGITS = 4


def _few_digits(value: str) -> bool:
    return sum(c.isdigit() for c in value) <= _FEW_DIGITS


def _shaped(value: str, pattern: re.Pattern[str]) -> bool:
    return pattern.fullmatch(value) is not None and _few_digits(value)


def _is_call_id(value: str) -> bool:
    """The keyed hash of :func:`ivr.logs.call_id`: ASCII letters only."""
    return value.isascii() and value.isalpha() and len(value) <= LENGTHS["call"]


@dataclass(frozen=True)
class Allowed:
    """The closed set of values a statistic may hold: the names of the live flow, or,
    before a flow is known (``None``), names shaped like a flow's with at most four digits."""

    nodes: frozenset[str] | None = None
    numbers: frozenset[str] | None = None
    languages: frozenset[str] | None = None
    labels: frozenset[str] | None = None

    @classmethod
    def of(cls, flow: rt.Flow) -> Allowed:
        nodes = flow.nodes.values()
        return cls(
            nodes=frozenset(flow.nodes),
            numbers=frozenset({flow.helpline.key, *(n.target.key for n in nodes if isinstance(n, rt.Transfer))}),
            languages=frozenset(flow.languages),
            labels=frozenset(n.label for n in nodes if isinstance(n, rt.Message) and n.label),
        )

    def clean(self, event: Mapping[str, Any]) -> tuple[dict[str, Any], int]:
        """The row to store for ``event``, and how many of its values were replaced."""
        end = event.get("kind") == "end"
        known: dict[str, Callable[[str], bool]] = {
            "call": _is_call_id,
            "kind": KINDS.__contains__,
            "node": self.is_node,
            "outcome": CALL_STATUSES.__contains__ if end else self.is_outcome,
            "choice": CHOICES.__contains__,
            "language": self.is_language,
            "label": self.is_label,
        }
        at = event.get("at")
        duration = event.get("duration")
        row: dict[str, Any] = {
            "at": at if isinstance(at, float) else time.time(),
            "duration": duration if type(duration) is int and 0 <= duration <= LONGEST_CALL else None,
        }
        replaced = int(duration is not None and row["duration"] is None)
        for column, is_known in known.items():
            value = event.get(column, "")
            if isinstance(value, str) and ((value == "" and column in OPTIONAL) or (value and is_known(value))):
                row[column] = value[: LENGTHS[column]]
            else:
                row[column] = UNKNOWN
                replaced += 1
        return row, replaced

    def is_node(self, value: str) -> bool:
        return value in self.nodes if self.nodes is not None else _shaped(value, _NAME)

    def is_number(self, value: str) -> bool:
        return value in self.numbers if self.numbers is not None else _shaped(value, _NAME)

    def is_language(self, value: str) -> bool:
        return value in self.languages if self.languages is not None else _shaped(value, _LANGUAGE)

    def is_label(self, value: str) -> bool:
        """Labels are the flow's own words; without the flow, any without a phone number."""
        return value in self.labels if self.labels is not None else _few_digits(value)

    def is_outcome(self, value: str) -> bool:
        if value in OUTCOMES:
            return True
        what, _, name = value.partition(":")
        if what == "language":
            return self.is_language(name)
        if what == "connected":
            return self.is_number(name)
        number, _, status = name.partition(":")
        return what == "not-connected" and self.is_number(number) and status in DIAL_STATUSES


class Recorder(EventWriter):
    """Writes the call events, each value checked against the closed set of the live flow.

    ``live_flow`` gives the flow being served (the app passes its store's). Without it,
    only the shape of names is checked: ASCII, as the checker allows, at most four digits.
    """

    def __init__(
        self,
        database: HasEngine,
        retention_days: int,
        live_flow: Callable[[], rt.Flow] | None = None,
        settings: WriterSettings | None = None,
    ) -> None:
        super().__init__(database, retention_days, settings)
        self.live_flow = live_flow
        self._allowed: tuple[rt.Flow | None, Allowed] = (None, Allowed())  # the writer thread's
        self._flow_failed = False

    def clean(self, events: list[dict[str, Any]]) -> tuple[list[Row], int]:
        allowed = self._allowed_now()
        rows, replaced = [], 0
        for event in events:
            row, n = allowed.clean(event)
            rows.append(row)
            replaced += n
        return rows, replaced

    def _allowed_now(self) -> Allowed:
        """The closed set of the live flow, made again only when the flow changes."""
        if self.live_flow is None:
            return self._allowed[1]
        try:
            flow = self.live_flow()
        except Exception:  # no flow now: the last one's names still hold
            if not self._flow_failed:  # once, not on every batch
                log.exception("the statistics could not read the live flow; checking with the last one")
            self._flow_failed = True
            return self._allowed[1]
        self._flow_failed = False
        if flow is not self._allowed[0]:
            self._allowed = (flow, Allowed.of(flow))
        return self._allowed[1]


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
            if row.outcome in ("silence", "invalid", "unclear"):
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
