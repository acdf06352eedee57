"""The alert: when callers stop reaching the helpline, the team is told once, and again
when it is over; from the statistics every server writes, so it sees the whole line."""

from __future__ import annotations

import email
import email.policy
import functools
import itertools
import json
import logging
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from support import PUBLIC, TOKEN

from ivr.platform import ConfigError
from ivr.runtime import twilio as tw
from ivr.stats.alert import backoff_seconds
from ivr.stats.alert_delivery import SendLimits, deliver, post_to_webhook, send_email
from ivr.tools.simulator import SimulatedCall, flask_transport

FAILING_TEXT = (
    "*Callers are not reaching the helpline (line.example.org)*\n"
    "Since {at}, more than 50% of transfers from line.example.org to the helpline did not connect. "
    "3 transfers to the helpline in the last 10 minutes: 0 connected, 1 busy, 1 no-answer, 1 failed. "
    "Check the helpline's number and its phones; callers are still told the number to dial themselves."
)
RESOLVED_TEXT = (
    "*Resolved: callers are reaching the helpline again (line.example.org)*\n"
    "Since {at}, transfers from line.example.org to the helpline connect again. "
    "7 transfers to the helpline in the last 10 minutes: 4 connected, 1 busy, 1 no-answer, 1 failed."
)


class Receiver:
    """A local chat webhook: keeps every JSON body posted; answers ``status``."""

    def __init__(self) -> None:
        self.posted: list[dict] = []
        self.tries = 0  # every POST, whatever it was answered
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.tries += 1
                if receiver.status == 200:
                    receiver.posted.append(json.loads(body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.server.shutdown()
    found.server.server_close()


def _transfers(app, *results: str) -> None:
    """One whole call per result: to the helpline with 0, then how the transfer ended."""
    for result in results:
        call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
        call.start()
        call.press("0")
        call.dial_result(result)
    assert app.extensions["ivr"].recorder.flush()


def _line(make_app, database_url, webhook: str, **more):
    return make_app(
        DATABASE_URL=database_url,
        IVR_ALERT_WEBHOOK_URL=webhook,
        IVR_ALERT_MIN_ATTEMPTS="3",
        IVR_ALERT_CHECK_SECONDS="30",
        **more,
    )


def _alert_events(caplog) -> list[dict]:
    return [r.fields for r in caplog.records if getattr(r, "fields", {}).get("event") == "alert"]


def test_an_episode_is_told_once_when_it_starts_and_once_when_it_is_over(make_app, database_url, receiver, caplog):
    caplog.set_level(logging.INFO, logger="ivr.alert")
    app = _line(make_app, database_url, receiver.url)
    alert = app.extensions["ivr.alert"].alert
    _transfers(app, tw.DIAL_BUSY, "no-answer", "failed")
    started = time.time()
    assert alert.check(started)
    at = time.strftime("%H:%M UTC on %d %b %Y", time.gmtime(started))
    assert receiver.posted == [{"text": FAILING_TEXT.format(at=at)}]
    assert not alert.check(started + 5)  # this period has been looked at
    assert alert.check(started + 31) and len(receiver.posted) == 1  # still failing: not told again

    _transfers(app, *[tw.DIAL_COMPLETED] * 4)  # 3 of 7 failed: no longer more than half
    assert alert.check(started + 62)
    resolved_at = time.strftime("%H:%M UTC on %d %b %Y", time.gmtime(started + 62))
    assert receiver.posted[1:] == [{"text": RESOLVED_TEXT.format(at=resolved_at)}]
    assert alert.check(started + 93) and len(receiver.posted) == 2
    window = {"attempts": 3, "connected": 0, "busy": 1, "no_answer": 1, "failed": 1, "window_minutes": 10.0}
    assert _alert_events(caplog) == [
        {"event": "alert", "alert": "helpline-unreachable", "state": "failing", **window},
        {
            "event": "alert",
            "alert": "helpline-unreachable",
            "state": "resolved",
            **window,
            "attempts": 7,
            "connected": 4,
        },
    ]
    assert "7700" not in json.dumps(receiver.posted)  # no caller's number, nor anything about a call


def test_too_few_transfers_or_a_failed_share_at_the_limit_does_not_alert(make_app, database_url, receiver):
    app = _line(make_app, database_url, receiver.url)
    alert = app.extensions["ivr.alert"].alert
    _transfers(app, tw.DIAL_BUSY, tw.DIAL_BUSY)  # 2 attempts: fewer than 3
    assert alert.check(time.time())
    _transfers(app, tw.DIAL_COMPLETED, tw.DIAL_COMPLETED, "canceled")  # 2 of 4 failed: not more than half
    assert alert.check(time.time() + 31)
    assert receiver.posted == []


def _alert_log(caplog) -> list[tuple[str, str]]:
    """What the alert logged, as an operator reads it; none of it with a traceback."""
    records = [r for r in caplog.records if r.name == "ivr.alert" and r.levelno >= logging.INFO]
    assert [r for r in records if r.exc_info] == []
    return [(r.levelname, r.getMessage()) for r in records]


FAILING_LOG = ("ERROR", "ALERT: callers are not reaching the helpline")
NOT_SENT_LOG = (
    "WARNING",
    "the alert could not be sent: trying again in 30 s, then less and less often (at most every 30 min) until it goes",
)


def test_the_backoff_after_failed_deliveries_doubles_from_30_seconds_to_at_most_30_minutes():
    assert [backoff_seconds(n) for n in range(1, 10)] == [30, 60, 120, 240, 480, 960, 1800, 1800, 1800]


def test_a_webhook_answering_500_gets_7_posts_in_an_hour_of_checks_not_120_and_one_warning(
    make_app, database_url, receiver, caplog
):
    caplog.set_level(logging.INFO, logger="ivr.alert")
    app = _line(make_app, database_url, receiver.url)
    alert = app.extensions["ivr.alert"].alert
    _transfers(app, tw.DIAL_BUSY, tw.DIAL_BUSY, tw.DIAL_BUSY)
    receiver.status = 500
    start = time.time()
    for step in range(120):  # an hour of checks, every 30 s
        assert alert.check(start + 30 * step)
    assert (receiver.tries, receiver.posted) == (7, [])  # at 0, 30, 90, 210, 450, 930 and 1890 s
    assert _alert_log(caplog) == [FAILING_LOG, NOT_SENT_LOG]
    not_sent = [r.fields for r in caplog.records if r.fields.get("event") == "alert-not-delivered"]
    assert not_sent == [
        {
            "event": "alert-not-delivered",
            "alert": "helpline-unreachable",
            "error": "webhook: answered 500",
            "failed_tries": 1,
        }
    ]
    from click.testing import CliRunner

    from ivr.cli import main

    status = CliRunner().invoke(main, ["alert", "status"], env={"DATABASE_URL": database_url}).output
    next_try = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(start + 1890 + 1800))
    assert status.splitlines()[1] == f"told: not yet: 7 tries failed to deliver; the next one at {next_try}"
    receiver.status = 200
    assert alert.check(start + 3660) and receiver.tries == 7  # the next try is due at 1890 + 1800 s
    for step in range(123, 130):
        assert alert.check(start + 30 * step)
    assert (receiver.tries, len(receiver.posted)) == (8, 1)
    assert receiver.posted[0]["text"].startswith("*Callers are not reaching the helpline")
    assert _alert_log(caplog) == [FAILING_LOG, NOT_SENT_LOG, ("INFO", "alert sent, after 7 failed tries")]


def test_the_backoff_is_shared_by_every_server(make_app, database_url, receiver):
    servers = [_line(make_app, database_url, receiver.url) for _ in range(3)]
    _transfers(servers[0], tw.DIAL_BUSY, tw.DIAL_BUSY, tw.DIAL_BUSY)
    receiver.status = 500
    start = time.time()
    for step in range(120):  # each server in turn, as their threads would
        assert servers[step % 3].extensions["ivr.alert"].alert.check(start + 30 * step)
    assert receiver.tries == 7
    for server in servers:
        server.extensions["ivr.database"].engine.dispose()


class _Silent:
    """A server that accepts connections and never answers (or answers a byte at a time,
    for ever, with ``trickle``): counts the connections."""

    def __init__(self, trickle: bytes = b"") -> None:
        self.connections = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.trickle = trickle
        self.stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            threading.Thread(target=self._hold, args=(connection,), daemon=True).start()

    def _hold(self, connection: socket.socket) -> None:
        with connection:
            for byte in itertools.cycle(self.trickle or b"\0"):
                if self.stop.wait(0.05):
                    return
                if self.trickle:
                    try:
                        connection.send(bytes([byte]))
                    except OSError:
                        return

    def close(self) -> None:
        self.stop.set()
        self.listener.close()


def test_a_webhook_that_never_answers_holds_the_check_no_longer_than_the_total_limit(make_app, database_url, caplog):
    caplog.set_level(logging.INFO, logger="ivr.alert")
    silent = _Silent()
    app = _line(make_app, database_url, f"http://127.0.0.1:{silent.port}/hook")
    alert = app.extensions["ivr.alert"].alert
    alert.send = functools.partial(deliver, limits=SendLimits(connect=0.2, total=0.4))
    _transfers(app, tw.DIAL_BUSY, tw.DIAL_BUSY, tw.DIAL_BUSY)
    start = time.time()
    took = []
    for step in range(30):  # a quarter of an hour of checks
        began = time.monotonic()
        assert alert.check(start + 30 * step)
        took.append(time.monotonic() - began)
    silent.close()
    assert silent.connections == 5  # at 0, 30, 90, 210 and 450 s
    assert max(took) < 2.0  # 0.4 s at most waiting, and the database's own work (urllib alone: 10 s each)
    assert _alert_log(caplog) == [FAILING_LOG, NOT_SENT_LOG]
    [not_sent] = [r.fields for r in caplog.records if r.fields.get("event") == "alert-not-delivered"]
    assert not_sent["error"] == "webhook: no answer within 0.4 s"


@pytest.mark.parametrize("destination", ["webhook", "email"])
def test_a_server_answering_a_byte_at_a_time_is_cut_off_at_the_total_limit(destination):
    """A socket's time-out would never fire here: every read gets a byte within 0.05 s."""
    from ivr.platform import AlertSettings

    silent = _Silent(trickle=b"HTTP/1.1 200 OK\r\nX-Slow: " if destination == "webhook" else b"220-slow\r\n")
    limits = SendLimits(connect=0.3, total=0.6)
    began = time.monotonic()
    with pytest.raises(TimeoutError, match=r"^no answer within 0.6 s$"):
        if destination == "webhook":
            post_to_webhook(f"http://127.0.0.1:{silent.port}/hook", "hello", limits)
        else:
            settings = AlertSettings(
                email_to=("team@example.org",),
                email_from="line@example.org",
                smtp_host="127.0.0.1",
                smtp_port=silent.port,
            )
            send_email(settings, "subject", "text", limits)
    took = time.monotonic() - began
    silent.close()
    assert 0.6 <= took < 2.0


def test_servers_checking_at_the_same_moment_tell_an_episode_once(make_app, database_url, receiver):
    servers = [_line(make_app, database_url, receiver.url) for _ in range(3)]
    _transfers(servers[0], tw.DIAL_BUSY, tw.DIAL_BUSY)
    _transfers(servers[1], "failed")  # the episode is only visible across the servers
    now = time.time()
    looked = []
    threads = [
        threading.Thread(target=lambda s=s: looked.append(s.extensions["ivr.alert"].alert.check(now))) for s in servers
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(looked) == [False, False, True]
    assert len(receiver.posted) == 1 and "3 transfers to the helpline" in receiver.posted[0]["text"]
    for server in servers:
        server.extensions["ivr.database"].engine.dispose()


class _Mailbox(socketserver.StreamRequestHandler):
    """Just enough SMTP to receive one message (the standard library has no server now)."""

    received: list[str] = []

    def handle(self) -> None:
        self.wfile.write(b"220 test mail server\r\n")
        while line := self.rfile.readline():
            verb = line[:4].upper()
            if verb == b"DATA":
                self.wfile.write(b"354 go on\r\n")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    data += self.rfile.readline()
                self.received.append(data.decode())
                self.wfile.write(b"250 kept\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:
                self.wfile.write(b"250 ok\r\n")


def test_the_alert_can_be_emailed(make_app, database_url):
    _Mailbox.received = []
    with socketserver.TCPServer(("127.0.0.1", 0), _Mailbox) as mail:
        threading.Thread(target=mail.serve_forever, daemon=True).start()
        app = _line(
            make_app,
            database_url,
            "",
            IVR_ALERT_EMAIL_TO="team@example.org, duty@example.org",
            IVR_ALERT_EMAIL_FROM="line@example.org",
            IVR_SMTP_HOST=f"127.0.0.1:{mail.server_address[1]}",
        )
        _transfers(app, tw.DIAL_BUSY, tw.DIAL_BUSY, tw.DIAL_BUSY)
        now = time.time()
        assert app.extensions["ivr.alert"].alert.check(now)
        mail.shutdown()
    [data] = _Mailbox.received
    message = email.message_from_string(data.removesuffix("\r\n.\r\n"), policy=email.policy.default)
    assert (message["Subject"], message["From"], message["To"]) == (
        "Callers are not reaching the helpline (line.example.org)",
        "line@example.org",
        "team@example.org, duty@example.org",
    )
    text = FAILING_TEXT.split("\n")[1].format(at=time.strftime("%H:%M UTC on %d %b %Y", time.gmtime(now)))
    assert message.get_content().strip() == text.replace(
        "0 connected, 1 busy, 1 no-answer, 1 failed", "0 connected, 3 busy"
    )


@pytest.mark.parametrize(
    ("setting", "value", "says"),
    [
        ("IVR_ALERT_FAILURE_SHARE", "50%", "IVR_ALERT_FAILURE_SHARE='50%' is not a number"),
        ("IVR_ALERT_FAILURE_SHARE", "1", "IVR_ALERT_FAILURE_SHARE must be 0 or more and less than 1"),
        ("IVR_ALERT_WINDOW_MINUTES", "0", "IVR_ALERT_WINDOW_MINUTES must be between 1 and 1440"),
        ("IVR_ALERT_MIN_ATTEMPTS", "0", "IVR_ALERT_MIN_ATTEMPTS must be 1 or more"),
        ("IVR_ALERT_WEBHOOK_URL", "hooks.slack.com/services/x", "IVR_ALERT_WEBHOOK_URL must be an https:// URL"),
        ("IVR_ALERT_EMAIL_TO", "team", "IVR_ALERT_EMAIL_TO must be email addresses"),
        ("IVR_SMTP_HOST", "smtp.example.org", "IVR_SMTP_HOST must be a host and port"),
    ],
)
def test_alert_settings_that_cannot_work_are_refused_at_start_with_what_to_set(make_app, setting, value, says):
    with pytest.raises(ConfigError) as refused:
        make_app(**{setting: value})
    assert str(refused.value).startswith(says)


def test_ivr_alert_test_sends_a_test_message_and_says_where_it_went(receiver):
    from click.testing import CliRunner

    from ivr.cli import main

    env = {"IVR_ALERT_WEBHOOK_URL": receiver.url, "IVR_PUBLIC_URL": PUBLIC}
    result = CliRunner().invoke(main, ["alert", "test"], env=env)
    assert (result.exit_code, result.output) == (0, "webhook: sent\n")
    assert receiver.posted == [
        {
            "text": "*Test: the helpline alert of line.example.org reaches you*\n"
            "This is a test, sent with 'ivr alert test'. When more than 50% of at least 5 transfers to the "
            "helpline in 10 minutes do not connect, a message like this one says so, and another when it is over."
        }
    ]
    receiver.status = 500
    failed = CliRunner().invoke(main, ["alert", "test"], env=env)
    assert (failed.exit_code, failed.output) == (
        1,
        "Error: the test message was not delivered (webhook: answered 500); check the settings\n",
    )
    nowhere = CliRunner().invoke(main, ["alert", "test"], env={"IVR_ALERT_WEBHOOK_URL": ""})
    assert nowhere.exit_code == 1 and nowhere.output.startswith("Error: no destination is set")


def test_ivr_alert_status_says_whether_an_episode_is_going_on(make_app, database_url, receiver):
    from click.testing import CliRunner

    from ivr.cli import main

    app = _line(make_app, database_url, receiver.url)
    runner = CliRunner()
    env = {"DATABASE_URL": database_url}
    assert runner.invoke(main, ["alert", "status"], env=env).output == (
        "No server has looked yet (the alert needs call statistics: IVR_STATS on).\n"
    )
    _transfers(app, tw.DIAL_BUSY, tw.DIAL_BUSY, tw.DIAL_BUSY)
    now = time.time()
    app.extensions["ivr.alert"].alert.check(now)
    at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(now))
    assert runner.invoke(main, ["alert", "status"], env=env).output == (
        f"FAILING: callers are not reaching the helpline, since {at}\ntold: yes\nlast look by a server: {at}\n"
    )
