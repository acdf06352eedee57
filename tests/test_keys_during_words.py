"""Keys work during every word the line says, in every language: 9 leaves at once, 0
reaches the helpline, * says it again from its start, and every transfer shows the line's
own number, never the caller's."""

from __future__ import annotations

from collections import deque

import pytest
from support import HELPLINE

from ivr.tools.simulator import SimulatedCall

LANGUAGES = ["en-GB", "pl-PL", "ro-RO", "vi-VN", "ar-EG"]
LINE = "+441234567890"  # the number SimulatedCall rings (its To)


def _every_speaking_point(new_call, language: str):
    """Every keys-during-words <Gather> reachable with keys 1-5, as (call, its words)."""
    first = new_call()
    first.stop_while_speaking = True
    first.start(language)
    seen, queue, points = set(), deque([first]), []
    while queue:
        call = queue.popleft()
        if call.waiting_for != "gather":
            continue
        key = (call.waiting.element.get("action"), tuple(h.text for h in call.waiting.heard))
        if key in seen:
            continue
        seen.add(key)
        if call.waiting.element.get("timeout") == "1":
            points.append(call)
            branch = call.fork()
            branch.silence()
            queue.append(branch)
            continue
        for answer in "12345":
            branch = call.fork()
            branch.press(answer)
            queue.append(branch)
        branch = call.fork()
        branch.silence()
        queue.append(branch)
    return points


@pytest.mark.parametrize("language", LANGUAGES)
def test_nine_zero_and_star_work_during_every_message_in_every_language(new_call, language):
    points = _every_speaking_point(new_call, language)
    assert len(points) >= 8  # welcome, advice, information, announcements, retries...
    for call in points:
        words = tuple(h.text for h in call.waiting.heard)
        quit_ = call.fork()
        assert quit_.press("9") == [quit_.heard[-1]] and quit_.heard[-1].kind == "hangup", words
        helpline = call.fork()
        helpline.press("0")
        while helpline.waiting_for == "gather":  # the helpline's own announcement, if any
            helpline.silence()
        assert helpline.dialled_number == HELPLINE, words
        again = call.fork()
        heard = again.press("*")
        assert tuple(h.text for h in heard[: len(words)]) == words, f"* does not repeat {words}"


def test_zero_during_the_helpline_announcement_connects_at_once(new_call):
    call: SimulatedCall = new_call()
    call.start("en-GB")
    call.press("0")  # at the main menu
    assert call.dialled_number == HELPLINE
    heard = call.press_during("0", containing="Connecting you to the helpline")
    assert [h.kind for h in heard] == ["dial"]
    assert call.dialled_number == HELPLINE


def test_a_key_during_the_welcome_skips_to_the_menu_and_nine_leaves_without_a_word(new_call):
    call = new_call()
    call.start()
    call.press("1")
    heard = call.press_during("5", containing="To end this call at once, press 9.")
    assert heard[0].text.startswith("If you, or someone you know, may be a victim of modern slavery, press 1.")
    assert call.waiting_for == "gather"
    heard = call.press("9")
    assert [h.kind for h in heard] == ["hangup"] and call.hung_up_by_line


@pytest.mark.parametrize("key,destination", [("1", "+44800555111"), ("0", HELPLINE)])
def test_every_transfer_shows_the_lines_own_number(new_call, key, destination):
    call = new_call()
    call.start("en-GB")
    call.press("2")  # report anonymously
    call.press(key)
    dial = call.heard[-1]
    assert dial.kind == "dial" and dial.text == destination
    assert dial.attrs["callerId"] == LINE
    assert call.caller not in str(dial.attrs)


def test_a_busy_transfer_says_busy_and_announces_the_other_number_before_dialling(new_call):
    call = new_call()
    call.start("en-GB")
    call.press("2")
    call.press("1")  # Crimestoppers
    heard = call.dial_result("busy")
    assert heard[0].text == (
        "Sorry, that line is busy. The number is oh eight hundred … five five five … one one one … "
        "oh eight hundred … five five five … one one one …. You can call it yourself at any time. "
        "To try again, press 1. To call the Modern Slavery Helpline instead, press 2."
    )
    heard = call.press("2")
    assert heard[0].text == "Connecting you to the Modern Slavery Helpline."
    assert call.dialled_number == HELPLINE
    again = call.fork()
    again.dial_result("failed")
    assert again.heard[-1].text.startswith("Sorry, the call did not go through.")


def test_no_word_of_any_state_is_said_outside_a_gather(app):
    """Twilio ignores keys pressed during a <Say> or <Play> that no <Gather> holds."""
    import xml.etree.ElementTree as ET

    from ivr.runtime.state import EVENTS, CallState

    live = app.extensions["ivr"].store.live
    for name in live.flow.nodes:
        for language in LANGUAGES:
            for slow in (False, True):
                for event in EVENTS:
                    state = CallState(name, language, silences=1, invalids=1, event=event, slow=slow)
                    root = ET.fromstring(live.renderer.render(state, LINE))
                    loose = [verb.tag for verb in root if verb.tag in ("Say", "Play")]
                    assert loose == [], (state, loose)


def test_the_fallback_listens_during_its_words_and_shows_the_lines_number(client):
    import xml.etree.ElementTree as ET

    from ivr.serve import fallback as safe

    root = ET.fromstring(safe.safe_twiml(LINE))
    assert [verb.tag for verb in root] == ["Gather", "Dial"]
    assert root.find("Gather").get("action") == "/voice/fallback/key"
    assert root.find("Dial").get("callerId") == LINE
    assert ET.fromstring(safe.dial_now(LINE)).find("Dial").find("Number").text == HELPLINE


def test_a_twiml_bin_shows_the_lines_number_and_never_says_goodbye_before_dialling_again(app):
    import xml.etree.ElementTree as ET

    from ivr.runtime.twiml import standalone_fallback

    root = ET.fromstring(standalone_fallback(app.extensions["ivr"].store.live.flow))
    assert [verb.tag for verb in root] == ["Say", "Say", "Dial", "Say", "Pause", "Dial", "Say", "Hangup"]
    assert [dial.get("callerId") for dial in root.iter("Dial")] == ["{{To}}", "{{To}}"]
    between = "".join(root[3].itertext())
    assert "Goodbye" not in between and "I will try once more now" in between


def _fallback_key(client, query: str, digits: str) -> str:
    from support import PUBLIC, TOKEN
    from twilio.request_validator import RequestValidator

    params = {"CallSid": "CA" + "2" * 32, "From": "+447700900123", "To": LINE, "Digits": digits}
    url = "/voice/fallback/key" + query
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + url, params)
    return client.post(url, data=params, headers={"X-Twilio-Signature": signature}).get_data(as_text=True)


@pytest.mark.parametrize(
    "query,digits,what",
    [("", "9", "hangup"), ("", "5", "dial"), ("", "0", "dial"), ("?done=1", "9", "hangup"),
     ("?done=1", "5", "hangup"), ("?done=1", "0", "dial")],
)  # fmt: skip
def test_keys_during_the_fallbacks_words_before_and_after_a_finished_call(client, query, digits, what):
    body = _fallback_key(client, query, digits)
    if what == "hangup":
        assert body == '<?xml version="1.0" encoding="UTF-8"?><Response><Hangup /></Response>'
    else:
        assert f'<Dial action="/voice/fallback/dialed" answerOnBridge="true" callerId="{LINE}"' in body
        assert f"<Number>{HELPLINE}</Number>" in body


def test_a_bug_while_loading_the_flow_at_start_leaves_the_line_serving(make_app, monkeypatch):
    from ivr.serve import copies, store

    def broken(path):
        raise RuntimeError("a bug")

    monkeypatch.setattr(copies, "load_flow_file", broken)
    app = make_app()
    live = app.extensions["ivr"].store.live
    assert live.source == store.BUILTIN
    assert app.extensions["ivr"].store.last_result.problems[0].code == "load-bug"
