"""What each problem code means, for ``ivr check --explain CODE`` and docs/problems.md.

Both are made from the one table of codes, :data:`ivr.definition.problems.ALL_CODES`;
tests/test_problem_codes.py checks that docs/problems.md is what :func:`problems_markdown`
writes now (regenerate it with ``IVR_REGENERATE=1 .venv/bin/pytest tests/test_problem_codes.py``).
"""

from __future__ import annotations

import textwrap

from ivr.definition.problems import ALL_CODES, CODES, Code, did_you_mean


class UnknownCode(LookupError):
    """Not a problem code; the message suggests the closest one."""


def explain(name: str) -> str:
    """A code's meaning, with a mistake that causes it and its fix, for a terminal."""
    code = CODES.get(name.strip().lower())
    if code is None:
        hint = did_you_mean(name, CODES) or "every code is listed in docs/problems.md"
        raise UnknownCode(f"{name!r} is not a problem code: {hint}")
    return "\n".join(
        [
            f"{code.name} ({code.severity.value}): {code.meaning}",
            "",
            "For example:",
            textwrap.indent(code.mistake, "    "),
            "Fix:",
            textwrap.indent(code.fix, "    "),
            "",
            _consequence(code),
        ]
    )


def _consequence(code: Code) -> str:
    if code.severity.value == "error":
        return "An error: the flow does not go live until it is fixed; the line keeps serving the last good flow."
    return "A warning: the flow still goes live, but callers may be misunderstood or kept waiting."


def problems_markdown() -> str:
    """docs/problems.md: every code, in the order an operator meets them."""
    out = [
        "# Problem codes",
        "",
        "<!-- Generated from ivr/definition/problems.py by ivr/cli/explain.py: do not edit by hand.",
        "     Regenerate: IVR_REGENERATE=1 .venv/bin/pytest tests/test_problem_codes.py -->",
        "",
        "`ivr check` marks every problem with its code, e.g. `[unknown-node]`; "
        "`ivr check --explain CODE` prints one of these entries. Errors keep a flow from "
        "going live (the line keeps serving the last good flow); warnings do not.",
        "",
        "| Code | Severity | Meaning |",
        "| --- | --- | --- |",
    ]
    out += [f"| [`{c.name}`](#{c.name}) | {c.severity.value} | {c.meaning} |" for c in ALL_CODES]
    for c in ALL_CODES:
        out += ["", f"## {c.name}", "", f"{c.severity.value.capitalize()}: {c.meaning}.", ""]
        out += ["Mistake:", "", "```", c.mistake, "```", "", "Fix:", "", "```", c.fix, "```"]
    return "\n".join(out) + "\n"
