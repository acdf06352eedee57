"""Caller numbers never reach a log; the line refuses to start without what it needs."""

from __future__ import annotations

import io
import logging

import pytest
from sqlalchemy import func, select
from support import PUBLIC, TOKEN

from ivr import create_app
from ivr.database import call_events
from ivr.platform import ConfigError, JsonFormatter, redact
from ivr.runtime import twiml
from ivr.tools.simulator import SimulatedCall, flask_transport

CALLER_FORMATS = [
    "+44 7700 900123",
    "07700900123",
    "447700900123",
    "+447700900123",
    "07700 900 123",
    "(07700) 900-123",
    "0044 7700 900123",
]


@pytest.mark.parametrize("number", CALLER_FORMATS)
def test_redaction_catches_common_formats(number):
    assert "900" not in redact(f"From={number} and Caller={number}")


def test_no_log_line_contains_the_callers_number(make_app, monkeypatch):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        app = make_app(IVR_LOG_LEVEL="DEBUG")  # puts the number filter on every handler there is, this one included
        for number in CALLER_FORMATS[:3]:
            call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN, caller=number)
            call.start()
            call.say(f"my number is {number}")
            call.press("1")
            call.press("0")
            call.dial_result("busy")

        # An error whose message carries a number still gets logged without it.
        def broken(self, response, state, depth, caller_id=""):
            raise RuntimeError("failed for caller +44 7700 900123 / 07700900123")

        fresh = make_app()  # made first: loading a flow renders it (to time the way to the helpline)
        monkeypatch.setattr(twiml.Renderer, "add", broken)
        call = SimulatedCall(flask_transport(fresh), PUBLIC, TOKEN, caller="+447700900123")
        call.start()
        logging.getLogger("werkzeug").info("POST /voice?From=%s HTTP/1.1", "%2B447700900123")
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    written = stream.getvalue()
    assert "call step" in written and "error while answering" in written  # the logs are really there
    assert "7700" not in written and "900123" not in written, written


def _call_and_capture_the_call_log(app, *keys: str) -> tuple[SimulatedCall, str]:
    """A call pressing ``keys``, and what the ``ivr.call`` logger wrote meanwhile."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("ivr.call")
    logger.addHandler(handler)
    try:
        call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
        call.start()
        for key in keys:
            call.press(key)
    finally:
        logger.removeHandler(handler)
    return call, stream.getvalue()


def test_call_steps_are_logged_at_debug_with_node_choice_and_outcome(make_app):
    call, written = _call_and_capture_the_call_log(make_app(IVR_LOG_LEVEL="DEBUG"), "1", "4")  # 1: English
    assert '"outcome": "language:en-GB"' in written
    assert '"node": "main_menu"' in written and '"choice": "4"' in written and '"next": "danger"' in written
    assert call.call_sid not in written  # only a keyed hash of the CallSid


def test_no_auth_token_refuses_to_start(flow_file):
    with pytest.raises(ConfigError, match="TWILIO_AUTH_TOKEN is not set"):
        create_app({"IVR_FLOW_FILE": str(flow_file), "IVR_STATS": False}, environ={})


def test_development_mode_starts_without_a_token_and_says_so(flow_file, capsys):
    app = create_app({"IVR_FLOW_FILE": str(flow_file), "IVR_DEV": "1", "IVR_STATS": False}, environ={})
    settings = app.config["IVR_SETTINGS"]
    assert settings.generated_token
    assert settings.auth_token in capsys.readouterr().err


def test_settings_come_from_the_environment(flow_file):
    app = create_app(
        environ={
            "TWILIO_AUTH_TOKEN": "abc",
            "IVR_STATS": "0",
            "IVR_FLOW_FILE": str(flow_file),
            "IVR_PUBLIC_URL": "https://x.example/",
            "IVR_TRUSTED_PROXIES": "1",
        }
    )
    settings = app.config["IVR_SETTINGS"]
    assert (settings.auth_token, settings.public_url, settings.trusted_proxies) == ("abc", "https://x.example", 1)


@pytest.mark.parametrize(
    "config, message",
    [
        ({"IVR_PUBLIC_URL": "line.example.org"}, "must start with https://"),
        ({"IVR_TRUSTED_PROXIES": "two"}, "is not a number"),
    ],
)
def test_wrong_settings_say_what_to_do(flow_file, config, message):
    with pytest.raises(ConfigError, match=message):
        create_app(
            {"TWILIO_AUTH_TOKEN": "t", "IVR_FLOW_FILE": str(flow_file), "IVR_STATS": False, **config}, environ={}
        )


def test_methods_other_than_post_are_refused(client):
    assert client.get("/voice").status_code == 405
    assert client.open("/voice", method="OPTIONS").status_code == 405


def test_oversized_requests_are_refused(client):
    assert client.post("/voice", data={"SpeechResult": "x" * 200_000}).status_code == 413


def test_at_the_default_log_level_steps_are_not_logged_but_counted_in_the_statistics(make_app):
    app = make_app()
    _, written = _call_and_capture_the_call_log(app, "1")
    assert written == ""
    recorder = app.extensions["ivr"].recorder
    assert recorder.flush()
    with app.extensions["ivr.database"].engine.connect() as connection:
        kinds = connection.execute(select(call_events.c.kind, func.count()).group_by(call_events.c.kind)).all()
    assert sorted(kinds) == [("start", 1), ("step", 1)]
