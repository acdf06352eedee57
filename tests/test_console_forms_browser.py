"""Issue 27, done when: an operator with no YAML knowledge changes the line with forms
alone, in a real browser (Chromium driven by Playwright, the console served by gunicorn):
one Polish sentence changed, a phrase added to a choice, the draft tried on the keypad,
approved by a second operator, published, and the new revision seen on the first page. A
second operator's draft started before that publish cannot overwrite it: publishing it is
refused, and carrying it onto the live flow keeps both changes.

With ``IVR_SCREENSHOTS=docs/screenshots`` the screenshots the README shows are written there."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from test_console_browser import CHROMIUM, PASSWORD, _log_in, console_database

pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (scripts/test installs it)"
)
POLISH_BEFORE = "9 od razu kończy rozmowę."
POLISH_AFTER = "9 natychmiast kończy rozmowę."
PHRASE = "potrzebuję informacji"
ROMANIAN_BEFORE = "9 încheie imediat apelul."
ROMANIAN_AFTER = "9 închide imediat apelul."


def _ask_and_approve(author, name: str, message: str, approver) -> None:
    """``author`` (logged in as ``name``, on the page to send their draft from) asks for
    approval with ``message``; ``approver`` opens that request and approves it."""
    author.get_by_label("What changed, and why (required)").fill(message)
    author.get_by_role("button", name="Ask for approval").click()
    author.get_by_role("heading", name=f"by {name}").wait_for()
    approver.goto(author.url)
    approver.get_by_role("button", name="Approve and publish").click()
    approver.get_by_role("heading", name="History of the flow").wait_for()


def test_an_operator_changes_the_line_with_forms_alone_and_a_stale_draft_cannot_overwrite_it(gunicorn_server, tmp_path):
    from playwright.sync_api import expect, sync_playwright
    from support import DEFAULT_FLOW

    from ivr.publishing import history

    database, engine = console_database(tmp_path, "alice", "bob", shipped_flow_live=True)
    shipped = DEFAULT_FLOW.read_text(encoding="utf-8")
    console = gunicorn_server("console", IVR_DATABASE_FILE=str(database), IVR_REQUIRE_APPROVAL="1")
    shots = [tmp_path] + ([Path(os.environ["IVR_SCREENSHOTS"])] if os.environ.get("IVR_SCREENSHOTS") else [])

    def shot(page, name: str) -> None:
        for folder in shots:
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(folder / f"{name}.png"), full_page=False)

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        alice = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
        bob = chromium.new_context(viewport={"width": 1280, "height": 900}).new_page()
        for page, name in ((alice, "alice"), (bob, "bob")):
            page.goto(console.url + "/console")
            _log_in(page, name)

        # Bob starts a draft of his own from revision 1: a Romanian sentence.
        bob.get_by_role("link", name="Edit the flow").click()
        bob.get_by_role("link", name="Welcome").click()
        romanian = bob.get_by_label("Română (ro-RO)")
        romanian.fill(romanian.input_value().replace(ROMANIAN_BEFORE, ROMANIAN_AFTER))
        bob.get_by_role("button", name="Save to my draft").click()
        expect(bob.locator(".notice")).to_contain_text("Saved to your draft: 1 change. No errors")

        # Alice: a Polish sentence and a phrase for choice 1, with forms only.
        alice.get_by_role("link", name="Edit the flow").click()
        alice.get_by_label("Find words in any language, or a place").fill("od razu konczy")
        alice.get_by_role("button", name="Find").click()
        expect(alice.get_by_role("status")).to_contain_text("1 place(s) say")
        alice.get_by_role("link", name="Welcome").click()
        polish = alice.get_by_label("Polski (pl-PL)")
        expect(polish).to_have_attribute("dir", "ltr")
        expect(alice.get_by_label("العربية (ar-EG)")).to_have_attribute("dir", "rtl")
        polish.fill(polish.input_value().replace(POLISH_BEFORE, POLISH_AFTER))
        expect(alice.locator("#live-check")).to_contain_text("1 unsaved change(s). No errors in the whole flow.")
        alice.get_by_role("button", name="Save to my draft").click()
        expect(alice.locator(".notice")).to_contain_text("Saved to your draft: 1 change. No errors")
        shot(alice, "form-editor-1280")
        alice.set_viewport_size({"width": 390, "height": 844})
        shot(alice, "form-editor-390")
        alice.set_viewport_size({"width": 1280, "height": 900})
        alice.get_by_role("link", name="Every place").click()
        alice.get_by_role("link", name="Main menu").click()
        words = alice.get_by_label("Polski (pl-PL): one per line").first
        words.fill(words.input_value() + "\n" + PHRASE)
        alice.get_by_role("button", name="Save to my draft").click()
        expect(alice.locator(".notice")).to_contain_text("Saved to your draft: 1 change. No errors")

        # She tries the draft on the keypad, in Polish: the new sentence is heard.
        alice.get_by_role("link", name="try it on the keypad").click()
        alice.get_by_label("Start in").select_option("pl-PL")
        alice.get_by_role("button", name="Call your draft").click()
        alice.locator("#transcript").get_by_text(POLISH_AFTER).wait_for()

        # What it changes, then she asks for approval; Bob approves and it is published.
        alice.goto(console.url + "/console/edit/changes")
        shot(alice, "draft-changes-1280")
        alice.set_viewport_size({"width": 390, "height": 844})
        shot(alice, "draft-changes-390")
        alice.set_viewport_size({"width": 1280, "height": 900})
        alice.goto(console.url + "/console/flow")
        alice.get_by_role("link", name="Publish, or ask for approval").click()
        _ask_and_approve(alice, "alice", "Polish: plainer words for 9; a phrase for 1", bob)

        # The first page shows the new revision at once.
        alice.get_by_role("link", name="The line", exact=True).click()
        expect(alice.locator(".live-revision")).to_contain_text("Revision 2, published by alice, approved by bob, on")
        expect(alice.locator(".live-revision")).to_contain_text("Polish: plainer words for 9; a phrase for 1")
        shot(alice, "first-page-1280")
        alice.set_viewport_size({"width": 390, "height": 844})
        shot(alice, "first-page-390")

        # Bob's draft was started from revision 1: it cannot overwrite revision 2.
        bob.goto(console.url + "/console/edit")
        expect(bob.locator("#moved-on")).to_be_visible()
        bob.get_by_label("What changed, and why (required)").fill("Romanian: plainer words for 9")
        bob.get_by_role("button", name="Ask for approval").click()
        expect(bob.locator("main")).to_contain_text(
            "Not sent for approval: the live flow changed since this text was started: alice published revision 2"
        )
        assert len(history(engine)) == 2
        bob.get_by_role("button", name="Carry my change onto the live flow").click()
        expect(bob.locator(".notice")).to_contain_text("Your change was carried onto the live flow, revision 2")
        expect(bob.locator("#moved-on")).to_be_hidden()
        _ask_and_approve(bob, "bob", "Romanian: plainer words for 9", alice)
        chromium.close()

    newest, second, first = history(engine)
    assert first.text == shipped
    phrase_line = ",\n                  " + PHRASE  # appended to choice 1's Polish words, on a line of its own
    assert second.text.replace(phrase_line, "", 1) == shipped.replace(POLISH_BEFORE, POLISH_AFTER)
    assert newest.text == second.text.replace(ROMANIAN_BEFORE, ROMANIAN_AFTER)  # both changes kept
    assert (newest.author, newest.approved_by, second.author, second.approved_by) == ("bob", "alice", "alice", "bob")


def test_a_number_in_braces_cannot_be_broken_in_a_field(gunicorn_server, tmp_path):
    """Deleting into {helpline} in the Polish text is undone at once, and the operator is
    told which placeholder to keep; the other words still change as typed."""
    from playwright.sync_api import expect, sync_playwright

    database, _ = console_database(tmp_path, "alice")
    console = gunicorn_server("console", IVR_DATABASE_FILE=str(database))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        page = chromium.new_page(viewport={"width": 1280, "height": 900})
        page.goto(console.url + "/console/flow/about_slavery")
        page.get_by_label("Name").fill("alice")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        polish = page.get_by_label("Polski (pl-PL)")
        before = polish.input_value()
        inside = before.index("{helpline}") + len("{help")
        polish.evaluate("(area, at) => { area.focus(); area.setSelectionRange(at, at); }", inside)
        page.keyboard.press("Backspace")
        expect(page.locator("#live-check")).to_have_text("Keep {helpline} as it is: the line says the number there.")
        assert polish.input_value() == before
        polish.evaluate("area => { area.focus(); area.setSelectionRange(0, 0); }")
        page.keyboard.type("Uwaga. ")
        assert polish.input_value() == "Uwaga. " + before
        chromium.close()
