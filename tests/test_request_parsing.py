"""The one parser of the line's requests (bodies and query strings) reads what the standard
library reads, and each reader of a request keeps the values it should."""

from __future__ import annotations

from urllib.parse import parse_qsl

from hypothesis import example, given
from hypothesis import strategies as st

from ivr.runtime.state import CallState
from ivr.runtime.twilio import parse_pairs
from ivr.serve.answers import Request
from ivr.serve.signature import parse_form

#: Pieces that make the encoding's hard cases likely: separators, escapes good and bad
#: (cut short, not hex, not UTF-8), pluses, and text in other scripts.
PIECES = ["&", "=", "+", "%", "%2", "%zz", "%20", "%26", "%3D", "%2B", "%C3%A9", "%D9%A3", "%FF", "%C3"]
PIECES += ["a", "n", "l", "Digits", "main_menu", "é", "٣", " ", ";"]
encoded = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)


@given(encoded)
@example("a=1&&b=&c&=d&a=2")
@example("n=%ZZ+x%2")
def test_the_parser_agrees_with_the_standard_library(text):
    assert parse_pairs(text) == parse_qsl(text, keep_blank_values=True)


@given(st.text(max_size=60))
def test_the_parser_agrees_with_the_standard_library_on_any_text(text):
    assert parse_pairs(text) == parse_qsl(text, keep_blank_values=True)


def test_a_body_keeps_every_value_of_a_name_in_order():
    form = parse_form(b"Digits=1&SpeechResult=caf%C3%A9+au+lait&Digits=2&Empty=&Bare")
    assert form == {"Digits": ["1", "2"], "SpeechResult": ["café au lait"], "Empty": [""], "Bare": [""]}
    assert form.repeated and not parse_form(b"Digits=1&SpeechResult=x").repeated


def test_a_state_takes_the_first_value_of_each_name():
    state = CallState.from_query_string("n=main_menu&n=other&l=pl-PL&s=2&e=silence&l=en-GB", default_node="start")
    assert state == CallState("main_menu", "pl-PL", silences=2, event="silence")


def test_a_request_reads_the_first_language_of_its_query_decoded():
    assert Request("n=x&l=pt-BR&l=en-GB", parse_form(b"")).language() == "pt-BR"
    assert Request("l=%70l-PL", parse_form(b"")).language() == "pl-PL"
    assert Request("n=x", parse_form(b"")).language() == ""
