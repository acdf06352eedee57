"""Try a call from the console: a phone in the browser, through the line's real webhooks,
on the live flow or on the operator's own draft.

Each step is one request from the page. The console plays Twilio's part (:mod:`ivr.tools.simulator`),
signing as Twilio signs, and the call is marked so the statistics leave it out. The line
keeps no state, and neither does the console: where the call waits travels to the browser
and back, signed with the console's key.
"""

from __future__ import annotations

from typing import Any, NoReturn

from flask import Blueprint, Response, abort, current_app, g, jsonify, make_response, render_template, request, url_for
from itsdangerous import BadData, URLSafeSerializer

from ivr.console.checking import CheckedDraft
from ivr.console.draft_flows import webhooks_in_process
from ivr.console.editing import console_engine, draft_checker, live_flow
from ivr.console.understanding import panel_html, understanding
from ivr.publishing import draft_of
from ivr.runtime import flow as rt
from ivr.runtime.twilio import DIAL_RESULTS, TEST_CALL_PARAM
from ivr.tools.simulator import CallEnded, Heard, SimulatedCall, Transport

#: Positions of calls on the live line and on a draft are signed apart: neither resumes as the other.
LIVE, DRAFT = "ivr-console-try-call", "ivr-console-try-draft"


def _serializer(salt: str) -> URLSafeSerializer:
    return URLSafeSerializer(current_app.extensions["ivr.console"].secret_key(), salt=salt)


def _refuse_step(message: str) -> NoReturn:
    abort(make_response(jsonify(error=message), 400))


def step() -> Response:
    """One step of a call made from the browser, through the real webhooks, signed as Twilio
    signs. Where the call is travels to the browser and back, signed, like the line's state."""
    line = current_app.extensions["ivr"]
    live = line.store.live
    return take_step(webhooks_in_process(live, line), live.flow, LIVE)


def take_step(transport: Transport, flow: rt.Flow, salt: str) -> Response:
    """One step of a call through ``transport`` (the live line, or a draft's copy of its
    webhooks), which serves ``flow``; ``salt`` keeps positions of one kind of call from
    resuming the other. Words said at a menu come back with why the line decided what it did
    with them (:mod:`ivr.console.understanding`), worked out from that same ``flow``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        _refuse_step('Send each step as a JSON object: {"action": …, "value": …, "position": …}.')
    action = str(data.get("action", ""))
    value = str(data.get("value", ""))[:200]
    panel = None
    if action == "start":
        call = _new_call(transport)
        heard = call.start(language=value if value in flow.languages else "")
    else:
        call = _resume(transport, str(data.get("position", "")), salt)
        if action == "say" and value.strip():
            panel = understanding(flow, call, value)  # at the menu the call waits at, before it moves on
        try:
            heard = _act(call, action, value)
        except CallEnded:
            _refuse_step(_not_now(call))
    return jsonify(
        heard=[{"kind": h.kind, "text": h.text, "language": h.attrs.get("language", "")} for h in heard],
        waiting=call.waiting_for,
        dialled=call.dialled_number,
        position=_position(call, salt),
        understanding=panel_html(panel),
    )


def _base_url() -> str:
    """The URL the webhooks check signatures against: the public one when the line has one."""
    settings = current_app.config["IVR_SETTINGS"]
    hosts = settings.allowed_hosts
    return settings.public_url or (f"http://{hosts[0]}" if hosts else "http://console.invalid")


def _new_call(transport: Transport) -> SimulatedCall:
    token = current_app.extensions["ivr.console"].token
    return SimulatedCall(transport, _base_url(), token, extra_params=_marked())


def _marked() -> dict[str, str]:
    """Sent with every request of a call from the console: the statistics leave it out."""
    return {TEST_CALL_PARAM: "1"}


def _act(call: SimulatedCall, action: str, value: str) -> list[Heard]:
    if action == "press" and len(value) == 1 and value in "0123456789*#":
        return call.press(value)
    if action == "say" and value.strip():
        return call.say(value)
    if action == "silence":
        return call.silence()
    if action == "dial" and value in DIAL_RESULTS:
        return call.dial_result(value)
    if action == "hangup":
        call.hangup()
        return []
    _refuse_step(
        "Unknown step. Send start, press (one key: 0-9, * or #), say (some words), silence, "
        "dial (completed, busy, no-answer or failed) or hangup."
    )


def _not_now(call: SimulatedCall) -> str:
    """Why the call cannot take that step where it is, and what it can take."""
    if call.waiting_for == "dial":
        return (
            "The line is transferring the call and does not listen for keys or words now: "
            "choose how the transfer ends (completed, busy, no-answer or failed), or hang up."
        )
    if call.waiting_for == "gather":
        return "The line is waiting for a key or for words, not for a transfer to end: press, say or stay silent."
    return "This call has ended. Call the line again."


def _position(call: SimulatedCall, salt: str) -> str:
    """Where the call waits (:meth:`SimulatedCall.position`), for the browser to send back,
    signed so that the browser cannot change it ("" when the call is over)."""
    position = call.position()
    return _serializer(salt).dumps({"sid": call.call_sid, "twiml": position}) if position else ""


def _resume(transport: Transport, position: str, salt: str) -> SimulatedCall:
    """The call again where it waited; later requests go to the line."""
    try:
        saved = _serializer(salt).loads(position)
        call_sid, document = str(saved["sid"]), str(saved["twiml"])
        token = current_app.extensions["ivr.console"].token
        return SimulatedCall.resume(transport, _base_url(), token, call_sid, document, extra_params=_marked())
    except (BadData, KeyError, TypeError, ValueError):
        _refuse_step("This call's position was not issued by the console. Call the line again.")


NO_DRAFT_TO_TRY = "You have no draft to try: open Edit the flow, change something, and it is saved as your draft."


# -- a call on the draft ----------------------------------------------------------------------
def try_draft() -> Any:
    draft = draft_of(console_engine(), g.operator)
    checked = draft_checker().check(draft.text, g.operator) if draft else None
    return render_template(
        "console/try.html",
        flow=checked.live.flow if checked and checked.live else live_flow().flow,
        dial_results=DIAL_RESULTS,
        draft=draft,
        checked=checked,
        step_url=url_for("console.try_draft_step"),
        refused=NO_DRAFT_TO_TRY if draft is None else "" if checked and checked.live else _has_errors(checked),
    )


def _has_errors(checked: CheckedDraft | None) -> str:
    errors = len(checked.result.errors) if checked else 0
    return f"Your draft has {errors} error(s), so it cannot take a call. Fix them in Edit the flow first."


def try_draft_step() -> Response:
    """A step of a call on the operator's own draft, through a copy of the line's webhooks that
    serves it and counts nothing."""
    draft = draft_of(console_engine(), g.operator)
    checked = draft_checker().check(draft.text, g.operator) if draft else None
    if checked is None or checked.live is None:
        return jsonify(error=NO_DRAFT_TO_TRY if draft is None else _has_errors(checked)), 400  # type: ignore[return-value]
    transport = webhooks_in_process(checked.live, current_app.extensions["ivr"])
    return take_step(transport, checked.live.flow, DRAFT + checked.version)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/try/step", "try_step", step, methods=["POST"])
    bp.add_url_rule("/try/draft", "try_draft", try_draft)
    bp.add_url_rule("/try/draft/step", "try_draft_step", try_draft_step, methods=["POST"])
