"""Issue 27: publishing cannot lose work. A draft remembers the flow it was started from;
publishing or approving it after someone else published is refused, with the ways forward:
what changed since, carrying the change onto the live flow, or throwing it away."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_console import PASSWORD
from test_console_editing import LIVE_TEXT, engine_of, logged_in, words

from ivr.console.views import add_operator
from ivr.loading import flow_version
from ivr.publishing import draft_of, history, proposals, publish

POLISH_BEFORE = "pl-PL: Przepraszamy, nie usłyszeliśmy wyboru."
POLISH_AFTER = "pl-PL: Przepraszamy, nie usłyszeliśmy żadnego wyboru."
ENGLISH_BEFORE = "en-GB: If you are in danger now, hang up and dial 9 9 9."
ENGLISH_AFTER = "en-GB: If you are in danger right now, hang up and dial 9 9 9."
ALICES_TEXT = LIVE_TEXT.replace(POLISH_BEFORE, POLISH_AFTER, 1)
BOBS_TEXT = LIVE_TEXT.replace(ENGLISH_BEFORE, ENGLISH_AFTER, 1)
BOTH = LIVE_TEXT.replace(POLISH_BEFORE, POLISH_AFTER, 1).replace(ENGLISH_BEFORE, ENGLISH_AFTER, 1)


@pytest.fixture
def app(make_app):
    app = make_app()
    for name in ("alice", "bob", "carol"):
        add_operator(engine_of(app), name, PASSWORD)
    return app


def started_from(page) -> str:
    return re.search(r'name="started_from" value="([a-z]+)"', page.get_data(as_text=True)).group(1)


def test_a_stale_draft_cannot_overwrite_a_newer_publish(app):
    """The bug the issue found: a draft started in the seconds after a publish, then
    published, silently undid it. The page now carries the version it showed, and
    publishing refuses a draft started from a version that is no longer live."""
    alice, bob = logged_in(app, "alice"), logged_in(app, "bob")
    shown = started_from(alice.get("/console/edit"))
    assert shown == flow_version(LIVE_TEXT)
    assert bob.post("/console/edit/publish", {"text": BOBS_TEXT, "message": "right now"}).status_code == 302
    refused = alice.post("/console/edit/publish", {"text": ALICES_TEXT, "message": "Polish", "started_from": shown})
    assert refused.status_code == 409
    [bobs] = history(engine_of(app))
    page = words(refused)
    assert (
        f"Not published: the live flow changed since this text was started: bob published revision 1 (version "
        f"{bobs.version}) since. Publishing this text as it is would undo their change. Look at what changed "
        "since, then carry your change onto the live flow, or throw it away." in page
    )
    assert "The live flow has changed since you started this draft." in page
    assert draft_of(engine_of(app), "alice").text == ALICES_TEXT  # nothing she wrote is lost
    assert draft_of(engine_of(app), "alice").base == shown


def test_the_editor_shows_a_revision_published_a_moment_ago_before_this_server_serves_it(app):
    bob = logged_in(app, "bob")
    publish(engine_of(app), BOBS_TEXT, Path(app.config["IVR_SETTINGS"].flow_file).parent, "bob", "right now")
    assert app.extensions["ivr"].store.live.flow.version == flow_version(LIVE_TEXT)  # not taken here yet
    page = bob.get("/console/edit")
    assert started_from(page) == flow_version(BOBS_TEXT)
    assert ENGLISH_AFTER in page.get_data(as_text=True)
    assert f"The live flow: revision 1 (version {flow_version(BOBS_TEXT)}), published by bob on" in words(page)


def test_what_changed_since_then_carrying_keeps_both_changes_and_publishes(app):
    alice, bob = logged_in(app, "alice"), logged_in(app, "bob")
    shown = started_from(alice.get("/console/edit"))
    alice.post("/console/edit", {"text": ALICES_TEXT, "started_from": shown, "do": "check"})
    bob.post("/console/edit/publish", {"text": BOBS_TEXT, "message": "right now"})
    since = words(alice.get("/console/edit/since"))
    assert "What changed on the live flow since you started" in since
    assert f"removed: {ENGLISH_BEFORE}" in since and f"added: {ENGLISH_AFTER}" in since
    carried = alice.post("/console/edit/carry", {})
    assert carried.status_code == 302 and carried.headers["Location"].endswith("/console/edit")
    draft = draft_of(engine_of(app), "alice")
    assert (draft.text, draft.base) == (BOTH, flow_version(BOBS_TEXT))
    editor = alice.get("/console/edit")
    page = words(editor)
    assert (
        "Your change was carried onto the live flow, revision 1 (version "
        f"{flow_version(BOBS_TEXT)}), published by bob on" in page
    )
    assert '<section id="moved-on" class="warning" role="alert" hidden>' in editor.get_data(as_text=True)
    done = alice.post(
        "/console/edit/publish", {"text": BOTH, "message": "Polish", "started_from": flow_version(BOBS_TEXT)}
    )
    assert done.status_code == 302
    assert [r.text for r in history(engine_of(app))] == [BOTH, BOBS_TEXT]


def test_where_both_changed_the_same_line_nothing_is_guessed(app):
    alice, bob = logged_in(app, "alice"), logged_in(app, "bob")
    shown = started_from(alice.get("/console/edit"))
    mine = ALICES_TEXT.replace(ENGLISH_BEFORE, "en-GB: If you are in danger, hang up and dial 9 9 9.", 1)
    alice.post("/console/edit", {"text": mine, "started_from": shown, "do": "check"})
    bob.post("/console/edit/publish", {"text": BOBS_TEXT, "message": "right now"})
    shown_conflict = alice.post("/console/edit/carry", {})
    assert shown_conflict.status_code == 409
    line = BOBS_TEXT.splitlines().index("      " + ENGLISH_AFTER) + 1
    page = words(shown_conflict)
    assert f"At line {line} of the live flow The live flow has: {ENGLISH_AFTER}" in page
    assert "Your draft has: en-GB: If you are in danger, hang up and dial 9 9 9." in page
    assert draft_of(engine_of(app), "alice").text == mine  # unchanged until she chooses
    assert alice.post("/console/edit/carry", {"do": "keep-live"}).status_code == 302
    assert draft_of(engine_of(app), "alice").text == BOTH
    assert f"Where you both changed the same lines (line {line}), the live lines were kept" in words(
        alice.get("/console/edit")
    )


def test_a_draft_waiting_for_approval_is_not_approved_over_a_newer_publish_and_its_author_carries_it(make_app):
    app = make_app(IVR_REQUIRE_APPROVAL="1")
    for name in ("alice", "bob", "carol"):
        add_operator(engine_of(app), name, PASSWORD)
    alice, carol = logged_in(app, "alice"), logged_in(app, "carol")
    shown = started_from(alice.get("/console/edit"))
    alice.post("/console/edit/publish", {"text": ALICES_TEXT, "message": "Polish", "started_from": shown})
    folder = Path(app.config["IVR_SETTINGS"].flow_file).parent
    publish(engine_of(app), BOBS_TEXT, folder, "bob", "right now", approved_by="carol")
    refused = carol.post("/console/approvals/1", {"do": "approve"})
    assert refused.status_code == 400
    assert (
        "Not approved: bob published revision 1 after this draft was asked for, so approving it would undo their "
        "change. Its author can carry it onto the live flow from this page; or turn it down." in words(refused)
    )
    assert [r.text for r in history(engine_of(app))] == [BOBS_TEXT]
    assert "Its author, alice, can carry it onto the live flow from this page" in words(
        carol.get("/console/approvals/1")
    )
    assert alice.post("/console/approvals/1/carry", {}).status_code == 302
    assert [p.status for p in proposals(engine_of(app), status=None)] == ["withdrawn"]
    assert draft_of(engine_of(app), "alice").text == BOTH
