"""The team in the console: operators listed, added, disabled and enabled by an admin, your
own password, and the audit log of logins and changes, on the page and as CSV."""

from __future__ import annotations

import csv
import getpass
import io

import pytest
from test_console import PASSWORD, Browser, logged_in, with_operators
from test_console_editing import engine_of, words

from ivr.console.accounts import add_operator
from ivr.publishing import entries

NEW_PASSWORD = "another long enough password"


@pytest.fixture
def app(make_app):
    return with_operators(make_app(), "alice", "bob", admins=("alice",))


def audit(app) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.detail) for e in reversed(entries(engine_of(app)))]


def test_logins_failed_logins_and_logouts_are_in_the_audit_log_with_the_name_only(app):
    Browser(app).login("bob", "not the password at all")
    Browser(app).login("+44 7700 900123", "a number typed as a name")
    bob = logged_in(app, "bob")
    bob.post("/console/logout")
    assert audit(app) == [
        ("bob", "login-failed", ""),
        ("[number]", "login-failed", ""),
        ("bob", "login", ""),
        ("bob", "logout", ""),
    ]


def test_an_admin_adds_and_disables_an_operator_whose_sessions_end_at_once(app):
    alice, bob = logged_in(app, "alice"), logged_in(app, "bob")
    added = alice.post("/console/operators", {"do": "add", "name": "carol", "password": PASSWORD})
    assert added.status_code == 302
    unconfirmed = alice.post("/console/operators", {"do": "disable", "name": "bob"})
    assert unconfirmed.status_code == 400 and "Tick 'Yes, disable bob' to confirm." in words(unconfirmed)
    assert bob.get("/console/edit").status_code == 200
    assert alice.post("/console/operators", {"do": "disable", "name": "bob", "confirm": "1"}).status_code == 302
    assert bob.get("/console/edit").status_code == 302  # logged out on the spot
    refused = Browser(app).login("bob")
    assert refused.status_code == 401 and "That name and password do not match an operator." in words(refused)
    page = words(alice.get("/console/operators"))
    assert "alice (you) admin" in page and "carol operator" in page and "bob operator" in page
    assert "no: disabled on" in page
    assert alice.post("/console/operators", {"do": "enable", "name": "bob"}).status_code == 302
    assert Browser(app).login("bob").status_code == 302
    assert [a for a in audit(app) if a[1].startswith("operator-")] == [
        ("alice", "operator-added", "carol"),
        ("alice", "operator-disabled", "bob"),
        ("alice", "operator-enabled", "bob"),
    ]


def test_disabling_an_operator_withdraws_the_drafts_they_left_waiting_so_nobody_can_put_them_live(make_app):
    from test_console_editing import CHANGED_TEXT

    from ivr.publishing import draft_of, history, proposal, save_draft

    app = make_app(IVR_REQUIRE_APPROVAL="1")
    engine = engine_of(app)
    for name in ("alice", "bob", "carol"):
        add_operator(engine, name, PASSWORD, admin=name == "alice")
    alice, bob, carol = logged_in(app, "alice"), logged_in(app, "bob"), logged_in(app, "carol")
    assert bob.post("/console/edit/publish", {"text": CHANGED_TEXT, "message": "Say 'now'"}).status_code == 302
    save_draft(engine, "bob", "the next change, half-written", None)
    done = alice.post("/console/operators", {"do": "disable", "name": "bob", "confirm": "1"})
    assert done.status_code == 302
    assert (
        "bob is disabled: their sessions have ended on every server. Their draft waiting for approval (number 1) "
        "was withdrawn and their unsaved draft was deleted." in words(alice.get("/console/operators"))
    )
    assert (proposal(engine, 1).status, proposal(engine, 1).decided_by) == ("withdrawn", "alice")
    assert draft_of(engine, "bob") is None
    late = carol.post("/console/approvals/1", {"do": "approve"})
    assert late.status_code == 400 and "draft number 1 was already withdrawn by alice." in words(late)
    assert history(engine) == []
    assert [a for a in audit(app) if a[0] == "alice" and a[1] != "login"] == [
        ("alice", "operator-disabled", "bob; their unsaved draft was deleted"),
        ("alice", "withdraw", "draft 1 by bob: its author was disabled"),
    ]


def test_only_an_admin_changes_the_team_and_the_last_admin_cannot_be_disabled(app):
    bob = logged_in(app, "bob")
    refused = bob.post("/console/operators", {"do": "disable", "name": "alice", "confirm": "1"})
    assert refused.status_code == 403
    assert "Only an admin can add, disable or enable operators." in words(bob.get("/console/operators"))
    add_operator(engine_of(app), "root", PASSWORD, admin=True)
    root = logged_in(app, "root")
    assert root.post("/console/operators", {"do": "disable", "name": "alice", "confirm": "1"}).status_code == 302
    last = root.post("/console/operators", {"do": "disable", "name": "root", "confirm": "1"})
    assert last.status_code == 400
    assert "Root is the last admin who can log in: make another admin first." in words(last)


def test_changing_your_password_ends_your_other_sessions_and_keeps_this_one(app):
    here, elsewhere = logged_in(app, "bob"), logged_in(app, "bob")
    wrong = here.post("/console/password", {"current": "not it at all!!", "new": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert wrong.status_code == 400 and "Your current password is not right." in words(wrong)
    done = here.post("/console/password", {"current": PASSWORD, "new": NEW_PASSWORD, "again": NEW_PASSWORD})
    assert done.status_code == 302
    assert here.get("/console/edit").status_code == 200
    assert elsewhere.get("/console/edit").status_code == 302
    assert Browser(app).login("bob", NEW_PASSWORD).status_code == 302
    assert ("bob", "password-changed", "bob's own") in audit(app)


def test_the_audit_log_is_shown_and_exported_as_csv(app):
    alice = logged_in(app, "alice")
    alice.post("/console/operators", {"do": "add", "name": "=cmd", "password": PASSWORD})
    page = words(alice.get("/console/audit"))
    assert "alice added an operator =cmd" in page
    exported = alice.get("/console/audit.csv?days=7")
    assert exported.headers["Content-Disposition"] == "attachment; filename=ivr-audit-7-days.csv"
    rows = list(csv.reader(io.StringIO(exported.get_data(as_text=True))))
    assert rows[0] == ["when (UTC)", "who", "action", "what", "detail"]
    assert [r[1:] for r in rows[1:]] == [
        ["alice", "operator-added", "added an operator", "'=cmd"],
        ["alice", "login", "logged in", ""],
    ]


def test_operators_from_the_command_line_admin_disable_enable_and_each_in_the_audit_log(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from ivr.cli import main
    from ivr.console.roster import team
    from ivr.database import Database

    monkeypatch.setenv("IVR_DATABASE_FILE", str(tmp_path / "ops.sqlite3"))
    runner = CliRunner()
    added = runner.invoke(main, ["operator", "add", "root", "--admin"], input=f"{PASSWORD}\n{PASSWORD}\n")
    assert (added.exit_code, added.output) == (0, "operator 'root' added as an admin\n")
    assert runner.invoke(main, ["operator", "add", "dan"], input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    last = runner.invoke(main, ["operator", "disable", "root"])
    assert (last.exit_code, last.output) == (
        1,
        "Error: root is the last admin who can log in: make another admin first\n",
    )
    assert runner.invoke(main, ["operator", "add", "dan", "--admin"]).output == "operator 'dan' is now an admin\n"
    assert runner.invoke(main, ["operator", "disable", "root"]).exit_code == 0
    assert runner.invoke(main, ["operator", "enable", "root"]).exit_code == 0
    engine = Database(f"sqlite:///{tmp_path / 'ops.sqlite3'}").engine
    assert [(o.name, o.admin, o.disabled) for o in team(engine)] == [("dan", True, None), ("root", True, None)]
    actor = f"cli:{getpass.getuser()}"
    assert [(e.actor, e.action, e.detail) for e in reversed(entries(engine))] == [
        (actor, "operator-added", "root (admin)"),
        (actor, "operator-added", "dan"),
        (actor, "operator-added", "dan made admin"),
        (actor, "operator-disabled", "root"),
        (actor, "operator-enabled", "root"),
    ]


def test_ivr_operator_disable_withdraws_their_waiting_drafts_and_says_so(tmp_path, monkeypatch):
    from click.testing import CliRunner
    from support import DEFAULT_FLOW

    from ivr.cli import main
    from ivr.database import Database
    from ivr.publishing import proposal, publish, save_draft, submit

    monkeypatch.setenv("IVR_DATABASE_FILE", str(tmp_path / "ops.sqlite3"))
    engine = Database(f"sqlite:///{tmp_path / 'ops.sqlite3'}").engine
    add_operator(engine, "erin", PASSWORD)
    text = DEFAULT_FLOW.read_text(encoding="utf-8")
    publish(engine, text, DEFAULT_FLOW.parent, "ci", "as shipped")
    first = submit(engine, "erin", text.replace("a day.", "a day!", 1), "one", DEFAULT_FLOW.parent)
    save_draft(engine, "erin", "half-written", None)
    done = CliRunner().invoke(main, ["operator", "disable", "erin"])
    assert (done.exit_code, done.output) == (
        0,
        "operator 'erin' disabled; their console sessions have ended\n"
        f"Their draft waiting for approval (number {first.number}) was withdrawn and their unsaved draft was "
        "deleted.\n",
    )
    actor = f"cli:{getpass.getuser()}"
    assert (proposal(engine, first.number).status, proposal(engine, first.number).decided_by) == ("withdrawn", actor)
    assert [(e.actor, e.action, e.detail) for e in reversed(entries(engine))] == [
        (actor, "operator-disabled", "erin; their unsaved draft was deleted"),
        (actor, "withdraw", f"draft {first.number} by erin: its author was disabled"),
    ]


def test_the_audit_log_is_kept_its_own_longer_period_and_pruned_with_the_statistics(make_app):
    import time

    from support import PUBLIC, TOKEN

    from ivr.definition.limits import DAY_SECONDS
    from ivr.publishing import record
    from ivr.tools.simulator import SimulatedCall, flask_transport

    app = make_app(IVR_RETENTION_DAYS="30", IVR_AUDIT_RETENTION_DAYS="400")
    engine = engine_of(app)
    record(engine, "alice", "publish", "too old", now=time.time() - 401 * DAY_SECONDS)
    record(engine, "alice", "publish", "older than the statistics", now=time.time() - 399 * DAY_SECONDS)
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()  # a call's events make the writer do its clean-up
    assert app.extensions["ivr"].recorder.flush(timeout=5)
    assert [e.detail for e in entries(engine)] == ["older than the statistics"]
