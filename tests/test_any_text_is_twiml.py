"""Whatever an operator writes in a text, either the loader refuses it at the place of each
character TwiML cannot carry, or every document the line serves for the flow is XML.

Texts of any code points (every plane, half surrogate pairs too, as a program's text can
hold them) go into a message in two languages, one with an SSML voice and one without,
written as they are or as YAML escapes. The flow is loaded by the real
loader, and every node is rendered in every language, pace and kind of retry. A flow the
loader refuses is also loaded as an older line took it, before it refused escapes: even
then every document is XML, because the renderer leaves such characters out.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st
from test_control_characters import as_an_older_line_loaded_it, every_document

from ivr.definition.characters import NOT_IN_XML, NOT_IN_YAML
from ivr.loading import load_flow_text
from ivr.runtime import flow as rt
from ivr.runtime.twiml import Renderer, standalone_fallback

FLOW = """\
line:
  name: Test line
  start: choose_language
  helpline: helpline
  language: en-GB
  languages:
    en-GB: {name: English, key: "1", choose: "English, press 1.", voice: Polly.Amy}
    pl-PL: {name: Polski, key: "2", choose: "Polski, naciśnij 2.", voice: alice}
numbers:
  helpline: {number: 0800 0121 700, name: {en-GB: the helpline, pl-PL: infolinia}}
nodes:
  choose_language: {type: language, say: "If you are in danger now, hang up and dial 9 9 9.", next: welcome}
  welcome:
    type: message
    say:
{texts}
    next: main_menu
  main_menu:
    type: menu
    say: {en-GB: "For the helpline, press 1.", pl-PL: "Infolinia, naciśnij 1."}
    choices: {"1": connect}
  connect: {type: transfer, to: helpline, say: {en-GB: Connecting you now., pl-PL: Łączymy.}}
"""
#: How the two texts that end in the generated words start, each on its own line of the file.
TEXT_LINES = ('      en-GB: "Welcome. ', '      pl-PL: "Witamy. ')
FIRST_TEXT_LINE = FLOW.splitlines().index("{texts}") + 1
#: Characters YAML reads as line breaks: always escaped, so each text stays on its line.
LINE_BREAKS = "\n\r\x85\u2028\u2029"
#: A few of each kind, so that most examples hold one: forbidden in XML, refused only by
#: YAML as written, allowed but unusual, and astral (an emoji, a tag, the last code point).
NOTABLE = "\x00\x07\x0b\x0c\x1b\x1f\ufffe\uffff\x7f\x80\x9f\x85\t\ufeff\u2028\U0001f600\U0010ffff\U000e0001"
texts = st.text(
    st.one_of(st.characters(exclude_characters="{}"), st.sampled_from(NOTABLE)), max_size=8
)  # at most 16 places to report: under the 20 the loader names one by one


def escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def written(text: str, escaped: bool) -> tuple[str, list[int], bool]:
    """The text inside a double-quoted YAML scalar; the offsets in it of each character the
    loader must refuse, written as it is (when YAML cannot read it) or as its escape (when
    XML forbids it); and whether any of those is written as it is. Half a surrogate pair
    is always written as it is (as a program's text holds it): YAML refuses its escape."""
    out, refused, as_it_is = "", [], False
    for character in text:
        surrogate = 0xD800 <= ord(character) <= 0xDFFF
        if character in '"\\':
            out += "\\" + character
        elif character in LINE_BREAKS or (
            escaped and not surrogate and (NOT_IN_YAML.match(character) or ord(character) > 0xFFFF)
        ):
            if NOT_IN_XML.match(character):
                refused.append(len(out))
            out += escape(character)
        else:
            if NOT_IN_YAML.match(character):
                refused.append(len(out))
                as_it_is = True
            out += character
    return out, refused, as_it_is


@settings(max_examples=50, deadline=None)
@given(text=texts, escaped=st.booleans())
def test_a_text_is_refused_where_twiml_cannot_carry_it_or_every_document_is_xml(text: str, escaped: bool):
    body, refused, as_it_is = written(text, escaped)
    flow_text = FLOW.replace("{texts}", "\n".join(f'{start}{body}"' for start in TEXT_LINES))
    result = load_flow_text(flow_text)
    places = [(p.line, p.column) for p in result.problems if p.code == "control-character"]
    expected = [
        (FIRST_TEXT_LINE + i, len(start) + offset + 1) for i, start in enumerate(TEXT_LINES) for offset in refused
    ]
    assert places == expected
    if not expected:
        assert result.ok, [p.format("flow") for p in result.errors]
        every_document_is_xml(result.flow)
        return
    assert not result.ok
    if not as_it_is:  # an older line took escapes: the renderer still leaves the characters out
        with as_an_older_line_loaded_it():
            every_document_is_xml(load_flow_text(flow_text).flow)


def every_document_is_xml(flow: rt.Flow | None) -> None:
    assert flow is not None
    renderer = Renderer(flow)
    for document in every_document(flow, renderer):
        ET.fromstring(document)
    ET.fromstring(standalone_fallback(flow))
