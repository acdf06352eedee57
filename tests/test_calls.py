"""Calls to the default line, driven the way Twilio drives it."""

from __future__ import annotations

import random
import xml.etree.ElementTree as ET

import pytest
from support import CRIMESTOPPERS, HELPLINE, PUBLIC, TOKEN
from twilio.request_validator import RequestValidator

from ivr.runtime import twiml
from ivr.tools.simulator import SimulatedCall, flask_transport

LINE = "+441234567890"  # the line's own number: the To of every simulated call
WELCOME = (
    "If you are in danger now, hang up and dial 9 9 9. To talk to the Modern Slavery Helpline, press 0, at any "
    "time. To end this call at once, press 9."
)
MAIN_MENU = (
    "If you, or someone you know, may be a victim of modern slavery, press 1. To report anonymously, press 2. "
    "For the police, when no one is in danger, press 3. For what to do in danger, press 4. For the helpline, "
    "press 0, or stay on the line."
)
MAIN_MENU_SHORT = (
    "Press 1 if you or someone you know is a victim. 2 to report anonymously. 3 for the police. 4 if you are in "
    "danger. 0 for the helpline."
)
ABOUT_SLAVERY_MENU_SHORT = (
    "Press 0 for the helpline, 1 to hear what it can do, 2 to hear this again, 3 for the main menu."
)
HELPLINE_ONCE = "oh eight hundred … oh one two one … seven hundred …"
HELPLINE_TWICE = f"{HELPLINE_ONCE} {HELPLINE_ONCE}"
CRIMESTOPPERS_ONCE = "oh eight hundred … five five five … one one one …"
CRIMESTOPPERS_TWICE = f"{CRIMESTOPPERS_ONCE} {CRIMESTOPPERS_ONCE}"
TO_HELPLINE = "Connecting you to the helpline."  # short: ringing sooner (issue 26)
KEYS_1_TO_4 = (
    "You can press 1, 2, 3 or 4. Press star to hear the choices again, 8 for slower speech, or 0 for the helpline."
)
OFFER_PERSON = "To talk to a person now, press 0."
NOT_CAUGHT = [  # after words not understood: a person first, then the menu again
    "Sorry, I did not catch that.",
    OFFER_PERSON,
    MAIN_MENU_SHORT,
]
LISTENING_DURING_WORDS = {"method": "POST", "input": "dtmf", "numDigits": "1", "timeout": "1", "finishOnKey": ""}


def said(heard) -> str:
    return " ".join(h.text for h in heard if h.kind == "say")


def texts(heard) -> list[str]:
    return [h.text for h in heard]


def messages_passed(call) -> list[str]:
    """The nodes whose words the caller let play, in order, since its last answer."""
    return [w.element.get("action").split("n=")[1].split("&")[0] for w in call.passed]


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
    assert first == "If you are in danger now, hang up and dial 9 9 9. For the helpline, press 0."
    heard = call.press("1")
    assert texts(heard) == [WELCOME, MAIN_MENU]
    # The welcome is said inside a <Gather> that takes keys, which the caller let play.
    assert [w.heard for w in call.passed] == [(heard[0],)]
    assert call.waiting_for == "gather" and call.waiting.heard == (heard[1],)


def test_every_menu_takes_keys_and_speech_and_every_message_takes_keys(english_call):
    call = english_call()
    (welcome,) = call.passed
    assert welcome.element.attrib == dict(LISTENING_DURING_WORDS, action="/voice/input?n=welcome&l=en-GB")
    assert [verb.element.tag for verb in welcome.rest] == ["Gather", "Redirect"]  # then the main menu
    gather = call.waiting.element
    assert gather.get("input") == "dtmf speech"
    assert gather.get("timeout") == "5"  # the main menu's own: silence there means "stay on the line"
    assert gather.get("language") == "en-GB"
    assert gather.get("numDigits") == "1"
    assert "repeat" in gather.get("hints") and "helpline" in gather.get("hints")
    # Twilio goes on after a <Gather> that got nothing: there must be a verb there.
    assert call.waiting.rest and call.waiting.rest[0].element.tag == "Redirect"
    call.press("1")
    assert call.waiting.element.get("input") == "dtmf speech"
    assert call.waiting.element.get("timeout") == "8"  # the line's time-out, at every other menu
    (message,) = call.passed
    assert message.element.attrib == dict(
        LISTENING_DURING_WORDS, action="/voice/input?n=about_slavery&l=en-GB&c=main_menu%3A1"
    )


@pytest.mark.parametrize(
    "keys, destination",
    [
        ("10", HELPLINE),
        ("110", HELPLINE),
        ("120", HELPLINE),
        ("21", CRIMESTOPPERS),
        ("221", CRIMESTOPPERS),
        ("20", HELPLINE),
        ("30", HELPLINE),
        ("320", HELPLINE),
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
    assert call.heard[-1].attrs["callerId"] == LINE  # never the caller's own number


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
    assert texts(heard) == [HELPLINE]  # the caller asked: ringing at once, no sentence first
    assert call.dialled_number == HELPLINE
    assert heard[-1].attrs["callerId"] == LINE  # the line's own number, never the caller's


def test_star_repeats_the_menu(english_call):
    call = english_call()
    assert texts(call.heard_at_welcome) == [WELCOME, MAIN_MENU]
    assert texts(call.press("*")) == [MAIN_MENU]


SPOKEN = [  # what the caller says at the main menu: the message it hears, then the menu it reaches,
    # and what the call's state keeps for the adviser's whisper (the choice; the danger advice heard)
    ("victim", "about_slavery", "about_slavery_menu", "&c=main_menu%3A1"),
    ("is it slavery if they keep my passport", "about_slavery", "about_slavery_menu", "&c=main_menu%3A1"),
    ("I want to report it", "report_anonymously", "report_menu", "&c=main_menu%3A2"),
    ("police", "police_non_emergency", "police_menu", "&c=main_menu%3A3"),
    ("number four", "danger", "danger_menu", "&c=main_menu%3A4&d=1"),
    ("I'm scared", "danger", "danger_menu", "&d=1"),  # danger words: the danger advice, from any menu
    ("nine nine nine", "danger", "danger_menu", "&d=1"),
]


@pytest.mark.parametrize("words, message, menu, kept", SPOKEN)
def test_speech_selects_choices(english_call, words, message, menu, kept):
    call = english_call()
    heard = call.say(words)
    assert [h.kind for h in heard] == ["say", "say"]
    assert messages_passed(call) == [message]
    assert call.waiting.element.get("action") == f"/voice/input?n={menu}&l=en-GB{kept}"


def test_speech_for_the_helpline_and_for_hearing_it_again(english_call):
    call = english_call()
    assert texts(call.fork().say("repeat")) == [MAIN_MENU]
    heard = call.say("put me through to a real person")
    assert texts(heard) == [TO_HELPLINE, HELPLINE]
    assert call.dialled_number == HELPLINE


def test_danger_said_not_to_be_there_never_reaches_the_danger_advice(english_call):
    """ "Not in danger" is the police, at once or after one question, never the 999 advice."""
    call = english_call()
    heard = call.say("I am not in danger, I want the police")
    if call.passed:
        assert messages_passed(call) == ["police_non_emergency"]
    else:
        assert texts(heard) == [
            "It sounds like you want the police, when no one is in danger. If that is right, press 1 or say "
            "yes. If not, press 2 or say no. To talk to a person, press 0."
        ]


def test_danger_words_at_any_menu_go_to_the_danger_advice(english_call):
    call = english_call()
    call.press("1")  # about slavery: a menu with no danger choice
    call.say("He hits me, I am scared")
    assert messages_passed(call) == ["danger"]
    assert call.waiting.element.get("action") == "/voice/input?n=danger_menu&l=en-GB&c=main_menu%3A1&d=1"


@pytest.mark.parametrize(
    "words, confidence",
    [
        ("something nobody expects", "0.9"),  # nothing understood
        ("police or crimestoppers", "0.9"),  # two choices at once: never guessed at
        ("police", "0.2"),  # the recogniser was not sure
        ("nine", "0.9"),  # never the quick exit
    ],
)
def test_unclear_speech_is_asked_again_with_the_keys(english_call, words, confidence):
    call = english_call()
    heard = call.say(words, confidence=confidence)
    assert texts(heard) == NOT_CAUGHT
    assert call.waiting.element.get("action") == "/voice/input?n=main_menu&l=en-GB&i=1&e=unclear"
    heard = call.say(words, confidence=confidence)  # the keys again, and the warning before the last try
    assert texts(heard) == [
        *NOT_CAUGHT[:2],
        "If I do not hear a choice, I will connect you to the helpline.",
        MAIN_MENU_SHORT,
    ]
    heard = call.say(words, confidence=confidence)
    assert texts(heard) == [TO_HELPLINE, HELPLINE]


def test_silence_at_the_main_menu_is_staying_on_the_line_for_the_helpline(english_call):
    call = english_call()
    assert call.heard_at_welcome[-1].text.endswith("For the helpline, press 0, or stay on the line.")
    heard = call.silence()  # one wait is enough
    assert texts(heard) == [TO_HELPLINE, HELPLINE]
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE


def test_silence_forever_ends_in_a_transfer_to_the_helpline(english_call):
    call = english_call()
    call.press("1")  # about slavery: a menu that waits twice
    heard = call.silence()
    assert texts(heard) == [
        "Sorry, I did not hear a choice.",
        "If I do not hear a choice, I will connect you to the helpline.",  # warned before the last try
        ABOUT_SLAVERY_MENU_SHORT,
    ]
    assert all(h.attrs["voice"] == "Polly.Amy" for h in heard)
    assert call.waiting.heard == tuple(heard)  # the retry is said inside the menu's own <Gather>
    heard = call.silence()
    assert texts(heard) == [TO_HELPLINE, HELPLINE]
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE


def test_retries_get_shorter(english_call):
    call = english_call()
    first_prompt = call.heard[-1].text
    second_prompt = call.press("7")[-1].text
    assert (first_prompt, second_prompt) == (MAIN_MENU, MAIN_MENU_SHORT)
    assert len(second_prompt) < len(first_prompt) * 0.7


def test_first_wrong_key_says_which_keys_work(english_call):
    call = english_call()
    heard = call.press("7")
    assert texts(heard) == [
        "Sorry, that is not one of the choices.",
        KEYS_1_TO_4,
        MAIN_MENU_SHORT,
    ]
    assert call.waiting.heard == tuple(heard)  # all inside the menu's <Gather>: keys work during them
    heard = call.press("7")
    assert texts(heard) == [
        "Sorry, that is not one of the choices.",
        "If I do not hear a choice, I will connect you to the helpline.",
        MAIN_MENU_SHORT,
    ]


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


WHAT_HAPPENED = {
    "busy": ("_busy", "Sorry, that line is busy."),
    "no-answer": ("_no_answer", "Sorry, nobody answered."),
    "failed": ("_failed", "Sorry, the call did not go through."),
    "canceled": ("_failed", "Sorry, the call did not go through."),  # canceled counts as failed
    "": ("_failed", "Sorry, the call did not go through."),
}
TRY_AGAIN_OR_CRIMESTOPPERS = "To try again, press 1. To call Crimestoppers instead, press 2."


@pytest.mark.parametrize("status", WHAT_HAPPENED)
def test_a_transfer_nobody_answers_still_ends_in_help(english_call, status):
    menu, what = WHAT_HAPPENED[status]
    call = english_call()
    call.press("0")
    assert call.dialled_number == HELPLINE
    heard = call.dial_result(status)
    assert texts(heard) == [
        f"{what} The number is {HELPLINE_TWICE}. You can call it yourself at any time. {TRY_AGAIN_OR_CRIMESTOPPERS}"
    ]
    assert call.waiting.element.get("action") == f"/voice/input?n={menu}%3A_helpline&l=en-GB"
    retry = call.fork()
    assert texts(retry.silence()) == [  # a retry says only the short offer
        "Sorry, I did not hear a choice.",
        "If I do not hear a choice, I will connect you to the helpline.",
        TRY_AGAIN_OR_CRIMESTOPPERS,
    ]
    heard = call.press("1")  # try again
    assert texts(heard) == [TO_HELPLINE, HELPLINE]
    call.dial_result("busy")
    heard = call.press("2")  # the other number, announced before it is dialled
    assert texts(heard) == ["Connecting you to Crimestoppers.", CRIMESTOPPERS]
    assert heard[-1].attrs["callerId"] == LINE
    heard = call.dial_result("failed")
    assert texts(heard) == [
        f"Sorry, the call did not go through. The number is {CRIMESTOPPERS_TWICE}. You can call it yourself at "
        "any time. To try again, press 1. To call the Modern Slavery Helpline instead, press 2."
    ]
    for _ in range(5):  # and silence after that still reaches a transfer
        if call.waiting_for == "dial":
            break
        call.silence()
    assert call.waiting_for == "dial" and call.dialled_number == HELPLINE


GOODBYE = (
    "Thank you for calling. To keep this call private, delete it from your phone's call list, then call another "
    f"number. If you need help again, the Modern Slavery Helpline number is {HELPLINE_TWICE}. Goodbye."
)


def test_after_a_finished_transfer_the_line_says_the_number_and_ends(english_call):
    call = english_call()
    call.press("0")
    heard = call.dial_result("completed")
    assert [(h.kind, h.text) for h in heard] == [("say", GOODBYE), ("hangup", "")]
    assert messages_passed(call) == ["_after_call"]  # said inside a <Gather>: keys work during it
    again = call.fork()
    assert [(h.kind, h.text) for h in again.press_during("*")] == [("say", GOODBYE), ("hangup", "")]
    assert [h.kind for h in call.press_during("5")] == ["hangup"]  # any other key: the goodbye is skipped


def test_quick_exit_ends_the_call_without_a_word(english_call):
    call = english_call()
    during_the_welcome = call.fork()
    heard = call.press("9")
    assert [h.kind for h in heard] == ["hangup"]
    heard = during_the_welcome.press_during("9", containing="To end this call at once, press 9.")
    assert [h.kind for h in heard] == ["hangup"] and during_the_welcome.hung_up_by_line


def test_keys_during_a_message(english_call):
    call = english_call()
    call.press("1")  # about slavery, then its menu
    about_slavery = call.passed[0].heard[0].text
    assert about_slavery.startswith("Modern slavery means slavery, servitude")
    heard = call.fork().press_during("*")  # from the start of that message
    assert texts(heard) == [about_slavery, call.waiting.heard[0].text]
    heard = call.fork().press_during("3")  # any other key skips to what comes next
    assert texts(heard) == [call.waiting.heard[0].text]
    twin = call.fork()
    heard = twin.press_during("0")
    assert texts(heard) == [HELPLINE] and twin.dialled_number == HELPLINE
    twin = call.fork()
    heard = twin.press_during("8")  # slower, from the start
    assert [h.kind for h in heard] == ["say", "say"]
    assert twin.passed[0].element.get("action") == "/voice/input?n=about_slavery&l=en-GB&slow=1&c=main_menu%3A1"
    assert twin.passed[0].element.find("Say/prosody").get("rate") == "80%"


def test_a_call_saved_and_resumed_elsewhere_goes_on_as_it_would_have(app, english_call):
    call = english_call()
    call.press("1")  # about slavery, its words let play, then its menu
    saved = call.position()
    resumed = SimulatedCall.resume(flask_transport(app), PUBLIC, TOKEN, call.call_sid, saved)
    assert (resumed.waiting_for, resumed.position(), resumed.heard) == ("gather", saved, [])
    assert resumed.fork().press_during("*") == call.fork().press_during("*")  # its words still listen
    assert resumed.press("2") == call.press("2")
    assert resumed.requests[-1][0] == call.requests[-1][0]
    call.press("9")
    assert call.position() == ""
    with pytest.raises(ValueError, match="not a saved position of a call"):
        SimulatedCall.resume(flask_transport(app), PUBLIC, TOKEN, call.call_sid, "<Response>")


def test_a_key_during_a_transfers_words_dials_at_once(english_call):
    call = english_call()
    call.press("2")  # report anonymously
    call.press("1")  # Crimestoppers
    assert call.dialled_number == CRIMESTOPPERS
    heard = call.fork().press_during("0")  # 0 is still the helpline
    assert texts(heard) == [HELPLINE]
    heard = call.press_during("4")
    assert texts(heard) == [CRIMESTOPPERS] and call.dialled_number == CRIMESTOPPERS
    assert call.requests[-1][0] == PUBLIC + "/voice/input?n=connect_crimestoppers&l=en-GB&c=main_menu%3A2&r=asked"
    assert call.waiting.element.get("action") == "/voice/dialed?n=connect_crimestoppers&l=en-GB&c=main_menu%3A2&r=asked"


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
    hosts = "public.example.net"
    trusting = make_app(IVR_PUBLIC_URL="", IVR_ALLOWED_HOSTS=hosts, IVR_TRUSTED_PROXIES=1).test_client()
    assert trusting.post("/voice", data=params, headers=headers).status_code == 200
    untrusting = make_app(IVR_PUBLIC_URL="", IVR_ALLOWED_HOSTS=hosts).test_client()
    assert untrusting.post("/voice", data=params, headers=headers).status_code == 403


SAFE_WORDS = (
    "Sorry, this line has a problem. If you are in danger now, hang up and dial 9 9 9. The Modern Slavery "
    f"Helpline is free and open 24 hours a day, on {HELPLINE_TWICE}. I will connect you to it now."
)
SAFE_DIAL = {
    "action": "/voice/fallback/dialed",
    "answerOnBridge": "true",
    "callerId": CALL["To"],
    "method": "POST",
    "timeout": "30",
}


def play(*bodies: bytes):
    """A caller on these TwiML documents, served one after the other: the call and what it heard."""
    answers = iter(bodies)
    call = SimulatedCall(lambda url, params, headers: (200, next(answers).decode()), PUBLIC, TOKEN)
    return call, call.start()


def assert_safe_twiml(body: bytes, dial: dict[str, str] = SAFE_DIAL) -> None:
    """The built-in safe TwiML: its words in a <Gather> for keys, then the helpline."""
    call, heard = play(body)
    assert [(h.kind, h.text) for h in heard] == [("say", SAFE_WORDS), ("dial", HELPLINE)]
    assert call.passed[0].element.attrib == dict(LISTENING_DURING_WORDS, action="/voice/fallback/key")
    assert heard[-1].attrs == dial


def test_an_exception_while_rendering_still_reaches_the_helpline(client, monkeypatch):
    def broken(self, response, state, depth, caller_id=""):
        raise RuntimeError("rendering broke")

    monkeypatch.setattr(twiml.Renderer, "add", broken)
    response = _post(client, "/voice/node?n=main_menu", CALL)
    assert response.status_code == 200
    assert_safe_twiml(response.data)


def test_a_node_that_no_longer_exists_leads_to_the_helpline(client):
    response = _post(client, "/voice/input?n=a_node_removed_by_an_edit&l=en-GB", dict(CALL, Digits="1"))
    assert response.status_code == 200
    assert ET.fromstring(response.data).find("Dial/Number").text == HELPLINE


def test_twilios_fallback_request_in_the_middle_of_a_call_reaches_the_helpline(english_call):
    call = english_call()
    call.press("2")  # report anonymously: a menu
    call.fallback("11205")
    assert call.requests[-1] == (PUBLIC + "/voice/fallback", {"ErrorCode": "11205"}, 200)
    assert call.dialled_number == HELPLINE


def test_fallback_needs_no_flow_and_reaches_the_helpline(make_app, tmp_path):
    broken = tmp_path / "missing.yaml"
    client = make_app(IVR_FLOW_FILE=str(broken)).test_client()
    for path in ("/voice/fallback", "/voice"):
        response = _post(client, path, dict(CALL, ErrorCode="11200"))
        assert response.status_code == 200
        assert ET.fromstring(response.data).find("Dial/Number").text == HELPLINE
    assert_safe_twiml(_post(client, "/voice/fallback", dict(CALL, ErrorCode="11200")).data)
    # A call that is not to a phone number (SIP, a client) gets Twilio's own caller ID.
    sip = _post(client, "/voice/fallback", dict(CALL, To="sip:line@example.org"))
    assert_safe_twiml(sip.data, {k: v for k, v in SAFE_DIAL.items() if k != "callerId"})


def test_a_key_during_the_fallbacks_words_connects_at_once_and_nine_hangs_up(client):
    response = _post(client, "/voice/fallback/key", dict(CALL, Digits="9"))
    assert [verb.tag for verb in ET.fromstring(response.data)] == ["Hangup"]
    for key in ("0", "1", "*", "#"):
        root = ET.fromstring(_post(client, "/voice/fallback/key", dict(CALL, Digits=key)).data)
        assert [verb.tag for verb in root] == ["Dial"]
        assert root.find("Dial").attrib == SAFE_DIAL
        assert root.find("Dial/Number").text == HELPLINE


def test_fallback_after_a_failed_dial_tries_again_and_never_hangs_up(client):
    response = _post(client, "/voice/fallback/dialed", dict(CALL, DialCallStatus="failed"))
    root = ET.fromstring(response.data)
    assert [verb.tag for verb in root] == ["Gather", "Pause", "Redirect"]
    assert root.find("Redirect").text == "/voice/fallback"
    assert root.find("Hangup") is None
    call, heard = play(response.data, b"<Response><Hangup/></Response>")
    assert [(h.kind, h.text) for h in heard] == [
        (
            "say",
            "Sorry, the call to the helpline did not go through. Please call it yourself at any time, on "
            f"{HELPLINE_TWICE}. To report something anonymously, you can call Crimestoppers on oh eight hundred, "
            "five five five, one one one. I will try the helpline again now.",
        ),
        ("pause", "2"),
        ("hangup", ""),  # what the second document said
    ]
    assert call.requests[1][0] == PUBLIC + "/voice/fallback"
    assert root.find("Gather").attrib == dict(LISTENING_DURING_WORDS, action="/voice/fallback/key")


def test_fallback_after_a_finished_call_says_the_number_and_goodbye(client):
    response = _post(client, "/voice/fallback/dialed", dict(CALL, DialCallStatus="completed"))
    root = ET.fromstring(response.data)
    assert [verb.tag for verb in root] == ["Gather", "Hangup"]
    # after a finished call only 0 connects again; any other key ends the call, as the line's goodbye does
    assert root.find("Gather").attrib == dict(LISTENING_DURING_WORDS, action="/voice/fallback/key?done=1")
    _, heard = play(response.data)
    assert [(h.kind, h.text) for h in heard] == [
        ("say", f"If you need help again, the Modern Slavery Helpline is on {HELPLINE_TWICE}. Goodbye."),
        ("hangup", ""),
    ]


def test_the_line_never_dials_a_short_number(english_call):
    """Every number any key sequence of up to four presses reaches: only the two help lines."""
    dialled = set()
    calls = [english_call()]
    for _ in range(4):
        following = []
        for call in calls:
            for key in "012345":
                branch = call.fork()
                branch.press(key)
                if branch.waiting_for == "dial":
                    dialled.add(branch.dialled_number)
                elif branch.waiting_for == "gather":
                    following.append(branch)
        calls = following[:60]
    assert dialled == {HELPLINE, CRIMESTOPPERS}


@pytest.mark.parametrize(
    "words, menu",
    [
        ("nine", "about_slavery_menu"),  # asked again
        ("nine nine nine", "danger_menu"),  # the emergency number: the danger advice
        ("9", "about_slavery_menu"),
        ("press nine", "about_slavery_menu"),
    ],
)
def test_saying_nine_never_hangs_up_only_the_key_does(english_call, words, menu):
    call = english_call()
    call.press("1")  # a menu where "nine nine nine" is no choice's word
    heard = call.say(words)
    assert call.waiting_for == "gather" and not call.ended
    assert heard and heard[0].kind == "say"
    assert call.waiting.element.get("action").startswith(f"/voice/input?n={menu}&l=en-GB")
    if menu == "about_slavery_menu":
        assert texts(heard) == [
            "Sorry, I did not catch that.",
            OFFER_PERSON,
            ABOUT_SLAVERY_MENU_SHORT,
        ]


def test_zero_rings_at_once_but_the_line_says_where_it_connects_a_caller_who_did_not_press_it(english_call):
    pressed = english_call()
    assert texts(pressed.press("0")) == [HELPLINE]  # the caller asked: the ringing says the key worked
    silent = english_call()
    assert texts(silent.silence()) == [TO_HELPLINE, HELPLINE]  # the line decided: it says so first
    spoken = english_call()
    heard = spoken.say("put me through to a real person")
    assert texts(heard) == [TO_HELPLINE, HELPLINE]  # words understood: said back first
