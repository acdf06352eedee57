"""``ivr check``'s problems for programs: JSON for scripts, workflow commands for GitHub.

The text people read is written by :mod:`ivr.cli.flow_file`; these render the very same
problems, in the same order, for a program to read (as yamllint's ``-f github`` and
goflow's issues as JSON do). Nothing here decides what is wrong, or the exit code: only
how a problem is written down.

GitHub reads a line ``::error file=F,line=L,col=C,title=T::MESSAGE`` on a job's output as an
annotation on line L of F in the pull request. Its own toolkit (``@actions/core``,
``command.ts``) escapes ``%``, carriage returns and line feeds in the message, and ``:``
and ``,`` too in a property, so that a message or a file name cannot end the command early
or forge another one; this does the same.
"""

from __future__ import annotations

import json
from collections.abc import Iterable

from ivr.definition.problems import Problem

#: The code on the note about an older flow format (ivr.cli.flow_format says it).
OLDER_FORMAT = "older-format"

#: What ``--format`` accepts: ``text`` is what people read (:mod:`ivr.cli.flow_file`).
FORMATS = ("text", "json", "github")


def problem_record(file: str, problem: Problem) -> dict[str, str | int]:
    """One problem as JSON data: where it is, how bad, its code (``ivr check --explain``
    says what it means), the message and the hint ("" when it has none). A problem points
    at one place, so there is no end position."""
    return {
        "file": file,
        "line": problem.line,
        "column": problem.column,
        "severity": problem.severity.value,
        "code": problem.code,
        "message": problem.message,
        "hint": problem.hint,
    }


def note_record(file: str, note: str) -> dict[str, str | int]:
    """A note about the whole file (it is written in an older format): not a problem, so it
    changes no exit code; ``severity`` says so."""
    return {"file": file, "line": 1, "column": 1, "severity": "note", "code": OLDER_FORMAT, "message": note, "hint": ""}


def as_json(file: str, problems: Iterable[Problem], notes: Iterable[str] = ()) -> str:
    """Every problem, then every note, as one JSON list (``[]`` for a flow with neither)."""
    records = [problem_record(file, problem) for problem in problems] + [note_record(file, note) for note in notes]
    return json.dumps(records, indent=2, ensure_ascii=False)


def _escaped_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escaped_property(text: str) -> str:
    return _escaped_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(file: str, problem: Problem) -> str:
    """One problem as a workflow command GitHub shows on its line of the pull request: its
    code as the annotation's title, the message and hint as its text."""
    properties = {"file": file, "line": str(problem.line), "col": str(problem.column), "title": problem.code}
    message = f"{problem.message}\nhint: {problem.hint}" if problem.hint else problem.message
    return _command(problem.severity.value, properties, message)


def _command(name: str, properties: dict[str, str], message: str) -> str:
    written = ",".join(f"{key}={_escaped_property(value)}" for key, value in properties.items())
    return f"::{name} {written}::{_escaped_data(message)}"


def as_github(file: str, problems: Iterable[Problem], notes: Iterable[str] = ()) -> str:
    """Every problem as an annotation, then every note as a notice, one a line (nothing for
    a flow with neither)."""
    lines = [github_annotation(file, problem) for problem in problems]
    lines += [
        _command("notice", {"file": file, "line": "1", "col": "1", "title": OLDER_FORMAT}, note) for note in notes
    ]
    return "\n".join(lines)
