"""The same key does the same thing in every menu (issue 26): in the default flow, what each
menu says, in every language, and what its keys do agree, and the lint that holds a flow to
it finds nothing. The lint's every problem on a flow that breaks the rule is in
tests/checker/keys-that-differ-between-menus.*."""

from __future__ import annotations

import re

import pytest
from support import DEFAULT_FLOW

from ivr.loading import load_flow_text
from ivr.runtime import engine
from ivr.runtime import flow as rt
from ivr.runtime.twiml import Renderer

RESULT = load_flow_text(DEFAULT_FLOW.read_text(encoding="utf-8"))
FLOW = RESULT.flow
#: A key said on its own ("press 2"), not a digit of a number said digit by digit ("9 9 9").
KEY = re.compile(r"(?<![\d] )(?<!\d)\d(?!\d)(?! \d)")
SUB_MENUS = ("danger_menu", "about_slavery_menu", "report_menu", "police_menu")


def test_the_default_flow_gives_no_key_two_meanings():
    assert [p for p in RESULT.problems if p.code == "inconsistent-key"] == []


def test_in_every_menu_but_the_main_one_2_is_hear_it_again_and_3_is_the_main_menu():
    again = {"danger_menu": "danger", "about_slavery_menu": "about_slavery", "report_menu": "report_anonymously",
             "police_menu": "police_non_emergency"}  # fmt: skip
    for name in SUB_MENUS:
        menu = FLOW.nodes[name]
        assert isinstance(menu, rt.Menu)
        targets = {choice.key: choice.target for choice in menu.choices}
        assert (targets["2"], targets["3"]) == (again[name], "main_menu"), name
        assert "connect_helpline" not in targets.values() and "_helpline" not in targets.values(), name


@pytest.mark.parametrize("language", ["en-GB", "pl-PL", "ro-RO", "vi-VN", "ar-EG"])
def test_every_menu_says_the_keys_it_has_and_0_in_every_language(language: str):
    """What the caller hears (the rendered TwiML, first try and retries) names exactly the
    menu's keys, and 0 where the menu offers the helpline in words."""
    renderer = Renderer(FLOW)
    for name in SUB_MENUS + ("main_menu",):
        menu = FLOW.nodes[name]
        keys = {choice.key for choice in menu.choices}
        for event in ("", "silence"):
            state = engine.start(FLOW)
            state = type(state)(node=name, language=language, event=event, silences=1 if event else 0)
            said = " ".join(re.findall(r"<Say[^>]*>(.*?)</Say>", renderer.render(state, "+441110000000")))
            heard = set(KEY.findall(said)) - {"0"}
            assert heard == keys, (name, language, event, said)
