"""Fixtures: the line built by its factory, and callers that act as Twilio does. Shared
constants and helpers are in support.py (a conftest cannot be imported in every import mode)."""

from __future__ import annotations

import io
import logging
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from support import DEFAULT_FLOW, PUBLIC, TOKEN, GunicornServer

from ivr import create_app, stop_background_work
from ivr.tools.simulator import SimulatedCall, flask_transport

# In CI the random examples are the same on every run: a red CI is a bug, never bad luck.
hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")


@pytest.fixture
def flow_file(tmp_path: Path) -> Path:
    """A copy of the live flow that a test may edit."""
    path = tmp_path / "call_flows.yaml"
    shutil.copy(DEFAULT_FLOW, path)
    return path


@pytest.fixture
def make_app(flow_file: Path):
    """Apps of the line; what each started in the background ends with the test, before
    its database goes (the PostgreSQL server stops after the last test)."""
    made = []

    def make(**config):
        settings = {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_FLOW_FILE": str(flow_file),
            "IVR_PUBLIC_URL": PUBLIC,
            "IVR_DATABASE_FILE": str(flow_file.parent / "ivr.sqlite3"),
        }
        settings.update(config)
        made.append(create_app(settings, environ={}))
        return made[-1]

    yield make
    for app in made:
        stop_background_work(app)


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


@pytest.fixture(scope="session", autouse=True)
def every_log_line_of_the_suite():
    """Capture every log line the whole suite writes, then check that no caller's number
    is in any of them (the test caller's number is +44 7700 900123, in every format)."""
    from ivr.platform import JsonFormatter

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


@pytest.fixture
def gunicorn_server(flow_file: Path, tmp_path: Path):
    servers: list[GunicornServer] = []

    def start(serves: str = "line", **env: str) -> GunicornServer:
        servers.append(GunicornServer(flow_file, tmp_path / f"server-{len(servers) + 1}.log", serves, **env))
        return servers[-1]

    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throw-away PostgreSQL server for the whole run (tests/pg_cluster.py). Skipped with
    one line where PostgreSQL is not installed; in CI it must run."""
    from pg_cluster import INSTALL_HINT, Cluster, binaries

    if binaries() is None:
        if os.environ.get("CI"):
            pytest.fail(INSTALL_HINT)
        pytest.skip(INSTALL_HINT)
    cluster = Cluster().start()
    yield cluster
    cluster.stop()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path) -> str:
    """The line's database on each backend it supports: a SQLite file, and a fresh database
    on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'line.sqlite3'}"
    return request.getfixturevalue("postgres_cluster").url()
