"""What a line is in a flow file: the one definition every position an operator reads uses.

A problem is reported at a line and column, and an operator finds it in an editor. Some
problems come from YAML's own marks, others from our checks reading the text (tabs,
invisible characters, nesting, a broken character in a draft). If the two counted lines
differently, one file could report the same place at two lines. Python's
``str.splitlines`` also breaks at U+001C to U+001E, which YAML treats as ordinary (if
forbidden) characters, so ``'a: 1\\x1c\\n\\tb: 2'`` put a tab on line 3 by one count and
line 2 by YAML's.

So every position is counted here, as YAML counts it: PyYAML's reader (``Reader.forward``)
and libyaml's scanner both start a new line at ``\\n``, ``\\r\\n``, a lone ``\\r``, NEL
(U+0085), LINE SEPARATOR (U+2028) and PARAGRAPH SEPARATOR (U+2029), and count a column as
one character. (A byte-order mark at the very start is not counted by libyaml: loading
removes it before any position is taken.)
"""

from __future__ import annotations

import re

#: Where YAML starts a new line: ``\r\n`` is one break, tried before a lone ``\r``.
LINE_BREAK = re.compile("\r\n|[\n\r\x85\u2028\u2029]")
_ONE_CHARACTER_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")


def line_and_column(text: str, index: int) -> tuple[int, int]:
    """The 1-based line and column of ``text[index]``, counted as YAML's marks count them.

    Counted with ``str.count`` and ``str.rfind`` (C loops, no match objects): a large file
    reports many problems, and each asks for its position."""
    breaks = sum(text.count(mark, 0, index) for mark in _ONE_CHARACTER_BREAKS) - text.count("\r\n", 0, index)
    start = max(text.rfind(mark, 0, index) for mark in _ONE_CHARACTER_BREAKS) + 1
    if 0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n":
        # between the two characters of one break: still on the line the break ends
        breaks -= 1
        start = max(text.rfind(mark, 0, index - 1) for mark in _ONE_CHARACTER_BREAKS) + 1
    return breaks + 1, index - start + 1


def line_start(text: str, index: int) -> int:
    """The offset of the first character of the line that holds ``text[index]``."""
    return index - line_and_column(text, index)[1] + 1


def line_end(text: str, index: int) -> int:
    """The offset of the break that ends the line holding ``text[index]`` (or the text's end)."""
    if 0 < index < len(text) and text[index - 1] == "\r" and text[index] == "\n":
        return index - 1
    found = [at for at in (text.find(mark, index) for mark in _ONE_CHARACTER_BREAKS) if at >= 0]
    return min(found, default=len(text))


def split_lines(text: str) -> list[str]:
    """The lines of ``text`` without their breaks, numbered from 1 as YAML numbers them:
    ``split_lines(text)[n - 1]`` is line ``n`` of every problem about this text."""
    lines = LINE_BREAK.split(text)
    if lines and lines[-1] == "":  # a final break ends the last line; it starts no new one
        lines.pop()
    return lines
