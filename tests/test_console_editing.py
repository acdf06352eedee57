"""Editing the flow in the console: a draft checked as it is typed, a call on the draft, what
it changes, publishing with a message, approval by a second operator, history and rollback,
each step in the audit log."""

from __future__ import annotations

import html
import re

import pytest
from support import DEFAULT_FLOW
from test_console import PASSWORD, SITE, Browser, logged_in, with_operators

from ivr.console.views import add_operator
from ivr.publishing import draft_of, entries, history

LIVE_TEXT = DEFAULT_FLOW.read_text(encoding="utf-8")
OLD_WORDS = "Connecting you to the helpline."
NEW_WORDS = "Connecting you to the helpline now."
CHANGED_TEXT = LIVE_TEXT.replace(OLD_WORDS, NEW_WORDS, 1)
BROKEN_TEXT = LIVE_TEXT.replace("nodes:", "nodes:\n  broken: {type: nope}", 1)
BROKEN_LINE = BROKEN_TEXT.splitlines().index("  broken: {type: nope}") + 1


@pytest.fixture
def app(make_app):
    return with_operators(make_app(), "alice", "bob")


def engine_of(app):
    return app.extensions["ivr.database"].engine


def words(response) -> str:
    """A page's text as a person reads it."""
    page = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", response.get_data(as_text=True), flags=re.S)
    page = re.sub(r"</?bdi>", "", page)  # a name isolated in <bdi> reads as part of its sentence
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))).strip()


def check(browser: Browser, text: str):
    return browser.client.post(
        "/console/edit/check", json={"text": text}, headers={"X-CSRF-Token": browser.csrf()}, base_url=SITE
    )


def draft_step(browser: Browser, action: str, value: str = "", position: str = ""):
    return browser.client.post(
        "/console/try/draft/step",
        json={"action": action, "value": value, "position": position},
        headers={"X-CSRF-Token": browser.csrf()},
        base_url=SITE,
    )


def test_a_mistake_is_shown_at_its_line_and_the_draft_is_saved(app):
    browser = logged_in(app)
    answer = check(browser, BROKEN_TEXT)
    assert answer.status_code == 200
    body = answer.get_json()
    assert {k: body[k] for k in ("errors", "warnings", "publishable", "summary")} == {
        "errors": 1,
        "warnings": 0,
        "publishable": False,
        "summary": "1 error(s) and 0 warning(s): fix the errors before this draft can be published. "
        "Nothing reaches callers until it is published.",
    }
    assert body["problems"] == [
        {
            "line": BROKEN_LINE,
            "column": 18,
            "severity": "error",
            "message": "'nope' is not a kind of node",
            "hint": "use one of: menu, message, transfer, language",
            "code": "unknown-type",
        }
    ]
    assert draft_of(engine_of(app), "alice").text == BROKEN_TEXT
    page = words(browser.get("/console/edit"))
    assert f"Line {BROKEN_LINE}, column 18 : error: 'nope' is not a kind of node use one of: menu, message" in page


def test_the_editor_works_without_javascript_check_and_save(app):
    browser = logged_in(app)
    page = browser.post("/console/edit", {"text": BROKEN_TEXT.replace("\n", "\r\n"), "do": "check"})
    assert page.status_code == 200
    assert f"Line {BROKEN_LINE}, column 18 : error: 'nope' is not a kind of node" in words(page)
    assert draft_of(engine_of(app), "alice").text == BROKEN_TEXT  # browsers' CR LF read as the file's LF


def test_each_operator_has_their_own_draft(app):
    alice, bob = logged_in(app, "alice"), logged_in(app, "bob")
    check(alice, CHANGED_TEXT)
    assert draft_of(engine_of(app), "bob") is None
    assert NEW_WORDS not in bob.get("/console/edit").get_data(as_text=True)
    assert NEW_WORDS in alice.get("/console/edit").get_data(as_text=True)


def test_a_draft_with_errors_cannot_take_a_call_or_be_published(app):
    browser = logged_in(app)
    check(browser, BROKEN_TEXT)
    answer = draft_step(browser, "start", "en-GB")
    assert (answer.status_code, answer.get_json()) == (
        400,
        {"error": "Your draft has 1 error(s), so it cannot take a call. Fix them in Edit the flow first."},
    )
    refused = browser.post("/console/edit/publish", {"text": BROKEN_TEXT, "message": "try"})
    assert refused.status_code == 400
    assert "This draft has errors: it was not published. Fix them first." in words(refused)
    assert history(engine_of(app)) == []


def test_a_call_on_the_draft_hears_the_draft_and_callers_still_hear_the_live_flow(app, new_call):
    browser = logged_in(app)
    check(browser, CHANGED_TEXT)
    first = draft_step(browser, "start", "en-GB").get_json()
    heard = draft_step(browser, "silence", "", first["position"]).get_json()  # the line connects by itself
    assert [h["text"] for h in heard["heard"]][0].startswith(NEW_WORDS)
    assert heard["waiting"] == "dial"
    live_call = new_call()
    live_call.start(language="en-GB")
    assert live_call.silence()[0].text.startswith(OLD_WORDS)


def test_what_the_draft_changes_shows_the_line_and_the_words_callers_will_hear(app):
    browser = logged_in(app)
    check(browser, CHANGED_TEXT)
    page = words(browser.get("/console/edit/changes"))
    assert f"removed: en-GB: {OLD_WORDS}" in page
    assert f"added: en-GB: {NEW_WORDS}" in page
    assert (
        "English (en-GB) Where Callers hear now With this change Before connecting to the helpline "
        "Connecting you to the [taken out: helpline. ] Connecting you to the [put in: helpline now. ] "
        "The text, line by line"
    ) in page
    assert "Polski (pl-PL)" not in page  # only the English words changed


def test_publishing_needs_a_message_then_goes_live_and_is_audited(app):
    browser = logged_in(app)
    check(browser, CHANGED_TEXT)
    refused = browser.post("/console/edit/publish", {"text": CHANGED_TEXT, "message": "  "})
    assert refused.status_code == 400
    assert "Say what changed and why in the message, then publish again." in words(refused)
    done = browser.post("/console/edit/publish", {"text": CHANGED_TEXT, "message": "Say 'now'"})
    assert done.status_code == 302 and done.headers["Location"].endswith("/console/history")
    [revision] = history(engine_of(app))
    assert (revision.author, revision.message, revision.approved_by) == ("alice", "Say 'now'", None)
    assert revision.text == CHANGED_TEXT
    assert draft_of(engine_of(app), "alice") is None
    page = words(browser.get("/console/history"))
    assert f"Published revision 1 (version {revision.version}): every server serves it within seconds." in page
    assert f"1 (live, within seconds) {revision.version}" in page
    assert [(e.actor, e.action, e.detail) for e in entries(engine_of(app)) if e.action == "publish"] == [
        ("alice", "publish", f"revision 1 (version {revision.version}): Say 'now'")
    ]


def test_with_approval_required_a_second_operator_approves_and_nobody_approves_their_own(make_app):
    app = make_app(IVR_REQUIRE_APPROVAL="1")
    engine = engine_of(app)
    add_operator(engine, "alice", PASSWORD)
    add_operator(engine, "bob", PASSWORD)
    alice, bob = logged_in(app, "alice"), logged_in(app, "bob")
    asked = alice.post("/console/edit/publish", {"text": CHANGED_TEXT, "message": "Say 'now'"})
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/console/approvals/1")
    assert history(engine) == []
    own = alice.post("/console/approvals/1", {"do": "approve"})
    assert own.status_code == 400
    assert "Choose approve" not in words(own)
    assert "Another operator must approve your draft: nobody approves their own." in words(own)
    assert history(engine) == []
    page = words(bob.get("/console/approvals/1"))
    assert "Draft 1, by alice" in page and f"added: en-GB: {NEW_WORDS}" in page
    assert bob.post("/console/approvals/1", {"do": "approve"}).status_code == 302
    [revision] = history(engine)
    assert (revision.author, revision.approved_by, revision.text) == ("alice", "bob", CHANGED_TEXT)
    assert [(e.actor, e.action, e.detail) for e in entries(engine) if e.action in ("submit", "approve")] == [
        ("bob", "approve", f"draft 1 by alice, as revision 1 (version {revision.version})"),
        ("alice", "submit", f"draft 1, version {revision.version}: Say 'now'"),
    ]
    history_page = words(bob.get("/console/history"))
    assert f"Approved: draft 1 is revision 1 (version {revision.version}), live within seconds." in history_page
    assert "alice, approved by bob" in history_page


def test_rollback_asks_for_a_message_and_restores_the_previous_text(app):
    browser = logged_in(app)
    browser.post("/console/edit/publish", {"text": LIVE_TEXT.replace("a day.", "a day!", 1), "message": "one"})
    browser.post("/console/edit/publish", {"text": CHANGED_TEXT, "message": "two"})
    confirm = browser.get("/console/history/1/rollback")
    assert "Roll back to revision 1?" in words(confirm)
    refused = browser.post("/console/history/1/rollback", {"message": ""})
    assert refused.status_code == 400 and "Say why you are rolling back in the message." in words(refused)
    assert browser.post("/console/history/1/rollback", {"message": "two was wrong"}).status_code == 302
    newest, second, first = history(engine_of(app))
    assert (newest.number, newest.message, newest.replaces) == (3, "two was wrong", second.version)
    assert newest.text == first.text
    [entry] = [e for e in entries(engine_of(app)) if e.action == "rollback"]
    assert entry.detail == f"revision 1: published again as revision 3 (version {first.version}): two was wrong"
    assert (
        f"Rolled back to revision 1: published again as revision 3 (version {first.version}): live within seconds."
        in words(browser.get("/console/history"))
    )


def test_the_editor_pages_need_a_session(app):
    browser = Browser(app)
    for page in ["/console/edit", "/console/edit/changes", "/console/history", "/console/try/draft"]:
        response = browser.get(page)
        assert response.status_code == 302 and "/console/login" in response.headers["Location"]
