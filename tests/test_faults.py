"""Faults while the line serves: the flow file breaking in every way, a worker killed."""

from __future__ import annotations

import http.client
import os
import signal
import threading
import time
import urllib.error
from pathlib import Path

import pytest
from support import HELPLINE, PUBLIC, TOKEN, silence_until_transfer

from ivr.tools.simulator import SimulatedCall, flask_transport, http_transport


def _settled(path: Path) -> None:
    past = time.time() - 5
    os.utime(path, (past, past))


def _call_reaches_helpline(app) -> None:
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("1")
    silence_until_transfer(call)
    assert not any(h.kind == "error" for h in call.heard)
    assert call.dialled_number == HELPLINE


@pytest.mark.parametrize("breakage", ["deleted", "truncated", "garbage", "binary", "directory", "empty"])
def test_the_flow_file_breaking_while_serving_never_fails_a_request(make_app, flow_file, breakage):
    app = make_app(IVR_RELOAD_SECONDS=0)
    version = app.extensions["ivr"].store.live.flow.version
    good = flow_file.read_text()
    if breakage == "deleted":
        flow_file.unlink()
    elif breakage == "truncated":
        flow_file.write_text(good[: len(good) // 3])
    elif breakage == "garbage":
        flow_file.write_text("}}}{{{ not: [yaml\n\t\t:::")
    elif breakage == "binary":
        flow_file.write_bytes(os.urandom(4096))
    elif breakage == "directory":  # unreadable as a file, even to root
        flow_file.unlink()
        flow_file.mkdir()
    elif breakage == "empty":
        flow_file.write_text("")
    if flow_file.is_file():
        _settled(flow_file)
    for _ in range(3):
        _call_reaches_helpline(app)
    assert app.extensions["ivr"].store.live.flow.version == version  # the last good flow keeps serving


def test_a_worker_killed_mid_load_leaves_no_call_without_twiml(gunicorn_server):
    server = gunicorn_server()
    url = server.url
    before = server.workers()
    assert len(before) == 2
    results: list[str] = []
    stop = time.monotonic() + 4

    def caller() -> None:
        transport = http_transport(timeout=5)
        while time.monotonic() < stop:
            call = SimulatedCall(transport, url, TOKEN)
            try:
                call.start()
                call.press("1")
                silence_until_transfer(call)
                results.append(call.dialled_number)
            except (urllib.error.URLError, ConnectionError, OSError, http.client.HTTPException):
                # The worker died under this request. Twilio then requests the number's
                # fallback URL: it must answer with TwiML that reaches the helpline.
                call.fallback("11200")
                results.append(call.dialled_number or "no TwiML")

    threads = [threading.Thread(target=caller) for _ in range(4)]
    for thread in threads:
        thread.start()
    time.sleep(1.5)
    os.kill(before[0], signal.SIGKILL)
    for thread in threads:
        thread.join()
    assert results and all(number == HELPLINE for number in results), set(results)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and (len(server.workers()) < 2 or before[0] in server.workers()):
        time.sleep(0.2)
    after = server.workers()
    assert len(after) == 2 and before[0] not in after  # gunicorn replaced the killed worker
    assert SimulatedCall(http_transport(), url, TOKEN).start()[0].kind == "say"
