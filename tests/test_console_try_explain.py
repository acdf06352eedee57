"""The try page's "Understanding" panel: words typed as speech at a menu come back with why
the line decided what it did with them, from the flow the tried call runs (the live flow or
the operator's draft), for the menu and the language the call was at. Nothing typed is kept."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import MetaData, select
from support import PUBLIC, TOKEN
from test_console import PASSWORD, Browser
from test_console_editing import LIVE_TEXT, check, draft_step, engine_of

from ivr.console.understanding import understanding
from ivr.console.views import add_operator
from ivr.runtime.engine import MAX_SPEECH
from ivr.runtime.speech.explain import explain
from ivr.tools.simulator import SimulatedCall, flask_transport

# The Polish and Arabic words in these tests are test input, not reviewed by a native speaker.
WANTS_A_PERSON = "nie chcę policji, chcę porozmawiać z kimś"  # "not the police, I want to talk to someone"
#: The main menu's choices, each with its key ("none": the line acts on it itself).
MAIN_MENU_CHOICES = {
    "the helpline (a person)": "0",
    "about_slavery": "1",
    "report_anonymously": "2",
    "police_non_emergency": "3",
    "the danger advice": "4",
    "slower speech": "8",
    "the menu again": "*",
    "nothing to act on": "none",
}


@pytest.fixture
def app(make_app):
    app = make_app()
    add_operator(engine_of(app), "alice", PASSWORD)
    return app


@pytest.fixture
def alice(app) -> Browser:
    browser = Browser(app)
    assert browser.login().status_code == 302
    return browser


def _at_main_menu(browser: Browser, language: str) -> str:
    started = browser.step("start", language).get_json()
    assert started["understanding"] == "" and started["waiting"] == "gather"
    return started["position"]


def _live_flow(app):
    return app.extensions["ivr"].store.live.flow


def _percent(p: float) -> str:
    return f"{p:.1%}"


def _expected_rows(app, said: str, decided: str) -> list[str]:
    """The table's rows for ``said`` at main_menu in Polish: the names and keys are the menu's,
    the order and the figures the learned model's (which is still being tuned)."""
    explanation = explain(_live_flow(app), "main_menu", "pl-PL", said)
    names = {c.name for c in explanation.chances}
    assert names == set(MAIN_MENU_CHOICES)
    rows = []
    for chance in explanation.chances:
        role = f" <strong>({decided})</strong>" if chance.meaning == explanation.decision.meaning else ""
        marked = ' class="decided"' if role else ""
        rows.append(
            f'    <tr{marked}><th scope="row">{chance.name}{role}</th>'
            f"<td>{MAIN_MENU_CHOICES[chance.name]}</td>"
            f'<td><meter min="0" max="1" value="{chance.probability:.3f}" aria-hidden="true"></meter> '
            f"{_percent(chance.probability)}</td></tr>"
        )
    return rows


def test_words_at_the_main_menu_show_the_decision_every_choice_and_the_words_that_weighed(app, alice):
    position = _at_main_menu(alice, "pl-PL")
    answer = alice.step("say", WANTS_A_PERSON, position).get_json()
    assert answer["dialled"] == "+448000121700"  # the call went where the panel says
    explanation = explain(_live_flow(app), "main_menu", "pl-PL", WANTS_A_PERSON)
    assert explanation.decision.meaning == "person" and explanation.chances[0].name == "the helpline (a person)"
    weighed = [
        f'  <li><span class="weight">{w:+.2f}</span> <bdi lang="pl-PL">{part}</bdi></li>'.replace("-0", "\u22120")
        for part, w in explanation.weighed
    ]
    assert {part for part, _ in explanation.weighed} >= {"porozmawiac", "kims"}
    assert answer["understanding"].splitlines() == [
        f'<p>You said “<bdi lang="pl-PL">{WANTS_A_PERSON}</bdi>” at <code>main_menu</code>, in pl-PL.</p>',
        '<p class="decision"><strong>Decision:</strong> acted on at once → the helpline</p>',
        "<p><strong>Why:</strong> sure</p>",
        '<table class="chances">',
        "  <caption>How likely a careful operator would accept each choice</caption>",
        '  <thead><tr><th scope="col">Choice</th><th scope="col">Key</th><th scope="col">How likely</th></tr></thead>',
        "  <tbody>",
        *_expected_rows(app, WANTS_A_PERSON, "chosen"),
        "  </tbody>",
        "</table>",
        '<h3 id="weighed-title">What weighed most for the helpline (a person)</h3>',
        '<p class="hint">+ for it, − against it</p>',
        '<ul class="weighed" aria-labelledby="weighed-title">',
        *weighed,
        "</ul>",
    ]


def test_unsure_words_show_the_choice_asked_about(app, alice):
    position = _at_main_menu(alice, "pl-PL")
    answer = alice.step("say", "eee policja", position).get_json()
    assert answer["heard"][0]["text"].startswith("Wygląda na to, że chcesz skontaktować się z policją")
    panel = answer["understanding"]
    assert (
        '<p class="decision"><strong>Decision:</strong> asked first: &#34;It sounds like you want …&#34; '
        "→ asks about police_non_emergency</p>"
    ) in panel
    assert '<th scope="row">police_non_emergency <strong>(asked about)</strong></th>' in panel
    assert '<h3 id="weighed-title">What weighed most for police_non_emergency</h3>' in panel
    # "tak" (yes) answers the question, not the menu: nothing for the menu to explain.
    answered = alice.step("say", "tak", answer["position"]).get_json()
    assert answered["understanding"] == ""
    assert answered["heard"][0]["text"].startswith("Jeśli nikomu teraz nic nie grozi")


def test_a_key_silence_and_the_start_of_a_call_show_no_panel(alice):
    position = _at_main_menu(alice, "pl-PL")
    assert alice.step("press", "1", position).get_json()["understanding"] == ""
    assert alice.step("silence", "", position).get_json()["understanding"] == ""


def test_arabic_words_are_isolated_in_their_language_and_markup_is_only_text(alice):
    position = _at_main_menu(alice, "ar-EG")
    said = "<script>alert(1)</script> أريد التحدث مع شخص"
    panel = alice.step("say", said, position).get_json()["understanding"]
    assert panel.startswith(
        '<p>You said “<bdi lang="ar-EG">&lt;script&gt;alert(1)&lt;/script&gt; أريد التحدث مع شخص</bdi>” '
        "at <code>main_menu</code>, in ar-EG.</p>\n"
    )
    assert "<script>" not in panel
    assert '<bdi lang="ar-EG">شخص</bdi></li>' in panel


def test_the_panel_of_a_draft_explains_with_the_drafts_own_flow(app, alice):
    renamed = LIVE_TEXT.replace("go: police_non_emergency", "go: police_advice").replace(
        "\n  police_non_emergency:\n    type: message", "\n  police_advice:\n    type: message"
    )
    assert check(alice, renamed).get_json()["errors"] == 0
    position = draft_step(alice, "start", "pl-PL").get_json()["position"]
    panel = draft_step(alice, "say", "eee policja", position).get_json()["understanding"]
    # Key 3 leads to the draft's renamed node (which the corpus does not know by that name).
    assert '<th scope="row">police_advice</th><td>3</td>' in panel and "police_non_emergency" not in panel
    live = alice.step("say", "eee policja", _at_main_menu(alice, "pl-PL")).get_json()["understanding"]
    assert "→ asks about police_non_emergency</p>" in live and "police_advice" not in live


def test_the_words_explained_are_cut_to_what_the_line_considers(app):
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start(language="pl-PL")
    with app.test_request_context():
        panel = understanding(_live_flow(app), call, "porozmawiać " * 100)
    assert panel is not None and panel.said == ("porozmawiać " * 100)[:MAX_SPEECH]
    assert panel.summary == "acted on at once → the helpline"


def test_nothing_typed_is_logged_or_stored(app, alice, caplog):
    secret = "chcę porozmawiać z kimś o Janie Kowalskim"
    with caplog.at_level(logging.DEBUG):
        answer = alice.step("say", secret, _at_main_menu(alice, "pl-PL")).get_json()
    assert "Kowalskim" in answer["understanding"]  # shown back to the operator, and only to them
    assert "Kowalsk" not in caplog.text
    tables = MetaData()
    tables.reflect(engine_of(app))
    with engine_of(app).connect() as db:
        stored = [repr(row) for table in tables.sorted_tables for row in db.execute(select(table))]
    assert [row for row in stored if "Kowalsk" in row] == []
