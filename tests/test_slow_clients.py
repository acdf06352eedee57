"""Slow clients (issue 11, point 7) against the deployment of deploy/nginx.conf.

gunicorn alone gives each connection a thread while it reads the request: a few
connections that send one byte every second or two hold every thread, and Twilio's
webhooks wait (bench/slow_clients.py measures it). Here the line runs as in production —
gunicorn as the Procfile starts it, on loopback, with nginx in front running
deploy/nginx.conf (only its addresses, certificate and upstream port replaced), over TLS,
IVR_PUBLIC_URL and IVR_TRUSTED_PROXIES=1 set — and the tests hold more slow connections
than gunicorn has threads. Every wait is bounded; no test asserts a speed.
"""

from __future__ import annotations

import http.client
import importlib.util
import re
import sqlite3
import sys
import time
from urllib.parse import urlencode, urlsplit

import pytest
from support import DEFAULT_FLOW, HELPLINE, PUBLIC, ROOT, TOKEN, GunicornServer, silence_until_transfer

from ivr.console.proxies import UNTRUSTED_PROXY_WARNING
from ivr.tools.simulator import SimulatedCall


def _load_bench():
    """bench/slow_clients.py (not an installed package): the slow clients and the throwaway nginx."""
    spec = importlib.util.spec_from_file_location("bench_slow_clients", ROOT / "bench" / "slow_clients.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


bench = _load_bench()
if bench.missing_tools():
    pytest.skip(
        f"nginx in front of gunicorn not tested: {' and '.join(bench.missing_tools())} not installed "
        "(scripts/test installs Debian's packages)",
        allow_module_level=True,
    )

#: More than the threads of the gunicorn below (2 workers x 4 threads).
SLOW = 50
#: Generous: under the slow load, gunicorn alone leaves a request unanswered until Twilio's 15 s.
ANSWER_WITHIN = 10.0


@pytest.fixture(scope="module")
def deployed(tmp_path_factory):
    """The line and its console under gunicorn (two workers each) on loopback, as the Procfile
    starts them, and nginx with deploy/nginx.conf in front of them."""
    work = tmp_path_factory.mktemp("deployed")
    flow_file = work / "call_flows.yaml"
    flow_file.write_bytes(DEFAULT_FLOW.read_bytes())
    server = GunicornServer(flow_file, work / "server.log", IVR_PUBLIC_URL=PUBLIC, IVR_TRUSTED_PROXIES="1")
    console = GunicornServer(flow_file, work / "console.log", "console", IVR_PUBLIC_URL=PUBLIC, IVR_TRUSTED_PROXIES="1")
    try:
        nginx = bench.Nginx(work / "nginx", _port(server), console_port=_port(console))
    except BaseException:
        server.stop()
        console.stop()
        raise
    yield server, nginx, console
    nginx.stop()
    server.stop()
    console.stop()


def _port(server: GunicornServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


def _via_nginx(nginx):
    """A transport for SimulatedCall: Twilio's request for https://line.example.org/… sent to nginx."""

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        parts = urlsplit(url)
        assert f"{parts.scheme}://{parts.netloc}" == PUBLIC
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        status, body = bench.post(nginx.target, path, urlencode(params).encode(), headers, ANSWER_WITHIN)
        return status, body.decode("utf-8")

    return post


def _answered(target) -> tuple[int, bytes]:
    try:
        return bench.signed_post(target, TOKEN, timeout=ANSWER_WITHIN)
    except TimeoutError:
        pytest.fail(f"a signed webhook request got no answer within {ANSWER_WITHIN:g} s")


def test_signed_webhooks_are_answered_through_nginx_while_slow_clients_hold_on(deployed):
    _, nginx, _ = deployed
    slow = bench.SlowClients(nginx.target, SLOW, kind="body", interval=1.0).start()
    try:
        slow.wait_rounds(2, timeout=20)  # every slow client has sent its headers and body bytes
        assert slow.open == SLOW
        for _ in range(10):
            status, body = _answered(nginx.target)
            assert status == 200
            assert b"<Response>" in body
        # A whole call, every action URL (state in its query string) signed and checked.
        call = SimulatedCall(_via_nginx(nginx), PUBLIC, TOKEN)
        call.start()
        call.press("1")
        silence_until_transfer(call)
        assert not any(h.kind == "error" for h in call.heard), call.heard
        assert call.dialled_number == HELPLINE
        # The slow load was real all along: nginx held every slow connection open.
        assert slow.open == SLOW
        assert slow.answered == 0
    finally:
        slow.stop()


def test_slow_headers_do_not_hold_the_line_either(deployed):
    _, nginx, _ = deployed
    slow = bench.SlowClients(nginx.target, SLOW, kind="headers", interval=1.0).start()
    try:
        slow.wait_rounds(2, timeout=20)
        for _ in range(5):
            status, _body = _answered(nginx.target)
            assert status == 200
    finally:
        slow.stop()


def test_forwarded_headers_sent_by_a_client_are_replaced_by_nginx(deployed):
    """With IVR_TRUSTED_PROXIES=1 the line believes X-Forwarded-*: only nginx may set them."""
    server, nginx, _ = deployed
    forged = {
        "X-Forwarded-Prefix": "/elsewhere",
        "X-Forwarded-Host": "attacker.example",
        "X-Forwarded-Proto": "http",
        "X-Forwarded-For": "192.0.2.1",
    }
    # Straight to gunicorn, the forged prefix changes the URL the signature is checked
    # against (this is why gunicorn listens on loopback only)...
    direct = bench.Target(int(server.url.rsplit(":", 1)[1]), "127.0.0.1")
    assert bench.signed_post(direct, TOKEN, headers=forged, timeout=ANSWER_WITHIN)[0] == 403
    # ...through nginx it never arrives.
    assert bench.signed_post(nginx.target, TOKEN, headers=forged, timeout=ANSWER_WITHIN)[0] == 200


def test_a_request_larger_than_the_line_accepts_is_refused_by_nginx_before_its_body(deployed):
    _, nginx, _ = deployed
    with nginx.target.connect(timeout=ANSWER_WITHIN) as sock:
        sock.sendall(
            f"POST /voice HTTP/1.1\r\nHost: {bench.PUBLIC_HOST}\r\n"
            "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 70000\r\n\r\n".encode()
        )
        assert sock.recv(200).startswith(b"HTTP/1.1 413 ")


def test_one_address_cannot_take_every_connection(deployed):
    """Past 64 requests in progress from one address, nginx answers 503 at once; others go on."""
    _, nginx, _ = deployed
    slow = bench.SlowClients(nginx.target, 70, kind="body", interval=1.0, addresses=1).start()
    try:
        slow.wait_rounds(2, timeout=20)
        assert slow.answered >= 70 - 64
        status, _body = _answered(nginx.target)
        assert status == 200
    finally:
        slow.stop()


# -- who is logging in: the client's address, through nginx ---------------------------------
#: The browser's address: another loopback address than nginx's own connection to gunicorn.
BROWSER = "127.0.0.2"


class _FromBrowser(http.client.HTTPConnection):
    """A connection to nginx from :data:`BROWSER`."""

    def __init__(self, target) -> None:  # type: ignore[no-untyped-def]
        super().__init__("127.0.0.1", target.port, timeout=ANSWER_WITHIN)
        self._target = target

    def connect(self) -> None:
        self.sock = self._target.connect(self.timeout, BROWSER)


def _wrong_login_through(target) -> int:  # type: ignore[no-untyped-def]
    """A wrong password typed at the console's login page, through nginx: the answer's status."""
    connection = _FromBrowser(target)
    try:
        connection.request("GET", "/console/login", headers={"Host": target.host_header})
        page = connection.getresponse()
        csrf = re.search(r'name="csrf" value="([^"]+)"', page.read().decode()).group(1)
        cookie = page.headers["Set-Cookie"].split(";", 1)[0]
    finally:
        connection.close()
    connection = _FromBrowser(target)
    try:
        form = urlencode({"csrf": csrf, "name": "nobody", "password": "a wrong guess at it"})
        headers = {"Host": target.host_header, "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", "/console/login", form, headers)
        answer = connection.getresponse()
        answer.read()
        return answer.status
    finally:
        connection.close()


def _counted_under(server) -> set[str]:  # type: ignore[no-untyped-def]
    with sqlite3.connect(server.log_file.parent / "server.sqlite3") as database:
        return {key for (key,) in database.execute("SELECT key FROM login_failures")}


def test_a_failed_login_through_nginx_is_counted_under_the_browsers_own_address(deployed):
    """The README's setup (deploy/nginx.conf, IVR_PUBLIC_URL, IVR_TRUSTED_PROXIES=1): the line
    sees each browser's address, not nginx's 127.0.0.1, and says nothing about the proxy."""
    _, nginx, console = deployed
    assert _wrong_login_through(nginx.target) == 401
    assert _counted_under(console) == {f"address:{BROWSER}", "name:nobody"}
    assert "untrusted-proxy" not in console.log_file.read_text()


def test_without_the_proxy_setting_the_line_says_so_and_counts_failed_logins_by_name(tmp_path):
    flow_file = tmp_path / "call_flows.yaml"
    flow_file.write_bytes(DEFAULT_FLOW.read_bytes())
    server = GunicornServer(
        flow_file, tmp_path / "server.log", "console", IVR_PUBLIC_URL=PUBLIC, IVR_TRUSTED_PROXIES="0"
    )
    try:
        nginx = bench.Nginx(tmp_path / "nginx", _port(server), console_port=_port(server))
        try:
            assert [_wrong_login_through(nginx.target) for _ in range(2)] == [401, 401]
        finally:
            nginx.stop()
    finally:
        server.stop()
    assert _counted_under(server) == {"name:nobody"}  # never 127.0.0.1, which every operator would share
    log = server.log_file.read_text()
    said = [line for line in log.splitlines() if '"untrusted-proxy"' in line]
    assert 1 <= len(said) <= 2, log  # once in each worker process that served the console
    assert all(UNTRUSTED_PROXY_WARNING in line for line in said)
    assert BROWSER not in log


def test_nginx_sends_the_console_to_its_own_master_and_tells_browsers_to_stay_on_https(deployed):
    server, nginx, console = deployed
    connection = _FromBrowser(nginx.target)
    try:
        connection.request("GET", "/console/login", headers={"Host": nginx.target.host_header})
        page = connection.getresponse()
        page.read()
    finally:
        connection.close()
    assert page.status == 200
    assert set(page.headers.get_all("Strict-Transport-Security")) == {"max-age=31536000; includeSubDomains"}
    logged = '\\"GET /console/login\\" status=200'
    deadline = time.monotonic() + 5  # the access log is written just after the answer
    while logged not in console.log_file.read_text() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert logged in console.log_file.read_text()  # the console's master answered
    assert "/console/login" not in server.log_file.read_text()  # never the line's
    assert _answered(nginx.target)[0] == 200  # and Twilio's requests go to the line
