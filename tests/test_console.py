"""The operators' console: login, CSRF, lock-out, pages, a call in the browser, statistics."""

from __future__ import annotations

import html
import re
import time

import pytest
from support import CRIMESTOPPERS, HELPLINE, PUBLIC, TOKEN
from twilio.request_validator import RequestValidator

from ivr.console.views import add_operator
from ivr.tools.simulator import SimulatedCall, flask_transport

SITE = "https://line.example.org"
PASSWORD = "a long enough password"


def with_operators(app, *names: str, admins: tuple[str, ...] = ()):
    """``app`` with these operators, each with :data:`PASSWORD`; ``admins`` among them are admins."""
    for name in names:
        add_operator(app.extensions["ivr.database"].engine, name, PASSWORD, admin=name in admins)
    return app


@pytest.fixture
def app(make_app):
    return with_operators(make_app(), "alice")


class Browser:
    """A browser on the console: keeps its cookies, sends the CSRF token like the pages do."""

    def __init__(self, app) -> None:
        self.client = app.test_client()

    def get(self, path: str, **kwargs):
        return self.client.get(path, base_url=SITE, **kwargs)

    def csrf(self) -> str:
        page = self.get("/console/login").get_data(as_text=True)
        return re.search(r'name="csrf" value="([^"]+)"', page).group(1)

    def post(self, path: str, data=None, csrf: bool = True, **kwargs):
        data = dict(data or {})
        if csrf:
            data.setdefault("csrf", self.csrf())
        return self.client.post(path, data=data, base_url=SITE, **kwargs)

    def login(self, name: str = "alice", password: str = PASSWORD):
        return self.post("/console/login", {"name": name, "password": password})

    def step(self, action: str, value: str = "", position: str = ""):
        token = self.csrf()
        return self.client.post(
            "/console/try/step",
            json={"action": action, "value": value, "position": position},
            headers={"X-CSRF-Token": token},
            base_url=SITE,
        )


def logged_in(app, name: str = "alice") -> Browser:
    """A browser on ``app``'s console with ``name`` logged in (with :data:`PASSWORD`)."""
    browser = Browser(app)
    assert browser.login(name).status_code == 302
    return browser


PAGES = ["/console", "/console/", "/console/try", "/console/stats", "/console/stats.csv"]


@pytest.mark.parametrize("page", PAGES)
def test_no_console_page_answers_without_a_session(app, page):
    response = Browser(app).get(page)
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]


def test_no_console_action_answers_without_a_session(app):
    browser = Browser(app)
    assert browser.step("start").status_code == 302
    assert browser.client.post("/console/try/step", json={"action": "start"}, base_url=SITE).status_code == 400


def test_a_twilio_signature_opens_nothing_in_the_console(app):
    params = {"CallSid": "CA" + "5" * 32}
    for page in PAGES:
        signature = RequestValidator(TOKEN).compute_signature(SITE + page, params)
        response = app.test_client().get(page, base_url=SITE, headers={"X-Twilio-Signature": signature})
        assert response.status_code == 302


def test_a_console_session_opens_no_webhook(app):
    browser = Browser(app)
    browser.login()
    assert browser.client.post("/voice", data={"CallSid": "CA1"}, base_url=SITE).status_code == 403


def test_login_then_every_page(app):
    browser = Browser(app)
    response = browser.login()
    assert response.status_code == 302
    for page in PAGES:
        response = browser.get(page)
        assert response.status_code == 200, page
    line = browser.get("/console").get_data(as_text=True)
    version = app.extensions["ivr"].store.live.flow.version
    assert version in line and "<svg" in line
    first = words_of(line)
    assert (
        f"What callers hear now Version {version} of the flow file: nothing has been published in the console "
        "yet (live here since "
    ) in first
    assert (
        "What needs doing Callers wait longer for the helpline than the line promises, in 9 cases "
        "7 languages have texts not yet reviewed by a native speaker "
        "3 languages have no voice and no recordings yet: their callers are put straight through to the helpline "
        "The flow file on this server"
    ) in first
    problems = words_of(browser.get("/console/problems").get_data(as_text=True))
    assert "7 languages have texts not yet reviewed by a native speaker Line 60: Polski (pl-PL): 0 of 56" in problems


def words_of(page: str) -> str:
    """A page's text as a person reads it, without its scripts."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


def test_the_session_cookie_is_httponly_samesite_and_secure(app):
    response = Browser(app).login()
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" in cookie


def test_wrong_password_and_unknown_name_are_refused_alike(app):
    browser = Browser(app)
    wrong = browser.login(password="not the password at all")
    unknown = browser.login(name="mallory", password="whatever it is")
    assert wrong.status_code == unknown.status_code == 401
    assert "do not match" in wrong.get_data(as_text=True)
    assert browser.get("/console").status_code == 302


def test_forms_without_the_csrf_token_are_refused(app):
    browser = Browser(app)
    assert browser.post("/console/login", {"name": "alice", "password": PASSWORD}, csrf=False).status_code == 400
    assert browser.post("/console/login", {"name": "alice", "password": PASSWORD, "csrf": "forged"}).status_code == 400
    browser.login()
    assert browser.post("/console/logout", csrf=False).status_code == 400
    assert browser.get("/console").status_code == 200  # still logged in
    assert browser.post("/console/logout").status_code == 302
    assert browser.get("/console").status_code == 302


def test_repeated_failed_logins_are_slowed_down_then_refused(app):
    browser = Browser(app)
    for _ in range(3):
        assert browser.login(password="wrong password here").status_code == 401
    slowed = browser.login(password="wrong password here")
    assert slowed.status_code == 429 and "Wait" in slowed.get_data(as_text=True)
    # Even the right password waits: the lock is on the name, whoever tries it.
    assert browser.login().status_code == 429
    other_name = Browser(app).login(name="bob", password="something else")
    assert other_name.status_code == 429  # and on the address the tries come from


def test_a_call_in_the_browser_through_the_real_webhooks(app):
    browser = Browser(app)
    browser.login()
    data = browser.step("start").get_json()
    assert data["waiting"] == "gather" and data["heard"][0]["text"].startswith("If you are in danger now")
    for key in ("1", "0"):  # English, then the helpline
        data = browser.step("press", key, data["position"]).get_json()
    assert data["waiting"] == "dial" and data["dialled"] == HELPLINE
    data = browser.step("dial", "busy", data["position"]).get_json()
    assert data["waiting"] == "gather"
    data = browser.step("press", "2", data["position"]).get_json()
    assert data["dialled"] == CRIMESTOPPERS
    tampered = data["position"][:-3] + "abc"
    assert browser.step("press", "1", tampered).status_code == 400


# -- statistics ---------------------------------------------------------------------------
def test_statistics_match_what_the_calls_did_and_hold_no_phone_number(app):
    def call(*keys: str, dial: str = "", silences: int = 0, end: bool = True, said: str = ""):
        c = SimulatedCall(flask_transport(app), PUBLIC, TOKEN, caller="+447700900123")
        c.start()
        if said:
            c.say(said)
        for key in keys:
            c.press(key)
        for _ in range(silences):
            c.silence()
        if dial:
            c.dial_result(dial)
        if end:
            assert c.status_callback("completed", "42") == 200
        return c

    call("1", "0", dial="completed")  # English, helpline, talked
    call("2", "1", dial="completed", said="polski")  # Polish (said: it has no key), report, Crimestoppers
    call("1", "4")  # English, what to do in danger, then hung up
    call("7", "9")  # Romanian, quick exit
    call("1", "7")  # English, one wrong key at the main menu, hung up there
    call("1", "0", dial="busy")  # transfer failed, then hung up
    SimulatedCall(flask_transport(app), PUBLIC, TOKEN, extra_params={"IvrConsoleTest": "1"}).start()  # not counted
    app.extensions["ivr"].recorder.flush()

    browser = Browser(app)
    browser.login()
    page = browser.get("/console/stats").get_data(as_text=True)
    assert "<strong>6</strong> calls" in page and "<strong>1</strong> needed a retry" in page
    csv = browser.get("/console/stats.csv").get_data(as_text=True)
    assert "outcome,connected to the Modern Slavery Helpline,1" in csv
    assert "outcome,connected to Crimestoppers,1" in csv
    assert "outcome,told to dial 999,1" in csv
    assert "outcome,quick exit,1" in csv
    assert "outcome,transfer failed,1" in csv
    assert "outcome,caller hung up at main_menu,1" in csv
    assert "drop-off,main_menu,1" in csv
    assert "language,en-GB,4" in csv and "language,pl-PL,1" in csv and "language,ro-RO,1" in csv
    assert f"per day,{time.strftime('%Y-%m-%d')},6" in csv

    import sqlite3

    database = app.extensions["ivr.database"].url.removeprefix("sqlite:///")
    with sqlite3.connect(database) as connection:
        dump = "\n".join(connection.iterdump())
    assert "call_events" in dump and "main_menu" in dump
    assert not re.search(r"7700\D{0,3}900\D{0,3}123", dump)
    assert not re.search(r"CA[0-9a-f]{32}", dump)  # not even a CallSid


def test_a_database_failure_never_affects_a_call(make_app, tmp_path):
    app = make_app(DATABASE_URL=f"sqlite:///{tmp_path}/no/such/folder/ivr.sqlite3")
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("1")
    call.press("0")
    assert call.dialled_number == HELPLINE
    app.extensions["ivr"].recorder.flush(timeout=5)


def test_operator_accounts_from_the_command_line(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ivr.cli import main

    monkeypatch.setenv("IVR_DATABASE_FILE", str(tmp_path / "ops.sqlite3"))
    runner = CliRunner()
    added = runner.invoke(main, ["operator", "add", "carol"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert added.exit_code == 0, added.output
    assert runner.invoke(main, ["operator", "add", "carol"], input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 1
    mismatch = runner.invoke(main, ["operator", "add", "dave"], input=f"{PASSWORD}\nsomething else entirely\n")
    assert mismatch.exit_code == 1 and "same both times" in mismatch.output
    import sqlite3

    with sqlite3.connect(tmp_path / "ops.sqlite3") as connection:
        stored = connection.execute("select password_hash from operators where name = 'carol'").fetchone()[0]
    assert PASSWORD not in stored and stored.startswith(("scrypt:", "pbkdf2:"))
    assert runner.invoke(main, ["operator", "remove", "carol"]).exit_code == 0
    assert runner.invoke(main, ["operator", "remove", "carol"]).exit_code == 1
    export = runner.invoke(main, ["stats", "export"])
    assert export.exit_code == 0 and export.output.startswith("section,item,calls")


def test_old_events_are_deleted_after_the_retention_period(app):
    from sqlalchemy import func, insert, select

    from ivr.database import call_events
    from ivr.definition.limits import DAY_SECONDS
    from ivr.stats.events import delete_old_events

    engine = app.extensions["ivr.database"].engine
    with engine.begin() as connection:
        connection.execute(
            insert(call_events),
            [
                {"call": "old", "at": time.time() - 91 * DAY_SECONDS, "kind": "start"},
                {"call": "new", "at": time.time() - 89 * DAY_SECONDS, "kind": "start"},
            ],
        )
    assert delete_old_events(engine, 90) == 1
    with engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(call_events)).scalar() == 1


@pytest.mark.parametrize(
    "paramstyle, mark",
    [("qmark", "?"), ("format", "%s"), ("pyformat", "%(call)s"), ("named", ":call"), ("numeric", ":1")],
)
def test_the_statistics_insert_speaks_every_drivers_placeholders(paramstyle, mark):
    from ivr.stats.events import EMPTY_EVENT, insert_statement

    sql, rows = insert_statement(paramstyle, [dict(EMPTY_EVENT, call="abc", at=1.0)])
    assert f"VALUES ({mark}" in sql and sql.count(",") == 2 * 9 and len(rows) == 1


def test_statistics_name_languages_and_say_why_a_chart_is_empty(app):
    """Every chart has its own ids (a screen reader names each after its title), languages
    are shown by name, and "no calls yet" is never said when there were calls."""
    c = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    c.start()
    c.say("polski")  # Polski: chosen by its name (it has no key)
    c.press("0")  # the helpline
    c.dial_result("completed")
    assert c.status_callback("completed", "30") == 200
    app.extensions["ivr"].recorder.flush()

    browser = Browser(app)
    browser.login()
    page = browser.get("/console/stats").get_data(as_text=True)
    assert "<strong>Where callers hung up</strong>: no caller hung up before reaching help.</p>" in page
    assert "no calls yet" not in page
    ids = re.findall(r'\bid="(chart-[^"]+)"', page)
    assert ids == [
        "chart-calls-per-day-last-30-days-title",
        "chart-calls-per-day-last-30-days-desc",
        "chart-how-calls-ended-title",
        "chart-how-calls-ended-desc",
        "chart-languages-chosen-title",
        "chart-languages-chosen-desc",
    ]
    assert '<desc id="chart-languages-chosen-desc">Polski (pl-PL): 1</desc>' in page


def test_the_line_page_says_when_callers_are_not_reaching_the_helpline(app):
    browser = Browser(app)
    browser.login()
    assert "not reaching the helpline" not in browser.get("/console").get_data(as_text=True)
    for _ in range(5):
        call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
        call.start()
        call.press("0")
        call.dial_result("no-answer")
    assert app.extensions["ivr"].recorder.flush()
    now = time.time()
    assert app.extensions["ivr.alert"].alert.check(now)
    page = browser.get("/console").get_data(as_text=True)
    since = time.strftime("%H:%M on %d %b %Y", time.localtime(now))
    assert (
        re.sub(r"\s+", " ", page).count(
            '<p class="error" role="alert"><strong>Callers are not reaching the helpline</strong> since '
            f"{since}: most transfers to it are busy, not answered or failing."
        )
        == 1
    )


@pytest.mark.parametrize("serves", ["calls", "console", "everything"])
def test_every_app_answers_a_browsers_favicon_request_with_the_consoles_icon(flow_file, serves):
    """Browsers ask the root for /favicon.ico; behind nginx that reaches the line's app, so
    every app answers it, with the icon the console's pages link to. Nobody needs to log in."""
    from pathlib import Path

    from ivr import create_app

    settings = {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_FLOW_FILE": str(flow_file), "IVR_PUBLIC_URL": PUBLIC}
    app = create_app({**settings, "IVR_DATABASE_FILE": str(flow_file.parent / "ivr.sqlite3")}, {}, serves=serves)
    icon = Path(__file__).resolve().parent.parent / "ivr" / "console" / "static" / "console" / "favicon.svg"
    response = app.test_client().get("/favicon.ico", base_url=SITE)
    answered = (response.status_code, response.mimetype, response.data)
    response.close()  # the file it was sent from
    assert answered == (200, "image/svg+xml", icon.read_bytes())


def test_every_console_page_links_its_icon_and_shows_who_is_logged_in_and_how_to_change_the_password(app):
    browser = Browser(app)
    login = browser.get("/console/login").get_data(as_text=True)
    browser.login()
    icon = browser.get("/console/static/favicon.svg")
    icon.close()
    assert (icon.status_code, icon.mimetype) == (200, "image/svg+xml")
    link = '<link rel="icon" href="/console/static/favicon.svg" type="image/svg+xml">'
    account = re.compile(
        r'<div class="account">\s*<span>Logged in as <bdi>alice</bdi></span>\s*'
        r'<a href="/console/password">Change your password</a>\s*<form method="post" action="/console/logout">'
    )
    assert link in login and not account.search(login)  # nobody is logged in yet
    for page in ["/console", "/console/try", "/console/stats", "/console/history", "/console/password"]:
        text = browser.get(page).get_data(as_text=True)
        assert link in text and account.search(text), page
