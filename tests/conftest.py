"""Fixtures: the line built by its factory, and callers that act as Twilio does."""

from __future__ import annotations

import logging
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from ivr import create_app
from ivr.tools.simulator import SimulatedCall, flask_transport

# In CI the random examples are the same on every run: a red CI is a bug, never bad luck.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FLOW = ROOT / "call_flows.yaml"
TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC = "https://line.example.org"
HELPLINE = "+448000121700"
CRIMESTOPPERS = "+44800555111"


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """A copy of the live flow that a test may edit."""
    path = tmp_path / "call_flows.yaml"
    shutil.copy(DEFAULT_FLOW, path)
    return path


@pytest.fixture
def make_app(flow_file: Path):
    def make(**config):
        settings = {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_FLOW_FILE": str(flow_file),
            "IVR_PUBLIC_URL": PUBLIC,
            "IVR_DATABASE_FILE": str(flow_file.parent / "ivr.sqlite3"),
        }
        settings.update(config)
        return create_app(settings, environ={})

    return make


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def new_call(app) -> Callable[[], SimulatedCall]:
    def make() -> SimulatedCall:
        return SimulatedCall(flask_transport(app), PUBLIC, TOKEN)

    return make


@pytest.fixture
def log_records(caplog):
    """Every log record of the test, formatted as the line's handlers would write it."""
    caplog.set_level(logging.DEBUG)
    return caplog


@pytest.fixture(scope="session", autouse=True)
def every_log_line_of_the_suite():
    """Capture every log line the whole suite writes, then check that no caller's number
    is in any of them (the test caller's number is +44 7700 900123, in every format)."""
    import io
    import re

    from ivr.logs import JsonFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)  # every app the tests create puts the number filter on it
    yield stream
    root.removeHandler(handler)
    written = stream.getvalue()
    leaks = re.findall(r"7700\D{0,3}900\D{0,3}123", written)
    assert not leaks, f"caller numbers in the logs: {leaks[:5]}"


def silence_until_transfer(call: SimulatedCall, limit: int = 8) -> SimulatedCall:
    """Stay silent at every menu until the line transfers the call (or stops waiting)."""
    for _ in range(limit):
        if call.waiting_for != "gather":
            break
        call.silence()
    return call


class GunicornServer:
    """The line under gunicorn, started as the Procfile does, on a free loopback port."""

    def __init__(self, flow_file: Path, log_file: Path, **env: str) -> None:
        import os
        import socket
        import subprocess
        import sys
        import time

        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log_file = log_file
        self._log = log_file.open("w")
        environment = dict(
            os.environ,
            TWILIO_AUTH_TOKEN=TOKEN,
            IVR_FLOW_FILE=str(flow_file),
            IVR_PUBLIC_URL="",
            IVR_ALLOWED_HOSTS=f"127.0.0.1:{port}",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            IVR_DATABASE_FILE=str(log_file.parent / "server.sqlite3"),
        )
        environment.update(env)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", "app:app"],
            cwd=ROOT,
            env=environment,
            stdout=self._log,
            stderr=self._log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and log_file.read_text().count('"flow live"') < 2:
            time.sleep(0.1)  # ready when both workers have loaded the flow

    def workers(self) -> list[int]:
        master = self.process.pid
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._log.close()


@pytest.fixture
def gunicorn_server(flow_file: Path, tmp_path: Path):
    servers: list[GunicornServer] = []

    def start(**env: str) -> GunicornServer:
        servers.append(GunicornServer(flow_file, tmp_path / "server.log", **env))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
