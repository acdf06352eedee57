"""The helpline's adviser is told, before hello, where the call comes from, the caller's
language and what the caller chose (issue 26): a whisper on the transfer's ``<Number url>``."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from support import CRIMESTOPPERS, DEFAULT_FLOW, HELPLINE, PUBLIC, TOKEN
from test_recorded_languages import _record_everything
from twilio.request_validator import RequestValidator

from ivr.loading import load_flow_file
from ivr.runtime import whisper as whispers
from ivr.runtime.state import REACHED_ASKED, CallState
from ivr.runtime.whisper import whisper_text
from ivr.tools.simulator import SimulatedCall, flask_transport

LINE = "+441234567890"  # the line's own number: the To of every simulated call
CALLER = re.compile(r"7700\D{0,3}900\D{0,3}123")  # the simulated caller's number, in any format
#: The whisper's English voice: the flow's own English one.
VOICE = {"language": "en-GB", "voice": "Polly.Amy"}
FROM_THE_LINE = "Modern Slavery support line caller, in"
#: Each language's name as an English-speaking adviser knows it. A language added to the
#: default flow fails here until its English name is added, here and in
#: ivr/definition/language_names.py.
ENGLISH_NAMES = {
    "en-GB": "English",
    "pl-PL": "Polish",
    "ro-RO": "Romanian",
    "vi-VN": "Vietnamese",
    "ar-EG": "Arabic",
    "sq-AL": "Albanian",
    "ti-ER": "Tigrinya",
    "so-SO": "Somali",
}
#: Keys pressed after choosing a language, and what the caller chose as the adviser hears it.
ROUTES = {
    "0": "asked for a person",
    "40": "heard the danger advice and asked for a person",
    "4120": "heard the danger advice and asked for a person",  # more advice, the advice again, then 0
    "10": "wanted information about modern slavery and asked for a person",
    "120": "wanted information about modern slavery and asked for a person",
    "20": "wanted to report anonymously and asked for a person",
    "30": "wanted the police, when no one is in danger and asked for a person",
    "3340": "wanted the police, when no one is in danger, heard the danger advice and asked for a person",
    "777": "was put through after answers the line could not understand",
}
#: Each language's key at the language menu, or the name a caller says for one with no key.
OFFERED = {code: lang.key or lang.names[0] for code, lang in load_flow_file(DEFAULT_FLOW).flow.languages.items()}
#: What the adviser is told of a caller whose language the line cannot speak yet (no voice, not
#: every text recorded): they heard nothing in their own language.
STRAIGHT = "was put straight through, as the line cannot speak {name} yet"
NOT_RECORDED = {"sq-AL": "Albanian", "ti-ER": "Tigrinya", "so-SO": "Somali"}


def whisper(call) -> list[tuple[str, str, dict[str, str]]]:
    return [(h.kind, h.text, h.attrs) for h in call.adviser_hears()]


def says(sentence: str) -> list[tuple[str, str, dict[str, str]]]:
    return [("say", sentence, VOICE)]


def in_language(new_call, code: str):
    call = new_call()
    call.start()
    chosen = OFFERED[code]
    call.press(chosen) if chosen.isdigit() else call.say(chosen)
    return call


@pytest.mark.parametrize("code", OFFERED)
def test_the_adviser_hears_the_callers_language_and_choices_in_every_language_offered(new_call, code):
    name = ENGLISH_NAMES[code]
    call = in_language(new_call, code)
    if call.waiting_for == "dial":  # a language the line cannot speak yet: put straight through
        assert call.dialled_number == HELPLINE
        assert whisper(call) == says(f"{FROM_THE_LINE} {name}: {STRAIGHT.format(name=name)}.")
        return
    for keys, chose in ROUTES.items():
        call = in_language(new_call, code)
        for key in keys:
            call.press(key)
        assert call.waiting_for == "dial" and call.dialled_number == HELPLINE, keys
        assert whisper(call) == says(f"{FROM_THE_LINE} {name}: {chose}."), keys
    call = in_language(new_call, code)
    call.silence()  # the main menu: silence is staying on the line
    assert whisper(call) == says(f"{FROM_THE_LINE} {name}: stayed on the line without choosing.")


def test_a_key_during_the_helplines_own_words_keeps_what_the_adviser_is_told(new_call):
    call = in_language(new_call, "pl-PL")
    call.press("2")  # report anonymously
    call.say("infolinia")  # the helpline instead, in words: what the line understood is said, then it is dialled
    call.press_during("0", "Łączymy")  # 0 during the helpline's own words: dial at once
    assert call.dialled_number == HELPLINE
    assert whisper(call) == says(f"{FROM_THE_LINE} Polish: wanted to report anonymously and asked for a person.")


def test_the_helpline_transfer_rings_until_answered_and_names_the_whisper(client):
    response = _post(client, "/voice/input?n=main_menu&l=pl-PL&c=main_menu%3A4&d=1", dict(CALL, Digits="0"))
    root = ET.fromstring(response.data)
    assert [verb.tag for verb in root] == ["Dial"]  # 0 pressed: ringing at once, no sentence first
    assert ET.tostring(root.find("Dial"), encoding="unicode") == (
        '<Dial action="/voice/dialed?n=_helpline&amp;l=pl-PL&amp;c=main_menu%3A4&amp;d=1&amp;r=asked" '
        f'answerOnBridge="true" callerId="{LINE}" method="POST" timeout="30">'
        '<Number method="POST" url="/voice/whisper?n=_helpline&amp;l=pl-PL&amp;c=main_menu%3A4&amp;d=1&amp;r=asked">'
        f"{HELPLINE}</Number></Dial>"
    )


def test_crimestoppers_are_told_nothing_about_the_caller(new_call, client):
    call = in_language(new_call, "en-GB")
    call.press("2")
    call.press("1")  # Crimestoppers
    assert call.dialled_number == CRIMESTOPPERS
    assert whisper(call) == []
    response = _post(client, "/voice/input?n=report_menu&l=en-GB&c=main_menu%3A2", dict(CALL, Digits="1"))
    assert ET.tostring(ET.fromstring(response.data).find("Dial"), encoding="unicode") == (
        '<Dial action="/voice/dialed?n=connect_crimestoppers&amp;l=en-GB&amp;c=main_menu%3A2&amp;r=asked" '
        f'answerOnBridge="true" callerId="{LINE}" method="POST" timeout="30"><Number>{CRIMESTOPPERS}</Number></Dial>'
    )
    # Crimestoppers did not answer: the helpline offered instead whispers as every helpline transfer does.
    call.dial_result("no-answer")
    call.press("2")
    assert call.dialled_number == HELPLINE
    assert whisper(call) == says(f"{FROM_THE_LINE} English: wanted to report anonymously and asked for a person.")


def test_the_whisper_is_signature_checked_like_every_webhook(client):
    path = "/voice/whisper?n=_helpline&l=ro-RO&r=asked"
    assert _post(client, path, CALL).status_code == 200
    assert _post(client, path, CALL, token="not-the-token").status_code == 403
    assert client.post(path, data=CALL).status_code == 403
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, CALL)
    forged = path.replace("ro-RO", "pl-PL")  # a URL changed after Twilio signed it
    assert client.post(forged, data=CALL, headers={"X-Twilio-Signature": signature}).status_code == 403


def test_the_whisper_never_says_the_callers_number_or_any_number_from_the_request(client):
    # The caller's number in every parameter Twilio sends, and in every field of a (signed) URL.
    number = "+447700900123"
    params = dict(CALL, Caller=number, Digits=number, SpeechResult=f"my number is {number}")
    for query in (
        f"n={number}&l={number}&c={number}&r={number}&d=1",
        f"n=_helpline&l=en-GB&c=main_menu%3A{number}&r=asked",
        f"n=_helpline&l=vi-VN&c={number}%3A1&r=asked",
    ):
        response = _post(client, "/voice/whisper?" + query.replace("+", "%2B"), params)
        assert response.status_code == 200
        body = response.data.decode()
        assert not CALLER.search(body), body
        root = ET.fromstring(body)
        assert [verb.tag for verb in root] == ["Say"]
        assert not re.search(r"\d", root.find("Say").text), body
    expected = {
        "n=%2B447700900123&l=%2B447700900123&c=%2B447700900123&r=%2B447700900123&d=1":
            f"{FROM_THE_LINE} English: heard the danger advice.",
        "n=_helpline&l=vi-VN&c=%2B447700900123%3A1&r=asked":
            f"{FROM_THE_LINE} Vietnamese: asked for a person.",
        "n=_helpline&l=so-SO&c=%2B447700900123%3A1&r=straight":
            f"{FROM_THE_LINE} Somali: {STRAIGHT.format(name='Somali')}.",
    }  # fmt: skip
    for query, sentence in expected.items():
        root = ET.fromstring(_post(client, "/voice/whisper?" + query, params).data)
        assert (root.find("Say").text, root.find("Say").attrib) == (sentence, VOICE)


def test_an_error_while_making_the_whisper_still_puts_the_call_through(client, new_call, monkeypatch):
    def broken(flow, state):
        raise RuntimeError("the whisper broke")

    monkeypatch.setattr("ivr.runtime.twiml.whisper_twiml", broken)
    response = _post(client, "/voice/whisper?n=_helpline&l=en-GB&r=asked", CALL)
    assert response.status_code == 200
    # An empty document: the call is bridged at once. Never the line's helpline TwiML, which
    # would dial the helpline again from the adviser's phone.
    assert response.data == b'<?xml version="1.0" encoding="UTF-8"?><Response />'
    call = in_language(new_call, "en-GB")
    call.press("0")
    assert call.adviser_hears() == []  # the adviser hears nothing, and the caller's transfer goes on
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE


@pytest.mark.parametrize(("code", "name"), NOT_RECORDED.items())
def test_a_caller_on_a_languages_own_number_put_straight_through_is_named_in_that_language(new_call, code, name):
    call = new_call()
    call.start(language=code)  # a number set to /voice?l=sq-AL: no language menu
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE
    assert whisper(call) == says(f"{FROM_THE_LINE} {name}: {STRAIGHT.format(name=name)}.")


@pytest.mark.parametrize(("code", "name"), NOT_RECORDED.items())
def test_a_caller_put_straight_through_who_tries_again_after_a_busy_helpline_keeps_their_language(new_call, code, name):
    call = in_language(new_call, code)
    call.dial_result("busy")  # the helpline's failed-transfer menu, in English (the line's first language)
    call.press("0")
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE
    assert whisper(call) == says(f"{FROM_THE_LINE} {name}: asked for a person.")


def test_a_recorded_language_is_whispered_as_every_voiced_one(flow_file, make_app):
    """Albanian once every text is recorded: its callers hear the line in Albanian, and the
    adviser is told their choices as for any language."""
    _record_everything(flow_file, "sq-AL")
    call = SimulatedCall(flask_transport(make_app()), PUBLIC, TOKEN)
    call.start()
    call.press(OFFERED["sq-AL"])
    for key in "10":  # about modern slavery, then a person
        call.press(key)
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE
    assert whisper(call) == says(
        f"{FROM_THE_LINE} Albanian: wanted information about modern slavery and asked for a person."
    )


@pytest.mark.parametrize(("code", "name"), NOT_RECORDED.items())
def test_a_language_without_a_voice_is_named_in_english_too(code, name):
    flow = load_flow_file(DEFAULT_FLOW).flow
    voiceless = replace(flow.languages["pl-PL"], code=code, name="its own name", voice=None)
    flow = replace(flow, languages={**flow.languages, code: voiceless})
    state = CallState("_helpline", code, reached=REACHED_ASKED)
    assert whisper_text(flow, state) == f"{FROM_THE_LINE} {name}: asked for a person."
    # One the line's table does not know is named by its own name.
    flow = replace(flow, languages={**flow.languages, "xx-XX": replace(voiceless, code="xx-XX", name="Xish")})
    assert whisper_text(flow, CallState("_helpline", "xx-XX")) == f"{FROM_THE_LINE} Xish."


def test_only_the_helpline_is_whispered_to():
    flow = load_flow_file(DEFAULT_FLOW).flow
    targets = {
        node.target.key: whispers.whispers_to(flow, node.target)
        for node in flow.nodes.values()
        if hasattr(node, "target")
    }
    assert targets == {"helpline": True, "crimestoppers": False}


CALL = {"CallSid": "CA" + "1" * 32, "From": "+447700900123", "To": LINE, "CallStatus": "in-progress"}


def _post(client, path, params, *, token=TOKEN):
    signature = RequestValidator(token).compute_signature(PUBLIC + path, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})
