"""Calls to the default line, driven the way Twilio drives it."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest
from conftest import CRIMESTOPPERS, HELPLINE, PUBLIC, TOKEN
from twilio.request_validator import RequestValidator

from ivr import twiml


def said(heard) -> str:
    return " ".join(h.text for h in heard if h.kind == "say")


@pytest.fixture
def english_call(new_call):
    """A call that has chosen English at the language menu, now at the welcome's main menu."""

    def make():
        call = new_call()
        call.start()
        call.heard_at_welcome = call.press("1")
        return call

    return make


def test_the_call_says_what_to_do_in_danger_first_then_the_welcome_then_a_menu(new_call):
    call = new_call()
    first = call.start()[0].text
    assert first == "If you are in danger now, hang up and dial 9 9 9."
    heard = call.press("1")
    welcome = heard[0].text
    assert "nine nine nine" in welcome and "5 5" in welcome and "keypad only" in welcome
    assert call.waiting_for == "gather"
    assert "press 1" in said(heard) and "press 4" in said(heard) and "press 0" in said(heard)


def test_every_menu_takes_keys_and_speech_with_generous_timeouts(english_call):
    call = english_call()
    gather = call.waiting.element
    assert gather.get("input") == "dtmf speech"
    assert int(gather.get("timeout")) >= 10
    assert gather.get("language") == "en-GB"
    assert gather.get("numDigits") == "1"
    assert "repeat" in gather.get("hints") and "helpline" in gather.get("hints")
    # Twilio goes on after a <Gather> that got nothing: there must be a verb there.
    assert call.waiting.rest and call.waiting.rest[0].tag == "Redirect"


@pytest.mark.parametrize(
    "keys, destination",
    [
        ("11", HELPLINE),
        ("121", HELPLINE),
        ("21", CRIMESTOPPERS),
        ("22", HELPLINE),
        ("32", HELPLINE),
        ("40", HELPLINE),
        ("410", HELPLINE),
    ],
)
def test_every_main_menu_choice_ends_in_help(english_call, keys, destination):
    call = english_call()
    for key in keys:
        call.press(key)
    assert call.waiting_for == "dial"
    assert call.dialled_number == destination


def test_police_number_is_spoken_never_dialled(english_call):
    call = english_call()
    heard = call.press("3")
    assert "one oh one" in said(heard)
    assert call.waiting_for == "gather"
    assert all(h.kind != "dial" for h in call.heard)


def test_zero_connects_to_the_helpline_from_any_menu(english_call):
    call = english_call()
    call.press("1")  # about slavery, then its menu
    heard = call.press("0")
    assert "oh eight hundred … oh one two one … seven hundred" in said(heard)
    assert call.dialled_number == HELPLINE


def test_star_repeats_the_menu(english_call):
    call = english_call()
    first = said(call.heard_at_welcome)
    again = said(call.press("*"))
    assert again and again in first


SPOKEN = [
    ("victim", "Modern slavery means"),
    ("I want to report it", "Crimestoppers"),
    ("police", "police"),
    ("helpline", "connect you to the Modern Slavery Helpline"),
    ("repeat", "If you think you"),
    ("number four", "If you or anyone else is in danger now"),
    ("I'm scared", "If you or anyone else is in danger now"),
]


@pytest.mark.parametrize("words, expected", SPOKEN)
def test_speech_selects_choices(english_call, words, expected):
    call = english_call()
    assert expected in said(call.say(words))


def test_silence_forever_ends_in_a_transfer_to_the_helpline(english_call):
    call = english_call()
    heard_before_transfer = []
    for _ in range(10):
        if call.waiting_for != "gather":
            break
        heard_before_transfer = call.silence()
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE
    text = said(call.heard)
    assert "Sorry, I did not hear a choice" in text
    assert "I will connect you to the helpline" in text  # warned before the last try
    assert "oh eight hundred" in said(heard_before_transfer)


def test_retries_get_shorter(english_call):
    call = english_call()
    first_prompt = call.heard[-1].text
    second_prompt = call.silence()[-1].text
    assert second_prompt != first_prompt
    assert len(second_prompt) < len(first_prompt) * 0.7


def test_first_wrong_key_says_which_keys_work(english_call):
    call = english_call()
    heard = said(call.press("7"))
    assert "You can press 1, 2, 3 or 4" in heard
    heard = said(call.press("7"))
    assert "You can press" not in heard


@pytest.mark.parametrize("seed", range(5))
def test_random_keys_forever_end_in_a_transfer(english_call, seed):
    rng = random.Random(seed)
    call = english_call()
    for _ in range(200):
        if call.waiting_for != "gather":
            break
        key = rng.choice("67#*")  # never a real choice, so the caller never gets anywhere
        call.press(key)
    assert call.waiting_for == "dial"
    assert call.dialled_number == HELPLINE


@pytest.mark.parametrize("status", ["busy", "no-answer", "failed", "canceled", ""])
def test_a_transfer_nobody_answers_still_ends_in_help(english_call, status):
    call = english_call()
    call.press("0")
    assert call.dialled_number == HELPLINE
    heard = said(call.dial_result(status))
    assert "oh eight hundred … oh one two one … seven hundred" in heard
    assert call.waiting_for == "gather"
    heard = call.press("1")  # try again
    assert call.dialled_number == HELPLINE
    call.dial_result("busy")
    call.press("2")  # the other number
    assert call.dialled_number == CRIMESTOPPERS
    call.dial_result("failed")
    for _ in range(5):  # and silence after that still reaches a transfer
        if call.waiting_for == "dial":
            break
        call.silence()
    assert call.waiting_for == "dial"


def test_after_a_finished_transfer_the_line_says_the_number_and_ends(english_call):
    call = english_call()
    call.press("0")
    heard = call.dial_result("completed")
    assert "oh eight hundred" in said(heard)
    assert "delete it from your phone's call list" in said(heard)
    assert heard[-1].kind == "hangup"


def test_quick_exit_ends_the_call_without_a_word(english_call):
    call = english_call()
    heard = call.press("9")
    assert [h.kind for h in heard] == ["hangup"]


def test_slower_speech_reaches_later_prompts(english_call):
    call = english_call()
    call.press("8")
    call.press("1")
    assert call.requests[-1][0].endswith("slow=1")
    gather = call.waiting.element
    assert "slow=1" in gather.get("action")
    assert gather.find("Say/prosody").get("rate") == "80%"


def _post(client, path, params, *, token=TOKEN, url=None):
    url = url or PUBLIC + path
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, data=params, headers={"X-Twilio-Signature": signature})


CALL = {"CallSid": "CA" + "1" * 32, "From": "+447700900123", "To": "+441234567890", "CallStatus": "in-progress"}


def test_forged_or_missing_signatures_are_refused(client):
    assert _post(client, "/voice", CALL).status_code == 200
    assert _post(client, "/voice", CALL, token="not-the-token").status_code == 403
    assert client.post("/voice", data=CALL).status_code == 403
    tampered = dict(CALL, Digits="1")
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/voice/input?n=main_menu", CALL)
    response = client.post("/voice/input?n=main_menu", data=tampered, headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403
    assert _post(client, "/voice/fallback", CALL, token="x").status_code == 403


def test_signature_uses_the_raw_query_string(client):
    path = "/voice/node?n=main_menu&l=en-GB&x=%27"
    assert _post(client, path, CALL).status_code == 200


def test_trusted_proxy_headers_are_used_only_when_configured(make_app):
    params = dict(CALL)
    public = "https://public.example.net/voice"
    signature = RequestValidator(TOKEN).compute_signature(public, params)
    headers = {"X-Twilio-Signature": signature, "X-Forwarded-Proto": "https", "X-Forwarded-Host": "public.example.net"}
    trusting = make_app(IVR_PUBLIC_URL="", IVR_TRUSTED_PROXIES=1).test_client()
    assert trusting.post("/voice", data=params, headers=headers).status_code == 200
    untrusting = make_app(IVR_PUBLIC_URL="").test_client()
    assert untrusting.post("/voice", data=params, headers=headers).status_code == 403


def test_an_exception_while_rendering_still_reaches_the_helpline(client, monkeypatch):
    def broken(self, response, state, depth):
        raise RuntimeError("rendering broke")

    monkeypatch.setattr(twiml.Renderer, "add", broken)
    response = _post(client, "/voice/node?n=main_menu", CALL)
    assert response.status_code == 200
    root = ET.fromstring(response.data)
    assert "oh eight hundred" in "".join(root.find("Say").itertext())
    assert root.find("Dial/Number").text == HELPLINE


def test_a_node_that_no_longer_exists_leads_to_the_helpline(client):
    response = _post(client, "/voice/input?n=a_node_removed_by_an_edit&l=en-GB", dict(CALL, Digits="1"))
    assert response.status_code == 200
    assert ET.fromstring(response.data).find("Dial/Number").text == HELPLINE


def test_fallback_needs_no_flow_and_reaches_the_helpline(make_app, tmp_path):
    broken = tmp_path / "missing.yaml"
    client = make_app(IVR_FLOW_FILE=str(broken)).test_client()
    for path in ("/voice/fallback", "/voice"):
        response = _post(client, path, dict(CALL, ErrorCode="11200"))
        assert response.status_code == 200
        assert ET.fromstring(response.data).find("Dial/Number").text == HELPLINE


def test_fallback_after_a_failed_dial_tries_again_and_never_hangs_up(client):
    response = _post(client, "/voice/fallback/dialed", dict(CALL, DialCallStatus="failed"))
    root = ET.fromstring(response.data)
    assert root.find("Redirect").text == "/voice/fallback"
    assert root.find("Hangup") is None


def test_the_line_never_dials_a_short_number(english_call):
    call = english_call()
    for key in "12345":
        branch = call.fork()
        branch.press(key)
        for h in branch.heard:
            if h.kind == "dial":
                assert h.text.startswith("+44") and len(h.text) > 10


@pytest.mark.parametrize("words", ["nine", "nine nine nine", "9", "press nine"])
def test_saying_nine_never_hangs_up_only_the_key_does(english_call, words):
    call = english_call()
    call.press("1")  # a menu where "nine nine nine" is no choice's word
    heard = call.say(words)
    assert call.waiting_for == "gather" and not call.ended
    assert heard and heard[0].kind == "say"
