"""The real production server (gunicorn, two workers) while an operator edits the flow."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import HELPLINE, ROOT

from ivr.caller import SimulatedCall, http_transport

TOKEN = "running-server-token"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(flow_file: Path, tmp_path: Path):
    port = _free_port()
    env = dict(
        os.environ,
        TWILIO_AUTH_TOKEN=TOKEN,
        IVR_FLOW_FILE=str(flow_file),
        IVR_RELOAD_SECONDS="0.3",
        GUNICORN_BIND=f"127.0.0.1:{port}",
        WEB_CONCURRENCY="2",
        IVR_PUBLIC_URL="",
    )
    gunicorn = Path(sys.executable).with_name("gunicorn")
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "app:app"], cwd=ROOT, env=env, stdout=log, stderr=log
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    # Ready when both workers have loaded the flow.
    while time.monotonic() < deadline and (tmp_path / "server.log").read_text().count('"flow live"') < 2:
        time.sleep(0.1)
    yield url
    process.terminate()
    process.wait(timeout=10)
    log.close()


def _call_welcome(url: str) -> str:
    call = SimulatedCall(http_transport(), url, TOKEN)
    call.start()
    heard = call.press("1")  # English
    assert not any(h.kind == "error" for h in heard), heard
    assert call.waiting_for == "gather"
    for _ in range(5):
        if call.waiting_for != "gather":
            break
        call.silence()
    assert call.dialled_number == HELPLINE
    return heard[0].text


def test_edits_under_a_running_server_never_fail_a_request(server, flow_file):
    good = flow_file.read_text()
    original = _call_welcome(server)
    assert original.startswith("This is a free line")
    for broken in ("line: [\n", good[: len(good) // 2], ""):
        flow_file.write_text(broken)
        end = time.monotonic() + 1.5
        while time.monotonic() < end:
            assert _call_welcome(server) == original
    flow_file.write_text(good.replace("This is a free line", "This is a free and safe line"))
    # Within a few seconds every worker serves the new flow, and no request failed meanwhile.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if all(_call_welcome(server).startswith("This is a free and safe line") for _ in range(12)):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the valid edit did not go live on every worker within 10 s")
