"""Two servers, one line: each started as the Procfile starts it, in its own folder and on its
own port, sharing one real PostgreSQL; calls go through a round-robin balancer and, when a
request fails, to the fallback URL as Twilio does (tests/line_fleet.py)."""

from __future__ import annotations

import collections
import hashlib
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from line_fleet import Balancer, TwilioThroughBalancer, start_fleet
from sqlalchemy import create_engine, select
from support import HELPLINE, PUBLIC, TOKEN

from ivr.database import call_events, driver_url
from ivr.platform import call_id
from ivr.runtime import twilio as tw
from ivr.tools.simulator import SimulatedCall, flask_transport

WELCOME_END = "To end this call at once, press 9."
PUBLISHED_END = "To end this call now, press 9."
#: The requests that each make one statistics event (a start, a step, an end).
COUNTED_PATHS = {tw.MOUNT: "start", tw.PATH_INPUT: "step", tw.PATH_SILENCE: "step", tw.PATH_DIALED: "step"}


@pytest.fixture
def fleet_database(postgres_cluster) -> str:
    return postgres_cluster.url()


@pytest.fixture
def fleet(tmp_path, fleet_database):
    servers = start_fleet(tmp_path, 2, fleet_database)
    yield servers
    for server in servers:
        server.stop()


def _whole_call(transport) -> SimulatedCall:
    """A caller who chooses English, then stays silent at every menu until the helpline rings,
    talks to it, and hangs up: whatever the line (or its fallback) answers on the way."""
    call = SimulatedCall(transport, PUBLIC, TOKEN)
    call.start()
    chose_language = False
    for _ in range(12):
        if call.waiting_for == "gather":
            if chose_language:
                call.silence()
            else:
                call.press("1")
                chose_language = True
        elif call.waiting_for == "dial" and call.dialled_number == HELPLINE:
            call.dial_result(tw.DIAL_COMPLETED)
            break
        else:
            break
    call.hangup()
    call.status_callback(tw.CALL_COMPLETED, "95")
    return call


def _ended_in_help(call: SimulatedCall) -> bool:
    dialled = [h for h in call.heard if h.kind == "dial"]
    return not any(h.kind == "error" for h in call.heard) and bool(dialled) and dialled[-1].text == HELPLINE


def test_a_call_whose_requests_alternate_between_the_servers_goes_right(fleet, make_app):
    balancer = Balancer([server.url for server in fleet])
    through_both = _whole_call(TwilioThroughBalancer(balancer))
    one_server = make_app()  # the same flow, one process, no network: what the call should hear
    alone = _whole_call(flask_transport(one_server))
    assert [(h.kind, h.text) for h in through_both.heard] == [(h.kind, h.text) for h in alone.heard]
    assert _ended_in_help(through_both)
    requests = len(through_both.requests) + 1  # and the status callback
    assert sorted(balancer.answered) == [requests // 2, requests - requests // 2]  # turn and turn about


def _welcome_end(server_url: str) -> str:
    """How the welcome ends on this server (a balancer of one: straight to it)."""
    call = SimulatedCall(TwilioThroughBalancer(Balancer([server_url])), PUBLIC, TOKEN)
    call.start()
    welcome = call.press("1")[0].text
    return welcome[welcome.rindex("To end this call") :]


def test_a_revision_published_on_one_server_is_served_by_both_within_5_seconds(fleet, fleet_database):
    first = fleet[0]
    assert [_welcome_end(server.url) for server in fleet] == [WELCOME_END, WELCOME_END]
    flow = first.folder / "call_flows.yaml"
    edited = first.folder / "edited.yaml"
    edited.write_text(flow.read_text().replace(WELCOME_END, PUBLISHED_END))
    published = subprocess.run(
        [str(Path(sys.executable).with_name("ivr")), "publish", str(edited), "-m", "Shorter words", "--as", "alice"],
        cwd=first.folder,  # an operator on the first server's machine
        env={**os.environ, "DATABASE_URL": fleet_database},
        capture_output=True,
        text=True,
    )
    assert published.returncode == 0, published.stderr
    at = time.monotonic()
    serving_it = {}
    while len(serving_it) < len(fleet) and time.monotonic() - at < 10:
        for server in fleet:
            if server.url not in serving_it and _welcome_end(server.url) == PUBLISHED_END:
                serving_it[server.url] = round(time.monotonic() - at, 1)
        time.sleep(0.1)
    assert sorted(serving_it) == sorted(server.url for server in fleet)
    assert max(serving_it.values()) <= 5.0, serving_it


def test_killing_a_server_under_load_loses_no_call(fleet):
    balancer = Balancer([server.url for server in fleet])
    twilio = TwilioThroughBalancer(balancer)
    calls: list[SimulatedCall] = []
    failures: list[BaseException] = []
    stop = threading.Event()

    def caller() -> None:
        while not stop.is_set():
            try:
                calls.append(_whole_call(twilio))
            except BaseException as exc:  # noqa: BLE001 (reported below)
                failures.append(exc)

    threads = [threading.Thread(target=caller) for _ in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(2.0)
    fleet[1].kill()  # SIGKILL, master and workers: requests in flight are lost
    killed_at = len(calls)
    time.sleep(3.0)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    assert [repr(f) for f in failures] == []
    assert len(calls) > killed_at > 0
    # Calls with a request in flight when it died went on through the fallback URL, which
    # the balancer gave to the server still standing; the rest never saw a difference.
    not_helped = [c.heard for c in calls if not _ended_in_help(c)]
    assert not_helped == []
    assert all(why.startswith(("lost:", "connect:")) for why in twilio.fallbacks), twilio.fallbacks  # never bad TwiML


def test_statistics_from_both_servers_land_in_one_database_with_none_lost_or_repeated(fleet, fleet_database):
    balancer = Balancer([server.url for server in fleet])
    twilio = TwilioThroughBalancer(balancer)
    calls = [_whole_call(twilio) for _ in range(12)]
    assert min(balancer.answered) > 0
    for server in fleet:
        server.stop()  # a normal stop: each worker writes what it holds
    secret = hashlib.sha256(b"ivr call id\0" + TOKEN.encode()).digest()
    expected = collections.Counter()
    for call in calls:
        made = call_id(call.call_sid, secret)
        for url, _, status in call.requests:
            kind = COUNTED_PATHS.get(urlsplit(url).path)
            if kind and status == 200:
                expected[(made, kind)] += 1
        expected[(made, "end")] += 1  # the status callback
    engine = create_engine(driver_url(fleet_database))
    with engine.connect() as connection:
        rows = connection.execute(select(call_events.c.call, call_events.c.kind, call_events.c.at)).all()
    engine.dispose()
    stored = collections.Counter((row.call, row.kind) for row in rows)
    assert stored == expected
    assert len({(row.call, row.kind, row.at) for row in rows}) == len(rows)  # no event written twice
