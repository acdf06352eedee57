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


def as_json(file: str, problems: Iterable[Problem]) -> str:
    """Every problem, as one JSON list (``[]`` for a flow with none)."""
    records = [problem_record(file, problem) for problem in problems]
    return json.dumps(records, indent=2, ensure_ascii=False)


def _escaped_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escaped_property(text: str) -> str:
    return _escaped_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(file: str, problem: Problem) -> str:
    """One problem as a workflow command GitHub shows on its line of the pull request: its
    code as the annotation's title, the message and hint as its text."""
    properties = {"file": file, "line": str(problem.line), "col": str(problem.column), "title": problem.code}
    written = ",".join(f"{name}={_escaped_property(value)}" for name, value in properties.items())
    message = f"{problem.message}\nhint: {problem.hint}" if problem.hint else problem.message
    return f"::{problem.severity.value} {written}::{_escaped_data(message)}"


def as_github(file: str, problems: Iterable[Problem]) -> str:
    """Every problem as an annotation, one a line (nothing for a flow with none)."""
    return "\n".join(github_annotation(file, problem) for problem in problems)
