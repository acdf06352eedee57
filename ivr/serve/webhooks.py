"""The webhooks Twilio calls: ``/voice`` and the action URLs the line's TwiML names.

Each request reads the call state from its URL, asks :mod:`ivr.engine` what happens next
and answers with the cached TwiML of the next state. Nothing is stored between requests.
Whatever goes wrong inside, the caller gets safe TwiML that says the helpline number
and connects to it; only a request that is not from Twilio is refused (403).

These are the line's hot path — every second of every call goes through them — so they
are a small WSGI application of their own, mounted at ``/voice`` in front of the Flask
app by the factory, rather than Flask views: no request context, no routing table, the
body read once and parsed once for both the signature and the handler. Everything else
(recordings, operators' pages) stays in Flask.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Any

from twilio.request_validator import RequestValidator

from ivr.logs import call_id
from ivr.runtime import engine
from ivr.runtime import flow as rt
from ivr.runtime.state import CallState
from ivr.runtime.twiml import line_number
from ivr.serve import fallback as safe
from ivr.serve.signature import FormParams, is_from_twilio, parse_form
from ivr.serve.store import FlowStore
from ivr.stats.recorder import Recorder

log = logging.getLogger("ivr.call")

MOUNT = "/voice"
TWIML_HEADERS = [("Content-Type", "text/xml; charset=utf-8")]
StartResponse = Callable[..., Any]
Environ = dict[str, Any]


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
    ) -> None:
        self.store = store
        self.validator = validator
        self.public_url = public_url
        self.log_secret = log_secret
        self.max_request_bytes = max_request_bytes
        self.recorder = recorder
        self.allowed_hosts = allowed_hosts


class Request:
    """One webhook request: its environ, its POST parameters and the call it belongs to."""

    __slots__ = ("environ", "form", "query", "_call_id")

    def __init__(self, environ: Environ, form: FormParams) -> None:
        self.environ = environ
        self.form = form
        self.query = environ.get("QUERY_STRING", "")
        self._call_id = ""

    def call_id(self, secret: bytes) -> str:
        """The keyed hash of the CallSid, computed once for the log and the statistics."""
        if not self._call_id:
            self._call_id = call_id(self.form.first("CallSid"), secret)
        return self._call_id

    def param(self, name: str, limit: int = 100) -> str:
        return self.form.first(name)[:limit]

    def line_number(self) -> str:
        """The number the caller rang (``To``): what every transfer shows, never the caller's."""
        return line_number(self.form.first("To")[:20])

    def language(self) -> str:
        """The ``l`` of the query string (the call's language), without parsing all of it."""
        for pair in self.query.split("&"):
            if pair.startswith("l="):
                return pair[2:22]
        return ""


Handler = Callable[["VoiceApp", Request], bytes]


class VoiceApp:
    """The WSGI application behind ``/voice``."""

    def __init__(self, line: LineServices) -> None:
        self.line = line
        self.routes: dict[str, Handler] = {
            "": VoiceApp.answer,
            "/": VoiceApp.answer,
            "/node": VoiceApp.node,
            "/input": VoiceApp.choose,
            "/silence": VoiceApp.silence,
            "/dialed": VoiceApp.dialed,
            "/fallback": VoiceApp.fallback,
            "/fallback/dialed": VoiceApp.fallback_dialed,
            "/fallback/key": VoiceApp.fallback_key,
            "/status": VoiceApp.status,
        }

    # -- WSGI ------------------------------------------------------------------------------
    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        handler = self.routes.get(environ.get("PATH_INFO", ""))
        if handler is None:
            return _plain(start_response, "404 Not Found", b"Not found\n")
        if environ.get("REQUEST_METHOD") != "POST":
            return _plain(start_response, "405 Method Not Allowed", b"Twilio webhooks take POST\n", [("Allow", "POST")])
        try:
            body = self._read_body(environ)
        except (OSError, ValueError):  # the client went away while sending
            return _plain(start_response, "400 Bad Request", b"Could not read the request\n")
        if body is None:
            return _plain(start_response, "413 Request Entity Too Large", b"Request too large\n")
        form = parse_form(body)
        if not self._signed(environ, form):
            log.warning(
                "refused a request without a valid Twilio signature",
                extra={"fields": {"event": "forbidden", "path": MOUNT + environ.get("PATH_INFO", "")}},
            )
            return _plain(start_response, "403 Forbidden", b"Forbidden\n")
        if any(len(form.get(name, ())) > 1 for name in SENT_ONCE):
            # Twilio sends each of these once; its signature sorts the values, so a request
            # that repeats one could be a signed request replayed with its values reordered.
            log.warning("refused a request that repeats a parameter", extra={"fields": {"event": "repeated"}})
            return _plain(start_response, "400 Bad Request", b"A parameter Twilio sends once is repeated\n")
        request = Request(environ, form)
        try:
            twiml = handler(self, request)
        except Exception:
            # Never Twilio's "application error": any failure still reaches the helpline.
            log.exception(
                "error while answering a call: connecting to the helpline",
                extra={"fields": {"event": "error", "path": MOUNT + environ.get("PATH_INFO", "")}},
            )
            twiml = self.helpline_in_callers_language(request)
        start_response("200 OK", [*TWIML_HEADERS, ("Content-Length", str(len(twiml)))])
        return [twiml]

    def _signed(self, environ: Environ, form: FormParams) -> bool:
        try:
            return is_from_twilio(environ, form, self.line.validator, self.line.public_url, self.line.allowed_hosts)
        except Exception:  # whatever breaks the check, an unchecked request is not served
            log.exception("the signature check failed", extra={"fields": {"event": "signature-check-error"}})
            return False

    def _read_body(self, environ: Environ) -> bytes | None:
        """The request body, or ``None`` when it is larger than the line accepts."""
        limit = self.line.max_request_bytes
        try:
            length = int(environ.get("CONTENT_LENGTH") or -1)
        except ValueError:
            length = -1
        if length > limit:
            return None
        stream = environ["wsgi.input"]
        body = stream.read(length) if length >= 0 else stream.read(limit + 1)
        return None if len(body) > limit else body

    # -- the webhooks ----------------------------------------------------------------------
    def answer(self, request: Request) -> bytes:
        """A new call: Twilio's "a call comes in" URL (``?l=pl-PL`` starts in that language)."""
        live = self.line.store.live
        state = engine.start(live.flow, request.language())
        self.log_step(request, state, None, live.flow.version)
        self.record(request, kind="start", node=state.node, language=state.language)
        return live.renderer.body(state, request.line_number())

    def node(self, request: Request) -> bytes:
        return self.serve(request, None)

    def choose(self, request: Request) -> bytes:
        digits = request.param("Digits", 20)
        speech = request.param("SpeechResult", engine.MAX_SPEECH)
        confidence = request.param("Confidence", 20)
        return self.serve(request, lambda flow, state: engine.on_input(flow, state, digits, speech, confidence))

    def silence(self, request: Request) -> bytes:
        return self.serve(request, engine.on_silence)

    def dialed(self, request: Request) -> bytes:
        status = request.param("DialCallStatus", 20)
        return self.serve(request, lambda flow, state: engine.on_dial_result(flow, state, status))

    def status(self, request: Request) -> bytes:
        """Twilio's call status callback: how long the call lasted, once it has ended."""
        if request.param("CallStatus", 20) in ("completed", "busy", "failed", "no-answer", "canceled"):
            duration = request.param("CallDuration", 10)
            self.record(
                request,
                kind="end",
                outcome=request.param("CallStatus", 20),
                duration=int(duration) if duration.isascii() and duration.isdigit() else None,
            )
        return EMPTY_TWIML

    def fallback(self, request: Request) -> bytes:
        """Twilio's "primary handler fails" URL: needs nothing but the auth token."""
        log.warning(
            "fallback requested", extra={"fields": {"event": "fallback", "error_code": request.param("ErrorCode", 10)}}
        )
        return safe.safe_twiml(request.line_number())

    def fallback_key(self, request: Request) -> bytes:
        """A key during the fallback's words: 9 ends the call; 0 connects at once; any other
        key connects before a transfer and ends the call after a finished one."""
        key = request.param("Digits", 5)[:1]
        after_a_call = "done=1" in request.query.split("&")
        if key == "9" or (after_a_call and key != "0"):
            return QUICK_EXIT_BODY
        return safe.dial_now(request.line_number())

    def fallback_dialed(self, request: Request) -> bytes:
        connected = request.param("DialCallStatus", 20) in engine.CONNECTED
        return AFTER_DIAL_CONNECTED_BODY if connected else AFTER_DIAL_NOT_CONNECTED_BODY

    # -- shared ----------------------------------------------------------------------------
    def serve(self, request: Request, decide: Callable[[rt.Flow, CallState], engine.Step] | None) -> bytes:
        live = self.line.store.live
        flow = live.flow
        state = CallState.from_query_string(request.query, default_node=flow.start)
        step = decide(flow, state) if decide is not None else None
        next_state = step.state if step is not None else state
        self.log_step(request, state, step, flow.version)
        if step is not None:
            self.record(
                request,
                kind="step",
                node=state.node,
                outcome=step.outcome,
                choice=step.choice,
                language=next_state.language,
                label=_label(flow, next_state.node),
            )
        if flow.node(next_state.node) is None:
            # A call that started on an older version of the flow, at a node that is gone.
            log.warning(
                "unknown node: connecting to the helpline",
                extra={"fields": {"event": "unknown-node", "node": next_state.node[:80]}},
            )
            next_state = next_state.at(rt.HELPLINE_NODE)
        return live.renderer.body(next_state, request.line_number())

    def record(self, request: Request, **event: object) -> None:
        """Hand an event to the statistics (off the call's path); the console's own test
        calls, marked by a parameter only the signed console can send, are not counted."""
        recorder = self.line.recorder
        if recorder is None or request.form.first(TEST_CALL_PARAM):
            return
        recorder.record(call=request.call_id(self.line.log_secret), **event)

    def log_step(self, request: Request, state: CallState, step: engine.Step | None, version: str) -> None:
        if not log.isEnabledFor(logging.INFO):
            return
        fields = {
            "event": "step",
            "call": request.call_id(self.line.log_secret),
            "flow": version,
            "node": state.node,
        }
        if step is not None:
            fields["outcome"] = step.outcome
            fields["choice"] = step.choice
            fields["next"] = step.state.node
        log.info("call step", extra={"fields": fields})

    def helpline_in_callers_language(self, request: Request) -> bytes:
        """The live flow's helpline transfer in the call's language; if even that fails, the
        built-in safe TwiML, which depends on nothing."""
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


def _label(flow: rt.Flow, name: str) -> str:
    """The statistics label of the messages a call hears on arriving at ``name``."""
    node = flow.node(name)
    seen = 0
    while isinstance(node, rt.Message) and seen < 20:
        if node.label:
            return node.label
        node = flow.node(node.next)
        seen += 1
    return ""


TEST_CALL_PARAM = "IvrConsoleTest"
#: Parameters Twilio sends at most once in a request (its documented voice parameters).
SENT_ONCE = (
    "CallSid", "AccountSid", "From", "To", "Caller", "Called", "CallStatus", "Direction", "Digits",
    "SpeechResult", "Confidence", "DialCallStatus", "DialCallSid", "DialCallDuration", "CallDuration",
    "ErrorCode", TEST_CALL_PARAM,
)  # fmt: skip
EMPTY_TWIML = b'<?xml version="1.0" encoding="UTF-8"?><Response />'
SAFE_BODY = safe.SAFE_TWIML.encode()
QUICK_EXIT_BODY = safe.QUICK_EXIT.encode()
AFTER_DIAL_CONNECTED_BODY = safe.AFTER_DIAL_CONNECTED.encode()
AFTER_DIAL_NOT_CONNECTED_BODY = safe.AFTER_DIAL_NOT_CONNECTED.encode()


def _plain(
    start_response: StartResponse, status: str, body: bytes, headers: list[tuple[str, str]] | None = None
) -> list[bytes]:
    start_response(
        status, [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *(headers or [])]
    )
    return [body]


class MountVoice:
    """WSGI middleware: requests under ``/voice`` go to the webhooks, the rest to Flask."""

    def __init__(self, flask_wsgi: Callable[..., Iterable[bytes]], voice: VoiceApp) -> None:
        self.flask_wsgi = flask_wsgi
        self.voice = voice

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == MOUNT or path.startswith(MOUNT + "/"):
            # A copy: the server's own environ keeps the full path for its access log.
            mounted = {
                **environ,
                "SCRIPT_NAME": environ.get("SCRIPT_NAME", "") + MOUNT,
                "PATH_INFO": path[len(MOUNT) :],
            }
            return self.voice(mounted, start_response)
        return self.flask_wsgi(environ, start_response)
