"""Refusing a file that nests too deeply, before the YAML parser sees it.

libyaml's C parser recurses once a level and crashes the process at some tens of
thousands of levels (a 60 KB file of "[" did), so the depth is measured on the text
first, in one pass that costs a fraction of parsing.
"""

from __future__ import annotations

import re

from ivr.definition.lines import line_and_column
from ivr.definition.problems import Problem, error

#: Nesting deeper than this is refused before the parser sees it: libyaml's C parser
#: recurses once a level and crashes the process at some tens of thousands (a 60 KB file
#: of "[" did). A real flow nests about eight levels.
MAX_NESTING = 64


_DEEP_INDENT = re.compile(f"^ {{{2 * MAX_NESTING + 1},}}", re.MULTILINE)
#: Lines that open a block inside a block on the same line ("- - x", "? - x"): only those
#: need their levels counted. No two parts of the pattern can take the same characters,
#: so it never backtracks.
_STACKED_BLOCKS = re.compile(r"^ *[-?] +[-?](?: |$)", re.MULTILINE)
_NESTING_MARKS = re.compile(r"[\[\]{}'\"#]")


def nesting_problem(text: str) -> Problem | None:
    """The first place the text nests deeper than :data:`MAX_NESTING`, found in one pass:
    per line its indentation plus the "- " and "? " that open a block on the same line, and
    brackets and braces outside quotes and comments. Regular expressions find the few
    places that matter, so this costs a fraction of parsing."""
    deep = _DEEP_INDENT.search(text)
    if deep:
        return _too_deep(*line_and_column(text, deep.start()))
    for match in _STACKED_BLOCKS.finditer(text):
        end = text.find("\n", match.start())
        line = text[match.start() : end if end >= 0 else len(text)]
        body = line.lstrip(" ")
        levels = (len(line) - len(body) + 1) // 2
        while body[:2] in ("- ", "? ") or body in ("-", "?"):
            levels += 1
            body = body[2:].lstrip(" ")
        if levels > MAX_NESTING:
            return _too_deep(*line_and_column(text, match.start()))
    depth = 0
    quote = ""  # the quote we are inside, across lines
    position = 0
    while True:
        match = _NESTING_MARKS.search(text, position)
        if match is None:
            return None
        c = match.group()
        at = match.start()
        position = at + 1
        previous = text[at - 1] if at > 0 else "\n"
        if quote:
            if c == quote and not (quote == '"' and previous == "\\"):
                quote = ""
        elif c in "'\"":
            if previous in " \t\n[{,:-?":
                quote = c
        elif c == "#":
            if previous in " \t\n":
                newline = text.find("\n", at)
                if newline < 0:
                    return None
                position = newline + 1  # a comment: nothing on the rest of the line counts
        elif c in "[{":
            depth += 1
            if depth > MAX_NESTING:
                return _too_deep(*line_and_column(text, at))
        else:
            depth = max(0, depth - 1)


def _too_deep(line: int, column: int) -> Problem:
    return error(
        line,
        column,
        f"the file nests deeper than {MAX_NESTING} levels here",
        "a flow needs only a few levels: check for brackets [ { that are never closed",
        code="too-deep",
    )
