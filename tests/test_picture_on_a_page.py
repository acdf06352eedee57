"""The flow's picture as the console shows it: Graphviz's drawing with its words as HTML, each
on the colour it is drawn on, over every line, so that contrast checkers and high-contrast
modes can read them (SVG text they cannot: dequelabs/axe-core#1819)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from support import DEFAULT_FLOW

from ivr.loading import load_flow_file
from ivr.tools.picture import BACKGROUNDS, to_graphviz, words_as_html

pytestmark = pytest.mark.skipif(
    shutil.which("dot") is None, reason="Graphviz is not installed (scripts/test installs it)"
)
CONSOLE_CSS = Path(__file__).resolve().parent.parent / "ivr" / "console" / "static" / "console" / "console.css"
WORDS = re.compile(
    r'<foreignObject class="picture-words-box" x="[-\d.]+" y="[-\d.]+" width="[\d.]+" height="[\d.]+" '
    r'font-family="Helvetica,sans-Serif" '
    r'font-size="([\d.]+)" color="black"><div xmlns="http://www.w3.org/1999/xhtml" class="picture-words middle">'
    r'<span class="([a-z-]+)">([^<]*)</span></div></foreignObject>'
)


@pytest.fixture(scope="module")
def drawn() -> str:
    svg = to_graphviz(load_flow_file(DEFAULT_FLOW).flow).pipe(format="svg").decode()
    return svg[svg.index("<svg") :]


def test_every_word_of_the_picture_is_html_on_the_colour_of_its_box_or_the_page(drawn):
    page = words_as_html(drawn)
    found = WORDS.findall(page)
    assert "<text" not in page and len(found) == drawn.count("<text") == page.count("<foreignObject")
    on = {words: (size, background) for size, background, words in found}
    assert on["Modern Slavery support line — version " + load_flow_file(DEFAULT_FLOW).flow.version] == (
        "16.00",
        "on-white",
    )
    assert on["Choose language"] == ("11.00", "on-menu")  # a menu's box
    assert on["Welcome"] == ("11.00", "on-message")
    assert on["☎ The helpline"] == ("11.00", "on-helpline")
    assert on["a language"] == ("10.00", "on-white")  # an arrow's label
    assert {background for _, background, _ in found} == set(BACKGROUNDS.values())


def test_the_pictures_words_are_drawn_after_every_line_and_box(drawn):
    page = words_as_html(drawn)
    first_words = page.index("<foreignObject")
    assert max(page.rfind(shape) for shape in ("<path", "<polygon", "<polyline", "<ellipse")) < first_words
    assert page[page.rindex("</foreignObject>") :] == "</foreignObject>\n</g>\n</svg>"


def test_the_console_paints_each_background_the_colour_of_what_the_words_sit_on():
    from ivr.tools.picture import _STYLE

    css = dict(re.findall(r"\.picture-words \.(on-[a-z]+) \{ background: (#[0-9a-f]+); \}", CONSOLE_CSS.read_text()))
    fills = {"on-white": "#fff", **{f"on-{kind}": style["fillcolor"] for kind, style in _STYLE.items()}}
    assert css == fills and set(css) == set(BACKGROUNDS.values())
