"""The webhooks Twilio calls: ``/voice`` and the action URLs the line's TwiML names.

Each view reads the call state from its URL, asks :mod:`ivr.engine` what happens
next and answers with the cached TwiML of the next state. Nothing is stored between
requests. Whatever goes wrong inside, the caller gets safe TwiML that says the
helpline number and connects to it; only a request that is not from Twilio is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Blueprint, Flask, Response, abort, current_app, request
from twilio.request_validator import RequestValidator
from werkzeug.exceptions import HTTPException

from . import engine, safe
from . import flow as rt
from .logs import call_id
from .security import is_from_twilio
from .state import CallState
from .store import FlowStore

bp = Blueprint("voice", __name__, url_prefix="/voice")
log = logging.getLogger("ivr.call")

TWIML_MIMETYPE = "text/xml"


class LineServices:
    """What the webhooks need, made once by the app factory and kept in ``app.extensions``."""

    def __init__(self, store: FlowStore, validator: RequestValidator, public_url: str, log_secret: bytes) -> None:
        self.store = store
        self.validator = validator
        self.public_url = public_url
        self.log_secret = log_secret


def services() -> LineServices:
    return current_app.extensions["ivr"]


def _twiml(body: str) -> Response:
    return Response(body, 200, mimetype=TWIML_MIMETYPE)


@bp.before_request
def require_twilio_signature() -> None:
    line = services()
    limit = current_app.config["MAX_CONTENT_LENGTH"]
    if request.content_length is not None and request.content_length > limit:
        abort(413)
    if not is_from_twilio(request, line.validator, line.public_url):
        log.warning(
            "refused a request without a valid Twilio signature",
            extra={"fields": {"event": "forbidden", "path": request.path}},
        )
        abort(403)


def _log_step(state: CallState, step: engine.Step | None, version: str) -> None:
    fields = {
        "event": "step",
        "call": call_id(request.form.get("CallSid", ""), services().log_secret),
        "flow": version,
        "node": state.node,
    }
    if step is not None:
        fields.update(outcome=step.outcome, choice=step.choice, next=step.state.node)
    log.info("call step", extra={"fields": fields})


def _serve(decide: Callable[[rt.Flow, CallState], engine.Step] | None) -> Response:
    live = services().store.live
    flow = live.flow
    state = CallState.from_query(request.args, default_node=flow.start)
    step = decide(flow, state) if decide is not None else None
    next_state = step.state if step is not None else state
    _log_step(state, step, flow.version)
    if flow.node(next_state.node) is None:
        # A call that started on an older version of the flow, at a node that is gone.
        log.warning(
            "unknown node: connecting to the helpline",
            extra={"fields": {"event": "unknown-node", "node": next_state.node[:80]}},
        )
        next_state = next_state.at(rt.HELPLINE_NODE)
    return _twiml(live.renderer.render(next_state))


@bp.post("", provide_automatic_options=False)
def answer() -> Response:
    """A new call: Twilio's "a call comes in" URL."""
    live = services().store.live
    state = engine.start(live.flow, request.args.get("l", "")[:20])
    _log_step(state, None, live.flow.version)
    return _twiml(live.renderer.render(state))


@bp.post("/node", provide_automatic_options=False)
def node() -> Response:
    return _serve(None)


@bp.post("/input", provide_automatic_options=False)
def choose() -> Response:
    digits = request.form.get("Digits", "")[:20]
    speech = request.form.get("SpeechResult", "")[: engine.MAX_SPEECH]
    return _serve(lambda flow, state: engine.on_input(flow, state, digits, speech))


@bp.post("/silence", provide_automatic_options=False)
def silence() -> Response:
    return _serve(engine.on_silence)


@bp.post("/dialed", provide_automatic_options=False)
def dialed() -> Response:
    status = request.form.get("DialCallStatus", "")[:20]
    return _serve(lambda flow, state: engine.on_dial_result(flow, state, status))


@bp.post("/fallback", provide_automatic_options=False)
def fallback() -> Response:
    """Twilio's "primary handler fails" URL: needs nothing but the auth token."""
    log.warning(
        "fallback requested",
        extra={"fields": {"event": "fallback", "error_code": request.form.get("ErrorCode", "")[:10]}},
    )
    return _twiml(safe.SAFE_TWIML)


@bp.post("/fallback/dialed", provide_automatic_options=False)
def fallback_dialed() -> Response:
    connected = request.form.get("DialCallStatus", "") in engine.CONNECTED
    return _twiml(safe.AFTER_DIAL_CONNECTED if connected else safe.AFTER_DIAL_NOT_CONNECTED)


@bp.errorhandler(Exception)
def safe_answer(error: Exception) -> Response | HTTPException:
    """Never Twilio's "application error": any failure still reaches the helpline."""
    if isinstance(error, HTTPException):
        return error
    log.exception(
        "error while answering a call: connecting to the helpline",
        extra={"fields": {"event": "error", "path": request.path}},
    )
    return _twiml(_helpline_in_callers_language())


def _helpline_in_callers_language() -> str:
    """The live flow's helpline transfer in the call's language; if even that fails, the
    built-in safe TwiML, which depends on nothing."""
    try:
        live = services().store.live
        language = request.args.get("l", "")[:20]
        state = CallState(rt.HELPLINE_NODE, language if language in live.flow.languages else live.flow.language)
        return live.renderer.render(state)
    except Exception:
        log.exception("the helpline TwiML failed too: answering with the built-in safe TwiML")
        return safe.SAFE_TWIML


def init_app(app: Flask, line: LineServices) -> None:
    app.extensions["ivr"] = line
    app.register_blueprint(bp)
