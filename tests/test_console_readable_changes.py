"""What a change does, as an operator reads it (issue 27, item 4): each place named as the
console names it everywhere ("After the call: goodbye", never ``_after_call``), the words
taken out and put in marked within the sentence, per language, with the file's lines
below; the same on the changes, approval and rollback pages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from support import DEFAULT_FLOW
from test_console import PASSWORD, with_operators
from test_console_editing import check, logged_in

from ivr.console.draft_flows import HeardChange, HeardLanguage, heard_changes
from ivr.console.views import add_operator
from ivr.console.word_changes import Marked, marked_words
from ivr.definition.place_names import node_title, place_title
from ivr.loading import load_flow_text
from ivr.runtime.twiml import Renderer
from ivr.serve.store import LiveFlow
from ivr.tools.picture import layout

LIVE_TEXT = DEFAULT_FLOW.read_text(encoding="utf-8")
#: One Polish sentence, one Arabic one and the English goodbye after a call, changed.
POLISH = ("      pl-PL: Łączymy z infolinią.\n", "      pl-PL: Teraz łączymy z infolinią.\n")
ARABIC = ("لخط المساعدة اضغط 0 في أي وقت.", "لخط المساعدة اضغط 0 متى شئت.")
GOODBYE = ("{helpline}.\n        Goodbye.\n", "{helpline}.\n        Take care.\n")
EDITED = LIVE_TEXT
for old, new in (POLISH, ARABIC, GOODBYE):
    assert EDITED.count(old) == 1, old
    EDITED = EDITED.replace(old, new)

#: How the line says the helpline's number (slowly, group by group, twice), as a reader sees it.
HELPLINE_SAID = (
    "oh eight hundred … oh one two one … seven hundred … oh eight hundred … oh one two one … seven hundred …."
)
GOODBYE_BEFORE = (
    "Thank you for calling. To keep this call private, delete it from your phone's call list, then call another "
    f"number. If you need help again, the Modern Slavery Helpline number is {HELPLINE_SAID} "
)
GOODBYE_BEFORE_HTML = GOODBYE_BEFORE.replace("'", "&#39;")  # as the page writes an apostrophe
ARABIC_BEFORE = "إن كنت في خطر، أغلق الخط واطلب 9 9 9. لخط المساعدة اضغط 0 "
#: As the page writes it: the number in a left-to-right isolate, so it reads in order.
ARABIC_BEFORE_HTML = ARABIC_BEFORE.replace("9 9 9", '<bdi dir="ltr">9 9 9</bdi>')

#: The tables of what callers will hear, as the page writes them: each place, and the words
#: taken out and put in marked, in the language they are said in.
EXPECTED_TABLES = [
    (
        '<bdi lang="en-GB">English</bdi> (en-GB)',
        [
            '<th scope="row">After the call: goodbye</th>'
            f'<td lang="en-GB" dir="auto">{GOODBYE_BEFORE_HTML}<del><span class="visually-hidden">[taken out: </span>'
            'Goodbye.<span class="visually-hidden">]</span></del></td>'
            f'<td lang="en-GB" dir="auto">{GOODBYE_BEFORE_HTML}<ins><span class="visually-hidden">[put in: </span>'
            'Take care.<span class="visually-hidden">]</span></ins></td>'
        ],
    ),
    (
        '<bdi lang="pl-PL">Polski</bdi> (pl-PL)',
        [
            '<th scope="row">Before connecting to the helpline</th>'
            '<td lang="pl-PL" dir="auto"><del><span class="visually-hidden">[taken out: </span>'
            'Łączymy<span class="visually-hidden">]</span></del> z infolinią.</td>'
            '<td lang="pl-PL" dir="auto"><ins><span class="visually-hidden">[put in: </span>'
            'Teraz łączymy<span class="visually-hidden">]</span></ins> z infolinią.</td>'
        ],
    ),
    (
        '<bdi lang="ar-EG">العربية</bdi> (ar-EG)',
        [
            '<th scope="row">Welcome: the message</th>'
            f'<td lang="ar-EG" dir="auto">{ARABIC_BEFORE_HTML}<del><span class="visually-hidden">[taken out: </span>'
            'في أي وقت.<span class="visually-hidden">]</span></del> للخروج فورًا اضغط 9.</td>'
            f'<td lang="ar-EG" dir="auto">{ARABIC_BEFORE_HTML}<ins><span class="visually-hidden">[put in: </span>'
            'متى شئت.<span class="visually-hidden">]</span></ins> للخروج فورًا اضغط 9.</td>'
        ],
    ),
]


def rows_of(page: str) -> list[tuple[str, list[str]]]:
    """Each table of what callers will hear: its caption and its rows, as the page writes them."""
    tables = re.findall(r'<table class="heard">\s*<caption>(.*?)</caption>.*?<tbody>(.*?)</tbody>', page, flags=re.S)
    return [(caption, re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)) for caption, body in tables]


@pytest.fixture
def app(make_app):
    return with_operators(make_app(), "alice", "bob")


def test_the_changes_page_names_each_place_and_marks_the_words_in_each_language(app):
    """Regression: "Where" showed the line's own names (``_after_call``, ``_helpline``) and
    the words were not marked, so an operator compared two paragraphs by eye."""
    browser = logged_in(app)
    check(browser, EDITED)
    page = browser.get("/console/edit/changes").get_data(as_text=True)
    assert rows_of(page) == EXPECTED_TABLES
    heard = page[page.index("<h2>What callers will hear</h2>") : page.index("<h2>The text, line by line</h2>")]
    assert "_after_call" not in heard and "_helpline" not in heard


def test_the_files_lines_come_below_what_callers_will_hear(app):
    browser = logged_in(app)
    check(browser, EDITED)
    page = browser.get("/console/edit/changes").get_data(as_text=True)
    heard, lines = page.index("<h2>What callers will hear</h2>"), page.index("<h2>The text, line by line</h2>")
    assert heard < page.index('<table class="heard">') < lines < page.index('<ol class="diff"')
    assert '<li class="added"><span class="n">' in page[lines:]  # still there, for those who read the file


def test_the_approval_page_shows_the_same_places_and_marks(make_app):
    app = make_app(IVR_REQUIRE_APPROVAL="1")
    engine = app.extensions["ivr.database"].engine
    add_operator(engine, "alice", PASSWORD)
    add_operator(engine, "bob", PASSWORD)
    asked = logged_in(app, "alice").post("/console/edit/publish", {"text": EDITED, "message": "warmer words"})
    assert asked.headers["Location"].endswith("/console/approvals/1")
    page = logged_in(app, "bob").get("/console/approvals/1").get_data(as_text=True)
    assert rows_of(page) == EXPECTED_TABLES


def test_the_rollback_page_shows_the_same_places_and_marks(app):
    """Revision 1 has the edited words, revision 2 the shipped ones: rolling back to 1 puts
    back exactly the change the other pages show."""
    browser = logged_in(app)
    browser.post("/console/edit/publish", {"text": EDITED, "message": "warmer words"})
    browser.post("/console/edit/publish", {"text": LIVE_TEXT, "message": "as shipped"})
    page = browser.get("/console/history/1/rollback").get_data(as_text=True)
    assert rows_of(page) == EXPECTED_TABLES


# -- the places, and the words marked -----------------------------------------------------------
def _served(text: str) -> LiveFlow:
    flow = load_flow_text(text, DEFAULT_FLOW.parent).flow
    return LiveFlow(flow, Renderer(flow), "test", 0.0, text)


def test_what_only_some_calls_hear_is_compared_too_each_under_its_language():
    """Words after silence, and the language menu's option for a language (said in that
    language), are places of their own; a language still being recorded has only its option."""
    edited = (
        LIVE_TEXT.replace(
            "      pl-PL: Przepraszamy, nie usłyszeliśmy wyboru.\n",
            "      pl-PL: Przepraszamy, nie usłyszeliśmy żadnego wyboru.\n",
        )
        .replace('choose: "Tiếng Việt: 3."', 'choose: "Tiếng Việt, phím 3."')
        .replace('choose: "Shcheep: 2."', 'choose: "Shqip: 2."')
    )
    assert heard_changes(_served(LIVE_TEXT), _served(edited)) == [
        HeardLanguage(
            "pl-PL",
            "Polski",
            [
                HeardChange(
                    "When a caller says nothing",
                    "Przepraszamy, nie usłyszeliśmy wyboru.",
                    "Przepraszamy, nie usłyszeliśmy żadnego wyboru.",
                    "pl-PL",
                    (Marked("same", "Przepraszamy, nie usłyszeliśmy wyboru."),),
                    (
                        Marked("same", "Przepraszamy, nie usłyszeliśmy "),
                        Marked("added", "żadnego"),
                        Marked("same", " wyboru."),
                    ),
                )
            ],
        ),
        HeardLanguage(
            "vi-VN",
            "Tiếng Việt",
            [
                HeardChange(
                    "Choose language: option 3",
                    "Tiếng Việt: 3.",
                    "Tiếng Việt, phím 3.",
                    "vi-VN",
                    (Marked("same", "Tiếng "), Marked("removed", "Việt:"), Marked("same", " 3.")),
                    (Marked("same", "Tiếng "), Marked("added", "Việt, phím"), Marked("same", " 3.")),
                )
            ],
        ),
        HeardLanguage(
            "sq-AL",
            "Shqip",
            [
                HeardChange(
                    "Choose language: option 2",
                    "Shcheep: 2.",
                    "Shqip: 2.",
                    "en-GB",  # no voice of its own: the English voice says its name
                    (Marked("removed", "Shcheep:"), Marked("same", " 2.")),
                    (Marked("added", "Shqip:"), Marked("same", " 2.")),
                )
            ],
        ),
    ]


def test_a_new_place_and_a_place_that_goes_are_shown_whole_and_unmarked():
    edited = LIVE_TEXT.replace("  welcome:\n", "  hello:\n", 1).replace("    next: welcome\n", "    next: hello\n", 1)
    [english, *_] = heard_changes(_served(LIVE_TEXT), _served(edited))
    welcome = (
        "If you are in danger now, hang up and dial 9 9 9. To talk to the Modern Slavery Helpline, press 0, at any "
        "time. To end this call at once, press 9."
    )
    assert english == HeardLanguage(
        "en-GB",
        "English",
        [
            HeardChange("Hello: the message", "", welcome, "en-GB"),
            HeardChange("Welcome: the message", welcome, "", "en-GB"),
        ],
    )


@pytest.mark.parametrize(
    ("before", "after", "marked"),
    [
        (
            "Call us now.",
            "Call us today.",
            (
                (Marked("same", "Call us "), Marked("removed", "now.")),
                (Marked("same", "Call us "), Marked("added", "today.")),
            ),
        ),
        (  # a word put in between: nothing taken out
            "Call us now.",
            "Call us today, now.",
            (
                (Marked("same", "Call us now."),),
                (Marked("same", "Call us "), Marked("added", "today,"), Marked("same", " now.")),
            ),
        ),
        (  # the spaces between words are never marked, and a line between verbs stays one
            "Sorry.\nPress 1.",
            "Sorry!\nPress 1.",
            (
                (Marked("removed", "Sorry."), Marked("same", "\nPress 1.")),
                (Marked("added", "Sorry!"), Marked("same", "\nPress 1.")),
            ),
        ),
        ("Same words.", "Same words.", ((Marked("same", "Same words."),), (Marked("same", "Same words."),))),
    ],
)
def test_words_are_compared_whole_with_their_punctuation(before, after, marked):
    assert marked_words(before, after) == marked


@pytest.mark.parametrize(
    ("name", "title"),
    [
        ("main_menu", "Main menu"),
        ("police-non-emergency", "Police non emergency"),
        ("_helpline", "The helpline"),
        ("_after_call", "After the call"),
        ("_quick_exit", "Quick exit"),
        ("_busy:connect_crimestoppers", "Connect crimestoppers, if the line is busy"),
        ("_no_answer:_helpline", "The helpline, if nobody answers"),
        ("_failed:_transfer:helpline", "Connecting to helpline instead, if the call fails"),
        ("_transfer:crimestoppers", "Connecting to crimestoppers instead"),
    ],
)
def test_every_node_has_a_name_a_person_reads(name, title):
    assert node_title(name) == title


def test_a_part_is_named_after_its_node_and_a_built_in_message_as_the_message():
    assert [place_title(n, p) for n, p in [("main_menu", "the question"), ("_after_call", "goodbye")]] == [
        "Main menu: the question",
        "After the call: goodbye",  # the name the message has where it is edited
    ]
    assert place_title("_helpline", "before connecting") == "Before connecting to the helpline"


def test_the_picture_titles_its_boxes_with_the_same_names():
    boxes, _ = layout(load_flow_text(LIVE_TEXT, Path(DEFAULT_FLOW.parent)).flow)
    assert [box.title for box in boxes] == [
        "Choose language",
        "Welcome",
        "Main menu",
        "Danger",
        "Danger menu",
        "Danger more",
        "About slavery",
        "About slavery menu",
        "About helpline",
        "Report anonymously",
        "Report menu",
        "Police non emergency",
        "Police menu",
        "☎ Connect crimestoppers",
        "☎ The helpline",
    ]


def test_a_text_the_line_fails_to_say_is_shown_as_such_and_the_page_still_works(monkeypatch):
    """The pages that compare (above all a rollback) must work whatever the live flow is."""
    from ivr.runtime.speaking import Speaker
    from ivr.tools.heard_places import NOT_RENDERED, heard_places

    def fails(self, parent, speech):
        raise RuntimeError("a text this line cannot say")

    monkeypatch.setattr(Speaker, "say", fails)
    flow = load_flow_text(LIVE_TEXT, DEFAULT_FLOW.parent).flow
    said = {place.where: place.words for place in heard_places(flow, "pl-PL")}
    assert said["Before connecting to the helpline"] == NOT_RENDERED
    assert set(said.values()) == {NOT_RENDERED}
