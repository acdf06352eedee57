"""Speech hints: each menu's <Gather> tells Twilio's recogniser, in the call's language, the
words the flow offers and the phrases callers say there (from the corpus's training part,
never its held-out fifth), within Twilio's limits, made once when the flow is compiled.

The small flow and tiny corpus below are worked through by hand in the comments: the
expected hints are what the rules in ivr/runtime/speech/hints.py give, not a copy of output.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from ivr.definition.model import FlowDocument
from ivr.definition.source import parse_yaml
from ivr.loading import load_flow_file, load_flow_text
from ivr.runtime import engine
from ivr.runtime import flow as rt
from ivr.runtime.compile import compile_flow
from ivr.runtime.speech.corpus import held_out, menu_of, read, training_part, version
from ivr.runtime.speech.hints import (
    MAX_PHRASES,
    SHIPPED,
    TWILIO_MAX_PHRASE_CHARACTERS,
    TWILIO_MAX_PHRASES,
    HintMaker,
    clean,
    menu_hints,
)
from ivr.runtime.state import CallState
from ivr.runtime.twiml import Renderer

ROOT = Path(__file__).resolve().parent.parent

FLOW = """\
line:
  name: Test line
  start: choose_language
  helpline: helpline
  language: en-GB
  languages:
    en-GB:
      {name: English, key: "1", choose: "English, press 1.", voice: Polly.Amy, words: [english],
       builtin_words: {repeat: [repeat], helpline: [helpline], slower: [slower], danger: [danger]}}
    pl-PL:
      {name: Polski, key: "2", choose: "Polski, naciśnij 2.", voice: Polly.Ewa, words: [po polsku],
       builtin_words: {repeat: [powtórz], helpline: [infolinia], slower: [wolniej], danger: [ratunku]}}
numbers:
  helpline: {number: 0800 0121 700, name: {en-GB: the helpline, pl-PL: infolinia}}
nodes:
  choose_language: {type: language, say: "If you are in danger now, hang up and dial 9 9 9.", next: main_menu}
  main_menu:
    type: menu
    say: {en-GB: "For a caseworker, press 1. For information, press 2.", pl-PL: "Doradca: 1. Informacje: 2."}
    choices:
      "1":
        go: connect
        words: {en-GB: [caseworker], pl-PL: [doradca]}
        examples: {en-GB: ["I need to talk to someone about my work"], pl-PL: ["porozmawiać z doradcą"]}
      "2": {go: information, words: {en-GB: [information], pl-PL: [informacje]}}
  information:
    type: message
    say: {en-GB: "The helpline can help.", pl-PL: "Infolinia może pomóc."}
    next: main_menu
  connect: {type: transfer, to: helpline, say: {en-GB: Connecting you now., pl-PL: Łączymy.}}
"""

CORPUS = {
    "en-GB": [
        ("main_menu", "i need the helpline please"),
        ("main_menu", "helpline now please"),
        ("main_menu", "um the helpline"),
        ("main_menu", "talk to an adviser please"),
        ("main_menu", "information please"),
        ("main_menu", "information about slavery"),
        ("main_menu", "zebra eight"),  # held out, as is the next: never a hint
        ("main_menu", "zebra nine"),
        ("choose_language", "english yes please"),
        ("choose_language", "english"),
    ],
    "pl-PL": [
        ("main_menu", "proszę infolinię"),
        ("main_menu", "infolinię proszę"),
        ("main_menu", "proszę informacje"),
        ("choose_language", "po polsku poproszę"),
        ("choose_language", "tak po polsku"),
    ],
}


def write_corpus(folder: Path) -> Path:
    for language, utterances in CORPUS.items():
        lines = [f"language: {language}", "utterances:"]
        lines += [f'  - {{menu: {menu}, say: "{say}", accept: [helpline]}}' for menu, say in utterances]
        (folder / f"{language}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture()
def small_flow(tmp_path: Path) -> rt.Flow:
    loaded = load_flow_text(FLOW)
    assert loaded.flow is not None, loaded.problems
    source, _ = parse_yaml(FLOW)
    assert source is not None
    document = FlowDocument.model_validate(source.data)
    return compile_flow(document, loaded.version, said=HintMaker(training_part(write_corpus(tmp_path))).table())


def test_the_zebras_are_held_out_and_everything_else_is_training(tmp_path: Path):
    folder = write_corpus(tmp_path)
    assert [u.say for u in read(folder) if held_out(u)] == ["zebra eight", "zebra nine"]


def test_each_menu_hints_the_flows_words_then_what_callers_say_there(small_flow: rt.Flow):
    main, language_menu = small_flow.nodes["main_menu"], small_flow.nodes["choose_language"]
    assert isinstance(main, rt.Menu) and isinstance(language_menu, rt.LanguageMenu)
    # The choices' words, the built-in words (no danger: the flow has nowhere to send it),
    # then runs of words said in two or more utterances at main_menu, more often there than
    # in English speech as a whole, the most frequent and particular first: "helpline" (3
    # of 6 here, 3 of 8 in all), then "information", "the", "the helpline" (2 of 6, 2 of 8;
    # one word before two), then "please" (4 of 6, but 5 of 8). The long example is not a
    # hint; "zebra", said twice, is held out.
    assert main.hints == {
        "en-GB": "caseworker, information, helpline, repeat, slower, the, the helpline, please",
        # The short example is kept whole; "proszę" (3 of 3) comes before "infolinię" (2 of 3).
        "pl-PL": "doradca, informacje, infolinia, powtórz, wolniej, porozmawiać z doradcą, proszę, infolinię",
    }
    # The language menu listens in English for every language's name, and what callers of
    # each language said there, in turn: "english" (English), "polsku", "po polsku" (Polish).
    assert language_menu.hints == {"en-GB": "english, po polsku, polski, helpline, repeat, slower, polsku"}


def test_the_menu_gather_carries_its_hints_in_the_calls_language(small_flow: rt.Flow):
    document = Renderer(small_flow).render(CallState("main_menu", "pl-PL"), "")
    gather = ET.fromstring(document).find("Gather")
    assert gather is not None
    assert gather.attrib == {
        "action": "/voice/input?n=main_menu&l=pl-PL",
        "method": "POST",
        "timeout": "10",  # the line's default
        "numDigits": "1",
        "input": "dtmf speech",
        "language": "pl-PL",
        "speechTimeout": "3",
        "hints": "doradca, informacje, infolinia, powtórz, wolniej, porozmawiać z doradcą, proszę, infolinię",
    }


def test_a_hint_is_a_short_phrase_of_words_without_commas_or_class_tokens():
    assert clean("Hello,   $OOV_CLASS_DIGIT_SEQUENCE! Isn't it?") == "hello oov class digit sequence isn't it"
    long = " ".join(["word"] * 40)  # 199 characters
    assert clean(long) == " ".join(["word"] * 20)  # cut at a word, 99 characters
    assert clean("'quoted' -- ,") == "quoted"


def test_hints_stop_at_the_lines_budget_whatever_the_flow_offers():
    written = [f"phrase number {n}, with a comma" for n in range(1000)] + ["x" * 300]
    hints = menu_hints("en-GB", written, [], [])
    assert len(hints) == MAX_PHRASES
    assert hints[:2] == ("phrase number 0 with a comma", "phrase number 1 with a comma")
    assert all("," not in h and len(h) <= TWILIO_MAX_PHRASE_CHARACTERS for h in hints)


def test_the_same_phrase_is_hinted_once_and_with_its_accents():
    assert menu_hints("pl-PL", ["Pomoc", "pomoc", "powtorz", "powtórz"], [], ["powtorz", "pomóc"]) == (
        "pomoc",
        "powtorz",
    )
    # Vietnamese tones make different words: both kept; a toneless copy of one is not.
    assert menu_hints("vi-VN", ["sợ", "số", "so"], [], []) == ("sợ", "số")


def test_the_line_s_menus_after_a_failed_transfer_learn_from_the_corpus_transfer_failed():
    assert menu_of("_busy:connect_helpline") == "transfer_failed"
    assert menu_of("_no_answer:_transfer:crimestoppers") == "transfer_failed"
    assert menu_of("main_menu") == "main_menu"


def test_every_menu_of_the_default_flow_has_hints_within_twilios_limits_the_same_each_time():
    first = load_flow_file(ROOT / "call_flows.yaml").flow
    again = load_flow_file(ROOT / "call_flows.yaml").flow
    assert first is not None and again is not None
    for name, node in first.nodes.items():
        if not isinstance(node, (rt.Menu, rt.LanguageMenu)):
            continue
        # every language with a recogniser: Albanian, Tigrinya and Somali have none (keys only)
        heard = [code for code, language in first.languages.items() if language.speech is not None]
        expected = [first.language] if isinstance(node, rt.LanguageMenu) else heard
        assert list(node.hints) == expected, name
        for code, text in node.hints.items():
            phrases = text.split(", ")
            assert 0 < len(phrases) <= min(MAX_PHRASES, TWILIO_MAX_PHRASES), (name, code)
            assert len(set(phrases)) == len(phrases), (name, code)
            assert all(p and p == clean(p) for p in phrases), (name, code)
        assert node.hints == again.nodes[name].hints  # type: ignore[union-attr]


def test_an_empty_speech_result_even_a_confident_one_counts_as_silence(small_flow: rt.Flow):
    state = CallState("main_menu", "en-GB")
    silence = engine.on_silence(small_flow, state)
    for said in ("", "   "):
        assert engine.on_input(small_flow, state, "", said, "0.99") == silence


def test_the_shipped_hints_are_those_of_the_corpus_s_training_part():
    shipped = json.loads(SHIPPED.read_text(encoding="utf-8"))
    assert shipped["corpus"] == version(), "the corpus changed: run python -m ivr.runtime.speech.hints"
    assert shipped["said"] == HintMaker(training_part()).table()
