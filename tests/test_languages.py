"""Every caller: each language, slow speech, keys only, speech only, recordings."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import deque

import pytest
from support import CRIMESTOPPERS, HELPLINE, PUBLIC, TOKEN, write_wav

from ivr.loading import load_flow_file, load_flow_text
from ivr.runtime import flow as rt
from ivr.tools.simulator import SimulatedCall, flask_transport

LANGUAGES = {  # code: (key, voice, <Say language>, speech recognition language)
    "en-GB": ("1", "Polly.Amy", "en-GB", "en-GB"),
    "pl-PL": ("8", "Polly.Ewa", "pl-PL", "pl-PL"),  # 8 chooses it at the language menu only
    "ro-RO": ("7", "Polly.Carmen", "ro-RO", "ro-RO"),
    "vi-VN": ("3", "Google.vi-VN-Standard-A", "vi-VN", "vi-VN"),
    "ar-EG": ("5", "Polly.Zeina", "arb", "ar-EG"),
}


def choose(call, code):
    """Pick a voiced language at the language menu: its key, or its name for one with none."""
    key = LANGUAGES[code][0]
    return call.press(key) if key else call.say("polski")


@pytest.fixture
def flow(flow_file):
    return load_flow_file(flow_file).flow


def plain(texts, code):
    """A text as the simulated caller hears it: numbers slowly, group by group, twice (once
    just before a transfer to them)."""
    parts = []
    for segment in texts[code].segments:
        if isinstance(segment, str):
            parts.append(segment)
        else:
            groups = " … ".join(segment.groups)
            parts.append(" " + f"{groups} … " * segment.times)
    text = " ".join("".join(parts).split())
    for mark in (".", ",", "?", "!"):
        text = text.replace(" " + mark, mark)
    while "… …" in text:
        text = text.replace("… …", "…")
    return text


def said(heard):
    return [h for h in heard if h.kind == "say"]


def assert_in_language(heard, code):
    _, voice, say_language, _ = LANGUAGES[code]
    for h in said(heard):
        assert (h.attrs["voice"], h.attrs["language"]) == (voice, say_language), h


def test_the_call_starts_with_danger_then_each_language_in_itself(new_call, flow):
    call = new_call()
    heard = said(call.start())
    assert heard[0].text.startswith("If you are in danger now, hang up and dial 9 9 9")
    for code, (key, voice, say_language, _) in LANGUAGES.items():
        option = next(h for h in heard if h.text == plain({code: flow.languages[code].choose}, code))
        assert (option.attrs["voice"], option.attrs["language"]) == (voice, say_language)
        assert key in option.text
    assert "press 0" in heard[0].text  # a person in the very first sentence (issue 26)
    assert "interpreters" in heard[-1].text and "stay on the line" in heard[-1].text


def said_texts(heard):
    return [h.text for h in said(heard)]


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_prompt_retry_and_fallback_comes_in_the_chosen_language(new_call, flow, code):
    key, _, _, recogniser = LANGUAGES[code]
    nodes, messages = flow.nodes, flow.messages
    listed = {"en-GB": "1, 2, 3 or 4", "pl-PL": "1, 2, 3 lub 4", "ro-RO": "1, 2, 3 sau 4", "vi-VN": "1, 2, 3 hoặc 4",
              "ar-EG": "1، 2، 3 أو 4"}[code]  # fmt: skip
    keys = messages.keys[code].plain.replace("{keys}", listed)
    call = new_call()
    call.start()
    heard = choose(call, code)
    assert_in_language(heard, code)
    assert said_texts(heard) == [plain(nodes["welcome"].prompt, code), plain(nodes["main_menu"].prompt, code)]
    assert call.waiting.element.get("language") == recogniser
    assert "l=" + code in call.waiting.element.get("action")
    assert "l=" + code in call.passed[0].element.get("action")  # keys during the welcome too
    heard = call.press("7")  # not a choice
    assert_in_language(heard, code)
    assert said_texts(heard) == [plain(messages.invalid, code), keys, plain(nodes["main_menu"].short_prompt, code)]
    heard = call.press("2")
    assert_in_language(heard, code)
    assert said_texts(heard) == [
        plain(nodes["report_anonymously"].prompt, code),
        plain(nodes["report_menu"].prompt, code),
    ]
    heard = call.silence()  # a retry, and the warning before the last try
    assert_in_language(heard, code)
    assert said_texts(heard) == [
        plain(messages.no_input, code),
        plain(messages.last_try, code),
        plain(nodes["report_menu"].short_prompt, code),
    ]
    heard = call.press("1")  # Crimestoppers
    assert_in_language(heard, code)
    assert said_texts(heard) == [plain(nodes["connect_crimestoppers"].prompt, code)]
    assert call.dialled_number == CRIMESTOPPERS
    heard = call.dial_result("busy")  # the line's own menu after a busy transfer
    assert_in_language(heard, code)
    busy = nodes["_busy:connect_crimestoppers"]
    assert said_texts(heard) == [plain(busy.prompt, code)]
    heard = call.silence()
    assert_in_language(heard, code)
    assert said_texts(heard) == [
        plain(messages.no_input, code),
        plain(messages.last_try, code),
        plain(busy.short_prompt, code),
    ]
    heard = call.silence()  # then the helpline, still in the language
    assert_in_language(heard, code)
    assert said_texts(heard) == [plain(nodes["_helpline"].prompt, code)]
    assert call.dialled_number == HELPLINE
    heard = call.dial_result("completed")
    assert_in_language(heard, code)
    assert said_texts(heard) == [plain(messages.after_call, code)]
    assert heard[-1].kind == "hangup"


@pytest.mark.parametrize("code", LANGUAGES)
def test_speech_in_each_language_selects_the_right_choice(new_call, flow, code):
    menu = flow.nodes["main_menu"]
    for choice in menu.choices:
        call = new_call()
        call.start()
        choose(call, code)
        word = choice.words_in(code)[0]
        heard = call.say(word)
        target = flow.nodes[choice.target]
        assert said(heard)[0].text == plain(target.prompt, code), (code, word)


@pytest.mark.parametrize("code", LANGUAGES)
def test_speech_for_the_helpline_in_each_language(new_call, flow, code):
    call = new_call()
    call.start()
    choose(call, code)
    call.say(flow.languages[code].helpline_words[0])
    assert call.dialled_number == HELPLINE


def test_a_language_can_be_chosen_by_saying_its_name(new_call):
    call = new_call()
    call.start()
    heard = call.say("polish")
    assert_in_language(heard, "pl-PL")


def test_a_number_for_one_language_skips_the_language_menu(new_call, flow):
    call = new_call()
    heard = call.start(language="ro-RO")
    assert_in_language(heard, "ro-RO")
    assert said(heard)[0].text == plain(flow.nodes["welcome"].prompt, "ro-RO")


def test_silence_at_the_language_menu_reaches_the_helpline_with_interpreters(new_call, flow):
    call = new_call()
    heard = call.start()
    assert heard[-1].text == (  # staying on the line is what the menu offers
        "For any other language, stay on the line; the helpline has interpreters."
    )
    heard = call.silence()  # one wait is enough
    assert said_texts(heard) == [plain(flow.nodes["_helpline"].prompt, "en-GB")]
    assert call.dialled_number == HELPLINE


def test_an_error_mid_call_still_speaks_the_callers_language(new_call, monkeypatch, flow):
    from ivr.runtime import twiml

    call = new_call()
    call.start()
    choose(call, "pl-PL")
    original = twiml.Renderer.menu

    def broken(self, *args, **kwargs):
        raise RuntimeError("menu rendering broke")

    monkeypatch.setattr(twiml.Renderer, "menu", broken)
    heard = call.press("1")  # about slavery: a message, then a menu that fails to render
    monkeypatch.setattr(twiml.Renderer, "menu", original)
    assert_in_language(heard, "pl-PL")
    assert said(heard)[0].text == plain(flow.nodes["_helpline"].prompt, "pl-PL")
    assert call.dialled_number == HELPLINE


# -- slow speech, quick exit ----------------------------------------------------------------
@pytest.mark.parametrize("code", ["en-GB", "vi-VN"])
def test_slow_speech_reaches_every_later_prompt(new_call, code):
    call = new_call()
    call.start()
    choose(call, code)
    call.press("8")
    for key in ("1", "3", "2"):  # about slavery, hear it again, what the helpline does
        call.press(key)
        assert "slow=1" in call.waiting.element.get("action")
        for say in [call.waiting.element.find("Say")]:
            assert say.find("prosody").get("rate") == "80%"
        for message in call.passed:  # and the messages before each menu
            assert "slow=1" in message.element.get("action")
            assert message.element.find("Say/prosody").get("rate") == "80%"
    call.press("0")
    assert call.dialled_number == HELPLINE
    body = ET.fromstring(call.transport(*call.signed_request(call.requests[-1][0], {"Digits": "0"}))[1])
    assert [verb.tag for verb in body] == ["Dial"]  # 0 pressed: ringing at once
    assert "slow=1" in body.find("Dial").get("action")  # and slow speech kept for after the transfer


def test_slow_speech_on_a_voice_without_ssml_adds_pauses(flow_file, make_app):
    flow_file.write_text(flow_file.read_text().replace("voice: Polly.Amy", "voice: alice"))
    call = SimulatedCall(flask_transport(make_app()), PUBLIC, TOKEN)
    call.start()
    call.press("1")
    heard = call.press("8")
    assert [h.kind for h in heard].count("pause") >= 3
    assert all("prosody" not in str(h.attrs) for h in heard)


def test_quick_exit_from_any_menu_ends_the_call_at_once(new_call):
    for keys in ([], ["1"], ["1", "1"], ["1", "2"]):
        call = new_call()
        call.start()
        for key in keys:
            call.press(key)
        heard = call.press("9")
        assert [h.kind for h in heard] == ["hangup"]


# -- keys only, speech only ---------------------------------------------------------------
DESTINATIONS = {
    "about_slavery",
    "about_helpline",
    "report_anonymously",
    "police_non_emergency",
    "danger",
    "danger_more",
    CRIMESTOPPERS,
}  # the helpline is 0 and its built-in words on every menu, no menu's choice (issue 26)


def _explore(new_call, flow, answers):
    """Every destination a caller reaches with only these kinds of answer."""
    first = new_call()
    first.start()
    reached, seen = set(), set()
    queue = deque([first])
    while queue:
        call = queue.popleft()
        for answer in answers(call):
            branch = call.fork()
            heard = answer(branch)
            for h in said(heard):
                for name in DESTINATIONS:
                    node = flow.nodes.get(name)
                    if node is not None and any(h.text == plain(node.prompt, c) for c in node.prompt):
                        reached.add(name)
            if branch.waiting_for == "dial":
                reached.add(branch.dialled_number)
            elif branch.waiting_for == "gather":
                position = branch.waiting.element.get("action")
                if position not in seen:
                    seen.add(position)
                    queue.append(branch)
    return reached


def test_a_keys_only_caller_reaches_every_destination(new_call, flow):
    def keys(call):
        return [lambda c, k=k: c.press(k) for k in "12345"]

    assert _explore(new_call, flow, keys) == DESTINATIONS | {HELPLINE}  # 0 on every menu


def test_a_speech_only_caller_reaches_every_destination_in_every_language(new_call, flow):
    def say(words):
        return lambda call: call.say(words)

    def speech(call):
        state = dict(p.split("=") for p in call.waiting.element.get("action").split("?")[1].split("&"))
        node = flow.nodes[state["n"].replace("%3A", ":")]
        if node.kind == "language":
            return [say(lang.names[0]) for lang in flow.languages.values()]
        language = state.get("l", flow.language)
        return [say(choice.words_in(language)[0]) for choice in node.choices if choice.words_in(language)]

    # naming Shqip, ትግርኛ (Tigrinya) or Soomaali, not yet recorded, puts the caller straight through
    assert _explore(new_call, flow, speech) == DESTINATIONS | {HELPLINE}


# -- recordings ---------------------------------------------------------------------------
RECORDED = """
line:
  name: Recorded line
  start: choose
  helpline: helpline
  language: en-GB
  languages:
    en-GB: {name: English, key: "1", choose: For English press 1., voice: Polly.Amy, reviewed: true}
    sq-AL: {name: Shqip, key: "2", choose: {play: recordings/sq/choose.wav}, reviewed: false}
  messages:
    danger: {en-GB: Danger. Dial 9 9 9., sq-AL: {play: recordings/sq/danger.wav}}
    no_input: {en-GB: Sorry., sq-AL: {play: recordings/sq/no_input.wav}}
    invalid: {en-GB: Not a choice., sq-AL: {play: recordings/sq/invalid.wav}}
    keys: {en-GB: "You can press {keys}.", sq-AL: {play: recordings/sq/keys.wav}}
    last_try: {en-GB: Last try., sq-AL: {play: recordings/sq/last_try.wav}}
    to_helpline: {en-GB: "Helpline {helpline}.", sq-AL: {play: recordings/sq/to_helpline.wav}}
    no_answer: {en-GB: "No answer {number}.", sq-AL: {play: recordings/sq/no_answer.wav}}
    busy: {en-GB: "Busy {number}.", sq-AL: {play: recordings/sq/busy.wav}}
    failed: {en-GB: "Failed {number}.", sq-AL: {play: recordings/sq/failed.wav}}
    connecting: {en-GB: "Connecting {name}.", sq-AL: {play: recordings/sq/connecting.wav}}
    not_understood: {en-GB: Pardon?, sq-AL: {play: recordings/sq/not_understood.wav}}
    fallback_retry: {en-GB: "Retry {helpline}.", sq-AL: {play: recordings/sq/fallback_retry.wav}}
    fallback_end: {en-GB: "End {helpline}.", sq-AL: {play: recordings/sq/fallback_end.wav}}
    try_again: {en-GB: Again 1., sq-AL: {play: recordings/sq/try_again.wav}}
    other_number: {en-GB: "Other {other_name} 2.", sq-AL: {play: recordings/sq/other.wav}}
    after_call: {en-GB: "Bye {helpline}.", sq-AL: {play: recordings/sq/after_call.wav}}
numbers:
  helpline:
    number: 0800 0121 700
    name: {en-GB: the helpline, sq-AL: {play: recordings/sq/helpline_name.wav}}
nodes:
  choose:
    type: language
    say: Choose a language.
    next: menu
  menu:
    type: menu
    say: {en-GB: "For the helpline press 1, or 0.", sq-AL: {play: recordings/sq/menu.wav}}
    choices:
      "1": connect
  connect:
    type: transfer
    to: helpline
"""


@pytest.fixture
def recorded_flow(tmp_path):
    folder = tmp_path / "recorded"
    folder.mkdir()
    path = folder / "call_flows.yaml"
    path.write_text(RECORDED)
    for name in sorted(set(re.findall(r"recordings/sq/(\w+)\.wav", RECORDED))):  # every one the flow plays
        write_wav(folder / "recordings" / "sq" / f"{name}.wav")
    return path


def test_a_language_without_a_voice_is_played_from_recordings(recorded_flow, make_app):
    result = load_flow_file(recorded_flow)
    assert result.ok, [p.format("f") for p in result.problems]
    app = make_app(IVR_FLOW_FILE=str(recorded_flow))
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    heard = call.start()
    assert any(h.kind == "play" and h.text == "/recordings/sq/choose.wav" for h in heard)
    heard = call.press("2")
    assert [h.kind for h in heard] == ["play"] and heard[0].text == "/recordings/sq/menu.wav"
    assert call.waiting.element.get("input") == "dtmf"  # no speech recognition without a voice
    heard = call.silence()
    assert [h.text for h in heard] == ["/recordings/sq/no_input.wav", "/recordings/sq/menu.wav"]
    with app.test_client().get("/recordings/sq/menu.wav") as audio:
        assert audio.status_code == 200 and audio.data[:4] == b"RIFF"
    assert app.test_client().get("/recordings/../call_flows.yaml").status_code == 404


def test_recordings_that_are_missing_or_not_audio_are_errors(recorded_flow):
    (recorded_flow.parent / "recordings" / "sq" / "menu.wav").unlink()
    (recorded_flow.parent / "recordings" / "sq" / "danger.wav").write_text("not audio")
    problems = load_flow_file(recorded_flow).problems
    messages = [p.message for p in problems if p.is_error]
    assert any("menu.wav does not exist" in m for m in messages)
    assert any("danger.wav is not a WAV or MP3 recording" in m for m in messages)


def test_a_missing_translation_is_an_error_for_an_offered_voiced_language(recorded_flow):
    text = recorded_flow.read_text().replace('keys: {en-GB: "You can press {keys}.", ', "keys: {")
    recorded_flow.write_text(text)
    errors = [p.format("f") for p in load_flow_file(recorded_flow).errors]
    assert errors == [
        "f:14:5: error: no en-GB version of this text, and no recording\n"
        "    hint: add 'en-GB: ...' (a text, or {play: recordings/...}) under it"
    ]


def test_unreviewed_languages_are_reported_not_hidden(flow_file):
    warnings = [p.message for p in load_flow_file(flow_file).warnings]
    unreviewed = sorted(w.split(";")[0] for w in warnings if "texts reviewed" in w)
    assert unreviewed == [
        "Polski (pl-PL): 0 of 56 texts reviewed",
        "Română (ro-RO): 0 of 56 texts reviewed",
        "Shqip (sq-AL): 0 of 56 texts reviewed",  # the scripts its recordings are read from
        "Soomaali (so-SO): 0 of 56 texts reviewed",
        "Tiếng Việt (vi-VN): 0 of 56 texts reviewed",
        "العربية (ar-EG): 0 of 56 texts reviewed",
        "ትግርኛ (ti-ER): 0 of 56 texts reviewed",
    ]  # English is the source: nothing to sign off


def test_a_recorded_keys_message_is_played_after_the_first_mistake(recorded_flow, make_app):
    app = make_app(IVR_FLOW_FILE=str(recorded_flow))
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("2")  # Shqip, recordings only
    heard = call.press("7")  # not a choice
    assert [h.text for h in heard] == [
        "/recordings/sq/invalid.wav",
        "/recordings/sq/keys.wav",  # required by the checker, and now played (it was dropped)
        "/recordings/sq/menu.wav",
    ]


def test_a_number_in_the_keys_message_is_said_as_a_number(recorded_flow, make_app):
    text = recorded_flow.read_text().replace('"You can press {keys}."', '"You can press {keys}, or call {helpline}."')
    recorded_flow.write_text(text)
    assert load_flow_file(recorded_flow).errors == []  # the checker lets {helpline} be used here
    app = make_app(IVR_FLOW_FILE=str(recorded_flow))
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("1")
    heard = call.press("7")
    assert [h.text for h in heard] == [
        "Not a choice.",
        "You can press 1, or call oh eight hundred … oh one two one … seven hundred … "
        "oh eight hundred … oh one two one … seven hundred ….",  # it was read out as "{helpline}"
        "For the helpline press 1, or 0.",
    ]


def test_a_keys_message_may_say_the_keys_twice_and_a_number_between(recorded_flow, make_app):
    text = recorded_flow.read_text().replace(
        '"You can press {keys}."', '"Press {keys}. The helpline is {helpline}. Again: { keys }."'
    )
    recorded_flow.write_text(text)
    app = make_app(IVR_FLOW_FILE=str(recorded_flow))
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("1")
    heard = call.press("7")  # not a choice: the keys follow
    assert [h.text for h in heard] == [
        "Not a choice.",
        "Press 1. The helpline is oh eight hundred … oh one two one … seven hundred … "
        "oh eight hundred … oh one two one … seven hundred …. Again: 1.",
        "For the helpline press 1, or 0.",
    ]


def test_a_call_in_a_language_the_flow_no_longer_offers_goes_on_in_its_first_language(recorded_flow, make_app):
    call = SimulatedCall(flask_transport(make_app(IVR_FLOW_FILE=str(recorded_flow))), PUBLIC, TOKEN)
    call.start()
    assert [h.text for h in call.press("2")] == ["/recordings/sq/menu.wav"]  # Shqip
    # A new version without Shqip, served by another worker: the call's state is in its URLs.
    english_only = re.sub(r", sq-AL: \{play: recordings/sq/\w+\.wav\}", "", recorded_flow.read_text())
    english_only = re.sub(r"\n    sq-AL: .*", "", english_only)
    recorded_flow.write_text(english_only)
    assert load_flow_file(recorded_flow).errors == []
    call.transport = flask_transport(make_app(IVR_FLOW_FILE=str(recorded_flow)))
    heard = call.press("7")
    assert [(h.kind, h.text) for h in heard] == [
        ("say", "Not a choice."),
        ("say", "You can press 1."),
        ("say", "For the helpline press 1, or 0."),
    ]
    assert {h.attrs["voice"] for h in heard} == {"Polly.Amy"}


def test_recordings_are_measured_once_when_the_flow_is_compiled(recorded_flow):
    write_wav(recorded_flow.parent / "recordings" / "sq" / "menu.wav", seconds=2.5)
    flow = load_flow_file(recorded_flow).flow
    assert flow.nodes["menu"].prompt["sq-AL"] == rt.Speech((rt.Recording("/recordings/sq/menu.wav", 2.5),))
    assert flow.messages.danger["sq-AL"] == rt.Speech((rt.Recording("/recordings/sq/danger.wav", 1.0),))
    # Without the flow's folder there is nothing to measure.
    unplaced = load_flow_text(recorded_flow.read_text()).flow
    assert unplaced.nodes["menu"].prompt["sq-AL"] == rt.Speech((rt.Recording("/recordings/sq/menu.wav", None),))
