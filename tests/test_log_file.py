"""``IVR_LOG_FILE``: the line under gunicorn (as the Procfile starts it) logs to a file
that logrotate may move away at any moment (deploy/logrotate), every line JSON, with
phone numbers taken out, as on standard error."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from support import HELPLINE, ROOT, TOKEN, silence_until_transfer

from ivr.tools.simulator import SimulatedCall, http_transport

NUMBER_IN_A_PATH = "/voice/+447700900123"


@pytest.fixture
def line(tmp_path, flow_file):
    """The line with its log in ``tmp_path/log/line.log``; its URL and the log's path."""
    log = tmp_path / "log" / "line.log"
    log.parent.mkdir()
    port = _free_port()
    environment = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("IVR_", "PROMETHEUS_"))},
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_FLOW_FILE": str(flow_file),
        "IVR_ALLOWED_HOSTS": f"127.0.0.1:{port}",
        "IVR_DATABASE_FILE": str(tmp_path / "line.sqlite3"),
        "IVR_LOG_FILE": str(log),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "2",
    }
    with (tmp_path / "output").open("w") as output:
        server = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py", "app:line()"],
            cwd=ROOT,
            env=environment,
            stdout=output,
            stderr=output,
        )
    try:
        deadline = time.monotonic() + 60
        while not (log.exists() and log.read_text().count('"worker ready"') == 2):
            assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "output").read_text()
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}", log, tmp_path / "output"
    finally:
        server.terminate()
        server.wait(timeout=20)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _whole_call(url: str) -> int:
    """A call put through to the helpline; how many requests it took."""
    call = SimulatedCall(http_transport(), url, TOKEN)
    call.start()
    call.press("1")  # English
    assert silence_until_transfer(call).dialled_number == HELPLINE
    return len(call.requests)


def _get(url: str, path: str) -> int:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=5)
    connection.request("GET", path)
    status = connection.getresponse().status
    connection.close()
    return status


def _access_lines(text: str) -> list[str]:
    return [json.loads(line)["message"] for line in text.splitlines() if '"logger": "gunicorn.access"' in line]


def _wait_for(condition) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + 10
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_the_log_file_gets_every_log_as_json_with_numbers_taken_out_and_nothing_goes_to_the_terminal(line):
    url, log, output = line
    _whole_call(url)
    assert _get(url, NUMBER_IN_A_PATH) == 404
    _wait_for(lambda: any("[number]" in message for message in _access_lines(log.read_text())))
    text = log.read_text()
    assert all(json.loads(entry) for entry in text.splitlines())
    access = _access_lines(text)
    assert access[0].startswith('"POST /voice" status=200 bytes=')
    assert access[-1].startswith('"GET /voice/[number]" status=404 bytes=')
    assert "7700900123" not in text
    assert '"message": "Starting gunicorn' in text  # the master's log too
    assert output.read_text() == ""


def test_a_log_file_moved_away_by_logrotate_is_made_again_and_the_old_one_gets_no_more_lines(line):
    url, log, _ = line
    first = _whole_call(url)
    _wait_for(lambda: len(_access_lines(log.read_text())) == first)  # gunicorn logs just after answering
    rotated = log.with_name("line.log.1")
    log.rename(rotated)  # what logrotate does (deploy/logrotate: create, no copytruncate)
    after = sum(_whole_call(url) for _ in range(4))  # a few calls, so that both workers write
    _wait_for(lambda: log.exists() and len(_access_lines(log.read_text())) == after)
    assert len(_access_lines(rotated.read_text())) == first
    assert all(message.startswith('"POST /voice') for message in _access_lines(log.read_text()))
    assert all(json.loads(entry) for entry in log.read_text().splitlines())
