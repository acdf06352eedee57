"""One definition of a line: our own checks and YAML's marks put a place at the same line and column."""

from __future__ import annotations

import yaml
from hypothesis import example, given, settings
from hypothesis import strategies as st

from ivr.definition.lines import line_and_column, line_end, line_start, split_lines
from ivr.definition.problems import error
from ivr.definition.source import Loader, parse_yaml

#: Enough of YAML to make keys, values, lists and indentation, with every kind of line
#: break YAML knows and the characters Python's ``splitlines`` wrongly takes for one.
PIECES = ["a", "b", ":", " ", "  ", "- ", "\t", "[", "]", "1", '"', "\n", "\r\n", "\r", "\x85", "\u2028", "\u2029"]
PIECES += ["\x1c", "\x1d", "\x1e", "\x0b", "\x0c"]
flow_like_text = st.lists(st.sampled_from(PIECES), max_size=30).map("".join)

TAB_HINT = "indent with spaces, never tabs (set your editor to insert spaces)"
CONTROL_HINT = (
    "delete it; most editors do not show it, so if the words around it were pasted from another program, retype them"
)


def _marks(text: str) -> list[yaml.Mark]:
    """Every mark YAML's scanner gives for a character of ``text``, the mark of the mistake it
    stopped at included. (At the end of the stream libyaml starts a line of its own, after
    the last character: no operator is sent there.)"""
    marks = []
    try:
        for token in yaml.scan(text, Loader=Loader):
            marks += [token.start_mark, token.end_mark]
    except yaml.MarkedYAMLError as exc:
        marks += [mark for mark in (exc.context_mark, exc.problem_mark) if mark is not None]
    return [mark for mark in marks if mark.index < len(text)]


@settings(derandomize=False, max_examples=300)  # random too: the derandomised CI run once hid a case
@example("a: 1\x1c\n\tb: 2\n")
@example("a: 1\r\n\tb: [1,\r 2]\x85c: 3\u2028")
@given(flow_like_text)
def test_every_yaml_mark_is_at_the_line_and_column_our_checks_count(text: str) -> None:
    readable = "".join(" " if c in "\x1c\x1d\x1e\x0b\x0c" else c for c in text)  # as the loader blanks them
    for mark in _marks(readable):
        assert line_and_column(text, mark.index) == (mark.line + 1, mark.column + 1)


@settings(derandomize=False, max_examples=300)
@example("a: 1\x1c\n\tb: 2\n")
@given(flow_like_text)
def test_the_tab_check_points_at_a_tab_at_the_start_of_yamls_line(text: str) -> None:
    _, problems = parse_yaml(text)
    lines = split_lines(text)
    for problem in (p for p in problems if p.code == "tab"):
        line = lines[problem.line - 1]
        assert line[problem.column - 1] == "\t"
        assert line[: problem.column - 1].strip(" ") == ""


def test_a_tab_after_a_character_python_alone_breaks_at_is_on_yamls_line() -> None:
    assert parse_yaml("a: 1\x1c\n\tb: 2\n") == (
        None,
        [
            error(
                1, 5, "U+001C (a control character) is written here: an invisible character no flow may hold",
                CONTROL_HINT, code="control-character",
            ),
            error(2, 1, "tab used for indentation", TAB_HINT, code="tab"),
        ],
    )  # fmt: skip


def test_lines_break_where_yaml_breaks_them_and_nowhere_else() -> None:
    text = "a\r\nb\rc\x85d\u2028e\u2029f\ng\x1ch\x1di\x1ej\x0bk\x0cl\n"
    assert split_lines(text) == ["a", "b", "c", "d", "e", "f", "g\x1ch\x1di\x1ej\x0bk\x0cl"]
    assert [line_and_column(text, text.index(c)) for c in "abcdefgl"] == [
        (1, 1), (2, 1), (3, 1), (4, 1), (5, 1), (6, 1), (7, 1), (7, 11),
    ]  # fmt: skip


def test_the_two_characters_of_a_windows_break_end_the_same_line() -> None:
    text = "ab\r\ncd"
    assert [line_and_column(text, i) for i in range(len(text) + 1)] == [
        (1, 1), (1, 2), (1, 3), (1, 4), (2, 1), (2, 2), (2, 3),
    ]  # fmt: skip
    assert [line_start(text, i) for i in range(len(text) + 1)] == [0, 0, 0, 0, 4, 4, 4]
    assert [line_end(text, i) for i in range(len(text) + 1)] == [2, 2, 2, 2, 6, 6, 6]
