"""``ivr check --format text|json|github``: the same problems, for people, scripts and pull requests.

Each test checks one flow (in the current format) with two errors and a warning, in a file whose name holds a comma
and a colon, and with a ``%`` in a message: what GitHub's workflow commands must escape."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from ivr.cli import main

FLOW = """\
version: 2
line: {name: Test line, start: "welcome%0A", helpline: helpline}
numbers:
  helpline: {number: 08000121700, name: the helpline}
nodes:
  welcome: {type: message, say: Welcome., next: main_meun}
  main_menu:
    type: menu
    say: Press 1 for the helpline.
    choices: {"1": connect}
  connect: {type: transfer, to: helpline}
"""
NAME = "my,flow: 1.yaml"


@pytest.fixture
def flow(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / NAME).write_text(FLOW, encoding="utf-8")
    return NAME


def check(*args: str):
    return CliRunner().invoke(main, ["check", *args])


def test_text_is_what_people_read_and_is_the_default(flow):
    result = check("--format", "text", flow)
    assert (result.exit_code, result.output.splitlines()[:-1]) == (
        1,
        [
            "my,flow: 1.yaml:2:32: error: there is no node called 'welcome%0A' [unknown-node]",
            "    hint: did you mean 'welcome'?",
            "my,flow: 1.yaml:4:22: warning: '08000121700' is not grouped, so callers hear a long run of digits "
            "[ungrouped-number]",
            "    hint: write it grouped as people say it, e.g. 0800 0121 700",
            "my,flow: 1.yaml:6:49: error: there is no node called 'main_meun' [unknown-node]",
            "    hint: did you mean 'main_menu'?",
        ],
    )
    assert result.output == check(flow).output


def test_json_is_the_list_of_every_problem_and_nothing_else(flow):
    result = check("--format", "json", flow)
    assert result.exit_code == 1
    assert json.loads(result.output) == [
        {
            "file": NAME,
            "line": 2,
            "column": 32,
            "severity": "error",
            "code": "unknown-node",
            "message": "there is no node called 'welcome%0A'",
            "hint": "did you mean 'welcome'?",
        },
        {
            "file": NAME,
            "line": 4,
            "column": 22,
            "severity": "warning",
            "code": "ungrouped-number",
            "message": "'08000121700' is not grouped, so callers hear a long run of digits",
            "hint": "write it grouped as people say it, e.g. 0800 0121 700",
        },
        {
            "file": NAME,
            "line": 6,
            "column": 49,
            "severity": "error",
            "code": "unknown-node",
            "message": "there is no node called 'main_meun'",
            "hint": "did you mean 'main_menu'?",
        },
    ]


def test_github_writes_one_escaped_annotation_a_problem(flow):
    result = check("--format", "github", flow)
    assert (result.exit_code, result.output) == (
        1,
        "::error file=my%2Cflow%3A 1.yaml,line=2,col=32,title=unknown-node::"
        "there is no node called 'welcome%250A'%0Ahint: did you mean 'welcome'?\n"
        "::warning file=my%2Cflow%3A 1.yaml,line=4,col=22,title=ungrouped-number::"
        "'08000121700' is not grouped, so callers hear a long run of digits%0A"
        "hint: write it grouped as people say it, e.g. 0800 0121 700\n"
        "::error file=my%2Cflow%3A 1.yaml,line=6,col=49,title=unknown-node::"
        "there is no node called 'main_meun'%0Ahint: did you mean 'main_menu'?\n",
    )


def test_a_flow_that_may_go_live_exits_0_with_its_warnings(flow, tmp_path):
    (tmp_path / NAME).write_text(
        "version: 2\n"
        "line: {name: Test line, start: welcome, helpline: helpline}\n"
        "numbers:\n  helpline: {number: 08000121700, name: the helpline}\n"
        "nodes:\n"
        "  welcome: {type: message, say: Welcome., next: connect}\n"
        "  connect: {type: transfer, to: helpline}\n",
        encoding="utf-8",
    )
    result = check("--format", "github", flow)
    assert (result.exit_code, result.output) == (
        0,
        "::warning file=my%2Cflow%3A 1.yaml,line=4,col=22,title=ungrouped-number::"
        "'08000121700' is not grouped, so callers hear a long run of digits%0A"
        "hint: write it grouped as people say it, e.g. 0800 0121 700\n",
    )


def test_a_file_that_cannot_be_read_exits_2_in_every_format(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (
        check("--format", "json", "missing.yaml").exit_code,
        json.loads(check("--format", "json", "missing.yaml").output),
    ) == (
        2,
        [
            {
                "file": "missing.yaml",
                "line": 1,
                "column": 1,
                "severity": "error",
                "code": "unreadable",
                "message": "the file does not exist",
                "hint": "check its name and folder; to start a new line, 'ivr init' writes the default flow here",
            }
        ],
    )
    result = check("--format", "github", "missing.yaml")
    assert (result.exit_code, result.output) == (
        2,
        "::error file=missing.yaml,line=1,col=1,title=unreadable::the file does not exist%0A"
        "hint: check its name and folder; to start a new line, 'ivr init' writes the default flow here\n",
    )


def test_summary_is_for_people_only(flow):
    result = check("--format", "json", "--summary", flow)
    assert result.exit_code == 2
    assert result.output.splitlines()[-1] == (
        "Error: Invalid value for --summary: --summary shortens the text for people; json and github list "
        "every problem: leave out --summary"
    )
