"""Restarts callers never notice: a SIGHUP (new workers, same code) and deploy/upgrade-line
(new code: gunicorn's USR2 binary upgrade) while callers are on the line, each server
started as the Procfile starts it (tests/line_fleet.py). bench/reload.py measures the same
with timings; these tests check the behaviour."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import threading
import time
from pathlib import Path

import pytest
from line_fleet import Balancer, FleetServer, TwilioThroughBalancer, free_port
from support import HELPLINE, PUBLIC, ROOT, TOKEN, silence_until_transfer

from ivr.tools.simulator import SimulatedCall

UPGRADE = ROOT / "deploy" / "upgrade-line"


@pytest.fixture
def server(tmp_path):
    line = FleetServer(tmp_path / "line", free_port(), f"sqlite:///{tmp_path / 'line.sqlite3'}")
    line.wait_until_serving(timeout=60)
    yield line
    line.stop()


class Callers:
    """Callers, one after another on each of ``count`` lines, each choosing English and
    waiting to be put through to the helpline, until stopped. Every request goes through
    the fleet tests' Twilio: one that fails is followed by the number's fallback URL."""

    def __init__(self, url: str, count: int = 3) -> None:
        self.twilio = TwilioThroughBalancer(Balancer([url]))
        self.connected = 0
        self.not_connected: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._call_again_and_again) for _ in range(count)]

    def _call_again_and_again(self) -> None:
        while not self._stop.is_set():
            call = SimulatedCall(self.twilio, PUBLIC, TOKEN)
            try:
                call.start()
                call.press("1")  # English
                dialled = silence_until_transfer(call).dialled_number
            except Exception as exc:  # noqa: BLE001 (reported by the test)
                dialled = f"{type(exc).__name__}: {exc}"
            if dialled == HELPLINE:
                self.connected += 1
            else:
                self.not_connected.append(dialled)

    def __enter__(self) -> Callers:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)


def children(pid: int) -> set[int]:
    return {int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()}


def gone(pid: int) -> bool:
    """Exited (a zombie waiting for its parent included)."""
    try:
        return "Z" in Path(f"/proc/{pid}/stat").read_text().split()[2]
    except FileNotFoundError:
        return True


def wait_for(condition, seconds: float = 30.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.05)


def test_a_sighup_under_callers_fails_no_request_and_every_call_reaches_the_helpline(server):
    master = server.process.pid
    first_workers = children(master)
    with Callers(server.url) as callers:
        time.sleep(1)
        os.kill(master, signal.SIGHUP)
        wait_for(lambda: not first_workers & children(master) and len(children(master)) == server.workers)
        second_workers = children(master)
        os.kill(master, signal.SIGHUP)
        wait_for(lambda: not second_workers & children(master) and len(children(master)) == server.workers)
        time.sleep(1)
    assert callers.twilio.fallbacks == []
    assert callers.not_connected == []
    assert callers.connected > 10


def test_the_app_is_loaded_and_the_database_migrated_once_in_the_master_not_in_each_new_worker(server):
    """Why a SIGHUP's new workers answer at once: they are forked from a master that has
    already imported the code, read the settings and migrated the database."""
    master = server.process.pid
    old = children(master)
    os.kill(master, signal.SIGHUP)
    ready = '"worker ready"'
    wait_for(lambda: server.log.read_text().count(ready) == 2 * server.workers and not old & children(master))
    log = server.log.read_text()
    assert log.count('"message": "webhook signatures are checked against the public URL https://line.example.org"') == 1
    first_worker = log.index("Booting worker")
    assert log[:first_worker].count('"logger": "alembic.runtime.migration"') >= 1
    assert log[first_worker:].count('"logger": "alembic') == 0


def test_an_upgrade_under_callers_loads_the_new_code_fails_no_request_and_stops_the_old_master(server):
    app_py = server.folder / "app.py"
    version_2 = '\nimport logging\nlogging.getLogger("ivr").warning("deployed: version 2")\n'
    app_py.write_text(app_py.read_text() + version_2)
    old_master = server.process.pid
    with Callers(server.url) as callers:
        time.sleep(1)
        upgrade = subprocess.run(["sh", str(UPGRADE), str(old_master)], capture_output=True, text=True, timeout=120)
        server.process.wait(timeout=30)  # the old master finished its requests and stopped
        time.sleep(1)
    new_master = int(re.fullmatch(r"upgrade-line: new master (\d+) serves; .*\n", upgrade.stdout).group(1))  # type: ignore[union-attr]
    try:
        assert upgrade.returncode == 0, upgrade.stderr
        assert upgrade.stdout == (
            f"upgrade-line: new master {new_master} serves; old master {old_master} finishes its requests and stops\n"
        )
        assert server.log.read_text().count('"message": "deployed: version 2"') == 1
        assert len(children(new_master)) == server.workers
        assert callers.twilio.fallbacks == []
        assert callers.not_connected == []
        assert callers.connected > 5
    finally:
        os.kill(new_master, signal.SIGTERM)
        wait_for(lambda: gone(new_master))


def test_an_upgrade_whose_new_code_cannot_start_leaves_the_old_code_serving(server):
    app_py = server.folder / "app.py"
    app_py.write_text(app_py.read_text() + "\nraise RuntimeError('a broken deploy')\n")
    master = server.process.pid
    workers = children(master)
    upgrade = subprocess.run(["sh", str(UPGRADE), str(master)], capture_output=True, text=True, timeout=120)
    assert upgrade.returncode == 1
    assert upgrade.stderr == (
        "upgrade-line: the new code did not start (see the line's log); the line goes on with the old code\n"
    )
    assert server.process.poll() is None
    wait_for(lambda: children(master) == workers)  # the failed new master is gone; the workers are the same
    call = SimulatedCall(TwilioThroughBalancer(Balancer([server.url])), PUBLIC, TOKEN)
    call.start()
    call.press("1")
    assert silence_until_transfer(call).dialled_number == HELPLINE


def test_a_line_whose_database_does_not_answer_at_start_still_starts_and_puts_callers_through(tmp_path):
    """The master prepares the database for its workers, but a call never needs it: the
    line starts and serves from the flow file, as each worker did before the master did."""
    unreachable = f"sqlite:///{tmp_path}/no/such/folder/ivr.sqlite3"
    line = FleetServer(tmp_path / "line", free_port(), unreachable)
    try:
        line.wait_until_serving(timeout=60)
        call = SimulatedCall(TwilioThroughBalancer(Balancer([line.url])), PUBLIC, TOKEN)
        call.start()
        call.press("1")
        assert silence_until_transfer(call).dialled_number == HELPLINE
        assert (
            '"message": "the database did not answer at start: calls are served from the flow file and each '
            'worker tries again", "event": "database-unreachable-at-start", "reason": "OperationalError"}'
        ) in line.log.read_text()
    finally:
        line.stop()


def test_under_systemd_the_new_master_of_an_upgrade_says_it_is_the_main_process(tmp_path):
    """systemd (deploy/ivr@.service, NotifyAccess=all) hears each master say it is ready,
    and the new one say it is now the main process, before the old one is stopped."""
    notify = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    notify.bind(str(tmp_path / "notify"))
    notify.settimeout(30)
    line = FleetServer(
        tmp_path / "line", free_port(), f"sqlite:///{tmp_path / 'line.sqlite3'}", NOTIFY_SOCKET=str(tmp_path / "notify")
    )
    new_master = 0
    try:
        line.wait_until_serving(timeout=60)
        heard = [notify.recv(1000).decode()]
        upgrade = subprocess.run(
            ["sh", str(UPGRADE), str(line.process.pid)], capture_output=True, text=True, timeout=120
        )
        assert upgrade.returncode == 0, upgrade.stderr
        new_master = int(upgrade.stdout.split()[3])
        heard += [notify.recv(1000).decode(), notify.recv(1000).decode()]
        line.process.wait(timeout=30)
        assert heard == [
            "READY=1\nSTATUS=Gunicorn arbiter booted",
            "READY=1\nSTATUS=Gunicorn arbiter booted",
            f"MAINPID={new_master}",
        ]
    finally:
        notify.close()
        if new_master:
            os.kill(new_master, signal.SIGTERM)
            wait_for(lambda: gone(new_master))
        line.stop()
