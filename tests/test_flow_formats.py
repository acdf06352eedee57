"""Flow format versions: an older file read as the current format, upgraded for good by
``ivr flow upgrade`` keeping its comments and order, and a newer one refused.

Each step has a pair of files in tests/formats/ (as goflow's migration test data):
``N-to-M.before.yaml`` upgrades to exactly ``N-to-M.after.yaml``, and the line reads both
as the same flow."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW

from ivr.cli import main
from ivr.definition.formats import CURRENT_FORMAT, STEPS
from ivr.definition.schema import flow_schema
from ivr.loading import load_flow_file, load_flow_text
from ivr.translations.flow_text import parse_document
from ivr.translations.upgrading import CannotEdit, upgraded

PAIRS = Path(__file__).resolve().parent / "formats"
STEP_NAMES = [f"{start}-to-{step.to}" for start, step in sorted(STEPS.items())]
NOTE_1 = (
    "written in flow format 1, which this line still reads (it writes format 2); to bring the file up to date, "
    "keeping its comments and order, run: ivr flow upgrade old.yaml"
)


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.mark.parametrize("name", STEP_NAMES)
def test_each_step_upgrades_its_file_to_exactly_the_next_format(name: str):
    before = (PAIRS / f"{name}.before.yaml").read_text(encoding="utf-8")
    after = (PAIRS / f"{name}.after.yaml").read_text(encoding="utf-8")
    assert upgraded(before).text == after


@pytest.mark.parametrize("name", STEP_NAMES)
def test_the_line_reads_the_older_file_as_the_flow_its_upgrade_is(name: str):
    before = (PAIRS / f"{name}.before.yaml").read_text(encoding="utf-8")
    after = (PAIRS / f"{name}.after.yaml").read_text(encoding="utf-8")
    assert parse_document(before)[1] == parse_document(after)[1]
    old, new = load_flow_text(before), load_flow_text(after)
    assert (old.format, new.format) == (int(name.split("-")[0]), CURRENT_FORMAT)
    # The same problems (at other lines: the upgrade adds 'version:' and takes lines out).
    assert sorted((p.severity, p.code, p.message) for p in old.problems) == sorted(
        (p.severity, p.code, p.message) for p in new.problems
    )
    assert old.problems


def test_every_step_has_its_pair_of_files():
    names = {path.name.removesuffix(".before.yaml").removesuffix(".after.yaml") for path in PAIRS.glob("*.yaml")}
    assert names == set(STEP_NAMES)
    assert max(step.to for step in STEPS.values()) == CURRENT_FORMAT


def test_an_explicit_version_1_is_replaced_in_place():
    text = "# my flow\nversion: 1   # the old format\nline: {name: x, start: a, helpline: h}\n"
    result = upgraded(text)
    assert (result.text, result.written_in, result.changes) == (
        "# my flow\nversion: 2   # the old format\nline: {name: x, start: a, helpline: h}\n",
        1,
        ("'version: 2' says the format it is written in now",),
    )


def test_line_endings_and_a_byte_order_mark_are_kept():
    text = "\ufeffline:\r\n  languages:\r\n    en-GB:\r\n      name: English\r\n      reviewed: true\r\n"
    assert upgraded(text).text == "\ufeffversion: 2\r\nline:\r\n  languages:\r\n    en-GB:\r\n      name: English\r\n"


def test_the_live_flow_is_in_the_current_format_and_the_schema_says_which():
    assert load_flow_file(DEFAULT_FLOW).format == CURRENT_FORMAT
    assert upgraded(DEFAULT_FLOW.read_text(encoding="utf-8")).changes == ()
    assert flow_schema()["properties"]["version"] == {
        "const": CURRENT_FORMAT,
        "default": CURRENT_FORMAT,
        "description": "The flow format this file is written in (README, 'Flow format versions'). A file without "
        "it is format 1, which the line still reads; 'ivr flow upgrade FILE' brings a file up to date.",
        "title": "Version",
        "type": "integer",
    }
    assert "reviewed" not in flow_schema()["$defs"]["Language"]["properties"]


# -- the commands ----------------------------------------------------------------------------------
@pytest.fixture
def old_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "old.yaml"
    path.write_text((PAIRS / "1-to-2.before.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def test_ivr_flow_upgrade_rewrites_the_file_and_says_what_changed(old_file):
    result = run("flow", "upgrade", "old.yaml")
    assert (result.exit_code, result.output.splitlines()) == (
        0,
        [
            "old.yaml: upgraded from flow format 1 to 2, its comments and order kept:",
            "  - 'reviewed:' is taken out of every language: it no longer means anything, as reviews are kept per "
            "text under 'reviews:'",
            "  - 'version: 2' says the format it is written in now",
            "Check it before it goes live: ivr check old.yaml",
        ],
    )
    assert old_file.read_text(encoding="utf-8") == (PAIRS / "1-to-2.after.yaml").read_text(encoding="utf-8")
    again = run("flow", "upgrade", "old.yaml")
    assert (again.exit_code, again.output) == (
        0,
        "old.yaml is in flow format 2 already, the newest this line reads: nothing to do\n",
    )


def test_ivr_flow_upgrade_writes_nothing_over_a_file_saved_meanwhile(old_file, monkeypatch):
    import ivr.cli.flow_format

    def saved_meanwhile(text: str, name: str):
        old_file.write_text(text + "# saved by someone else\n", encoding="utf-8")
        return upgraded(text, name)

    monkeypatch.setattr(ivr.cli.flow_format, "upgraded", saved_meanwhile)
    result = run("flow", "upgrade", "old.yaml")
    assert (result.exit_code, result.output) == (
        1,
        "Error: old.yaml changed while this command ran: nothing was written; run it again\n",
    )
    assert old_file.read_text(encoding="utf-8").endswith(
        "    next: connect\n  connect: {type: transfer, to: helpline}\n# saved by someone else\n"
    )


def test_ivr_flow_upgrade_refuses_a_newer_format_and_leaves_the_file(old_file):
    newer = "version: 3\n" + old_file.read_text(encoding="utf-8")
    old_file.write_text(newer, encoding="utf-8")
    result = run("flow", "upgrade", "old.yaml")
    assert (result.exit_code, result.output) == (
        1,
        "Error: old.yaml: this file is written in flow format 3, newer than this line reads (format 2 at most), "
        "so nothing in it was checked; it was written for a newer version of the line: install that version here "
        "first, or ask for the file in format 2\n",
    )
    assert old_file.read_text(encoding="utf-8") == newer


def test_ivr_flow_upgrade_refuses_what_is_not_yaml(old_file):
    old_file.write_text("line: [", encoding="utf-8")
    result = run("flow", "upgrade", "old.yaml")
    assert (result.exit_code, result.output) == (
        1,
        "Error: old.yaml is not a flow file YAML can read: run 'ivr check old.yaml' and fix that first\n",
    )
    with pytest.raises(CannotEdit):
        upgraded("just words")


def test_check_notes_an_older_format_outside_the_problems_and_still_lets_it_go_live(old_file, monkeypatch):
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr("sys.argv", ["ivr"])
    text = run("check", "--summary", "old.yaml")
    assert text.exit_code == 0
    assert text.output.splitlines()[0] == f"old.yaml: note: {NOTE_1}"
    assert text.output.splitlines()[1].startswith("old.yaml (version ")  # the summary, as before
    as_json = json.loads(run("check", "--format", "json", "old.yaml").output)
    assert as_json[-1] == {
        "file": "old.yaml",
        "line": 1,
        "column": 1,
        "severity": "note",
        "code": "older-format",
        "message": NOTE_1,
        "hint": "",
    }
    assert [entry["severity"] for entry in as_json[:-1]] == ["warning"] * len(load_flow_file(old_file).problems)
    github = run("check", "--format", "github", "old.yaml").output.splitlines()[-1]
    assert github == (
        "::notice file=old.yaml,line=1,col=1,title=older-format::written in flow format 1, which this line still "
        "reads (it writes format 2); to bring the file up to date, keeping its comments and order, run: ivr flow "
        "upgrade old.yaml"
    )


def test_the_console_says_the_live_flow_is_in_an_older_format_under_what_needs_doing(make_app, flow_file):
    from test_console import Browser, words_of

    from ivr.console.views import add_operator

    text = flow_file.read_text(encoding="utf-8")
    flow_file.write_text(text.replace("\nversion: 2 ", "\n# version: 2 ", 1), encoding="utf-8")
    app = make_app()
    add_operator(app.extensions["ivr.database"].engine, "alice", "a long enough password")
    browser = Browser(app)
    assert browser.login().status_code == 302
    first = words_of(browser.get("/console").get_data(as_text=True))
    assert (
        "What needs doing The live flow is written in flow format 1, which this line still reads (it writes format "
        "2); to bring the file up to date, keeping its comments and order, run 'ivr flow upgrade' on the flow file "
        "and publish it. Callers wait longer"
    ) in first
