"""Every language of the line reads right in a real browser (issue 27): the console's own fonts
draw Vietnamese, Arabic and Tigrinya, and a number said in Arabic reads in order.

Which font draws a piece of text is asked of Chromium itself (the DevTools call
CSS.getPlatformFontsForNode, as the "Rendered fonts" pane shows it), and where each digit sits
is measured on the page. Debian's Chromium, driven by Playwright, against the console served
by gunicorn, as tests/test_console_browser.py does."""

from __future__ import annotations

import pytest
from test_console_browser import CHROMIUM, PASSWORD, _log_in
from test_console_browser import pytestmark as pytestmark  # skipped without Chromium, except in CI

#: Where each character of an element's text sits on the page (its line's top, its left edge),
#: in the order the text is written (logical order).
CHARACTER_PLACES = """element => {
    const edges = [];
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (let i = 0; i < node.data.length; i++) {
            const range = document.createRange();
            range.setStart(node, i);
            range.setEnd(node, i + 1);
            const box = range.getBoundingClientRect();
            edges.push([node.data[i], Math.round(box.top), box.left]);
        }
    }
    return edges;
}"""


def _fonts_drawing(page, selector: str) -> set[tuple[str, bool]]:
    """The fonts Chromium drew the text of the first element ``selector`` finds with (its own
    text, not its children's; a text box's, for a textarea), each with whether it came from the
    page rather than the computer."""
    devtools = page.context.new_cdp_session(page)
    devtools.send("DOM.enable")
    devtools.send("CSS.enable")
    document = devtools.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    node = devtools.send("DOM.querySelector", {"nodeId": document["nodeId"], "selector": selector})["nodeId"]
    if page.locator(selector).first.evaluate("element => element.tagName") == "TEXTAREA":
        node = _text_box_of(document, node)
    fonts = devtools.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
    devtools.detach()
    return {(font["familyName"], font["isCustomFont"]) for font in fonts}


def _text_box_of(tree: dict, textarea: int) -> int:
    """The node that holds a textarea's text: the <div> in the browser's own (shadow) tree of it."""
    if tree["nodeId"] == textarea:
        return next(child["nodeId"] for child in tree["shadowRoots"][0]["children"] if child["nodeName"] == "DIV")
    for child in tree.get("children", []) + tree.get("shadowRoots", []):
        found = _text_box_of(child, textarea)
        if found:
            return found
    return 0


@pytest.fixture
def console(gunicorn_server, tmp_path):
    from ivr.console.views import add_operator
    from ivr.database import make_engine

    database = tmp_path / "console.sqlite3"
    engine = make_engine(f"sqlite:///{database}")  # made as a server makes it: by the migrations
    add_operator(engine, "alice", PASSWORD)
    return gunicorn_server("console", IVR_DATABASE_FILE=str(database))


@pytest.fixture
def page(console):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(console.url + "/console/login")
        _log_in(page)
        yield page
        browser.close()


def test_the_helpline_number_said_in_arabic_reads_in_order_in_the_consoles_own_font(console, page):
    """In "Try a call", the Arabic line after a transfer nobody answered says the helpline's
    number twice, group by group: read left to right on the screen, its digits are the number's,
    in order (before, the groups came out right to left). Noto Sans Arabic draws the letters and
    Noto Sans the digits, both from the console."""
    from playwright.sync_api import expect

    page.goto(console.url + "/console/try")
    page.get_by_label("Speak the prompts").uncheck()
    page.get_by_label("Start in").select_option("ar-EG")
    page.get_by_role("button", name="Call the line").click()
    transcript = page.locator("#transcript")
    expect(transcript.locator("li[lang^=ar]").first).to_be_visible()
    page.get_by_role("button", name="Press 0").click()  # the helpline
    page.get_by_role("button", name="no-answer").click()  # nobody answers: the line says the number
    sorry = transcript.locator("li[lang^=ar]", has_text="لم يرد أحد")
    expect(sorry).to_have_count(1)
    edges = sorry.evaluate(CHARACTER_PLACES)
    written = "".join(character for character, _, _ in edges)
    said = "0 8 0 0 … 0 1 2 1 … 7 0 0 … 0 8 0 0 … 0 1 2 1 … 7 0 0"  # the number, twice
    start = written.index(said)
    number = edges[start : start + len(said)]
    seen = sorted((top, left, character) for character, top, left in number if character.isdigit())
    assert "".join(character for _, _, character in seen) == "0800012170008000121700"
    assert sorry.evaluate("line => getComputedStyle(line).direction") == "rtl"
    assert _fonts_drawing(page, "#transcript li.say:last-child") == {("Noto Sans Arabic", True), ("Noto Sans", True)}
    assert _fonts_drawing(page, "#transcript li.say:last-child bdi") == {("Noto Sans", True)}  # the digits


def test_vietnamese_and_tigrinya_are_drawn_by_the_consoles_fonts_in_the_editor_too(console, page):
    """Vietnamese tone marks sat beside their letters ("sô´" for "số") where a font lacked the
    precomposed letters: above all the editor's monospace font (DejaVu Sans Mono). Now Noto Sans
    draws Vietnamese on every page and, in the editor, the letters the monospace font lacks; Noto
    Sans Ethiopic draws Tigrinya, in the page and in its fields, whatever the computer has."""
    from playwright.sync_api import expect

    page.goto(console.url + "/console/try")
    page.get_by_label("Speak the prompts").uncheck()
    page.get_by_label("Start in").select_option("ti-ER")  # a field shows Tigrinya too: "ትግርኛ (ti-ER)"
    assert _fonts_drawing(page, "#language") == {("Noto Sans Ethiopic", True), ("Noto Sans", True)}
    page.get_by_label("Start in").select_option("vi-VN")
    page.get_by_role("button", name="Call the line").click()
    first = page.locator("#transcript li[lang^=vi]").first
    expect(first).to_have_text(
        "Nếu bạn đang gặp nguy hiểm, hãy gác máy và gọi 9 9 9. Để gặp đường dây nóng, xin bấm phím 0, "
        "bất cứ lúc nào. Để kết thúc cuộc gọi ngay, xin bấm phím 9."
    )
    assert _fonts_drawing(page, "#transcript li[lang^=vi]") == {("Noto Sans", True)}

    page.goto(console.url + "/console/edit")
    editor = page.get_by_label("The call flow (YAML), line by line")
    assert "      vi-VN: Xin lỗi, tôi không nghe thấy lựa chọn nào." in editor.input_value()
    assert editor.evaluate("box => getComputedStyle(box).unicodeBidi") == "plaintext"  # a line of Arabic reads RTL
    (monospace,) = _fonts_drawing(page, "#gutter")  # the computer's monospace font: the line numbers
    assert _fonts_drawing(page, "#flow-text") == {
        monospace,  # the YAML itself
        ("Noto Sans", True),  # the Vietnamese letters the monospace font may lack
        ("Noto Sans Arabic", True),
        ("Noto Sans Ethiopic", True),  # "ትግርኛ", Tigrinya's name
    }

    page.goto(console.url + "/console/recordings")
    assert page.locator("#ti-ER bdi").inner_text() == "ትግርኛ"
    assert _fonts_drawing(page, "#ti-ER bdi") == {("Noto Sans Ethiopic", True)}
