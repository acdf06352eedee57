"""How long callers wait for the helpline: the four callers are played through the real
engine and TwiML, so what is measured is what a phone would do. A constant clock makes the
figures exact; bench/caller_time.py puts a speech engine behind the same code."""

from __future__ import annotations

import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from support import DEFAULT_FLOW

from ivr.loading import load_flow_file
from ivr.runtime import caller_time
from ivr.runtime.twiml_reading import read_verb

FLOW = load_flow_file(DEFAULT_FLOW).flow


def one_second_a_say(say, language) -> float:
    return 1.0


def say(twiml: str):
    """A <Say> as the clocks are given it: read."""
    return read_verb(ET.fromstring(twiml))


ANNOUNCEMENT = 1 + 1  # the helpline's announcement, then its second of listening for keys


def test_a_caller_who_knows_and_presses_0_at_once_hears_no_words_before_ringing():
    assert caller_time.seconds_to_helpline(FLOW, "en-GB", "b", one_second_a_say, allowance=False) == 0.0


def test_the_allowance_adds_each_document_fetched_and_the_transfers_set_up():
    # two documents (the language menu, then the helpline's), then the transfer
    expected = 2 * caller_time.FETCH_SECONDS + caller_time.TRANSFER_SETUP_SECONDS
    assert caller_time.seconds_to_helpline(FLOW, "en-GB", "b", one_second_a_say) == expected


def test_an_english_caller_presses_0_in_the_very_first_sentence():
    # the first sentence (danger, then "For the helpline, press 0."), then ringing at once
    assert caller_time.seconds_to_helpline(FLOW, "en-GB", "a", one_second_a_say, allowance=False) == 1


NEW = ("sq-AL", "ti-ER", "so-SO")


def test_a_silent_caller_hears_the_language_menu_once_then_the_helpline():
    # 10 sayings (danger and 0, eight options, "any other language"), 5 s of waiting, the announcement
    seconds = caller_time.seconds_to_helpline(FLOW, "en-GB", "c", one_second_a_say, allowance=False)
    assert seconds == 10 + 5 + ANNOUNCEMENT


@pytest.mark.parametrize("language", ["en-GB", "ar-EG"])
def test_a_caller_who_picks_a_language_then_says_nothing_is_counted_from_that_key(language):
    # the welcome and its one second of listening; the main menu and its 5 s; the announcement
    expected = (1 + 1) + (1 + 5) + ANNOUNCEMENT
    assert caller_time.seconds_to_helpline(FLOW, language, "d", one_second_a_say, allowance=False) == expected


def test_pressing_zero_when_it_is_offered_is_quicker_than_waiting_in_every_language():
    table = caller_time.table(FLOW, one_second_a_say)
    for language, figures in table.items():
        if FLOW.languages[language].ready:
            assert figures["b"] < figures["a"] < figures["c"], language
        else:  # no recordings yet: their key puts them straight through, with no announcement
            assert figures["a"] < figures["c"], language


def test_a_caller_in_a_language_not_yet_recorded_is_ringing_once_their_option_is_said():
    # danger and 0, then the options up to theirs (English 1, Shqip 2; Tigrinya is 4th, Somali 6th, by key)
    seconds = {code: caller_time.seconds_to_helpline(FLOW, code, "a", one_second_a_say, False) for code in NEW}
    assert seconds == {"sq-AL": 1 + 2, "ti-ER": 1 + 4, "so-SO": 1 + 6}


def test_a_caller_in_a_language_not_yet_recorded_who_then_stays_silent_is_already_ringing():
    # counted from their key: the transfer starts at once, with nothing said in between
    seconds = {code: caller_time.seconds_to_helpline(FLOW, code, "d", one_second_a_say, False) for code in NEW}
    assert seconds == {"sq-AL": 0.0, "ti-ER": 0.0, "so-SO": 0.0}


def test_by_the_estimate_english_callers_and_silent_callers_are_connected_within_the_targets():
    """What the default flow promises and keeps (README, "What a caller gets", says what it does not)."""
    table = caller_time.table(FLOW)
    english_a, _ = caller_time.TARGETS["a"]
    assert table["en-GB"]["a"] <= english_a
    assert all(figures["c"] <= caller_time.TARGETS["c"][0] for figures in table.values())


def test_the_estimate_counts_slow_numbers_and_pauses():
    fast = say('<Say language="en-GB">Call us on oh eight hundred.</Say>')
    slow = say('<Say language="en-GB">Call us on <prosody rate="slow">oh eight hundred</prosody>.</Say>')
    paused = say('<Say language="en-GB">Call us on oh eight hundred.<break time="800ms"/></Say>')
    english = FLOW.languages["en-GB"]
    assert caller_time.estimated_seconds(slow, english) > caller_time.estimated_seconds(fast, english)
    assert caller_time.estimated_seconds(paused, english) == pytest.approx(
        caller_time.estimated_seconds(fast, english) + 0.8
    )


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed (scripts/test installs it)")
def test_the_benchmark_clock_speaks_each_say_with_espeak():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import caller_time as bench

    short = say('<Say language="en-GB">Press 0.</Say>')
    long = say('<Say language="en-GB">To talk to the Modern Slavery Helpline, press 0, at any time.</Say>')
    english = FLOW.languages["en-GB"]
    assert 0.3 < bench.espeak_clock(short, english) < bench.espeak_clock(long, english) < 15
    assert bench.espeak_clock(long, english, wpm=150) > bench.espeak_clock(long, english, wpm=175)


def test_a_caller_on_their_languages_own_number_skips_the_language_menu_and_rings_within_the_target():
    # /voice?l=...: the welcome in their language first; 0 pressed at the end of the sentence offering it
    seconds = {code: round(caller_time.seconds_to_helpline(FLOW, code, "e"), 1) for code in FLOW.languages}
    assert seconds == {
        "en-GB": 13.2, "sq-AL": 3.5, "vi-VN": 12.6, "ti-ER": 3.5, "ar-EG": 13.4, "so-SO": 3.5, "ro-RO": 13.7,
        "pl-PL": 14.0,
    }  # fmt: skip
    shared = {code: caller_time.seconds_to_helpline(FLOW, code, "a") for code in ("pl-PL", "ro-RO", "vi-VN", "ar-EG")}
    assert all(seconds[code] < shared[code] for code in shared)
