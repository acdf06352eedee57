"""What the line answers each webhook: the next TwiML of a call, from its state and its request.

Each answer reads the call state from the request's URL, asks :mod:`ivr.runtime.engine`
what happens next and returns the cached TwiML of the next state; nothing is stored
between requests. Every step is logged and handed to the statistics (:mod:`ivr.serve.step_records`). The WSGI side (the
body, the signature, errors) is :mod:`ivr.serve.webhooks`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from twilio.request_validator import RequestValidator

from ivr.platform import LineMetrics, call_id
from ivr.runtime import engine
from ivr.runtime import flow as rt
from ivr.runtime import twilio as tw
from ivr.runtime.state import LANGUAGE_PARAM, MAX_LANGUAGE, CallState
from ivr.runtime.twilio import line_number
from ivr.serve import fallback as safe
from ivr.serve.signature import FormParams
from ivr.serve.step_records import StepRecords, answered_by, label_of
from ivr.serve.store import FlowStore
from ivr.stats.events import BY_SPEECH, KIND_END, KIND_START, KIND_STEP
from ivr.stats.recorder import Recorder

log = logging.getLogger("ivr.call")

EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response />'
SAFE_BODY = safe.SAFE_TWIML.encode()
QUICK_EXIT_BODY = safe.QUICK_EXIT.encode()
AFTER_DIAL_CONNECTED_BODY = safe.AFTER_DIAL_CONNECTED.encode()
AFTER_DIAL_NOT_CONNECTED_BODY = safe.AFTER_DIAL_NOT_CONNECTED.encode()
#: The destination label of the fallback's transfers: it always dials the helpline.
FALLBACK_DESTINATION = "helpline"


class LineServices:
    """What the webhooks need, made once by the app factory."""

    def __init__(
        self,
        store: FlowStore,
        validator: RequestValidator,
        public_url: str,
        log_secret: bytes,
        max_request_bytes: int,
        recorder: Recorder | None = None,
        allowed_hosts: tuple[str, ...] = (),
        metrics: LineMetrics | None = None,
    ) -> None:
        self.store = store
        self.validator = validator
        self.public_url = public_url
        self.log_secret = log_secret
        self.max_request_bytes = max_request_bytes
        self.recorder = recorder
        self.allowed_hosts = allowed_hosts
        #: What Prometheus is shown (None: not counted, e.g. the console's draft line).
        self.metrics = metrics


class Request:
    """One webhook request: its query string, its POST parameters and the call it belongs to."""

    __slots__ = ("form", "query", "_call_id")

    def __init__(self, query: str, form: FormParams) -> None:
        self.form = form
        self.query = query
        self._call_id = ""

    def call_id(self, secret: bytes) -> str:
        """The keyed hash of the CallSid, computed once for the log and the statistics."""
        if not self._call_id:
            self._call_id = call_id(self.form.first(tw.CALL_SID), secret)
        return self._call_id

    def param(self, name: str, limit: int = 100) -> str:
        return self.form.first(name)[:limit]

    def line_number(self) -> str:
        """The number the caller rang (``To``): what every transfer shows, never the caller's."""
        return line_number(self.form.first(tw.TO)[:20])

    def language(self) -> str:
        """The call's language as its URL names it (the first ``l`` of the query string)."""
        for name, value in tw.parse_pairs(self.query):
            if name == LANGUAGE_PARAM:
                return value[:MAX_LANGUAGE]
        return ""


class Answers:
    """The answer to each webhook, by what Twilio asks for."""

    def __init__(self, line: LineServices) -> None:
        self.line = line
        self.records = StepRecords(line)

    def answer(self, request: Request) -> bytes:
        """A new call: Twilio's "a call comes in" URL (``?l=pl-PL`` starts in that language)."""
        live = self.line.store.live
        state = engine.start(live.flow, request.language())
        self.records.log_step(request, state, None, live.flow.version)
        self.records.record(request, kind=KIND_START, node=state.node, language=state.language)
        return live.renderer.body(state, request.line_number())

    def node(self, request: Request) -> bytes:
        return self.serve(request, None)

    def choose(self, request: Request) -> bytes:
        digits = request.param(tw.DIGITS, 20)
        speech = request.param(tw.SPEECH_RESULT, engine.MAX_SPEECH)
        confidence = request.param(tw.CONFIDENCE, 20)
        return self.serve(
            request,
            lambda flow, state: engine.on_input(flow, state, digits, speech, confidence),
            lambda step: answered_by(digits, speech, step),
        )

    def silence(self, request: Request) -> bytes:
        return self.serve(request, engine.on_silence)

    def dialed(self, request: Request) -> bytes:
        status = request.param(tw.DIAL_CALL_STATUS, 20)
        return self.serve(request, lambda flow, state: engine.on_dial_result(flow, state, status))

    def status(self, request: Request) -> bytes:
        """Twilio's call status callback: how long the call lasted, once it has ended."""
        status = request.param(tw.CALL_STATUS, 20)
        if status in tw.CALL_ENDED:
            duration = request.param(tw.CALL_DURATION, 10)
            self.records.record(
                request,
                kind=KIND_END,
                outcome=status,
                duration=int(duration) if duration.isascii() and duration.isdigit() else None,
            )
        return EMPTY_TWIML

    def whisper(self, request: Request) -> bytes:
        """Twilio's request when the adviser answers a helpline transfer (``<Number url>``):
        what they hear before the call is bridged (:mod:`ivr.runtime.whisper`), from the state
        in the signed URL only. Whatever goes wrong, an empty document: the call is bridged
        without the whisper, never the line's own helpline TwiML, which would dial the helpline
        from the adviser's phone."""
        try:
            live = self.line.store.live
            return live.renderer.whisper(CallState.from_query_string(request.query, default_node=rt.HELPLINE_NODE))
        except Exception:
            log.exception(
                "the adviser's whisper failed: the call is put through without it",
                extra={"fields": {"event": "whisper-error"}},
            )
            return EMPTY_TWIML

    def fallback(self, request: Request) -> bytes:
        """Twilio's "primary handler fails" URL: needs nothing but the auth token."""
        fields = {"event": "fallback", "error_code": request.param(tw.ERROR_CODE, 10)}
        log.warning("fallback requested", extra={"fields": fields})
        return safe.safe_twiml(request.line_number())

    def fallback_key(self, request: Request) -> bytes:
        """A key during the fallback's words: 9 ends the call; 0 connects at once; any other
        key connects before a transfer and ends the call after a finished one."""
        key = request.param(tw.DIGITS, 5)[:1]
        after_a_call = (safe.AFTER_A_CALL_PARAM, "1") in tw.parse_pairs(request.query)
        if key == "9" or (after_a_call and key != "0"):
            if key == "9" and self.line.metrics is not None:
                self.line.metrics.quick_exit()
            return QUICK_EXIT_BODY
        return safe.dial_now(request.line_number())

    def fallback_dialed(self, request: Request) -> bytes:
        status = request.param(tw.DIAL_CALL_STATUS, 20)
        connected = status in tw.DIAL_CONNECTED
        if self.line.metrics is not None:
            self.line.metrics.transfer_ended(FALLBACK_DESTINATION, status, connected)
        return AFTER_DIAL_CONNECTED_BODY if connected else AFTER_DIAL_NOT_CONNECTED_BODY

    # -- shared ----------------------------------------------------------------------------
    def serve(
        self,
        request: Request,
        decide: Callable[[rt.Flow, CallState], engine.Step] | None,
        how_answered: Callable[[engine.Step], str] | None = None,
    ) -> bytes:
        """The next TwiML after ``decide``'s step (none: the state's own), the step logged and
        recorded with how the caller answered (``how_answered``; none: they did not)."""
        live = self.line.store.live
        flow = live.flow
        state = CallState.from_query_string(request.query, default_node=flow.start)
        step = decide(flow, state) if decide is not None else None
        next_state = step.state if step is not None else state
        self.records.log_step(request, state, step, flow.version)
        if step is not None:
            how = how_answered(step) if how_answered is not None else ""
            self.records.count(request, step.outcome)
            if how == BY_SPEECH:
                self.records.count_spoken(request, flow, next_state.language, step.outcome)
            self.records.record(
                request,
                kind=KIND_STEP,
                node=state.node,
                outcome=step.outcome,
                choice=step.choice,
                language=next_state.language,
                label=label_of(flow, next_state.node),
                answered_by=how,
            )
        if flow.node(next_state.node) is None:
            # A call that started on an older version of the flow, at a node that is gone.
            log.warning(
                "unknown node: connecting to the helpline",
                extra={"fields": {"event": "unknown-node", "node": next_state.node[:80]}},
            )
            next_state = next_state.at(rt.HELPLINE_NODE)
        return live.renderer.body(next_state, request.line_number())

    def helpline_in_callers_language(self, request: Request) -> bytes:
        """The live flow's helpline transfer in the call's language; if even that fails, the
        built-in safe TwiML, which depends on nothing (docs/safety.md rule 4)."""
        try:
            flow = self.line.store.live.flow
            language = request.language()
            state = CallState(rt.HELPLINE_NODE, language if language in flow.languages else flow.language)
            return self.line.store.live.renderer.body(state, request.line_number())
        except Exception:
            log.exception("the helpline TwiML failed too: answering with the built-in safe TwiML")
            try:
                return safe.safe_twiml(request.line_number())
            except Exception:
                return SAFE_BODY
