"""What each step of a call leaves behind: an event for the statistics, a count for
Prometheus, and (at DEBUG only) a log line. Kept apart from :mod:`ivr.serve.answers`, which
decides what a call hears: none of this may change it, and none of it keeps a caller's
words or number.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ivr.definition.limits import MAX_MESSAGE_CHAIN
from ivr.platform import OTHER
from ivr.runtime import engine
from ivr.runtime import flow as rt
from ivr.runtime import twilio as tw
from ivr.runtime.outcomes import Kind, Outcome
from ivr.runtime.state import CallState
from ivr.stats import spoken
from ivr.stats.events import BY_KEY, BY_SPEECH

if TYPE_CHECKING:
    from ivr.serve.answers import LineServices, Request

log = logging.getLogger("ivr.call")

#: The steps Prometheus counts (:meth:`StepRecords.count`).
COUNTED = frozenset({Kind.CONNECTED, Kind.NOT_CONNECTED, Kind.QUICK_EXIT})
#: What words the engine heard as nothing lead to: no answer, to the statistics.
HEARD_AS_SILENCE = frozenset({Kind.SILENCE, Kind.SILENCE_LIMIT})


class StepRecords:
    """The statistics, the metrics and the log of the line's calls, step by step."""

    def __init__(self, line: LineServices) -> None:
        self.line = line

    def record(self, request: Request, **event: object) -> None:
        """Hand an event to the statistics (off the call's path); the console's own test
        calls, marked by a parameter only the signed console can send, are not counted."""
        recorder = self.line.recorder
        if recorder is None or request.form.first(tw.TEST_CALL_PARAM):
            return
        recorder.record(call=request.call_id(self.line.log_secret), **event)

    def count(self, request: Request, outcome: Outcome) -> None:
        """Count a step Prometheus is shown: a transfer's end, a quick exit. The console's
        test calls are not counted, as in the statistics."""
        metrics = self.line.metrics
        if metrics is None or outcome.kind not in COUNTED or request.form.first(tw.TEST_CALL_PARAM):
            return
        if outcome.kind is Kind.QUICK_EXIT:
            metrics.quick_exit()
        else:
            metrics.transfer_ended(outcome.number, outcome.dial_status, outcome.kind is Kind.CONNECTED)

    def count_spoken(self, request: Request, flow: rt.Flow, language: str, outcome: Outcome) -> None:
        """Count a spoken answer for Prometheus by language and result, as the statistics do;
        a language the flow does not have (a forged URL) is counted as "other", so that no
        request can make a new series."""
        metrics = self.line.metrics
        if metrics is None or request.form.first(tw.TEST_CALL_PARAM):
            return
        metrics.spoken_answer(language if language in flow.languages else OTHER, spoken.result_of(outcome))

    def log_step(self, request: Request, state: CallState, step: engine.Step | None, version: str) -> None:
        """Each step in the log, at DEBUG (``IVR_LOG_LEVEL=DEBUG``): the statistics already keep
        every step of every call, for a set time and for all servers; a log line a step would
        copy what callers chose into logs nobody prunes, and cost a tenth of the line's
        throughput (bench/load.py)."""
        if not log.isEnabledFor(logging.DEBUG):
            return
        fields = {
            "event": "step",
            "call": request.call_id(self.line.log_secret),
            "flow": version,
            "node": state.node,
        }
        if step is not None:
            fields["outcome"] = str(step.outcome)
            fields["choice"] = step.choice
            fields["next"] = step.state.node
        log.debug("call step", extra={"fields": fields})


def answered_by(digits: str, speech: str, step: engine.Step) -> str:
    """How the caller answered, for the statistics: the kind only, never the words. From the
    request, not ``step.choice``: a spoken "repeat", "helpline" or language is recorded with
    the key it stands for. Keys win over words, as in the engine; words the engine heard as
    nothing (a silence) are no answer."""
    if digits.strip():
        return BY_KEY
    if speech.strip() and step.outcome.kind not in HEARD_AS_SILENCE:
        return BY_SPEECH
    return ""


def label_of(flow: rt.Flow, name: str) -> str:
    """The statistics label of the messages a call hears on arriving at ``name`` (a chain of
    messages is followed as far as the line follows one)."""
    node = flow.node(name)
    seen = 0
    while isinstance(node, rt.Message) and seen < MAX_MESSAGE_CHAIN:
        if node.label:
            return node.label
        node = flow.node(node.next)
        seen += 1
    return ""
