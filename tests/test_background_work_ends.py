"""What an app starts beside the calls ends when the app is stopped, its statistics written
first: the tests make hundreds of apps in one process, each with a database that goes when
its test ends (the PostgreSQL server stops after the last one). Threads that outlived them
used to say, after "N passed", that they could not reach the database and were exiting with
call events not written."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

from support import PUBLIC, ROOT, TOKEN

from ivr.database import Database
from ivr.stats.recorder import Recorder
from ivr.stats.writer import WriterSettings

QUICK = WriterSettings(idle=0.02, retry_first=0.05, retry_longest=0.2, report_every=0.0, exit_wait=1.0)


def _rows(path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("SELECT call, kind, duration, answered_by FROM call_events ORDER BY id").fetchall()


def test_a_closed_writer_has_written_what_it_recorded_and_its_thread_has_ended(tmp_path):
    path = tmp_path / "closed.sqlite3"
    recorder = Recorder(Database(f"sqlite:///{path}"), 90, settings=QUICK)
    for call in ("abc", "def"):
        recorder.record(call=call, kind="start")
    thread = recorder._thread

    assert (recorder.close(), thread is not None and thread.is_alive(), _rows(path)) == (
        True,
        False,
        [("abc", "start", None, ""), ("def", "start", None, "")],
    )


def test_an_app_stopped_before_its_database_goes_writes_its_events_and_says_nothing_after(postgres_cluster, flow_file):
    """What a test does at its end (its apps go, then its database: the suite's PostgreSQL
    server stops after the last test, the process goes on): the app's threads end first.
    They used to outlive the database and log, after "N passed", that they could not reach
    it and were exiting with call events not written."""
    url = postgres_cluster.url()
    settings = {
        "TWILIO_AUTH_TOKEN": TOKEN, "IVR_FLOW_FILE": str(flow_file), "IVR_PUBLIC_URL": PUBLIC,
        "DATABASE_URL": url, "IVR_LOG_LEVEL": "WARNING",
    }  # fmt: skip
    name, folder = url.split("@/")[1].split("?")[0], str(postgres_cluster.folder)
    script = (
        "import sys, time, psycopg\n"
        "from ivr import create_app, stop_background_work\n"
        "from ivr.tools.simulator import SimulatedCall, flask_transport\n"
        f"app = create_app({settings!r}, environ={{}})\n"
        f"call = SimulatedCall(flask_transport(app), {PUBLIC!r}, {TOKEN!r})\n"
        "call.start()\n"
        "call.press('0')\n"
        "stop_background_work(app)\n"
        f"with psycopg.connect(host={folder!r}, user='postgres', dbname={name!r}) as db:\n"
        "    print(db.execute('SELECT kind FROM call_events ORDER BY id').fetchall())\n"
        f"with psycopg.connect(host={folder!r}, user='postgres', dbname='postgres', autocommit=True) as db:\n"
        f"    db.execute('DROP DATABASE \"{name}\" WITH (FORCE)')  # the database goes before the process\n"
        "print('the database is gone', file=sys.stderr, flush=True)\n"
        "time.sleep(2.5)  # longer than the watcher's 2 s between looks at the database\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=60)

    said_after = done.stderr.split("the database is gone\n", 1)[-1]
    assert (done.returncode, done.stdout, said_after) == (0, "[('start',), ('step',)]\n", "")


def test_every_thread_an_app_started_ends_when_it_is_stopped(make_app):
    """The flow watcher, the alert's checks (every 60 s) and the statistics writer."""
    from ivr import start_background_work, stop_background_work
    from ivr.tools.simulator import SimulatedCall, flask_transport

    app = make_app()
    before = set(threading.enumerate())
    start_background_work(app)
    SimulatedCall(flask_transport(app), PUBLIC, TOKEN).start()
    started = set(threading.enumerate()) - before
    stop_background_work(app)
    for thread in started:
        thread.join(timeout=5)

    assert sorted((thread.name, thread.is_alive()) for thread in started) == [
        ("ivr-alert", False),
        ("ivr-flow-watcher", False),
        ("ivr-stats-writer", False),
    ]
