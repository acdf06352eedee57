"""Characters TwiML cannot carry (NUL, U+0001 to U+001F but tab and line breaks, the
surrogates, U+FFFE and U+FFFF) never reach a caller: the loader refuses them where they
are written, the renderer drops any an old revision still holds, and the console's pages
that show what callers hear work with any live flow.

The checker case tests/checker/control-characters.* shows every way of writing one in a
flow; the translators' import is in tests/test_translations.py."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW
from test_console import PASSWORD
from test_console_editing import check, logged_in, words

from ivr.cli import main
from ivr.console.draft_flows import NOT_TWIML, words_heard
from ivr.console.views import add_operator
from ivr.loading import load_flow_text
from ivr.publishing import history, publish
from ivr.runtime import flow as rt
from ivr.runtime.state import EVENT_INVALID, EVENT_SILENCE, EVENT_UNCLEAR, EVENTS, CallState
from ivr.runtime.twiml import Renderer, standalone_fallback
from ivr.serve.copies import revision_copy_path

LINE_NUMBER = "+441234567890"

SMALL_FLOW = (
    "line: {name: Test line, start: welcome, helpline: helpline}\n"
    "numbers:\n"
    "  helpline: {number: 0800 0121 700, name: the helpline}\n"
    "nodes:\n"
    '  welcome: {type: message, say: "Welcome.", next: connect}\n'
    "  connect: {type: transfer, to: helpline, say: Connecting you.}\n"
)
WRITTEN_HINT = (
    "    hint: delete it; most editors do not show it, so if the words around it were pasted from another "
    "program, retype them"
)
#: What a Polish caller hears before the helpline rings.
TO_HELPLINE_PL = "pl-PL: Łączymy z infolinią."
#: The same with U+0007, as a translators' import wrote it and an older line took it.
TO_HELPLINE_PL_WITH_BELL = 'pl-PL: "Łączymy\\u0007 z infolinią."'
LIVE_TEXT = DEFAULT_FLOW.read_text(encoding="utf-8")
BELL_TEXT = LIVE_TEXT.replace(TO_HELPLINE_PL, TO_HELPLINE_PL_WITH_BELL, 1)


def place_of(written: str, text: str) -> tuple[int, int]:
    """The line and column (1-based) where ``written`` first is in ``text``."""
    before = text[: text.index(written)]
    return before.count("\n") + 1, len(before) - before.rfind("\n")


def errors_shown(browser, text: str) -> list[tuple[int, int, str]]:
    """The errors the console's editor shows for ``text`` as it is typed: line, column, message."""
    problems = check(browser, text).get_json()["problems"]
    return [(p["line"], p["column"], p["message"]) for p in problems if p["severity"] == "error"]


@contextmanager
def as_an_older_line_loaded_it():
    """The loader as it was before it refused characters made by escapes."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ivr.definition.source.escaped_problems", lambda *written: [])
        yield


def every_document(flow: rt.Flow, renderer: Renderer) -> Iterator[str]:
    """Every document the line serves for ``flow``: each node, in each language, at each
    pace, first heard and after each kind of retry (the webhooks serve these, by state)."""
    for node in flow.nodes:
        for code in flow.languages:
            for slow in (False, True):
                for event in EVENTS:
                    for count in (1, 2) if event in (EVENT_SILENCE, EVENT_INVALID, EVENT_UNCLEAR) else (0,):
                        silences = count if event == EVENT_SILENCE else 0
                        state = CallState(node, code, silences, count - silences, event, slow)
                        yield renderer.render(state, LINE_NUMBER)


# -- the loader refuses them, wherever the text comes from ------------------------------------
def test_ivr_check_names_each_character_at_its_line_and_column_and_exits_1(tmp_path):
    flow = tmp_path / "call_flows.yaml"
    flow.write_text(
        SMALL_FLOW.replace('"Welcome."', '"Welcome.\\uFFFF"').replace("Connecting you", "Connecting\0 you"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(flow)])
    version = load_flow_text(flow.read_text(encoding="utf-8")).version
    assert (result.exit_code, result.output.splitlines()) == (
        1,
        [
            f'{flow}:5:42: error: "\\uFFFF" makes U+FFFF (a non-character), which TwiML cannot carry '
            "[control-character]",
            "    hint: delete it: every call that reached this text would break (Twilio could not read the "
            "line's answer)",
            f"{flow}:6:58: error: U+0000 (a control character) is written here: an invisible character no flow "
            "may hold [control-character]",
            WRITTEN_HINT,
            f"{flow} (version {version}): 2 error(s), 0 warning(s): it will NOT go live; the line keeps serving "
            "the last good flow ('ivr check --explain CODE' says what a [code] means)",
        ],
    )


def test_a_file_full_of_control_characters_is_reported_as_twenty_and_the_rest_in_one():
    result = load_flow_text("a: b\n" + "\x01" * 30)
    assert [p.format("f", with_code=True) for p in result.problems] == [
        f"f:2:{column}: error: U+0001 (a control character) is written here: an invisible character no flow may "
        f"hold [control-character]\n{WRITTEN_HINT}"
        for column in range(1, 21)
    ] + [
        "f:2:21: error: 10 more characters like these from here on [control-character]\n"
        "    hint: a file full of them is not text: open it in a text editor, or copy its words into a new file"
    ]


def test_half_a_surrogate_pair_sent_by_a_program_is_refused_at_its_place_not_raised():
    """No file can hold one (it is not UTF-8), but a program's JSON can: "\\ud800"."""
    result = load_flow_text(SMALL_FLOW.replace("Welcome.", "Wel\ud800come."))
    assert not result.ok
    assert [p.format("f", with_code=True) for p in result.problems] == [
        "f:5:37: error: U+D800 (half of a surrogate pair) is written here: an invisible character no flow may "
        f"hold [control-character]\n{WRITTEN_HINT}"
    ]


def test_other_mistakes_in_the_file_are_still_reported_in_the_same_run():
    text = SMALL_FLOW.replace("Welcome.", "Welcome.\x07") + "  connect: {type: transfer, to: helpline}\n"
    assert [(p.line, p.column, p.code) for p in load_flow_text(text).problems] == [
        (5, 42, "control-character"),
        (7, 3, "duplicate-key"),
    ]


def test_the_bell_text_is_refused_now_and_was_taken_before():
    assert [p.code for p in load_flow_text(BELL_TEXT).errors] == ["control-character"]
    with as_an_older_line_loaded_it():
        assert load_flow_text(BELL_TEXT).ok


def test_the_consoles_live_check_names_the_character_and_the_draft_cannot_be_published(make_app):
    app = make_app()
    add_operator(app.extensions["ivr.database"].engine, "alice", PASSWORD)
    browser = logged_in(app)
    pasted = LIVE_TEXT.replace("Łączymy z infolinią.", "Łączymy\x07 z infolinią.", 1)
    line, column = place_of("\\u0007", BELL_TEXT)
    assert errors_shown(browser, BELL_TEXT) == [
        (line, column, '"\\u0007" makes U+0007 (a control character), which TwiML cannot carry')
    ]
    assert errors_shown(browser, pasted) == [
        (
            *place_of("\x07", pasted),
            "U+0007 (a control character) is written here: an invisible character no flow may hold",
        )
    ]
    refused = browser.post("/console/edit/publish", {"text": BELL_TEXT, "message": "the attack"})
    assert refused.status_code == 400 and history(app.extensions["ivr.database"].engine) == []


# -- a flow that still holds one (loaded before the line refused them) ------------------------
def test_every_document_of_a_flow_that_holds_one_is_xml_and_keeps_the_other_words():
    with as_an_older_line_loaded_it():
        flow = load_flow_text(BELL_TEXT).flow
    renderer = Renderer(flow)
    helpline = ET.fromstring(renderer.render(CallState(rt.HELPLINE_NODE, "pl-PL"), LINE_NUMBER))
    assert [say.text for say in helpline.iter("Say")] == ["Łączymy z infolinią."]
    for document in every_document(flow, renderer):
        ET.fromstring(document)
    ET.fromstring(standalone_fallback(flow))


# -- the console works with such a live flow --------------------------------------------------
def test_a_document_that_is_not_xml_shows_a_plain_explanation_instead_of_its_words():
    assert words_heard(b"<Response><Say>Sorry\x07</Say></Response>") == NOT_TWIML
    assert words_heard(b"<Response><Say>Sorry") == NOT_TWIML
    assert words_heard(b"<Response><Gather><Say>Sorry.</Say></Gather><Play>r/a.mp3</Play></Response>") == (
        "Sorry.\n(recording a.mp3)"
    )


@pytest.fixture
def line_with_a_bell(make_app, flow_file):
    """A line whose live flow holds U+0007 in the Polish words before the helpline rings:
    revision 2, taken by an older line, which kept its revision copy beside the flow file.
    Revision 1 is good."""
    settings = {"IVR_RELOAD_SECONDS": "-1", "IVR_REQUIRE_APPROVAL": "1"}
    engine = make_app(**settings).extensions["ivr.database"].engine
    for name in ("alice", "bob"):
        add_operator(engine, name, PASSWORD)
    good = LIVE_TEXT.replace("a day.", "a day!", 1)
    publish(engine, good, flow_file.parent, "alice", "good")
    with as_an_older_line_loaded_it():
        publish(engine, BELL_TEXT, flow_file.parent, "mallory", "the attack")
        revision_copy_path(flow_file).write_text(BELL_TEXT, encoding="utf-8")
        app = make_app(**settings)
    assert app.extensions["ivr"].store.live.text == BELL_TEXT
    return app


def test_rollback_from_a_live_flow_that_holds_one_shows_the_form_first_and_works(line_with_a_bell):
    """Regression: every rollback page answered 500 (it read the live flow's documents)."""
    browser = logged_in(line_with_a_bell)
    page = browser.get("/console/history/1/rollback")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert html.index('<input id="message" name="message"') < html.index("<h2>What the rollback changes</h2>")
    assert "Roll back to revision 1?" in words(page)
    done = browser.post("/console/history/1/rollback", {"message": "the bell broke Polish calls"})
    assert (done.status_code, done.headers["Location"]) == (302, "/console/history")
    newest, _, first = history(line_with_a_bell.extensions["ivr.database"].engine)
    assert (newest.number, newest.text, newest.message) == (3, first.text, "the bell broke Polish calls")


def test_approval_and_changes_pages_work_with_a_live_flow_that_holds_one(line_with_a_bell):
    alice, bob = logged_in(line_with_a_bell, "alice"), logged_in(line_with_a_bell, "bob")
    assert check(alice, LIVE_TEXT).status_code == 200
    changes = alice.get("/console/edit/changes")
    assert changes.status_code == 200
    assert f"removed: {TO_HELPLINE_PL_WITH_BELL}" in words(changes)
    asked = alice.post("/console/edit/publish", {"text": LIVE_TEXT, "message": "without the bell"})
    assert (asked.status_code, asked.headers["Location"]) == (302, "/console/approvals/1")
    approval = bob.get("/console/approvals/1")
    assert approval.status_code == 200
    assert "Approve and publish" in words(approval) and f"removed: {TO_HELPLINE_PL_WITH_BELL}" in words(approval)
    assert bob.post("/console/approvals/1", {"do": "approve"}).status_code == 302
    assert history(line_with_a_bell.extensions["ivr.database"].engine)[0].text == LIVE_TEXT
