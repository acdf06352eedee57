"""The real production server (gunicorn, two workers) while an operator edits the flow."""

from __future__ import annotations

import time

import pytest
from support import HELPLINE, TOKEN, silence_until_transfer

from ivr.tools.simulator import SimulatedCall, http_transport

WELCOME = (
    "If you are in danger now, hang up and dial 9 9 9. To talk to the Modern Slavery Helpline, press 0, at any "
    "time. To end this call at once, press 9."
)
EDITED = WELCOME.replace("To end this call at once, press 9.", "To end this call now, press 9.")


@pytest.fixture
def server(gunicorn_server):
    return gunicorn_server(IVR_RELOAD_SECONDS="0.3").url


def _call_welcome(url: str) -> str:
    call = SimulatedCall(http_transport(), url, TOKEN)
    call.start()
    heard = call.press("1")  # English
    assert not any(h.kind == "error" for h in heard), heard
    assert call.waiting_for == "gather"
    assert silence_until_transfer(call).dialled_number == HELPLINE
    return heard[0].text


def test_edits_under_a_running_server_never_fail_a_request(server, flow_file):
    good = flow_file.read_text()
    original = _call_welcome(server)
    assert original == WELCOME
    for broken in ("line: [\n", good[: len(good) // 2], ""):
        flow_file.write_text(broken)
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            assert _call_welcome(server) == original
    assert good.count("To end this call at once, press 9.") == 1
    flow_file.write_text(good.replace("To end this call at once, press 9.", "To end this call now, press 9."))
    # Within a few seconds every worker serves the new flow, and no request failed meanwhile.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(_call_welcome(server) == EDITED for _ in range(12)):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the valid edit did not go live on every worker within 10 s")
