"""When the line is not sure what a caller said, it asks one short question in the caller's
language ("It sounds like you want …"), and the caller answers by key or by voice: 1 or yes
makes the choice, 2 or no offers a person and the menu again, and 0, 9 and silence still
work as everywhere (issue 25, item 3)."""

from __future__ import annotations

import pytest
import yaml
from support import DEFAULT_FLOW, HELPLINE

from ivr.loading import load_flow_file
from ivr.runtime.engine import on_input, where_speech_goes
from ivr.runtime.speech import corpus
from ivr.runtime.state import CallState

FLOW = yaml.safe_load(DEFAULT_FLOW.read_text(encoding="utf-8"))
CONFIRM_KEYS = "If that is right, press 1 or say yes. If not, press 2 or say no. To talk to a person, press 0."
OFFER_PERSON = "To talk to a person now, press 0."
MAIN_MENU_SHORT = (
    "Press 1 if you or someone you know is a victim. 2 to report anonymously. 3 for the police. "
    "4 if you are in danger. 0 for the helpline."
)


@pytest.fixture(scope="module")
def unsure():
    """Something a caller said at the English main menu that the line is unsure of: found in
    the corpus (what the line learned from), so the test does not depend on one sentence."""
    flow = load_flow_file(DEFAULT_FLOW).flow
    for u in corpus.training_part():
        if u.language == "en-GB" and u.menu == "main_menu" and not u.is_danger:
            got = where_speech_goes(flow, "main_menu", "en-GB", u.say)
            if got.startswith("confirm:") and got != "confirm:danger":
                return u.say, got.removeprefix("confirm:")
    pytest.fail("nothing in the corpus makes the line ask at the main menu: the thresholds may be wrong")


def means(node: str, language: str = "en-GB") -> str:
    for choice in FLOW["nodes"]["main_menu"]["choices"].values():
        if choice["go"] == node:
            return choice["means"][language]
    raise LookupError(node)


@pytest.fixture
def asked(new_call, unsure):
    """A call at the English main menu that has just been asked "It sounds like you want …"."""
    said, node = unsure
    call = new_call()
    call.start()
    call.press("1")
    heard = call.say(said)
    return call, heard, node


def test_the_question_names_the_choice_and_how_to_answer(asked):
    call, heard, node = asked
    assert [h.text for h in heard] == [f"It sounds like you want {means(node)}. {CONFIRM_KEYS}"]
    assert call.waiting.element.get("input") == "dtmf speech"
    assert "e=confirm" in call.waiting.element.get("action")


@pytest.mark.parametrize("answer", ["press 1", "yes", "yes please"])
def test_yes_makes_the_choice(asked, answer):
    call, _, node = asked
    call.press("1") if answer == "press 1" else call.say(answer)
    assert call.passed[0].element.get("action").startswith(f"/voice/input?n={node}&")


@pytest.mark.parametrize("answer", ["press 2", "no", "no thank you"])
def test_no_offers_a_person_then_the_menu_again(asked, answer):
    call, _, _ = asked
    heard = call.press("2") if answer == "press 2" else call.say(answer)
    assert [h.text for h in heard] == [OFFER_PERSON, MAIN_MENU_SHORT]
    assert call.waiting.element.get("action") == "/voice/input?n=main_menu&l=en-GB&i=1&e=no"


def test_zero_during_the_question_reaches_the_helpline(asked):
    call, _, _ = asked
    call.press("0")
    assert call.dialled_number == HELPLINE


def test_nine_during_the_question_ends_the_call_at_once(asked):
    call, _, _ = asked
    assert [h.kind for h in call.press("9")] == ["hangup"]


def test_silence_after_the_question_is_silence_at_the_menu(asked):
    """At the main menu, silence means "stay on the line": the helpline, as without the question."""
    call, _, _ = asked
    call.silence()
    assert call.dialled_number == HELPLINE


def test_a_state_that_proposes_no_choice_of_the_menu_is_the_menu_itself():
    """The state is signed, but one that proposes what the menu does not offer (an old URL
    after an edit) asks nothing: a key there is that key."""
    flow = load_flow_file(DEFAULT_FLOW).flow
    state = CallState.from_query_string("n=main_menu&l=en-GB&e=confirm&k=7", default_node="x")
    assert (state.event, state.proposed) == ("confirm", "7")
    assert on_input(flow, state, "1", "").state.node == "about_slavery"  # 1 is the menu's 1, not "yes"
    assert CallState.from_query_string("n=main_menu&e=confirm&k=12", default_node="x").proposed == ""
    assert CallState.from_query_string("n=main_menu&e=unclear&k=2", default_node="x").proposed == ""
