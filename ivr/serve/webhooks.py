"""The webhooks Twilio calls: ``/voice`` and the action URLs the line's TwiML names.

These are the line's hot path — every second of every call goes through them — so they
are a small WSGI application of their own, mounted at ``/voice`` in front of the Flask
app by Werkzeug's ``DispatcherMiddleware`` (:func:`mount`), rather than Flask views: no
request context, no routing table, the body read once and parsed once for both the
signature and the answer. Everything else (recordings, operators' pages) stays in Flask.

Here is what every request goes through: its size, its method, Twilio's signature
(docs/safety.md rule 5) and parameters Twilio sends once. What the line answers is
:mod:`ivr.serve.answers`. Whatever goes wrong inside, the caller gets safe TwiML that
says the helpline number and connects to it (docs/safety.md rule 4); only a request that
is not from Twilio is refused (403).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from typing import Any

from werkzeug.middleware.dispatcher import DispatcherMiddleware

from ivr.runtime import twilio as tw
from ivr.serve.answers import Answers, LineServices, Request
from ivr.serve.signature import FormParams, is_from_twilio, parse_form

log = logging.getLogger("ivr.call")

#: The handler name of a path the line does not serve.
UNKNOWN_PATH = "unknown"
TWIML_HEADERS = [("Content-Type", "text/xml; charset=utf-8")]
StartResponse = Callable[..., Any]
Environ = dict[str, Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class VoiceApp:
    """The WSGI application behind ``/voice``."""

    def __init__(self, line: LineServices) -> None:
        self.line = line
        answers = Answers(line)
        #: Paths as seen under the mount (``/voice/input`` is ``/input``), each with the
        #: name its requests are counted under (a closed set: no label from a request).
        self.routes: dict[str, tuple[str, Callable[[Request], bytes]]] = {
            "": ("answer", answers.answer),
            "/": ("answer", answers.answer),
            tw.under_mount(tw.PATH_NODE): ("node", answers.node),
            tw.under_mount(tw.PATH_INPUT): ("input", answers.choose),
            tw.under_mount(tw.PATH_SILENCE): ("silence", answers.silence),
            tw.under_mount(tw.PATH_DIALED): ("dialed", answers.dialed),
            tw.under_mount(tw.PATH_STATUS): ("status", answers.status),
            tw.under_mount(tw.PATH_WHISPER): ("whisper", answers.whisper),
            tw.under_mount(tw.PATH_FALLBACK): ("fallback", answers.fallback),
            tw.under_mount(tw.PATH_FALLBACK_DIALED): ("fallback-dialed", answers.fallback_dialed),
            tw.under_mount(tw.PATH_FALLBACK_KEY): ("fallback-key", answers.fallback_key),
        }
        self.when_failing = answers.helpline_in_callers_language

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        handler, status, headers, body = self._respond(environ)
        start_response(status, headers)
        metrics = self.line.metrics
        if metrics is not None:
            metrics.request_answered(handler, status[:3], started)
        return [body]

    def _respond(self, environ: Environ) -> tuple[str, str, list[tuple[str, str]], bytes]:
        """The request's handler name, and the status, headers and body of the answer."""
        name, handler = self.routes.get(environ.get("PATH_INFO", ""), (UNKNOWN_PATH, None))
        if handler is None:
            return name, *_plain("404 Not Found", b"Not found\n")
        if environ.get("REQUEST_METHOD") != "POST":
            return name, *_plain("405 Method Not Allowed", b"Twilio webhooks take POST\n", [("Allow", "POST")])
        try:
            body = self._read_body(environ)
        except (OSError, ValueError):  # the client went away while sending
            return name, *_plain("400 Bad Request", b"Could not read the request\n")
        if body is None:
            return name, *_plain("413 Request Entity Too Large", b"Request too large\n")
        form = parse_form(body)
        if not self._signed(environ, form):
            log.warning(
                "refused a request without a valid Twilio signature",
                extra={"fields": {"event": "forbidden", "path": _path(environ)}},
            )
            return name, *_plain("403 Forbidden", b"Forbidden\n")
        if form.repeated and any(len(form.get(param, ())) > 1 for param in tw.SENT_ONCE):
            # A signed request replayed with a parameter's values reordered (see SENT_ONCE).
            log.warning("refused a request that repeats a parameter", extra={"fields": {"event": "repeated"}})
            return name, *_plain("400 Bad Request", b"A parameter Twilio sends once is repeated\n")
        request = Request(environ.get("QUERY_STRING", ""), form)
        try:
            twiml = handler(request)
        except Exception:
            # Never Twilio's "application error": any failure still reaches the helpline.
            log.exception(
                "error while answering a call: connecting to the helpline",
                extra={"fields": {"event": "error", "path": _path(environ)}},
            )
            twiml = self.when_failing(request)
        return name, "200 OK", [*TWIML_HEADERS, ("Content-Length", str(len(twiml)))], twiml

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


def mount(flask_wsgi: WsgiApp, voice: VoiceApp) -> DispatcherMiddleware:
    """Requests under ``/voice`` to the webhooks, the rest to Flask. The middleware moves
    ``/voice`` from ``PATH_INFO`` to ``SCRIPT_NAME``: an access log that wants the whole
    path writes both (gunicorn.conf.py does)."""
    return DispatcherMiddleware(flask_wsgi, {tw.MOUNT: voice})


def _path(environ: Environ) -> str:
    """The whole path of the request, for the log."""
    return environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")


def _plain(
    status: str, body: bytes, headers: list[tuple[str, str]] | None = None
) -> tuple[str, list[tuple[str, str]], bytes]:
    return (
        status,
        [("Content-Type", "text/plain; charset=utf-8"), ("Content-Length", str(len(body))), *(headers or [])],
        body,
    )
