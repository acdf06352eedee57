"""The checks a flow passes before it goes live, as a list of rules (as yamllint lists its own).

Each rule is a module of this package with ``CODES``, the problem codes it may report (each
defined in :mod:`ivr.definition.problems`), and ``check(context)``, which yields its
problems. The document rules read the flow as written; the flow rules read the compiled
flow, what callers hear, and run only on a document with no errors. To add a rule: write
its module, then list it here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol

from ivr.definition.problems import Problem
from ivr.inspect import (
    examples,
    graph,
    keys,
    languages,
    lints,
    listening,
    menus,
    missing_recordings,
    names,
    numbers,
    recordings,
    references,
    same_numbers,
    text_lints,
    texts,
    timeouts,
)
from ivr.inspect.context import Context


class Rule(Protocol):
    """A module of this package that checks one concern."""

    __name__: str
    CODES: tuple[str, ...]

    def check(self, context: Context) -> Iterator[Problem]: ...


#: Rules over the document, in the order an operator reads a flow: names, numbers, the
#: line, its languages, menus, texts, then the shape of the whole call.
DOCUMENT_RULES: tuple[Rule, ...] = (
    names,
    numbers,
    references,
    languages,
    menus,
    keys,
    timeouts,
    texts,
    text_lints,
    same_numbers,
    recordings,
    graph,
)
#: Rules over the compiled flow: warnings about what callers hear and how long they wait.
FLOW_RULES: tuple[Rule, ...] = (missing_recordings, lints, listening, examples)


def run(rules: tuple[Rule, ...], context: Context) -> list[Problem]:
    """Every problem the rules find, in order. A rule reporting a code it does not declare
    is a bug in the line, and stops here rather than reach an operator unexplained."""
    problems: list[Problem] = []
    for rule in rules:
        for problem in rule.check(context):
            if problem.code not in rule.CODES:
                raise AssertionError(f"{rule.__name__} reported {problem.code!r}, which it does not declare")
            problems.append(problem)
    return problems


def check_document(context: Context) -> list[Problem]:
    """The document rules: errors keep the flow from going live."""
    return run(DOCUMENT_RULES, context)


def check_flow(context: Context) -> list[Problem]:
    """The flow rules: ``context.flow`` is the compiled flow of a document with no errors."""
    return run(FLOW_RULES, context)
