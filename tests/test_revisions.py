"""Publishing the flow as revisions in the database, and a running line taking them."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import PUBLIC, TOKEN

from ivr.cli import main
from ivr.loading import flow_version, load_flow_text
from ivr.tools.simulator import SimulatedCall, flask_transport

WELCOME_END = "To end this call at once, press 9."  # line 337 of the flow, in the English welcome
CHANGED_END = "To end this call now, press 9."


@pytest.fixture
def database_file(tmp_path):
    folder = tmp_path / "database"
    folder.mkdir()
    return folder / "ivr.sqlite3"


@pytest.fixture
def ivr(database_file, flow_file):
    runner = CliRunner(env={"DATABASE_URL": f"sqlite:///{database_file}", "IVR_FLOW_FILE": str(flow_file)})

    def run(*args: str):
        return runner.invoke(main, list(args))

    return run


def _warnings(text: str) -> int:
    """How many warnings the check gives the flow (the default flow has its own)."""
    return len(load_flow_text(text).warnings)


def _write(path, text: str):
    path.write_text(text)
    return path


def test_a_published_flow_is_listed_in_history_and_shown_whole(ivr, flow_file):
    text = flow_file.read_text()
    published = ivr("publish", str(flow_file), "-m", "first publish", "--as", "amira")
    version = flow_version(text)
    assert published.exit_code == 0, published.output
    assert published.output == (
        f"published revision 1 (version {version}), {_warnings(text)} warning(s); every server serves it within a "
        "few seconds\n"
    )
    listed = ivr("history")
    assert listed.exit_code == 0
    header, row = listed.output.splitlines()
    assert header == "revision  published                version     by, and why"
    when = row[10:33]
    assert time.strptime(when, "%Y-%m-%d %H:%M:%S UTC")
    assert row == f"1         {when}  {version}  amira  first publish"
    shown = ivr("show", "1")
    assert (shown.exit_code, shown.output) == (0, text)
    assert ivr("show", "revision 1").output == text
    assert ivr("show", version).output == text  # the names scripts used before numbers were shown
    assert ivr("show", version[:4]).output == text
    assert ivr("show", "2").output == "Error: there is no revision 2: 'ivr history' lists them\n"


def test_a_flow_with_errors_is_refused_with_its_problems_and_nothing_is_stored(ivr, flow_file):
    text = flow_file.read_text()
    line = text[: text.index("next: main_menu")].count("\n") + 1  # moves as the flow's texts change
    _write(flow_file, text.replace("next: main_menu", "next: nowhere", 1))
    refused = ivr("publish", str(flow_file), "-m", "broken", "--as", "amira")
    assert refused.exit_code == 1
    assert refused.output == (
        f"flow:{line}:11: error: there is no node called 'nowhere'\n"
        "    hint: add it under 'nodes:', or fix the name\n"
        "Error: the flow has 1 error(s), so it was not published: fix them ('ivr check FILE' shows them)\n"
    )
    assert ivr("history").output == (
        "nothing published yet: the line serves its flow file ('ivr publish FILE -m ...' publishes one)\n"
    )


def test_publishing_needs_a_message_and_a_new_text(ivr, flow_file):
    assert ivr("publish", str(flow_file), "-m", "  ", "--as", "amira").output == (
        'Error: say why with a message: -m "what changed and why"\n'
    )
    assert ivr("publish", str(flow_file), "-m", "first", "--as", "amira").exit_code == 0
    again = ivr("publish", str(flow_file), "-m", "again", "--as", "amira")
    assert (again.exit_code, again.output) == (
        1,
        f"Error: this text is already live (version {flow_version(flow_file.read_text())}): nothing to publish\n",
    )


def test_a_rollback_publishes_the_old_text_as_a_new_revision(ivr, flow_file):
    old = flow_file.read_text()
    new = old.replace(WELCOME_END, CHANGED_END)
    assert ivr("publish", str(flow_file), "-m", "first", "--as", "amira").exit_code == 0
    assert ivr("publish", str(_write(flow_file, new)), "-m", "shorter", "--as", "ben").exit_code == 0
    rolled = ivr("rollback", "1", "-m", "callers missed the old words", "--as", "carla")
    assert rolled.output == (
        f"rolled back to revision 1: published again as revision 3 (version {flow_version(old)}), replacing "
        f"revision 2, {_warnings(old)} warning(s); every server serves it within a few seconds\n"
    )
    by_version = ivr("rollback", flow_version(new), "-m", "the old words were wrong", "--as", "ben")
    assert by_version.output == (  # a version names a revision too, as in scripts written before numbers
        f"rolled back to revision 2: published again as revision 4 (version {flow_version(new)}), replacing "
        f"revision 3, {_warnings(new)} warning(s); every server serves it within a few seconds\n"
    )
    unknown = ivr("rollback", "7", "-m", "back", "--as", "carla")
    assert (unknown.exit_code, unknown.output) == (1, "Error: there is no revision 7: 'ivr history' lists them\n")
    lines = ivr("history").output.splitlines()[1:]
    assert [line.split("  ", 1)[0].strip() for line in lines] == ["4", "3", "2", "1"]
    assert [line.split(" UTC  ")[1] for line in lines] == [
        f"{flow_version(new)}  ben  the old words were wrong",
        f"{flow_version(old)}  carla  callers missed the old words",
        f"{flow_version(new)}  ben  shorter",
        f"{flow_version(old)}  amira  first",
    ]


def test_diff_shows_what_changed_between_two_revisions_and_against_the_live_one(ivr, flow_file):
    old = flow_file.read_text()
    new = old.replace(WELCOME_END, CHANGED_END)
    ivr("publish", str(flow_file), "-m", "first", "--as", "amira")
    ivr("publish", str(_write(flow_file, new)), "-m", "shorter", "--as", "ben")
    lines = old.splitlines(keepends=True)
    changed = next(i for i, line in enumerate(lines) if WELCOME_END in line)  # moves as the flow's texts change
    context = lines[changed - 3 : changed + 4]
    expected = (
        f"--- revision 1 (version {flow_version(old)})\n+++ revision 2 (version {flow_version(new)})\n"
        f"@@ -{changed - 2},7 +{changed - 2},7 @@\n"
        + "".join(" " + line for line in context[:3])
        + "-" + context[3]
        + "+" + context[3].replace(WELCOME_END, CHANGED_END)
        + "".join(" " + line for line in context[4:])
    )  # fmt: skip
    assert WELCOME_END in context[3]
    assert ivr("diff", "1", "2").output == expected
    assert ivr("diff", "1").output == expected  # B is the live one
    assert ivr("diff", flow_version(old), flow_version(new)).output == expected  # versions name them too
    assert ivr("diff", "2").output == "no differences\n"
    assert ivr("diff", "zzzz").output == "Error: no revision has number or version 'zzzz': 'ivr history' lists them\n"


def _welcome(app) -> str:
    """What a signed call hears once it has chosen English."""
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("1")  # English
    return " ".join(h.text for h in call.heard)


def _until(condition, seconds: float = 15) -> bool:
    """Whether ``condition`` came true within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_a_running_line_serves_a_revision_published_from_the_cli(ivr, make_app, flow_file, database_file):
    app = make_app(DATABASE_URL=f"sqlite:///{database_file}", IVR_RELOAD_SECONDS=0.1)
    assert WELCOME_END in _welcome(app)  # nothing published: the file serves
    edited = flow_file.parent / "edited.yaml"
    _write(edited, flow_file.read_text().replace(WELCOME_END, CHANGED_END))
    assert ivr("publish", str(edited), "-m", "shorter", "--as", "amira").exit_code == 0
    assert _until(lambda: CHANGED_END in _welcome(app))
    store = app.extensions["ivr"].store
    assert store.serving_revisions and store.revision_copy.read_text() == edited.read_text()
    store.stop()


def test_a_database_that_disappears_leaves_the_last_revision_serving(ivr, make_app, flow_file, database_file):
    app = make_app(DATABASE_URL=f"sqlite:///{database_file}", IVR_RELOAD_SECONDS=0.1)
    _write(flow_file, flow_file.read_text().replace(WELCOME_END, CHANGED_END))
    assert ivr("publish", str(flow_file), "-m", "shorter", "--as", "amira").exit_code == 0
    assert _until(lambda: CHANGED_END in _welcome(app))
    shutil.rmtree(database_file.parent)
    app.extensions["ivr.database"].engine.dispose()  # as if the database server went away
    time.sleep(2.5)  # at least one poll of the missing database
    assert CHANGED_END in _welcome(app)
    app.extensions["ivr"].store.stop()


def test_a_line_started_with_the_database_unreachable_serves_its_revision_copy(
    ivr, make_app, flow_file, database_file, tmp_path
):
    first = make_app(DATABASE_URL=f"sqlite:///{database_file}", IVR_RELOAD_SECONDS=0.1)
    edited = _write(tmp_path / "edited.yaml", flow_file.read_text().replace(WELCOME_END, CHANGED_END))
    assert ivr("publish", str(edited), "-m", "shorter", "--as", "amira").exit_code == 0
    assert _until(lambda: CHANGED_END in _welcome(first))
    first.extensions["ivr"].store.stop()
    unreachable = f"sqlite:///{tmp_path}/no/such/folder/ivr.sqlite3"
    late = make_app(DATABASE_URL=unreachable, IVR_RELOAD_SECONDS=0.1)
    assert CHANGED_END in _welcome(late)
    time.sleep(2.5)  # the watcher has tried the database, and failed
    assert CHANGED_END in _welcome(late)
    assert late.extensions["ivr"].store.live.source.endswith(".call_flows.yaml.revision")
    late.extensions["ivr"].store.stop()


def test_ivr_publish_from_a_shell_reaches_a_line_running_under_gunicorn_within_5_seconds(
    gunicorn_server, flow_file, database_file, tmp_path
):
    """The file way, for real: the 'ivr' command in its own process, the line as the Procfile
    starts it (two workers), and a signed call over HTTP."""
    from ivr.database import make_engine
    from ivr.publishing import entries
    from ivr.tools.simulator import http_transport

    url = f"sqlite:///{database_file}"
    server = gunicorn_server(DATABASE_URL=url)

    def welcome() -> str:
        call = SimulatedCall(http_transport(), server.url, TOKEN)
        call.start()
        call.press("1")
        return " ".join(h.text for h in call.heard)

    assert WELCOME_END in welcome()
    edited = _write(tmp_path / "edited.yaml", flow_file.read_text().replace(WELCOME_END, CHANGED_END))
    ivr_command = Path(sys.executable).with_name("ivr")
    environment = dict(os.environ, DATABASE_URL=url, IVR_FLOW_FILE=str(flow_file))
    done = subprocess.run(
        [str(ivr_command), "publish", str(edited), "-m", "shorter way to end the call", "--as", "amira"],
        env=environment, capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    version = flow_version(edited.read_text())
    assert done.stdout.startswith(f"published revision 1 (version {version}), ")
    published = time.monotonic()
    assert _until(lambda: CHANGED_END in welcome(), seconds=5)  # the first worker
    # Every worker serves it 5 s after the publish (each call may land on either of the two).
    time.sleep(max(0.0, published + 5 - time.monotonic()))
    assert all(CHANGED_END in welcome() for _ in range(8))
    [entry] = entries(make_engine(url))
    assert (entry.actor, entry.action) == ("amira", "publish")
    assert entry.detail == f"revision 1 (version {version}), from the command line: shorter way to end the call"
