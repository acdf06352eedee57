"""The line's database on SQLite and on a real PostgreSQL server: the same tests on both.

Revisions, drafts and approvals, the audit log, operators and their logins, the shared
console key and the call statistics; and the whole line on each backend, from a console
publish to a call that hears it."""

from __future__ import annotations

import threading
import time

import pytest
from support import DEFAULT_FLOW, PUBLIC, TOKEN

from ivr.console.accounts import (
    add_operator,
    complete_login,
    operator_of,
    password_matches,
    reserve_login,
)
from ivr.console.roster import disable, is_admin, team
from ivr.database import Database, shared_secret
from ivr.publishing import (
    DraftError,
    LeftBehind,
    approve,
    diff,
    draft_of,
    entries,
    find,
    history,
    latest_head,
    proposal,
    proposals,
    prune,
    publish,
    record,
    reject,
    rollback,
    save_draft,
    submit,
)
from ivr.stats.report import summarise
from ivr.tools.simulator import SimulatedCall, flask_transport

PASSWORD = "a long enough password"
TEXT = DEFAULT_FLOW.read_text(encoding="utf-8")
CHANGED = TEXT.replace(
    "en-GB: Connecting you to the helpline.", "en-GB: Connecting you to the helpline, open all day and all night.", 1
)
FOLDER = DEFAULT_FLOW.parent


@pytest.fixture
def engine(database_url):
    engine = Database(database_url).engine
    yield engine
    engine.dispose()  # PostgreSQL: no connection left open when the test ends


def test_revisions_publish_list_find_diff_and_roll_back(engine):
    first = publish(engine, TEXT, FOLDER, "alice", "as shipped", now=1000.0)
    second = publish(engine, CHANGED, FOLDER, "bob", "all night")
    assert latest_head(engine) == (second.number, second.version)
    assert [(r.number, r.author, r.replaces) for r in history(engine)] == [
        (second.number, "bob", first.version),
        (first.number, "alice", None),
    ]
    assert find(engine, first.version[:4]).at == 1000.0
    changed_lines = [line for line in diff(engine, first.version).splitlines() if line[:1] in "+-"]
    assert [line[:1] for line in changed_lines] == ["-", "+", "-", "+"]  # the two revisions' names, then the line
    assert "the helpline." in changed_lines[2] and "open all day and all night." in changed_lines[3]
    back = rollback(engine, first.version, FOLDER, "carol", "too long")
    assert (back.text, back.replaces, back.message) == (TEXT, second.version, "too long")


def test_drafts_and_approvals_decide_once(engine):
    publish(engine, TEXT, FOLDER, "ci", "as shipped")
    save_draft(engine, "alice", "first", "base-one")
    assert draft_of(engine, "alice").base == "base-one"
    assert save_draft(engine, "alice", CHANGED, "base-two").base == "base-one"  # where it started
    waiting = submit(engine, "alice", CHANGED, "all night", FOLDER)
    with pytest.raises(DraftError, match="nobody can approve their own draft"):
        approve(engine, waiting.number, "alice", FOLDER)
    results = []

    def decide(name: str) -> None:
        try:
            results.append(approve(engine, waiting.number, name, FOLDER)[1].approved_by)
        except DraftError as exc:
            results.append(str(exc))

    threads = [threading.Thread(target=decide, args=(name,)) for name in ("bob", "carol")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([r for r in results if r in ("bob", "carol")]) == 1  # one approval, one revision
    assert [r.approved_by for r in history(engine)][0] in ("bob", "carol") and len(history(engine)) == 2
    again = submit(engine, "alice", TEXT.replace("a day.", "a day!", 1), "again", FOLDER)
    assert reject(engine, again.number, "bob").status == "rejected"
    assert proposals(engine) == []


def test_disabling_an_operator_withdraws_their_waiting_drafts_and_deletes_their_own(engine):
    publish(engine, TEXT, FOLDER, "ci", "as shipped")
    add_operator(engine, "alice", PASSWORD, admin=True)
    add_operator(engine, "mallory", PASSWORD)
    waiting = submit(engine, "mallory", CHANGED, "all night", FOLDER)
    save_draft(engine, "mallory", "half-written", None)
    assert disable(engine, "mallory", "alice", now=5000.0) == LeftBehind((waiting.number,), True)
    withdrawn = proposal(engine, waiting.number)
    assert (withdrawn.status, withdrawn.decided_by, withdrawn.decided_at) == ("withdrawn", "alice", 5000.0)
    assert draft_of(engine, "mallory") is None and proposals(engine) == []
    assert [(e.actor, e.action, e.detail) for e in reversed(entries(engine))] == [
        ("alice", "operator-disabled", "mallory; their unsaved draft was deleted"),
        ("alice", "withdraw", f"draft {waiting.number} by mallory: its author was disabled"),
    ]


def test_a_draft_whose_author_is_disabled_is_refused_on_approval_with_what_to_do(engine):
    publish(engine, TEXT, FOLDER, "ci", "as shipped")
    add_operator(engine, "alice", PASSWORD, admin=True)
    add_operator(engine, "mallory", PASSWORD)
    waiting = submit(engine, "mallory", CHANGED, "all night", FOLDER)
    from sqlalchemy import update

    from ivr.database import operators

    with engine.begin() as connection:  # disabled by an older line, which left the proposal waiting
        connection.execute(update(operators).where(operators.c.name == "mallory").values(disabled=1.0))
    with pytest.raises(DraftError) as refused:
        approve(engine, waiting.number, "alice", FOLDER)
    assert str(refused.value) == (
        "mallory's account is disabled, so their draft cannot go live: if the change is still wanted, make it "
        "in a draft of your own (or ask an admin to enable the account first)"
    )
    assert proposal(engine, waiting.number).status == "waiting" and len(history(engine)) == 1


def test_the_audit_log_keeps_order_masks_numbers_and_prunes(engine):
    record(engine, "alice", "login", now=100.0)
    record(engine, "+44 7700 900123", "login-failed", now=200.0)
    record(engine, "alice", "publish", "x" * 5000, now=300.0)
    assert [(e.actor, e.action, len(e.detail)) for e in entries(engine)] == [
        ("alice", "publish", 2000),
        ("[number]", "login-failed", 0),
        ("alice", "login", 0),
    ]
    assert prune(engine, 1, now=100.0 + 86400 + 150) == 2


def test_operators_log_in_are_disabled_and_concurrent_tries_are_counted(engine):
    add_operator(engine, "alice", PASSWORD, admin=True)
    add_operator(engine, "bob", PASSWORD)
    assert [(o.name, o.admin) for o in team(engine)] == [("alice", True), ("bob", False)]
    assert is_admin(engine, "alice") and not is_admin(engine, "bob")
    now = time.time()
    attempt = reserve_login(engine, "bob", "192.0.2.1", now)
    assert password_matches(engine, "bob", PASSWORD)
    session = complete_login(engine, "bob", "192.0.2.1", attempt, now)
    assert operator_of(engine, session, now) == "bob"
    disable(engine, "bob", "alice")
    assert operator_of(engine, session, now) is None and not password_matches(engine, "bob", PASSWORD)
    waits = []
    threads = [
        threading.Thread(target=lambda: waits.append(reserve_login(engine, "alice", "198.51.100.7", now).wait))
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(waits)[:3] == [0, 0, 0] and all(w > 0 for w in sorted(waits)[3:])


def test_every_server_gets_the_same_console_key(database_url):
    servers = [Database(database_url) for _ in range(3)]
    keys = {shared_secret(server.engine, "key") for server in servers}
    for server in servers:
        server.engine.dispose()
    assert len(keys) == 1


def test_the_whole_line_on_each_backend_a_publish_is_served_and_calls_are_counted(make_app, database_url):
    app = make_app(DATABASE_URL=database_url)
    engine = app.extensions["ivr.database"].engine
    publish(engine, CHANGED, FOLDER, "alice", "all night")
    store = app.extensions["ivr"].store
    store.check_now()
    assert store.live.flow.version == history(engine)[0].version
    for keys in (["1", ""], ["2"]):  # "": silence at the main menu, and the line connects by itself
        call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
        call.start()
        for key in keys:
            heard = call.press(key) if key else call.silence()
        if keys == ["1", ""]:
            assert heard[0].text.startswith("Connecting you to the helpline, open all day and all night.")
    assert app.extensions["ivr"].recorder.flush(timeout=10)
    assert summarise(engine, 1).calls == 2
    store.stop()
    engine.dispose()


def _at_once(count: int, work) -> list[object]:
    """Run ``work()`` in ``count`` threads released together; what each returned or raised."""
    start = threading.Barrier(count)
    results: list[object] = []

    def run() -> None:
        start.wait()
        try:
            results.append(work())
        except Exception as exc:
            results.append(exc)

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_simultaneous_rollbacks_make_one_revision_with_the_right_predecessor(engine):
    first = publish(engine, TEXT, FOLDER, "alice", "as shipped")
    second = publish(engine, CHANGED, FOLDER, "bob", "all night")
    results = _at_once(4, lambda: rollback(engine, first.version, FOLDER, "carol", "callers missed the old words"))
    made = [r for r in results if not isinstance(r, Exception)]
    refused = sorted(str(r) for r in results if isinstance(r, Exception))
    assert len(made) == 1
    assert refused == [f"this text is already live (version {first.version}): nothing to publish"] * 3
    assert [(r.author, r.version, r.replaces) for r in history(engine)] == [
        ("carol", first.version, second.version),
        ("bob", second.version, first.version),
        ("alice", first.version, None),
    ]


def test_simultaneous_publishes_of_different_texts_chain_one_after_another(engine):
    publish(engine, TEXT, FOLDER, "alice", "as shipped")
    # Told apart by a word, not a digit: a digit in the English alone is a key the translations lack.
    texts = iter([CHANGED.replace("open all day", f"open all day ({word})", 1) for word in ("a", "b", "c", "d")])
    lock = threading.Lock()

    def next_text() -> str:
        with lock:
            return next(texts)

    results = _at_once(4, lambda: publish(engine, next_text(), FOLDER, "bob", "one of four"))
    assert not [r for r in results if isinstance(r, Exception)]
    chain = list(reversed(history(engine)))
    assert [r.replaces for r in chain] == [None] + [r.version for r in chain[:-1]]  # each names the one before


def test_approval_publishes_what_was_checked_without_checking_again(engine, monkeypatch):
    from ivr.loading import load_flow_text
    from ivr.publishing import revisions

    publish(engine, TEXT, FOLDER, "ci", "as shipped")
    served = load_flow_text(TEXT, FOLDER).flow  # what the approver's server serves, as the console passes it
    checked = load_flow_text(CHANGED, FOLDER)
    waiting = submit(engine, "alice", CHANGED, "all night", FOLDER, checked=checked)

    def no_second_check(*args, **kwargs):
        raise AssertionError("the approving worker checked the text again")

    monkeypatch.setattr(revisions, "load_flow_text", no_second_check)
    decided, revision = approve(engine, waiting.number, "bob", FOLDER, checked=checked, live=served)
    assert (decided.status, revision.approved_by, revision.author) == ("approved", "bob", "alice")
    assert revision.text == CHANGED
