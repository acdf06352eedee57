"""Anonymous call statistics: what an event may hold (docs/safety.md rule 2).

The webhooks hand every event to the :class:`Recorder`, which writes it off the call's
path (:mod:`ivr.stats.writer`: batches, retries, a replaced database file). Before it is
written, each value is checked against a closed set (:class:`Allowed`): the names of the
live flow's nodes, numbers, languages and labels; the outcomes
:class:`~ivr.runtime.outcomes.Outcome` reads back; Twilio's call and dial statuses; a
phone's keys. Anything else (a forged node name carrying a phone number, digits of another
script) is stored as :data:`UNKNOWN`, so the table can never hold what a caller or an
attacker typed, or said: of a spoken answer only its kind ("speech") is kept. The check
runs on the writer's thread, not in the webhook: the call's path costs what it did.
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import String

from ivr.database import call_events
from ivr.definition.limits import DAY_SECONDS
from ivr.platform import LineMetrics
from ivr.runtime import flow as rt
from ivr.runtime.outcomes import OUTCOME_DIAL_STATUSES, Kind, Outcome
from ivr.runtime.twilio import CALL_STATUSES
from ivr.stats.events import ANSWERED_BY, EMPTY_EVENT, KIND_END, KINDS, Row
from ivr.stats.writer import EventWriter, HasEngine, WriterSettings

log = logging.getLogger("ivr.stats")

# -- what an event may hold ------------------------------------------------------------------
#: What a value outside the closed set is stored as. No flow name can be this (they start
#: with a letter), nor any Twilio status; it is a built-in node's name to the console
#: (:func:`~ivr.definition.builtins.is_builtin_node`), which counts no drop-off at one.
#: Eight characters: it fits every column, ``choice`` included.
UNKNOWN = "_unknown"
CHOICES = frozenset([*"0123456789*#", "speech"])
LONGEST_CALL = DAY_SECONDS  # Twilio ends every call by then
#: What each text column holds at most (PostgreSQL refuses longer; SQLite would keep them).
LENGTHS = {c.name: c.type.length or 200 for c in call_events.columns if isinstance(c.type, String)}
#: Text columns that may be empty (the event did not say: the table's default is "");
#: ``call`` and ``kind`` never are.
OPTIONAL = frozenset(column for column in LENGTHS if EMPTY_EVENT[column] == "")
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
    """The keyed hash of :func:`ivr.platform.logs.call_id`: ASCII letters only."""
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
        end = event.get("kind") == KIND_END
        known: dict[str, Callable[[str], bool]] = {
            "call": _is_call_id,
            "kind": KINDS.__contains__,
            "node": self.is_node,
            "outcome": CALL_STATUSES.__contains__ if end else self.is_outcome,
            "choice": CHOICES.__contains__,
            "language": self.is_language,
            "label": self.is_label,
            "answered_by": ANSWERED_BY.__contains__,
        }
        at = event.get("at")
        duration = event.get("duration")
        row: dict[str, Any] = {
            "at": at if isinstance(at, float) else time.time(),
            "duration": duration if type(duration) is int and 0 <= duration <= LONGEST_CALL else None,
        }
        replaced = int(duration is not None and row["duration"] is None)
        for column in LENGTHS:  # every text column of the table: a new one without a rule fails here
            is_known = known[column]
            value = event.get(column, "")
            if isinstance(value, Outcome):  # what the engine gave the webhooks: stored as its text
                value = str(value)
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
        """An outcome's text (:class:`~ivr.runtime.outcomes.Outcome`) naming only what is known."""
        outcome = Outcome.parse(value)
        if outcome is None:
            return False
        if outcome.kind is Kind.LANGUAGE:
            return self.is_language(outcome.language)
        if outcome.kind is Kind.CONNECTED:
            return self.is_number(outcome.number)
        if outcome.kind is Kind.NOT_CONNECTED:
            return self.is_number(outcome.number) and outcome.dial_status in OUTCOME_DIAL_STATUSES
        return True


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
        audit_retention_days: int | None = None,
        metrics: LineMetrics | None = None,
    ) -> None:
        super().__init__(database, retention_days, settings, audit_retention_days, metrics)
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
