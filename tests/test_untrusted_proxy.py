"""Behind a proxy the line was not told about (IVR_TRUSTED_PROXIES=0 behind nginx).

Every console request then comes from the proxy's address, 127.0.0.1, with the client's in
X-Forwarded-For. Before, ten wrong passwords from anyone locked that one address, and so
every operator, out of the console; nothing said why. tests/test_slow_clients.py runs the
same through the real nginx with deploy/nginx.conf.
"""

from __future__ import annotations

import logging
import re
import time

import pytest

from ivr.console.accounts import LOCK_FAILURES
from ivr.console.proxies import UNTRUSTED_PROXY_WARNING
from ivr.console.views import add_operator

SITE = "https://line.example.org"
PASSWORD = "a long enough password"
PROXY = "127.0.0.1"
BANNER = (
    "The line does not know who is logging in. Requests reach it through a proxy (such as nginx), but "
    "IVR_TRUSTED_PROXIES is 0, so every operator seems to come from the proxy's own address, and the console "
    "counts failed logins per name only. Whoever runs the server should set IVR_TRUSTED_PROXIES to the number "
    "of proxies in front of the line (1 behind deploy/nginx.conf), make sure nothing reaches the line past "
    "them, and restart it."
)


class Browser:
    """A browser whose requests reach the line from ``peer``, naming ``client`` in X-Forwarded-For."""

    def __init__(self, app, client: str | None, peer: str = PROXY) -> None:
        self.http = app.test_client()
        self.environ = {"REMOTE_ADDR": peer}
        self.headers = {"X-Forwarded-For": client} if client else {}

    def get(self, path: str):
        return self.http.get(path, base_url=SITE, environ_base=self.environ, headers=self.headers)

    def login(self, name: str = "alice", password: str = PASSWORD):
        page = self.get("/console/login").get_data(as_text=True)
        csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
        form = {"csrf": csrf, "name": name, "password": password}
        return self.http.post(
            "/console/login", data=form, base_url=SITE, environ_base=self.environ, headers=self.headers
        )


@pytest.fixture
def clock():
    return [time.time()]


@pytest.fixture
def app(make_app, clock):
    app = make_app()
    add_operator(app.extensions["ivr.database"].engine, "alice", PASSWORD)
    app.extensions["ivr.console"].clock = lambda: clock[0]
    return app


def _wrong_guesses(browser: Browser, clock: list[float], names: list[str]) -> list[int]:
    """One wrong password per name, each as late as the line asks; the statuses of the tries."""
    statuses = []
    for name in names:
        answer = browser.login(name, "a wrong guess at it")
        if answer.status_code == 429:
            clock[0] += int(answer.headers["Retry-After"])
            answer = browser.login(name, "a wrong guess at it")
        statuses.append(answer.status_code)
    return statuses


def _banner(page: str) -> str | None:
    found = re.search(r'<p class="error" role="alert"><strong>The line does not know.*?</p>', page, re.S)
    return None if found is None else " ".join(re.sub(r"<[^>]+>", "", found.group(0)).split())


def test_strangers_guessing_through_the_proxy_do_not_lock_every_operator_out(app, clock):
    stranger = Browser(app, "203.0.113.66")
    names = [f"guess{i}" for i in range(LOCK_FAILURES)]
    assert _wrong_guesses(stranger, clock, names) == [401] * LOCK_FAILURES
    assert Browser(app, "198.51.100.7").login().status_code == 302  # at once: the proxy's address is not locked


def test_an_operators_name_is_still_locked_after_too_many_wrong_passwords_through_the_proxy(app, clock):
    office = Browser(app, "198.51.100.7")
    assert office.login().status_code == 302  # through the proxy: no address becomes known
    stranger = Browser(app, "203.0.113.66")
    assert _wrong_guesses(stranger, clock, ["alice"] * LOCK_FAILURES) == [401] * LOCK_FAILURES
    locked = office.login()  # the proxy's address is everybody's: it passes no name's lock
    assert locked.status_code == 429 and "Wait 900 seconds" in locked.get_data(as_text=True)


def test_a_client_that_adds_the_header_itself_is_still_counted_by_its_own_address(app, clock):
    direct = Browser(app, "198.51.100.7", peer="9.9.9.9")  # an address on the internet (documentation ones are private)
    names = [f"guess{i}" for i in range(LOCK_FAILURES)]
    assert _wrong_guesses(direct, clock, names) == [401] * LOCK_FAILURES
    locked = direct.login()
    assert locked.status_code == 429 and "Wait 900 seconds" in locked.get_data(as_text=True)


def test_the_first_console_request_through_the_proxy_says_so_once_naming_the_setting(app, clock, caplog):
    caplog.set_level(logging.INFO, logger="ivr")
    Browser(app, None).get("/console/login")
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
    through = Browser(app, "203.0.113.66")
    through.get("/console/login")
    through.login()
    Browser(app, "198.51.100.7").get("/console/login")
    warnings = [(r.levelname, r.name, r.getMessage(), r.fields) for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings == [("WARNING", "ivr.console", UNTRUSTED_PROXY_WARNING, {"event": "untrusted-proxy"})]
    assert UNTRUSTED_PROXY_WARNING == (
        "console requests come through a proxy (they carry X-Forwarded-For), but IVR_TRUSTED_PROXIES is 0: the "
        "line sees the proxy's address for every operator, so failed logins are counted per name only. Set "
        "IVR_TRUSTED_PROXIES to the number of proxies in front of the line (1 behind deploy/nginx.conf) and let "
        "nothing reach the line past them."
    )
    logged = caplog.text + "".join(repr(getattr(r, "fields", "")) for r in caplog.records)
    assert not any(address in logged for address in ("127.0.0.1", "203.0.113.66", "198.51.100.7"))


def test_the_consoles_first_page_says_it_while_the_setting_is_0(make_app, tmp_path):
    cases = (("0", "198.51.100.7", BANNER), ("0", None, None), ("1", "198.51.100.7", None))
    for number, (trusted, client, banner) in enumerate(cases):
        app = make_app(IVR_TRUSTED_PROXIES=trusted, IVR_DATABASE_FILE=str(tmp_path / f"line{number}.sqlite3"))
        add_operator(app.extensions["ivr.database"].engine, "alice", PASSWORD)
        browser = Browser(app, client)
        assert browser.login().status_code == 302
        page = browser.get("/console/")
        assert (page.status_code, _banner(page.get_data(as_text=True))) == (200, banner), (trusted, client)


def test_the_webhooks_never_look_for_the_proxy(app, caplog):
    caplog.set_level(logging.INFO, logger="ivr")
    answer = app.test_client().post(
        "/voice", base_url=SITE, headers={"X-Forwarded-For": "203.0.113.66"}, environ_base={"REMOTE_ADDR": PROXY}
    )
    assert answer.status_code == 403  # unsigned: refused, and nothing said about the proxy
    assert [r for r in caplog.records if getattr(r, "fields", {}).get("event") == "untrusted-proxy"] == []
