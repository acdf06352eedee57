"""Text that reorders itself (Unicode bidi controls such as U+202E, RIGHT-TO-LEFT OVERRIDE)
cannot make the console say something else: every operator's name, revision and draft
message is shown in a <bdi>, and the audit log stores a tried name's controls as their codes,
so a stranger failing a login as "\u202eecila" does not read as alice, on the page or in the CSV."""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import insert
from support import DEFAULT_FLOW
from test_console import PASSWORD, Browser
from test_console_editing import CHANGED_TEXT, LIVE_TEXT, engine_of

from ivr.audit import entries
from ivr.console.accounts import AccountError, add_operator
from ivr.db import operators
from ivr.drafts import submit
from ivr.load import load_flow_text
from ivr.revisions import publish

RLO = "\u202e"


@pytest.fixture
def app(make_app):
    app = make_app()
    add_operator(engine_of(app), "alice", PASSWORD, admin=True)
    add_operator(engine_of(app), "bob", PASSWORD)
    return app


def _logged_in(app, name: str) -> Browser:
    browser = Browser(app)
    assert browser.login(name).status_code == 302
    return browser


def _page(response) -> str:
    return response.get_data(as_text=True)


def test_a_failed_login_under_a_reversed_name_is_stored_with_its_controls_made_visible(app):
    assert Browser(app).login(f"{RLO}ecila", "not the password at all").status_code == 401
    assert [(e.actor, e.action) for e in entries(engine_of(app))] == [("[U+202E]ecila", "login-failed")]
    alice = _logged_in(app, "alice")
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
    alice = _logged_in(app, "alice")
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
    page = _page(_logged_in(app, "alice").get("/console/operators"))
    assert f"<td><bdi>{RLO}yrrem</bdi></td>" in page
    assert f"Yes, disable <bdi>{RLO}yrrem</bdi></label>" in page
    assert f"Disable <bdi>{RLO}yrrem</bdi></button>" in page
