"""The console against an attacker: forged and stolen cookies, guessing passwords, a database
that cannot be written, headers, and requests no page would send. Each test is one finding
of an attack on the running line; every one of them failed before its fix."""

from __future__ import annotations

import ast
import hashlib
import hmac
import re
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.sessions import SecureCookieSessionInterface
from support import HELPLINE, TOKEN
from test_console import with_operators

from ivr.console.accounts import LOCK_FAILURES, SESSION_SECONDS, address_of
from ivr.console.views import add_operator
from ivr.database import Database
from ivr.platform import ConfigError

SITE = "https://line.example.org"
PASSWORD = "a long enough password"
PAGES = ["/console/", "/console/try", "/console/stats", "/console/stats.csv"]
COOKIE = "ivr_console"


@pytest.fixture
def app(make_app):
    return with_operators(make_app(), "alice")


class Browser:
    """A browser on the console from one address: keeps its cookie, sends the CSRF token."""

    def __init__(self, app, address: str = "127.0.0.1") -> None:
        self.client = app.test_client()
        self.address = address

    def get(self, path: str, **kwargs):
        return self.client.get(path, base_url=SITE, environ_base={"REMOTE_ADDR": self.address}, **kwargs)

    def csrf(self) -> str:
        page = self.get("/console/login").get_data(as_text=True)
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def post(self, path: str, data=None, **kwargs):
        data = {"csrf": self.csrf(), **(data or {})}
        return self.client.post(path, data=data, base_url=SITE, environ_base={"REMOTE_ADDR": self.address}, **kwargs)

    def login(self, name: str = "alice", password: str = PASSWORD, next_page: str = ""):
        query = {"next": next_page} if next_page else {}
        return self.post("/console/login", {"name": name, "password": password}, query_string=query)

    def step(self, action: str, value: str = "", position: str = "", body: object = ...):
        token = self.csrf()
        payload = {"action": action, "value": value, "position": position} if body is ... else body
        return self.client.post("/console/try/step", json=payload, headers={"X-CSRF-Token": token}, base_url=SITE)

    @property
    def cookie(self) -> str:
        return self.client.get_cookie(COOKIE, domain="line.example.org", path="/console").value

    def with_cookie(self, value: str) -> Browser:
        self.client.set_cookie(COOKIE, value, domain="line.example.org", path="/console")
        return self


def _login_redirect(response, page: str) -> bool:
    return response.status_code == 302 and response.headers["Location"] == f"/console/login?next={page}"


# -- 8: the Twilio token alone opens nothing ------------------------------------------------
class _KeyOnly:
    """What Flask's session interface needs of an app to sign: a key and no fallbacks."""


def _flask_cookie(key: str, data: dict) -> str:
    app = _KeyOnly()
    app.secret_key = key
    app.config = {"SECRET_KEY_FALLBACKS": []}
    return SecureCookieSessionInterface().get_signing_serializer(app).dumps(data)


def test_a_cookie_signed_with_a_key_made_from_the_twilio_token_opens_no_page(app):
    derived = hmac.new(TOKEN.encode(), b"ivr console session key", hashlib.sha256).hexdigest()
    forged = _flask_cookie(derived, {"operator": "nobody-such", "csrf": "x", "_permanent": True})
    answers = {page: Browser(app).with_cookie(forged).get(page) for page in PAGES}
    assert {page: _login_redirect(r, page) for page, r in answers.items()} == dict.fromkeys(PAGES, True)


def test_a_cookie_signed_with_the_real_key_opens_nothing_without_a_live_session(app):
    key = app.extensions["ivr.console"].secret_key()
    cookies = [
        _flask_cookie(key, {"operator": "alice", "csrf": "x"}),  # the old format: a name is not a session
        _flask_cookie(key, {"sid": "made-up-session-id", "csrf": "x"}),
        _flask_cookie(key, {"sid": ["not", "a", "string"], "csrf": "x"}),
    ]
    for cookie in cookies:
        answers = [Browser(app).with_cookie(cookie).get(page) for page in PAGES]
        assert [_login_redirect(r, page) for r, page in zip(answers, PAGES, strict=True)] == [True] * len(PAGES)


def test_the_session_key_is_random_in_the_database_and_shared_by_its_servers(make_app, tmp_path):
    first, second = make_app(), make_app()  # two servers on one database
    elsewhere = make_app(IVR_DATABASE_FILE=str(tmp_path / "other.sqlite3"))  # same token, another database
    keys = [a.extensions["ivr.console"].secret_key() for a in (first, second, elsewhere)]
    derived = hmac.new(TOKEN.encode(), b"ivr console session key", hashlib.sha256).hexdigest()
    assert keys[0] == keys[1] != keys[2] and derived not in keys and all(len(k) == 64 for k in keys)
    add_operator(first.extensions["ivr.database"].engine, "alice", PASSWORD)
    on_first = Browser(first)
    assert on_first.login().status_code == 302
    assert Browser(second).with_cookie(on_first.cookie).get("/console/").status_code == 200


def test_a_set_secret_key_must_be_long_and_not_the_token(make_app):
    configured = "k" * 40
    assert make_app(IVR_SECRET_KEY=configured).extensions["ivr.console"].secret_key() == configured
    for weak in ("short", TOKEN):
        with pytest.raises(ConfigError, match="IVR_SECRET_KEY must be at least 32 random characters"):
            make_app(IVR_SECRET_KEY=weak)


# -- 9: sessions end, and can be ended --------------------------------------------------------
def test_logging_out_ends_every_session_of_the_operator(app):
    here, there = Browser(app), Browser(app)
    assert here.login().status_code == 302 and there.login().status_code == 302
    stolen = here.cookie
    assert here.post("/console/logout").status_code == 302
    after = [Browser(app).with_cookie(stolen).get("/console/"), there.get("/console/"), here.get("/console/")]
    assert [_login_redirect(r, "/console/") for r in after] == [True, True, True]


def _cli(tmp_path: Path, *args: str, stdin: str = ""):
    from ivr.cli import main

    result = CliRunner().invoke(
        main, list(args), input=stdin, env={"IVR_DATABASE_FILE": str(tmp_path / "ivr.sqlite3"), "DATABASE_URL": ""}
    )
    return result.exit_code, result.output


def test_removing_an_operator_ends_their_sessions_and_their_test_calls_at_once(app, tmp_path):
    browser = Browser(app)
    browser.login()
    call = browser.step("start").get_json()
    assert call["waiting"] == "gather"
    assert _cli(tmp_path, "operator", "remove", "alice") == (
        0,
        "operator 'alice' removed; their console sessions have ended\n",
    )
    assert _login_redirect(browser.get("/console/"), "/console/")
    assert _login_redirect(browser.step("start"), "/console/try/step")
    assert _login_redirect(browser.step("press", "1", call["position"]), "/console/try/step")


def test_a_new_password_ends_every_session_and_only_the_new_one_logs_in(app, tmp_path):
    browser = Browser(app)
    browser.login()
    new = "an entirely new password"
    assert _cli(tmp_path, "operator", "password", "alice", stdin=f"{new}\n{new}\n") == (
        0,
        "operator 'alice' has a new password; their console sessions have ended\n",
    )
    assert _login_redirect(browser.get("/console/"), "/console/")
    assert [browser.login().status_code, browser.login(password=new).status_code] == [401, 302]
    assert _cli(tmp_path, "operator", "password", "nobody", stdin=f"{new}\n{new}\n") == (
        1,
        "Error: there is no operator called 'nobody'\n",
    )


def test_pages_never_renew_the_session_cookie(app):
    browser = Browser(app)
    browser.login()
    renewed = {page: browser.get(page).headers.get("Set-Cookie") for page in PAGES}
    assert renewed == dict.fromkeys(PAGES)


def test_a_session_ends_eight_hours_after_login_however_much_it_is_used(app):
    console = app.extensions["ivr.console"]
    logged_in_at = time.time()
    console.clock = lambda: logged_in_at
    browser = Browser(app)
    browser.login()
    seen = []
    for hours in (1, 4, 7.99):  # in use all day
        console.clock = lambda hours=hours: logged_in_at + hours * 3600
        seen.append(browser.get("/console/stats").status_code)
    console.clock = lambda: logged_in_at + SESSION_SECONDS + 1
    assert seen == [200, 200, 200] and _login_redirect(browser.get("/console/stats"), "/console/stats")


# -- 10: a login that cannot be counted is refused -------------------------------------------
def test_logins_are_refused_with_503_while_the_database_cannot_record_them(app):
    console = app.extensions["ivr.console"]
    writable = console.database
    console.secret_key()  # made while the database could be written
    console.database = Database(f"sqlite:///file:{writable.url.removeprefix('sqlite:///')}?mode=ro&uri=true")
    browser = Browser(app)
    wrong = [browser.login(password=f"wrong password {i:02}") for i in range(14)]
    right = browser.login()
    statuses = [r.status_code for r in [*wrong, right]]
    assert statuses == [503] * 15
    assert "The console cannot check logins now" in right.get_data(as_text=True)
    assert _login_redirect(browser.get("/console/"), "/console/")
    console.database = writable
    assert browser.login().status_code == 302 and browser.get("/console/").status_code == 200


# -- 11: guessing is counted atomically, and cannot lock an operator out ----------------------
def test_forty_simultaneous_wrong_logins_get_three_password_checks(app, monkeypatch):
    import ivr.console.accounts as access

    checks: list[str] = []
    real_check = access.check_password_hash

    def counted(password_hash: str, password: str) -> bool:
        checks.append(password)
        return real_check(password_hash, password)

    monkeypatch.setattr(access, "check_password_hash", counted)
    browsers = [Browser(app) for _ in range(40)]
    tokens = [b.csrf() for b in browsers]
    start = threading.Barrier(40)
    statuses: list[int] = []

    def guess(browser: Browser, token: str) -> None:
        start.wait(timeout=30)
        form = {"csrf": token, "name": "alice", "password": "a wrong guess at it"}
        statuses.append(browser.client.post("/console/login", data=form, base_url=SITE).status_code)

    threads = [threading.Thread(target=guess, args=pair) for pair in zip(browsers, tokens, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(t.is_alive() for t in threads)
    assert (len(checks), sorted(statuses)) == (3, [401] * 3 + [429] * 37)


def test_a_name_locked_by_strangers_still_lets_its_operator_in_from_a_known_address(app):
    console = app.extensions["ivr.console"]
    now = [time.time()]
    console.clock = lambda: now[0]
    office = Browser(app, "198.51.100.7")
    assert office.login().status_code == 302
    office.post("/console/logout")
    guesses = []
    for i in range(LOCK_FAILURES):  # strangers, one wrong guess from each of many addresses, as slowly as asked
        answer = Browser(app, f"203.0.113.{i + 1}").login(password="a wrong guess at it")
        if answer.status_code == 429:
            now[0] += int(answer.headers["Retry-After"])
            answer = Browser(app, f"203.0.113.{i + 1}").login(password="a wrong guess at it")
        guesses.append(answer.status_code)
    stranger = Browser(app, "203.0.113.200").login()  # even with the right password
    assert guesses == [401] * LOCK_FAILURES
    assert stranger.status_code == 429 and "Wait 900 seconds" in stranger.get_data(as_text=True)
    assert office.login().status_code == 302 and office.get("/console/").status_code == 200


def test_addresses_are_counted_so_that_hopping_within_one_network_gains_nothing():
    assert [
        address_of("203.0.113.9"),
        address_of("2001:db8:1:2:aaaa:bbbb:cccc:1"),
        address_of("2001:db8:1:2::ffff"),
        address_of("::ffff:203.0.113.9"),
        address_of(None),
    ] == ["203.0.113.9", "2001:db8:1:2::/64", "2001:db8:1:2::/64", "203.0.113.9", "unknown"]


# -- 12: headers -------------------------------------------------------------------------------
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}


def _security(response) -> dict[str, str | None]:
    return {name: response.headers.get(name) for name in [*SECURITY_HEADERS, "Cache-Control"]}


def test_every_console_answer_has_the_security_headers_and_pages_are_never_cached(app):
    browser = Browser(app)
    answers = {"/console/login": browser.get("/console/login"), "wrong login": browser.login(password="not it!!")}
    browser.login()
    answers.update({page: browser.get(page) for page in PAGES})
    answers["refused step"] = browser.step("press", "1", body=[])
    answers["/"] = browser.get("/")
    for name, answer in answers.items():
        assert _security(answer) == {**SECURITY_HEADERS, "Cache-Control": "no-store"}, name
    with browser.get("/console/static/try.js") as script:
        assert {**_security(script), "Cache-Control": None} == {**SECURITY_HEADERS, "Cache-Control": None}


def test_no_console_page_needs_what_the_policy_blocks(app):
    browser = Browser(app)
    pages = {"/console/login": browser.get("/console/login").get_data(as_text=True)}
    browser.login()
    pages.update({page: browser.get(page).get_data(as_text=True) for page in PAGES if not page.endswith(".csv")})
    # Inline script or style, event handlers, javascript: links, anything from another site.
    needs = r"<script(?![^>]*\bsrc=)[^>]*>|<style|\sstyle=|\son[a-z]+=|javascript:|(?:src|href|action)=\"(?:https?:)?//"
    blocked = {page: re.findall(needs, html) for page, html in pages.items()}
    assert blocked == dict.fromkeys(pages, [])


# -- 20: requests no page would send get 400, never 500 ---------------------------------------
@pytest.mark.parametrize(
    "next_page, lands_on",
    [
        ("/console/stats", "/console/stats"),
        ("/console/stats.csv", "/console/stats.csv"),
        ("/console\r\nX:y", "/console/"),
        ("/console%0D%0AX:y", "/console/"),
        ("//evil.example/console", "/console/"),
        ("https://evil.example/console", "/console/"),
        ("/console/../voice", "/console/"),
        ("/console/./stats", "/console/"),
        ("/consolex", "/console/"),
        ("/console\\@evil.example", "/console/"),
        ("/console/stats?days=7#x", "/console/"),
        ("/console//evil.example", "/console/"),
    ],
)
def test_after_login_next_only_leads_to_a_console_page(app, next_page, lands_on):
    response = Browser(app).login(next_page=next_page)
    assert (response.status_code, response.headers["Location"]) == (302, lands_on)


@pytest.mark.parametrize("body", [[], ["start"], "start", 7, None])
def test_a_step_that_is_not_a_json_object_is_refused_with_400(app, body):
    browser = Browser(app)
    browser.login()
    response = browser.step("", body=body)
    assert (response.status_code, response.get_json()) == (
        400,
        {"error": 'Send each step as a JSON object: {"action": …, "value": …, "position": …}.'},
    )


def _at_the_transfer(browser: Browser) -> dict:
    data = browser.step("start").get_json()
    for key in ("1", "0"):  # English, then the helpline
        data = browser.step("press", key, data["position"]).get_json()
    assert (data["waiting"], data["dialled"]) == ("dial", HELPLINE)
    return data


def test_a_key_while_the_transfer_rings_is_refused_and_the_call_stays_where_it_was(app):
    browser = Browser(app)
    browser.login()
    ringing = _at_the_transfer(browser)
    for action, value in [("press", "1"), ("say", "hello"), ("silence", "")]:
        refused = browser.step(action, value, ringing["position"])
        assert (refused.status_code, refused.get_json()) == (
            400,
            {
                "error": "The line is transferring the call and does not listen for keys or words now: "
                "choose how the transfer ends (completed, busy, no-answer or failed), or hang up."
            },
        )
    after = browser.step("dial", "busy", ringing["position"]).get_json()
    assert after["waiting"] == "gather" and after["dialled"] == ""


def test_a_dial_result_while_the_line_waits_for_a_key_is_refused(app):
    browser = Browser(app)
    browser.login()
    menu = browser.step("start").get_json()
    refused = browser.step("dial", "completed", menu["position"])
    assert (refused.status_code, refused.get_json()) == (
        400,
        {"error": "The line is waiting for a key or for words, not for a transfer to end: press, say or stay silent."},
    )
    assert browser.step("press", "1", menu["position"]).get_json()["waiting"] == "gather"


@pytest.mark.parametrize("position", ["", "garbage", "e30.garbage"])
def test_a_step_without_a_position_the_console_issued_is_refused(app, position):
    browser = Browser(app)
    browser.login()
    refused = browser.step("press", "1", position)
    assert (refused.status_code, refused.get_json()) == (
        400,
        {"error": "This call's position was not issued by the console. Call the line again."},
    )


def test_the_console_imports_no_private_names_from_other_modules():
    ivr = Path(__file__).resolve().parent.parent / "ivr"
    private = {
        f"{path.name}: {alias.name}"
        for path in ivr.glob("console*.py")
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.ImportFrom)
        for alias in node.names
        if alias.name.startswith("_") and alias.name != "__future__" and node.module != "__future__"
    }
    assert private == set()
