"""Text that reorders itself (Unicode bidi controls such as U+202E, RIGHT-TO-LEFT OVERRIDE)
cannot make the console say something else: every operator's name, revision and draft
message is shown in a <bdi>, and the audit log stores a tried name's controls as their codes,
so a stranger failing a login as "\u202eecila" does not read as alice, on the page or in the CSV."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from sqlalchemy import insert
from support import DEFAULT_FLOW
from test_console import PASSWORD, Browser, logged_in, with_operators
from test_console_editing import CHANGED_TEXT, LIVE_TEXT, engine_of

from ivr.console.accounts import AccountError, add_operator
from ivr.console.reading_order import NUMBER, numbers_in_order
from ivr.database import operators
from ivr.loading import load_flow_text
from ivr.publishing import entries, publish, submit

RLO = "\u202e"


@pytest.fixture
def app(make_app):
    return with_operators(make_app(), "alice", "bob", admins=("alice",))


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_a_failed_login_under_a_reversed_name_is_stored_with_its_controls_made_visible(app):
    assert Browser(app).login(f"{RLO}ecila", "not the password at all").status_code == 401
    assert [(e.actor, e.action) for e in entries(engine_of(app))] == [("[U+202E]ecila", "login-failed")]
    alice = logged_in(app, "alice")
    assert "<td><bdi>[U+202E]ecila</bdi></td><td>failed to log in</td>" in _page(alice.get("/console/audit"))
    rows = list(csv.reader(io.StringIO(alice.get("/console/audit.csv").get_data(as_text=True))))
    assert [r[1:] for r in rows[1:]] == [
        ["alice", "login", "logged in", ""],
        ["[U+202E]ecila", "login-failed", "failed to log in", ""],
    ]


def test_revision_and_draft_messages_and_their_authors_are_isolated_on_every_page(app):
    engine = engine_of(app)
    publish(engine, LIVE_TEXT, DEFAULT_FLOW.parent, "alice", f"{RLO}evil first")
    waiting = submit(engine, "bob", CHANGED_TEXT, f"{RLO}evil draft", DEFAULT_FLOW.parent)
    alice = logged_in(app, "alice")
    history = _page(alice.get("/console/history"))
    assert "by <bdi>bob</bdi>, " in history and f": <bdi>{RLO}evil draft</bdi></li>" in history
    assert "<td><bdi>alice</bdi></td>" in history
    warned = len(load_flow_text(LIVE_TEXT).warnings)  # the default flow's own warnings
    assert f'<td><bdi>{RLO}evil first</bdi> <span class="hint">({warned} warning(s))</span></td>' in history
    approval = _page(alice.get(f"/console/approvals/{waiting.number}"))
    assert f"<h1>Draft {waiting.number}, by <bdi>bob</bdi></h1>" in approval
    assert f": “<bdi>{RLO}evil draft</bdi>”." in approval
    assert "<span>Logged in as <bdi>alice</bdi></span>" in approval
    publish(engine, CHANGED_TEXT, DEFAULT_FLOW.parent, "bob", "second")
    rollback = _page(alice.get("/console/history/1/rollback"))
    assert "was published by <bdi>alice</bdi> on " in rollback and f": “<bdi>{RLO}evil first</bdi>”." in rollback


def test_an_operator_name_with_controls_from_before_is_isolated_and_a_new_one_is_refused(app):
    engine = engine_of(app)
    with pytest.raises(AccountError) as refused:
        add_operator(engine, f"{RLO}yrrem", PASSWORD)
    assert str(refused.value) == (
        "an operator's name may not hold invisible characters (such as ones that turn text right to left): "
        "type it again with letters, digits and spaces only"
    )
    with engine.begin() as connection:  # an account made before names were checked
        connection.execute(insert(operators).values(name=f"{RLO}yrrem", password_hash="x", created=1.0, admin=False))
    page = _page(logged_in(app, "alice").get("/console/operators"))
    assert f"<td><bdi>{RLO}yrrem</bdi></td>" in page
    assert f"Yes, disable <bdi>{RLO}yrrem</bdi></label>" in page
    assert f"Disable <bdi>{RLO}yrrem</bdi></button>" in page


# -- numbers inside right-to-left text (issue 27) ---------------------------------------------------
#: What callers hear after a transfer nobody answered, in Arabic ("…The number is {number}…"),
#: and the same with other words for "the number".
ARABIC_NO_ANSWER = "ar-EG: عذرًا، لم يرد أحد. الرقم هو {number}. يمكنك الاتصال به بنفسك في أي وقت."
ARABIC_NO_ANSWER_CHANGED = "ar-EG: عذرًا، لم يرد أحد. رقم الهاتف هو {number}. يمكنك الاتصال به بنفسك في أي وقت."


def test_spaced_and_international_numbers_in_arabic_are_put_in_left_to_right_isolates():
    assert numbers_in_order("الرقم هو 0800 0121 700. اضغط 1 أو اتصل بـ +448000121700 <b>") == (
        'الرقم هو <bdi dir="ltr">0800 0121 700</bdi>. اضغط 1 أو اتصل بـ <bdi dir="ltr">+448000121700</bdi> &lt;b&gt;'
    )
    assert numbers_in_order("Press 1, 2 or 3 on 12/05.") == "Press 1, 2 or 3 on 12/05."  # nothing to reorder
    assert numbers_in_order("9\u00a09 9") == '<bdi dir="ltr">9\u00a09 9</bdi>'
    assert numbers_in_order("هو 0 8 0 0 … 0 1 2 1 … 7 0 0 ….") == 'هو <bdi dir="ltr">0 8 0 0 … 0 1 2 1 … 7 0 0</bdi> ….'


def test_a_drafts_arabic_number_reads_in_order_in_the_changed_lines_and_in_what_callers_hear(app):
    engine = engine_of(app)
    assert LIVE_TEXT.count(ARABIC_NO_ANSWER) == 1
    drafted = LIVE_TEXT.replace(ARABIC_NO_ANSWER, ARABIC_NO_ANSWER_CHANGED)
    waiting = submit(engine, "bob", drafted, "الرقم 0800 0121 700 في رسالة التحويل", DEFAULT_FLOW.parent)
    approval = _page(logged_in(app, "alice").get(f"/console/approvals/{waiting.number}"))
    assert ': “<bdi>الرقم <bdi dir="ltr">0800 0121 700</bdi> في رسالة التحويل</bdi>”.' in approval
    assert f'<code dir="auto">      {ARABIC_NO_ANSWER}</code>' in approval  # the line removed
    assert f'<code dir="auto">      {ARABIC_NO_ANSWER_CHANGED}</code>' in approval  # and the line added
    arabic = approval[approval.index('<caption><bdi lang="ar-EG">العربية</bdi> (ar-EG)</caption>') :]
    rows = re.findall(
        r'<tr><th scope="row">.*?</th>'
        r'<td lang="ar-EG" dir="auto">(.*?)</td><td lang="ar-EG" dir="auto">(.*?)</td></tr>',
        arabic[: arabic.index("</table>")],
    )
    said = {  # each number as the line says it, twice, in a left-to-right isolate
        name: f'<bdi dir="ltr">{groups} … {groups}</bdi> ….'
        for name, groups in [("crimestoppers", "0 8 0 0 … 5 5 5 … 1 1 1"), ("helpline", "0 8 0 0 … 0 1 2 1 … 7 0 0")]
    }
    instead = {  # "to be put through to … instead, press 2"
        "crimestoppers": "للتحويل إلى خط المساعدة لمكافحة العبودية الحديثة بدلًا من ذلك، اضغط 2.",
        "helpline": "للتحويل إلى كرايم ستوبرز بدلًا من ذلك، اضغط 2.",
    }
    sorry, then = "عذرًا، لم يرد أحد.", "يمكنك الاتصال به بنفسك في أي وقت. للمحاولة مرة أخرى، اضغط 1."
    taken_out = (
        '<del><span class="visually-hidden">[taken out: </span>الرقم<span class="visually-hidden">]</span></del>'
    )
    put_in = '<ins><span class="visually-hidden">[put in: </span>رقم الهاتف<span class="visually-hidden">]</span></ins>'
    assert rows == [
        (
            f"{sorry} {taken_out} هو {said[called]} {then} {instead[called]}",
            f"{sorry} {put_in} هو {said[called]} {then} {instead[called]}",
        )
        for called in ("crimestoppers", "helpline", "crimestoppers", "helpline")
    ]


def test_the_transcripts_number_pattern_is_the_same_as_the_pages():
    """try.js isolates numbers in the transcript it builds itself: the same numbers as here."""
    script = (Path(__file__).parent.parent / "ivr/console/static/console/try.js").read_text(encoding="utf-8")
    assert f"var NUMBER = /{NUMBER.pattern}/g;" in script
