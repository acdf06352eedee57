"""A text longer than one <Say> of its voice takes is an error at the text, not a warning:
Twilio would not say it whole (error 13521). How much a text counts depends on the voice."""

from __future__ import annotations

from ivr.inspect.texts import say_length
from ivr.loading import load_flow_text
from ivr.runtime.twilio import say_limit

FLOW = """\
line:
  name: Test line
  start: main_menu
  helpline: helpline
  languages:
    en-GB:
      name: English
      key: "1"
      choose: English, press 1.
      voice: {voice}
numbers:
  helpline:
    number: 0800 0121 700
    name: the helpline
nodes:
  main_menu:
    type: menu
    say: {say}
    choices:
      "1": connect
  connect:
    type: transfer
    to: helpline
"""


def _problems(voice: str, say: str) -> list[str]:
    return [p.format("flow") for p in load_flow_text(FLOW.format(voice=voice, say=say)).errors]


def test_each_voice_maker_has_the_limit_twilio_documents():
    assert [say_limit(v) for v in ("Polly.Amy", "Google.en-GB-Standard-A", "woman", None)] == [
        ("Polly voices", 3000),
        ("Google voices", 5000),
        ("basic voices", 4096),
        ("basic voices", 4096),
    ]


def test_letters_count_as_their_utf8_bytes_numbers_as_said_and_google_counts_its_pauses():
    assert say_length("a" * 10, "Polly.Amy") == 10
    assert say_length("ă" * 10, "Polly.Carmen") == 20  # Romanian: two bytes a letter
    assert say_length("ệ" * 10, "Polly.Amy") == 30  # Vietnamese: three
    assert say_length("Call {helpline} now.", "Polly.Amy") == len("Call  now.") + 200
    assert say_length("One. Two. Three.", "Google.en-GB-Standard-A") == 16 + 3 * 21 + 40


def test_a_text_at_the_limit_is_accepted_and_one_character_more_is_an_error_at_the_text():
    assert _problems("Polly.Amy", "a" * 3000) == []
    assert _problems("Polly.Amy", "a" * 3001) == [
        "flow:18:10: error: this text is too long for one <Say>: Twilio's Polly voices take "
        "3,000 characters at most and this counts 3,001, so callers would not hear it whole\n"
        "    hint: split it into several messages of a few sentences each, with a menu between (a letter outside "
        "plain English counts as two or three characters, a number as 200)"
    ]
    assert _problems("woman", "a" * 4096) == []
    assert len(_problems("woman", "a" * 4097)) == 1
