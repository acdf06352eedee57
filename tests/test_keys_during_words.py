"""Keys work during every word the line says, in every language: 9 leaves at once, 0
reaches the helpline, * says it again from its start, and every transfer shows the line's
own number, never the caller's."""

from __future__ import annotations

from collections import deque

import pytest
from conftest import HELPLINE

from ivr.caller import SimulatedCall

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
    heard = call.press_during("0", containing="Connecting you to the Modern Slavery Helpline")
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


@pytest.mark.parametrize("key,destination", [("1", "+44800555111"), ("2", HELPLINE)])
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
