"""The running line takes a valid edit of the flow file and refuses anything else."""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import xml.etree.ElementTree as ET

import pytest
from support import HELPLINE, PUBLIC, ROOT, TOKEN, silence_until_transfer

from ivr.runtime.state import CallState
from ivr.serve.copies import last_good_path, revision_copy_path
from ivr.serve.store import FlowStore
from ivr.tools.simulator import SimulatedCall, flask_transport

WELCOME_END = "To end this call at once, press 9."  # the end of the English welcome


def _settled_write(path, text: str) -> None:
    """Write the file as an editor would, dated a moment ago so the line takes it at once."""
    path.write_text(text)
    past = time.time() - 5
    os.utime(path, (past, past))


def test_a_valid_edit_goes_live_and_a_broken_one_is_refused(flow_file):
    store = FlowStore(flow_file, reload_seconds=-1)  # checked by hand here, as the watcher would
    first = store.live.flow.version
    good = flow_file.read_text()
    for broken in ["", good[: len(good) // 2], "nodes: [\n", good.replace("next: main_menu", "next: nowhere", 1)]:
        _settled_write(flow_file, broken)
        assert store.check_now() is False
        assert store.live.flow.version == first
        assert store.last_result is not None and not store.last_result.ok
    flow_file.unlink()
    assert store.check_now() is False
    assert store.live.flow.version == first
    assert good.count(WELCOME_END) == 1
    _settled_write(flow_file, good.replace(WELCOME_END, "To end this call at once, press 9 on your keypad."))
    assert store.check_now() is True
    assert store.live.flow.version != first
    welcome = ET.fromstring(store.live.renderer.render(CallState("welcome", "en-GB")))
    assert "".join(welcome.find("Gather/Say").itertext()).endswith("press 9 on your keypad.")


def test_a_file_being_written_is_not_read_until_it_settles(flow_file):
    store = FlowStore(flow_file, reload_seconds=-1)
    first = store.live.flow.version
    good = flow_file.read_text()
    assert good.count(WELCOME_END) == 1
    flow_file.write_text(good.replace(WELCOME_END, "To end this call now, press 9."))
    assert store.check_now() is False
    assert store.live.flow.version == first  # just written: wait for the editor to finish
    past = time.time() - 5
    os.utime(flow_file, (past, past))
    assert store.check_now() is True
    assert store.live.flow.version != first


def test_the_watcher_takes_an_edit_without_any_request_waiting_for_the_check(flow_file):
    store = FlowStore(flow_file, reload_seconds=0.05)
    try:
        first = store.live.flow.version  # the first use starts this process's watcher
        good = flow_file.read_text()
        _settled_write(flow_file, good.replace(WELCOME_END, "To end this call now, press 9."))
        deadline = time.monotonic() + 30
        while store.live.flow.version == first and time.monotonic() < deadline:
            time.sleep(0.05)
        assert store.live.flow.version != first
        assert store.live.source == str(flow_file)
    finally:
        store.stop()


def test_a_file_that_crashes_or_exhausts_the_checker_is_refused_in_the_child(flow_file, monkeypatch):
    from ivr.loading import isolated as isolated_load

    store = FlowStore(flow_file, reload_seconds=-1)
    first = store.live.flow.version
    monkeypatch.setattr(isolated_load, "MEMORY_LIMIT_BYTES", 40 * 1024**2)  # less than Python needs to start
    _settled_write(flow_file, flow_file.read_text().replace(WELCOME_END, "Press 9 to leave."))
    assert store.check_now() is False
    assert [p.message for p in store.last_result.problems] == ["checking the file ran out of memory"]
    assert store.live.flow.version == first


def test_no_request_fails_while_the_file_changes_under_a_running_line(make_app, flow_file):
    app = make_app(IVR_RELOAD_SECONDS=0)
    good = flow_file.read_text()
    edits = ["", "line: [", good[:300], good.replace("main_menu", "menu_main"), good]
    for edit in edits:
        _settled_write(flow_file, edit)
        call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
        call.start()
        silence_until_transfer(call)
        assert not any(h.kind == "error" for h in call.heard)
        assert call.dialled_number == HELPLINE


def test_a_call_in_progress_survives_a_node_disappearing(make_app, flow_file):
    app = make_app(IVR_RELOAD_SECONDS=0)
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("1")  # English
    call.press("1")  # now at about_slavery_menu
    edited = flow_file.read_text().replace("about_slavery_menu", "more_about_slavery")
    _settled_write(flow_file, edited)
    store = app.extensions["ivr"].store
    store.check_now()  # what the watcher does within 2 s (it may have done it already)
    assert "more_about_slavery" in store.live.flow.nodes and "about_slavery_menu" not in store.live.flow.nodes
    call.press("2")
    assert call.dialled_number == HELPLINE  # the old node is gone: safe, to the helpline


def test_with_no_valid_flow_at_all_the_builtin_safe_flow_serves(make_app, flow_file):
    flow_file.write_text("this is not a flow")
    app = make_app()
    assert app.extensions["ivr"].store.live.source == "built-in safe flow"
    client = app.test_client()
    from twilio.request_validator import RequestValidator

    params = {"CallSid": "CA" + "2" * 32}
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + "/voice", params)
    root = ET.fromstring(client.post("/voice", data=params, headers={"X-Twilio-Signature": signature}).data)
    assert root.find("Dial/Number").text == HELPLINE


def test_a_worker_that_starts_while_the_file_is_broken_serves_the_last_good_flow(flow_file):
    first = FlowStore(flow_file, reload_seconds=0)
    good_version = first.live.flow.version
    _settled_write(flow_file, "line: [")
    assert first.live.flow.version == good_version
    late = FlowStore(flow_file, reload_seconds=0)  # e.g. gunicorn replaced a worker
    assert late.live.flow.version == good_version
    assert late.live.source.endswith(".last-good")


def test_the_last_good_copy_is_what_was_checked(flow_file):
    store = FlowStore(flow_file, reload_seconds=0)
    saved = (flow_file.parent / f".{flow_file.name}.last-good").read_text()
    assert saved == flow_file.read_text()
    assert store.live.source == str(flow_file)


def _insert_revision(database, text: str) -> None:
    """A row written straight into the table, as a bug or a hand edit could: never checked."""
    from sqlalchemy import insert

    from ivr.database import flow_revisions
    from ivr.loading import flow_version

    with database.engine.begin() as connection:
        connection.execute(
            insert(flow_revisions).values(
                version=flow_version(text), text=text, author="test", at=time.time(), message="m", warnings="[]"
            )
        )


def test_a_published_revision_wins_over_the_file_and_a_bad_one_never_goes_live(flow_file, tmp_path):
    from ivr.database import Database

    database = Database(f"sqlite:///{tmp_path / 'ivr.sqlite3'}")
    store = FlowStore(flow_file, reload_seconds=-1, database=database, poll_seconds=0)
    good = flow_file.read_text()
    assert store.check_now() is False and not store.serving_revisions  # nothing published: the file serves
    _insert_revision(database, good.replace(WELCOME_END, "Press 9 to leave."))
    assert store.check_now() is True
    assert store.serving_revisions and store.live.source.startswith("revision 1 (")
    revision_version = store.live.flow.version
    _settled_write(flow_file, good.replace(WELCOME_END, "To leave, press 9."))
    assert store.check_now() is False  # the file's edit is not served once revisions win
    _insert_revision(database, good.replace("next: main_menu", "next: nowhere", 1))
    assert store.check_now() is False
    assert [p.message for p in store.last_result.errors] == ["there is no node called 'nowhere'"]
    assert store.live.flow.version == revision_version
    assert store.revision_copy.read_text() == good.replace(WELCOME_END, "Press 9 to leave.")


def test_the_copies_a_server_keeps_beside_the_flow_file_never_show_in_git_status():
    """A console publish wrote .call_flows.yaml.revision into the operator's checkout, where
    git status listed it as a new file to commit."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of the line")
    flow_file = ROOT / "call_flows.yaml"
    copies = [last_good_path(flow_file).name, revision_copy_path(flow_file).name]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", *copies], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert ignored.stdout.splitlines() == [".call_flows.yaml.last-good", ".call_flows.yaml.revision"]
