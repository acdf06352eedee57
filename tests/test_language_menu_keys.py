"""At the language menu the keys 1 to 8 choose languages (Polish is 8, so that a caller who
cannot speak chooses it by key); 0, 9 and * keep their meaning there as everywhere, and 8 is
slower speech at every other menu. A flow that puts a language on 0, * or 9 is refused (the
checker cases a-language-on-key-0 and -9 give the whole problem list)."""

from __future__ import annotations

import pytest
from support import DEFAULT_FLOW, HELPLINE, PUBLIC, TOKEN
from test_languages import plain

from ivr.loading import load_flow_file, load_flow_text
from ivr.runtime import engine
from ivr.runtime.outcomes import Kind
from ivr.runtime.state import CallState
from ivr.tools.simulator import SimulatedCall, flask_transport


@pytest.fixture
def flow(flow_file):
    return load_flow_file(flow_file).flow


def _said(heard):
    return [(h.text, h.attrs["voice"]) for h in heard if h.kind == "say"]


def test_8_at_the_language_menu_chooses_polish_at_the_usual_pace(new_call, flow):
    call = new_call()
    call.start()
    heard = call.press("8")
    assert _said(heard) == [
        (plain(flow.nodes["welcome"].prompt, "pl-PL"), "Polly.Ewa"),
        (plain(flow.nodes["main_menu"].prompt, "pl-PL"), "Polly.Ewa"),
    ]
    action = call.waiting.element.get("action")
    assert action == "/voice/input?n=main_menu&l=pl-PL" and "slow=1" not in action
    assert all("prosody" not in str(h.attrs) for h in heard)


def test_8_at_every_other_menu_is_still_slower_speech(new_call):
    call = new_call()
    call.start()
    call.press("8")  # Polish
    call.press("8")  # at the main menu: slower
    assert call.waiting.element.get("action") == "/voice/input?n=main_menu&l=pl-PL&slow=1"
    assert call.waiting.element.find("Say/prosody").get("rate") == "80%"


def test_saying_polski_still_chooses_polish(new_call):
    call = new_call()
    call.start()
    call.say("polski")
    assert call.waiting.element.get("action") == "/voice/input?n=main_menu&l=pl-PL"


def test_saying_slower_at_the_language_menu_does_not_choose_polish(new_call, flow):
    call = new_call()
    first = [text for text, _ in _said(call.start())]
    heard = call.say("slower")
    assert call.waiting.element.get("action") == "/voice/input?n=choose_language&l=en-GB&i=1&e=unclear"
    messages = flow.messages
    # words not understood: a person first, then the whole menu again (its first sentence once)
    assert [text for text, _ in _said(heard)] == [
        plain(messages.not_understood, "en-GB"),
        plain(messages.offer_person, "en-GB"),
        *first[1:],
    ]


def test_0_9_and_star_keep_their_meaning_at_the_language_menu(new_call, flow):
    state = CallState(flow.start, flow.language)
    node = flow.node(flow.start)
    outcomes = {key: engine.on_key(flow, state, node, key, spoken=False).outcome.kind for key in "09*8"}
    assert outcomes == {"0": Kind.HELPLINE, "9": Kind.QUICK_EXIT, "*": Kind.REPEAT, "8": Kind.LANGUAGE}
    call = new_call()
    call.start()
    call.press("0")
    assert call.dialled_number == HELPLINE


def test_a_language_menu_without_a_language_on_8_keeps_8_as_slower_speech():
    written = DEFAULT_FLOW.read_text()
    text = written.replace('      key: "8"\n      choose: "Polski: 8."\n', '      choose: "Polski."\n')
    assert text != written
    small = load_flow_text(text).flow
    state = CallState(small.start, small.language)
    step = engine.on_key(small, state, small.node(small.start), "8", spoken=False)
    assert (step.outcome.kind, step.state.slow, step.state.node) == (Kind.SLOWER, True, small.start)


def test_a_wrong_key_at_a_language_menu_with_a_language_on_8_is_not_told_8_is_slower_speech(flow_file, make_app):
    """Regression: the keys message ("…, 8 for slower speech, …") was said there, where 8 is Polish."""
    written = flow_file.read_text()
    flow_file.write_text(written.replace('      key: "7"\n      choose: "Română: 7."\n', '      choose: "Română."\n'))
    call = SimulatedCall(flask_transport(make_app()), PUBLIC, TOKEN)
    menu = [text for text, _ in _said(call.start())]
    heard = call.press("7")  # no language on 7 now
    flow = load_flow_file(flow_file).flow
    assert [text for text, _ in _said(heard)] == [plain(flow.messages.invalid, "en-GB"), *menu[1:]]
    assert call.waiting.element.get("action") == "/voice/input?n=choose_language&l=en-GB&i=1&e=invalid"
