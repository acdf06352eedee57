"""Issue 27: operators change the flow in forms, never in YAML. Each form change is the
smallest edit of the draft's text (comments, order and wrapping kept), checked as the
text editor's drafts are."""

from __future__ import annotations

import difflib
import html
import re

import pytest
from test_console import PASSWORD
from test_console_editing import LIVE_TEXT, engine_of, logged_in, words

from ivr.console.views import add_operator
from ivr.loading import flow_version
from ivr.publishing import draft_of

POLISH = "text|nodes/main_menu/say_short|pl-PL"
ARABIC = "text|nodes/welcome/say|ar-EG"
POLISH_WORDS = "words|1|pl-PL"


@pytest.fixture
def app(make_app):
    app = make_app()
    add_operator(engine_of(app), "alice", PASSWORD)
    return app


def field(page, name: str) -> str:
    pattern = 'name="' + re.escape(name) + '"[^>]*>([^<]*)</textarea>'
    found = re.search(pattern, page.get_data(as_text=True))
    return html.unescape(found.group(1))


def changed_lines(before: str, after: str) -> list[str]:
    return [
        line
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]


def test_the_places_are_listed_in_the_order_a_caller_meets_them(app):
    page = words(logged_in(app).get("/console/flow"))
    titles = re.findall(r"(Choose language|Welcome|Main menu|About slavery|Report anonymously) ", page)
    assert titles[:5] == ["Choose language", "Welcome", "Main menu", "About slavery", "Report anonymously"]
    assert "This is the live flow: version " in page and "Your first change starts your own draft." in page


def test_search_finds_words_in_any_language_without_accents(app):
    page = words(logged_in(app).get("/console/flow?q=zgloszenie anonimowe"))
    assert "1 place(s) say “zgloszenie anonimowe”. Main menu Menu: 4 choices" in page


def test_changing_one_polish_sentence_is_one_changed_line_in_the_draft(app):
    alice = logged_in(app)
    form = alice.get("/console/flow/main_menu")
    assert 'lang="pl-PL" dir="ltr"' in form.get_data(as_text=True)
    sentence = field(form, POLISH).replace("Naciśnij 1", "Wciśnij 1")
    saved = alice.post("/console/flow/main_menu", {POLISH: sentence, "started_from": flow_version(LIVE_TEXT)})
    assert saved.status_code == 302
    draft = draft_of(engine_of(app), "alice")
    assert draft.base == flow_version(LIVE_TEXT)
    assert changed_lines(LIVE_TEXT, draft.text) == [
        "-        Naciśnij 1, jeśli jesteś ofiarą albo jest nią ktoś, kogo znasz. 2, aby zgłosić anonimowo. 3,",
        "+        Wciśnij 1, jeśli jesteś ofiarą albo jest nią ktoś, kogo znasz. 2, aby zgłosić anonimowo. 3,",
    ]
    page = words(alice.get("/console/flow/main_menu"))
    saved = "Saved to your draft: 1 change. No errors (19 warning(s)). Nothing reaches callers until you publish."
    assert saved in page


def test_a_phrase_added_to_a_choice_is_written_into_its_list(app):
    alice = logged_in(app)
    listed = field(alice.get("/console/flow/main_menu"), POLISH_WORDS)
    alice.post("/console/flow/main_menu", {POLISH_WORDS: listed + "\npotrzebuję pomocy"})
    assert changed_lines(LIVE_TEXT, draft_of(engine_of(app), "alice").text) == [
        "-                  nie mogę odejść, nie może odejść, informacje, paszport, dokumenty, nie płacą, za darmo]",
        "+                  nie mogę odejść, nie może odejść, informacje, paszport, dokumenty, nie płacą, za darmo,",
        "+                  potrzebuję pomocy]",
    ]


def test_arabic_is_edited_right_to_left(app):
    form = logged_in(app).get("/console/flow/welcome").get_data(as_text=True)
    assert re.search(r'<textarea id="text\|nodes/welcome/say\|ar-EG" name="[^"]+" lang="ar-EG" dir="rtl"', form)


def test_a_text_that_loses_its_placeholder_is_refused_and_nothing_is_saved(app):
    alice = logged_in(app)
    name = "text|nodes/about_slavery/say|pl-PL"
    text = field(alice.get("/console/flow/about_slavery"), name)
    assert "{helpline}" in text
    refused = alice.post("/console/flow/about_slavery", {name: text.replace("{helpline}", "{helplne}")})
    assert refused.status_code == 400
    assert (
        "Not saved. What the line says, Polski: keep {helpline} in the text, written exactly so. The line says "
        "the number there; without it callers would not hear it." in words(refused)
    )
    assert draft_of(engine_of(app), "alice") is None


def test_a_choice_goes_to_a_place_picked_from_the_list(app):
    alice = logged_in(app)
    page = alice.get("/console/flow/main_menu").get_data(as_text=True)
    assert '<select id="go-3" name="go|3">' in page and '<option value="danger">Danger</option>' in page
    alice.post("/console/flow/main_menu", {"go|3": "about_helpline"})
    assert changed_lines(LIVE_TEXT, draft_of(engine_of(app), "alice").text) == [
        "-        go: police_non_emergency",
        "+        go: about_helpline",
    ]
    refused = alice.post("/console/flow/main_menu", {"go|3": "nowhere"})
    assert refused.status_code == 400
    assert "Not saved. Choice 3: choose where it goes from the list." in words(refused)


def test_a_new_message_is_added_at_the_end_of_the_nodes_and_opens_in_its_form(app):
    alice = logged_in(app)
    added = alice.post(
        "/console/flow/add",
        {"kind": "message", "title": "Opening hours", "text": "The helpline is open  all day.", "to": "main_menu"},
    )
    assert added.status_code == 302 and added.headers["Location"].endswith("/console/flow/opening_hours")
    draft = draft_of(engine_of(app), "alice").text
    assert draft == LIVE_TEXT.rstrip("\n") + (
        "\n\n  opening_hours:\n    type: message\n    say:\n      en-GB: The helpline is open all day.\n"
        "    next: main_menu\n"
    )
    page = words(alice.get("/console/flow/opening_hours"))
    assert "Added “Opening hours” to your draft. Now write it in every language, and lead a menu's choice to it" in page
    assert "Problems in this place Error:" in page


def test_removing_a_place_asks_where_what_leads_to_it_goes_instead(app):
    alice = logged_in(app)
    asked = words(alice.get("/console/flow/about_helpline/remove"))
    assert "Remove “About helpline” from your draft?" in asked
    assert "1 thing(s) lead callers here. Choose where each of them goes instead" in asked
    assert "About slavery menu: key 1 Choose where it goes instead…" in asked
    refused = alice.post("/console/flow/about_helpline/remove", {})
    assert refused.status_code == 400 and draft_of(engine_of(app), "alice") is None
    done = alice.post(
        "/console/flow/about_helpline/remove", {"instead|nodes/about_slavery_menu/choices/1/go": "danger"}
    )
    assert done.status_code == 302
    draft = draft_of(engine_of(app), "alice").text
    assert "about_helpline:" not in draft
    assert "go: about_helpline" not in draft
    check = words(alice.get("/console/flow"))
    assert "Removed “About helpline” from your draft; what led to it goes where you chose." in check


def test_the_form_is_checked_as_the_operator_types_and_nothing_is_saved_until_they_save(app):
    alice = logged_in(app)
    name = "text|nodes/about_slavery/say|pl-PL"
    text = field(alice.get("/console/flow/about_slavery"), name)
    lost = alice.post("/console/flow/about_slavery/check", {name: text.replace("{helpline}", "")})
    assert lost.get_json() == {
        "refused": "This cannot be saved yet: What the line says, Polski: keep {helpline} in the text, written "
        "exactly so. The line says the number there; without it callers would not hear it."
    }
    fine = alice.post("/console/flow/about_slavery/check", {name: text.replace("Infolinia", "Ta infolinia", 1)})
    assert fine.get_json() == {
        "summary": "1 unsaved change(s). No errors in the whole flow.",
        "errors": 0,
        "problems": [],
    }
    assert draft_of(engine_of(app), "alice") is None
