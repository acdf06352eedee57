"""Things real callers say, in five languages, and where each must take the call.

The corpus (tests/corpus/speech.yaml) is written as a phone recogniser returns speech:
sentences, digits, missing accents. It is what the line's earlier keyword rules were written
against, and the speech model learns from it too (it is in ivr/runtime/speech/corpus/ with
``split: train``), so that what worked keeps working: each utterance reaches its place,
at once or after one "It sounds like you want …?" answered yes. Danger happening now goes
straight to the danger advice, never through a question. Asking for the helpline and
choosing a transfer to it are the same destination.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ivr.loading import load_flow_file
from ivr.runtime import flow as rt
from ivr.runtime.engine import where_speech_goes

ROOT = Path(__file__).resolve().parent.parent
CORPUS = yaml.safe_load((ROOT / "tests" / "corpus" / "speech.yaml").read_text(encoding="utf-8"))["utterances"]
FLOW = load_flow_file(ROOT / "call_flows.yaml").flow


def _same_place(flow: rt.Flow, got: str, expected: str) -> bool:
    def place(name: str) -> str:
        node = flow.node(name)
        if name == "helpline" or (isinstance(node, rt.Transfer) and node.target.key == flow.helpline.key):
            return "helpline"
        return name

    return place(got) == place(expected)


@pytest.mark.parametrize("utterance", CORPUS, ids=[f"{u['language']}:{u['menu']}:{u['say'][:40]}" for u in CORPUS])
def test_each_utterance_goes_where_a_careful_listener_would_send_it(utterance):
    got = where_speech_goes(FLOW, utterance["menu"], utterance["language"], utterance["say"])
    danger_now = utterance["expect"] == "danger" and utterance["menu"] != "danger_menu"
    reached = got if danger_now else got.removeprefix("confirm:")
    assert _same_place(FLOW, reached, utterance["expect"]), f"{utterance['say']!r} went to {got}"


def test_the_corpus_has_thirty_utterances_per_language_with_safety_and_digits():
    # every language with a recogniser: Albanian, Tigrinya and Somali have none (keys only)
    for language in (code for code, offered in FLOW.languages.items() if offered.speech is not None):
        mine = [u for u in CORPUS if u["language"] == language]
        assert len(mine) >= 30, language
        assert any(u["expect"] == "danger" for u in mine), language
        assert any(any(c.isdigit() for c in u["say"]) for u in mine), language


def test_a_doubtful_recognition_is_asked_again_unless_it_may_be_danger():
    """Words the recogniser is unsure of never move the call, except to the danger advice:
    giving it to someone not in danger does little harm; missing danger, the most."""
    assert where_speech_goes(FLOW, "main_menu", "en-GB", "I want the police", confidence="0.2") == "reprompt"
    assert (
        where_speech_goes(FLOW, "main_menu", "en-GB", "I want the police", confidence="0.9") == "police_non_emergency"
    )
    for said in ("nine nine nine", "he is going to kill me"):
        assert where_speech_goes(FLOW, "main_menu", "en-GB", said, confidence="0.2") == "danger", said


@pytest.mark.parametrize("said", ["dziewięć dziewięć dziewięć", "unu unu doi", "واحد واحد اتنين", "nine nine nine"])
def test_an_emergency_number_at_the_language_menu_is_heard_in_every_language(said):
    assert where_speech_goes(FLOW, "choose_language", "en-GB", said) == "danger"
