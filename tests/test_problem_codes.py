"""Every problem code is defined once, used, and explained to operators.

docs/problems.md is generated from the table of codes (ivr/definition/problems.py) by
ivr/cli/explain.py. After changing the table, regenerate it and commit it:

    IVR_REGENERATE=1 .venv/bin/pytest tests/test_problem_codes.py
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Literal

import pytest
from pydantic import TypeAdapter, ValidationError

from ivr.cli.explain import problems_markdown
from ivr.definition.problems import ALL_CODES, CODES, UnregisteredCode, error, warning
from ivr.definition.shape import SHAPE_CODES, UNKNOWN_SHAPE_CODE, shape_problems
from ivr.definition.source import parse_yaml
from ivr.inspect.rules import DOCUMENT_RULES, FLOW_RULES
from ivr.loading import load_flow_text

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ivr"
DOCS = ROOT / "docs" / "problems.md"


def _modules() -> dict[Path, ast.Module]:
    return {path: ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))}


def codes_passed_as_code_keyword() -> set[str]:
    """Every string written as ``code="..."`` anywhere in the package."""
    found = set()
    for tree in _modules().values():
        for node in ast.walk(tree):
            if isinstance(node, ast.keyword) and node.arg == "code" and isinstance(node.value, ast.Constant):
                found.add(node.value.value)
    return found


def strings_outside_the_table() -> set[str]:
    """Every string constant in the package except in the module that defines the codes."""
    found = set()
    for path, tree in _modules().items():
        if path != PACKAGE / "definition" / "problems.py":
            found |= {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
    return found


def test_every_code_is_defined_once():
    names = [code.name for code in ALL_CODES]
    assert sorted(names) == sorted(set(names)) == sorted(CODES)


def test_every_code_says_what_it_means_with_a_mistake_and_its_fix():
    for code in ALL_CODES:
        assert code.meaning and "\n" not in code.meaning and "|" not in code.meaning, code.name
        assert code.mistake and code.fix and code.mistake != code.fix, code.name


def test_every_code_the_source_uses_is_registered():
    used = codes_passed_as_code_keyword() | set(SHAPE_CODES.values()) | {UNKNOWN_SHAPE_CODE}
    for rule in DOCUMENT_RULES + FLOW_RULES:
        used |= set(rule.CODES)
    assert used - set(CODES) == set()


def test_every_registered_code_is_used_by_the_source():
    assert set(CODES) - strings_outside_the_table() == set()


def test_a_problem_with_an_unregistered_code_is_refused():
    with pytest.raises(UnregisteredCode, match="'no-such-code' is not a problem code"):
        error(1, 1, "a message", code="no-such-code")


def test_a_problem_of_the_wrong_severity_for_its_code_is_refused():
    with pytest.raises(UnregisteredCode, match="'unknown-node' is registered as error, not warning"):
        warning(1, 1, "a message", code="unknown-node")
    with pytest.raises(UnregisteredCode, match="'unreachable' is registered as warning, not error"):
        error(1, 1, "a message", code="unreachable")


def test_a_complaint_the_mapping_does_not_name_is_an_invalid_value():
    source, _ = parse_yaml("kind: b\n")
    assert source is not None
    with pytest.raises(ValidationError) as raised:
        TypeAdapter(dict[str, Literal["a"]]).validate_python(source.data)
    problems = shape_problems(raised.value, source)
    assert [(p.line, p.column, p.code, p.message) for p in problems] == [
        (1, 7, "invalid-value", "kind: Input should be 'a'")
    ]


def test_a_wait_that_cannot_be_measured_is_a_warning_not_a_refusal(monkeypatch):
    def fails(flow):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("ivr.runtime.caller_time.missed_targets", fails)
    text = (ROOT / "call_flows.yaml").read_text(encoding="utf-8")
    result = load_flow_text(text)
    assert result.ok
    line = text[: text.index("  start: ")].count("\n") + 1
    unmeasured = [p for p in result.problems if p.code not in ("unreviewed-translation", "missing-recording")]
    assert [p.format("f", with_code=True) for p in unmeasured] == [
        f"f:{line}:10: warning: the time callers wait for the helpline could not be measured (a bug) "
        "[wait-unmeasured]\n    hint: run bench/caller_time.py to see where the call goes wrong"
    ]


def test_docs_problems_md_is_what_the_generator_writes_now():
    if os.environ.get("IVR_REGENERATE"):
        DOCS.write_text(problems_markdown(), encoding="utf-8")
    assert DOCS.read_text(encoding="utf-8") == problems_markdown(), (
        "docs/problems.md is out of date: IVR_REGENERATE=1 .venv/bin/pytest tests/test_problem_codes.py"
    )


def test_docs_problems_md_has_an_entry_for_every_code():
    headings = [line.removeprefix("## ") for line in problems_markdown().splitlines() if line.startswith("## ")]
    assert headings == [code.name for code in ALL_CODES]
