"""The first run: scripts/run-local and the ``ivr check --summary`` it shows.

A newcomer's first screen must say what is happening and fit on it: the warnings as one
line with the command that lists them, errors in full (the operator has to fix them), and
a server that failed to start said so, with its log. run-local is run in a folder of its
own whose .venv is the one running these tests, so nothing is installed here.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW, ROOT, language_menu_heard

from ivr.cli import main
from ivr.cli.flow_file import this_command
from ivr.loading import load_flow_file

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
FIRST_CALL = [
    "Calling it now. At each menu: type a key, 'say <words>', Enter for silence, or 'hangup'.",
    *language_menu_heard(),
    "key, 'say <words>', Enter for silence, or 'hangup':   [you hang up]",
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
        "1 warning (1 unreachable): see them with .venv/bin/ivr check 'my flow.yaml'",
    ]


def test_the_summary_of_a_file_that_cannot_be_read_is_the_whole_error(as_run_local, tmp_path):
    result = as_run_local(tmp_path, "--summary", "missing.yaml")
    assert (result.exit_code, result.output) == (
        2,
        "missing.yaml:1:1: error: the file does not exist [unreadable]\n"
        "    hint: check its name and folder; to start a new line, 'ivr init' writes the default flow here\n"
        "missing.yaml: cannot be read\n",
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


# -- scripts/run-local, from its check on --------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A folder laid out as the repository, with the flow, scripts/run-local, and the .venv
    these tests run in (so run-local installs nothing)."""
    venv = Path(sys.executable).parent.parent
    if not (venv / "bin" / "ivr").exists():
        pytest.skip("the tests do not run in a virtual environment with the ivr command")
    if shutil.which("dot") is None and os.geteuid() == 0:
        pytest.skip("run-local would install Graphviz on this machine")
    (tmp_path / "scripts").mkdir()
    shutil.copy(ROOT / "scripts" / "run-local", tmp_path / "scripts" / "run-local")
    shutil.copy(DEFAULT_FLOW, tmp_path / "call_flows.yaml")
    (tmp_path / ".venv").symlink_to(venv)
    return tmp_path


def run_local(folder: Path, port: int, **env: str) -> tuple[int, list[str]]:
    """run-local's exit code and what it printed, with the seconds each step took left out.
    The caller hangs up at once, then the input ends, which stops the line."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("IVR_", "TWILIO_"))}
    # As on a fresh machine: the ivr command is not on PATH (an activated .venv would put it there).
    venv_bin = (folder / ".venv" / "bin").resolve()
    path = [entry for entry in os.environ.get("PATH", "").split(os.pathsep) if Path(entry).resolve() != venv_bin]
    environment["PATH"] = os.pathsep.join(path)
    done = subprocess.run(
        ["bash", str(folder / "scripts" / "run-local")],
        input="hangup\n",
        capture_output=True,
        text=True,
        timeout=120,
        env={**environment, "PORT": str(port), **env},
    )
    return done.returncode, re.sub(r"done \(\d+ s\)", "done (N s)", done.stdout + done.stderr).splitlines()


def test_run_local_says_each_step_folds_the_warnings_and_calls_the_line(checkout):
    port = free_port()
    code, lines = run_local(checkout, port)
    assert (code, lines) == (
        0,
        [
            "Checking the flow (a few seconds)...",
            f"call_flows.yaml (version {version_of(DEFAULT_FLOW)}): no errors, it may go live; 19 warnings "
            "(9 slow-to-helpline, 7 unreviewed-translation, 3 missing-recording): see them with "
            ".venv/bin/ivr check call_flows.yaml",
            f"Starting the line on http://127.0.0.1:{port} (a few seconds)... done (N s).",
            f"The line is running on http://127.0.0.1:{port}/voice (its log: local-server.log).",
            f"Its console: http://127.0.0.1:{port}/console (make the first account, an admin: "
            ".venv/bin/ivr operator add NAME --admin).",
            *FIRST_CALL,
        ],
    )


def test_run_local_shows_a_flows_errors_in_full_and_does_not_start_the_line(checkout):
    flow = checkout / "call_flows.yaml"
    flow.write_text(broken(flow.read_text()))
    code, lines = run_local(checkout, free_port())
    assert (code, lines) == (
        1,
        [
            "Checking the flow (a few seconds)...",
            *ERRORS,
            f"call_flows.yaml (version {version_of(flow)}): 2 error(s): it will NOT go live; the line keeps "
            "serving the last good flow ('ivr check --explain CODE' says what a [code] means); 1 warning "
            "(1 unreachable): see them with .venv/bin/ivr check call_flows.yaml",
            "Fix the flow file first (see above), then run this again.",
        ],
    )
    assert not (checkout / "local-server.log").exists()


def test_run_local_says_when_the_line_stops_before_it_answers_and_shows_its_log(checkout):
    port = free_port()
    code, lines = run_local(checkout, port, IVR_ALERT_MIN_ATTEMPTS="0")
    assert (code, lines[2:]) == (
        1,
        [
            f"Starting the line on http://127.0.0.1:{port} (a few seconds)... it stopped before it answered.",
            "The last lines of its log (all of it: local-server.log):",
            "  Error: IVR_ALERT_MIN_ATTEMPTS must be 1 or more (transfers in the window before it can alert)",
        ],
    )


def test_run_local_says_when_its_port_is_taken_and_how_to_choose_another(checkout):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, lines = run_local(checkout, port)
    assert (code, lines[2:]) == (
        1,
        [
            f"Something on this machine already answers on port {port} (the line started earlier, in another "
            "terminal?).",
            f"Stop it, or run the line on another port: PORT={port + 1} bash scripts/run-local",
        ],
    )
