"""Try a call from the console: a phone in the browser, through the line's real webhooks.

Each step is one request from the page. The console plays Twilio's part (:mod:`ivr.caller`),
signing as Twilio signs, and the call is marked so the statistics leave it out. The line
keeps no state, and neither does the console: where the call waits travels to the browser
and back, signed with the console's key.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import NoReturn

from flask import Response, abort, current_app, jsonify, make_response, request
from itsdangerous import BadData, URLSafeSerializer

from ivr.serve.webhooks import TEST_CALL_PARAM
from ivr.tools.simulator import CallEnded, Heard, SimulatedCall, Transport, flask_transport

DIAL_RESULTS = ("completed", "busy", "no-answer", "failed")


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.extensions["ivr.console"].secret_key(), salt="ivr-console-try-call")


def _refuse_step(message: str) -> NoReturn:
    abort(make_response(jsonify(error=message), 400))


def step() -> Response:
    """One step of a call made from the browser, through the real webhooks, signed as Twilio
    signs. Where the call is travels to the browser and back, signed, like the line's state."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        _refuse_step('Send each step as a JSON object: {"action": …, "value": …, "position": …}.')
    action = str(data.get("action", ""))
    value = str(data.get("value", ""))[:200]
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if action == "start":
        call = _new_call(flask_transport(app))
        heard = call.start(language=value if value in current_app.extensions["ivr"].store.live.flow.languages else "")
    else:
        call = _resume(flask_transport(app), str(data.get("position", "")))
        try:
            heard = _act(call, action, value)
        except CallEnded:
            _refuse_step(_not_now(call))
    return jsonify(
        heard=[{"kind": h.kind, "text": h.text, "language": h.attrs.get("language", "")} for h in heard],
        waiting=call.waiting_for,
        dialled=call.dialled_number,
        position=_position(call),
    )


def _new_call(transport: Transport) -> SimulatedCall:
    # Signed for the URL the webhooks check: the public one when the line has one.
    settings = current_app.config["IVR_SETTINGS"]
    hosts = settings.allowed_hosts
    base = settings.public_url or (f"http://{hosts[0]}" if hosts else "http://console.invalid")
    return SimulatedCall(
        transport, base, current_app.extensions["ivr.console"].token, extra_params={TEST_CALL_PARAM: "1"}
    )


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


def _position(call: SimulatedCall) -> str:
    """Where the call waits, for the browser to send back: the words the line let play since
    the caller's last answer, then what it waits on and everything after it, as one TwiML
    document, signed so that the browser cannot change it ("" when the call is over)."""
    waiting = call.waiting
    if waiting is None or call.ended:
        return ""
    document = ET.Element("Response")
    document.extend([passed.element for passed in call.passed])
    document.append(waiting.element)
    document.extend(waiting.rest)
    return _serializer().dumps({"sid": call.call_sid, "twiml": ET.tostring(document, encoding="unicode")})


def _resume(transport: Transport, position: str) -> SimulatedCall:
    """The call again where it waited: its saved document is the answer to a first request
    that goes nowhere, so it stops where it stopped; later requests go to the line."""
    try:
        saved = _serializer().loads(position)
        call_sid, document = str(saved["sid"]), str(saved["twiml"])
    except (BadData, KeyError, TypeError):
        _refuse_step("This call's position was not issued by the console. Call the line again.")
    replayed: list[bool] = []

    def replay_then_line(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        if not replayed:
            replayed.append(True)
            return 200, document
        return transport(url, params, headers)

    call = _new_call(replay_then_line)
    call.call_sid = call_sid
    call.start()
    return call
