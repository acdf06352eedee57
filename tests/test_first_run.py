"""The first run: the ``ivr check --summary`` scripts/run-local will show.

A newcomer's first screen must say what is happening and fit on it: the warnings as one
line with the command that lists them, errors in full (the operator has to fix them).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW, ROOT

from ivr.cli import main
from ivr.cli.flow_file import this_command
from ivr.load import load_flow_file

BROKEN = {"    next: main_menu\n": "    next: main_meun\n", "    to: crimestoppers": "    to: emergency"}


def line_of(text: str) -> int:
    """The line of the live flow that :data:`BROKEN` breaks with ``text``."""
    flow = DEFAULT_FLOW.read_text()
    return flow[: flow.index(text)].count("\n") + 1


ERRORS = [
    f"call_flows.yaml:{line_of('    next: main_menu')}:11: error: there is no node called 'main_meun' [unknown-node]",
    "    hint: did you mean 'main_menu'?",
    f"call_flows.yaml:{line_of('    to: crimestoppers')}:9: error: 'emergency' (999) is an emergency number: the "
    "line must never connect callers to it [dial-short-number]",
    "    hint: tell callers to hang up and dial 999 themselves, in a message, so their location and the Silent "
    "Solution come with the call",
]


def broken(text: str) -> str:
    for old, new in BROKEN.items():
        assert text.count(old) >= 1, old
        text = text.replace(old, new, 1)
    return text


def version_of(path: Path) -> str:
    return load_flow_file(path).version


@pytest.fixture
def as_run_local(monkeypatch):
    """``ivr check`` as run-local runs it: from the repository, as .venv/bin/ivr, not on PATH."""

    def run(folder: Path, *args: str):
        monkeypatch.chdir(folder)
        monkeypatch.setattr(sys, "argv", [str(folder / ".venv" / "bin" / "ivr"), "check", *args])
        monkeypatch.setenv("PATH", "")
        return CliRunner().invoke(main, ["check", *args])

    return run


def test_the_summary_folds_the_live_flows_warnings_into_one_line_that_says_how_to_see_them(as_run_local):
    result = as_run_local(ROOT, "--summary")
    assert (result.exit_code, result.output) == (
        0,
        f"call_flows.yaml (version {version_of(DEFAULT_FLOW)}): no errors, it may go live; 19 warnings "
        "(9 slow-to-helpline, 7 unreviewed-translation, 3 missing-recording): see them with "
        ".venv/bin/ivr check call_flows.yaml\n",
    )


def test_the_summary_prints_every_error_in_full_and_still_counts_the_warnings(as_run_local, tmp_path):
    (tmp_path / "my flow.yaml").write_text(broken(DEFAULT_FLOW.read_text()))
    result = as_run_local(tmp_path, "--summary", "my flow.yaml")
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        *(line.replace("call_flows.yaml", "my flow.yaml") for line in ERRORS),
        f"my flow.yaml (version {version_of(tmp_path / 'my flow.yaml')}): 2 error(s): it will NOT go live; the "
        "line keeps serving the last good flow ('ivr check --explain CODE' says what a [code] means); "
        "13 warnings (12 unreachable, 1 inconsistent-key): see them with .venv/bin/ivr check 'my flow.yaml'",
    ]


def test_the_summary_of_a_file_that_cannot_be_read_is_the_whole_error(as_run_local, tmp_path):
    result = as_run_local(tmp_path, "--summary", "missing.yaml")
    assert (result.exit_code, result.output) == (
        2,
        "missing.yaml:1:1: error: the file does not exist [unreadable]\nmissing.yaml: cannot be read\n",
    )


def test_the_pointer_names_ivr_as_the_operator_can_run_it_from_here(tmp_path, monkeypatch):
    (tmp_path / "bin").mkdir()
    on_path = tmp_path / "bin" / "ivr"
    on_path.write_text("#!/bin/sh\n")
    on_path.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    assert this_command(str(on_path), cwd=ROOT) == "ivr"  # the shell finds this very one
    monkeypatch.setenv("PATH", "")
    assert this_command(".venv/bin/ivr", cwd=ROOT) == ".venv/bin/ivr"
    assert this_command(str(ROOT / ".venv" / "bin" / "ivr"), cwd=ROOT) == ".venv/bin/ivr"
    assert this_command(str(on_path), cwd=ROOT) == str(on_path)
    assert this_command("/opt/the line/bin/ivr", cwd=ROOT) == "'/opt/the line/bin/ivr'"
