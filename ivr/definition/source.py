"""Reading a flow file into plain data that remembers where every value was written.

PyYAML's ``compose`` gives each node its start mark; walking the node tree
ourselves (instead of ``safe_load``) lets us

* point every later problem at the line and column an operator must edit,
* refuse duplicate keys, which ``safe_load`` silently resolves to the last one,
* keep every scalar as the text the operator wrote, so ``0800555111`` keeps its
  leading zero and ``no`` stays a word: the flow model converts types itself,
* refuse characters TwiML cannot carry, written as they are or made by an escape, in
  any scalar: this is where every text first arrives, from a file, the console or a
  translators' import (:mod:`ivr.definition.characters`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple

import yaml

from ivr.definition.characters import blanked, capped, escaped_problems, written_problems
from ivr.definition.lines import line_and_column, split_lines
from ivr.definition.nesting import nesting_problem
from ivr.definition.problems import Problem, error

PathKey = str | int
Path = tuple[PathKey, ...]

#: libyaml's parser when PyYAML was built with it (about ten times faster), else PyYAML's own.
#: Both are safe: composing builds nodes, never Python objects.
Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

#: Walking aliases can multiply a small file into a huge document ("billion laughs").
MAX_NODES = 200_000
MAX_DEPTH = 64


class Position(NamedTuple):
    line: int  # 1-based
    column: int  # 1-based


@dataclass
class SourceDocument:
    """The data of a flow file with the position of every key and value in it."""

    data: Any
    #: The YAML node of every value and of every key, by path. Their marks become
    #: positions only when a problem is reported (a large flow has hundreds of thousands).
    values: dict[Path, yaml.Node] = field(default_factory=dict)
    keys: dict[Path, yaml.Node] = field(default_factory=dict)
    text: str = ""
    #: Paths whose value was written but left empty (``say:`` with nothing after it), or
    #: written as ``null`` or ``~``: each is one ``empty-value`` problem, see :meth:`empty_problems`.
    empty: list[Path] = field(default_factory=list)

    def empty_problems(self) -> list[Problem]:
        """One problem for each value left empty: the only place they are reported.

        A field written with nothing after it is a mistake even where the field may be left
        out, so this reports every one; the format's own complaint about the same value
        (not a text, not a number) is left out by the loader as the same mistake."""
        problems = []
        for path in self.empty:
            at = self.position(path, key=True)
            name = ".".join(str(p) for p in path)
            problems.append(
                error(
                    at.line,
                    at.column,
                    f"{name} is empty",
                    "write a value after the colon, or remove the line",
                    code="empty-value",
                )
            )
        return problems

    def find_in_value(self, path: Path, needle: str, occurrence: int = 0) -> Position | None:
        """Where ``needle`` was written inside the scalar at ``path`` (any quoting or folding)."""
        node = self.values.get(tuple(path))
        if not isinstance(node, yaml.ScalarNode):
            return None
        index = node.start_mark.index - 1
        for _ in range(occurrence + 1):
            index = self.text.find(needle, index + 1, node.end_mark.index)
            if index < 0:
                return None
        return Position(*line_and_column(self.text, index))

    def position(self, path: Path, *, key: bool = False) -> Position:
        """The closest known position to ``path``: its key, its value, or a parent's."""
        path = tuple(path)
        while True:
            table = (self.keys, self.values) if key else (self.values, self.keys)
            for nodes in table:
                if path in nodes:
                    return _position(nodes[path].start_mark)
            if not path:
                return Position(1, 1)
            path = path[:-1]


def _position(mark: yaml.Mark) -> Position:
    return Position(mark.line + 1, mark.column + 1)


_SYNTAX_HINTS: tuple[tuple[str, str], ...] = (
    ("'\\t'", "indent with spaces, never tabs"),
    ("could not find expected ':'", "each setting is written 'name: value'; is a ':' missing here?"),
    ("mapping values are not allowed", "put a text that contains ': ' in quotes, or check the indentation"),
    ("expected alphabetic or numeric character", 'a key or text starting with * must be in quotes, for example "*"'),
    ("but found '&'", "a text starting with & must be in quotes"),
    ("did not find expected key", "check the indentation: items of the same list or mapping start in the same column"),
    ("did not find expected '-'", "check the indentation of this list"),
    ("found unexpected end of stream", "a quote is not closed"),
    ("expected <block end>", "check the indentation: this line is out of line with the ones above it"),
    ("found undefined alias", "a value starting with * must be in quotes"),
)


def _syntax_problem(exc: yaml.MarkedYAMLError) -> Problem:
    message = exc.problem or str(exc)
    mark = exc.problem_mark
    # "could not find expected ':'" is reported on the line *after* the key that lacks it;
    # the context mark points at the key itself, which is what the operator must fix.
    if "could not find expected ':'" in message and exc.context_mark is not None:
        mark = exc.context_mark
    position = _position(mark) if mark is not None else Position(1, 1)
    hint = next((h for needle, h in _SYNTAX_HINTS if needle in message), "")
    return error(position.line, position.column, f"YAML syntax: {message}", hint, code="yaml-syntax")


def _tab_problems(text: str) -> list[Problem]:
    problems = []
    for number, line in enumerate(split_lines(text), start=1):
        indent = line[: len(line) - len(line.lstrip(" \t"))]
        if "\t" in indent:
            problems.append(
                error(
                    number,
                    indent.index("\t") + 1,
                    "tab used for indentation",
                    "indent with spaces, never tabs (set your editor to insert spaces)",
                    code="tab",
                )
            )
    return problems


class _Walker:
    def __init__(self, document: SourceDocument) -> None:
        self.document = document
        self.problems: list[Problem] = []
        self.count = 0

    def walk(self, node: yaml.Node, path: Path, depth: int = 0) -> Any:
        self.count += 1
        if self.count > MAX_NODES or depth > MAX_DEPTH:
            raise _TooBig(_position(node.start_mark))
        self.document.values[path] = node
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, path, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.walk(item, path + (i,), depth + 1) for i, item in enumerate(node.value)]
        return self._scalar(node, path)

    def _characters(self, node: yaml.ScalarNode) -> None:
        self.problems += escaped_problems(self.document.text, node.start_mark.index, node.end_mark.index, node.value)

    def _scalar(self, node: yaml.ScalarNode, path: Path) -> str | None:
        self._characters(node)
        if node.tag == "tag:yaml.org,2002:null" and not node.style:  # plain: None, or "" from libyaml
            self.document.empty.append(path)
            return None
        return node.value

    def _mapping(self, node: yaml.MappingNode, path: Path, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        first_seen: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                at = _position(key_node.start_mark)
                self.problems.append(
                    error(
                        at.line, at.column, "a key must be a plain name, not a list or mapping", code="key-not-a-name"
                    )
                )
                continue
            self._characters(key_node)
            key = key_node.value
            if key in first_seen:
                at = _position(key_node.start_mark)
                first = _position(first_seen[key].start_mark)
                self.problems.append(
                    error(
                        at.line,
                        at.column,
                        f"duplicate key {key!r} (first written at line {first.line})",
                        "remove one of them: YAML would silently keep only the last",
                        code="duplicate-key",
                    )
                )
                continue
            first_seen[key] = key_node
            self.document.keys[path + (key,)] = key_node
            result[key] = self.walk(value_node, path + (key,), depth + 1)
        return result


class _TooBig(Exception):
    def __init__(self, position: Position) -> None:
        self.position = position


def parse_yaml(text: str) -> tuple[SourceDocument | None, list[Problem]]:
    """Parse flow text; return the positioned data, or ``None`` and the problems that stopped it."""
    too_deep = nesting_problem(text)
    if too_deep is not None:
        return None, [too_deep]
    problems = _tab_problems(text) + written_problems(text)
    try:
        # Characters YAML cannot read are reported above, each where it is: the rest of the
        # file is read with spaces in their place, to find every other mistake in one run.
        root = yaml.compose(blanked(text) if problems else text, Loader=Loader)
    except yaml.MarkedYAMLError as exc:
        problem = _syntax_problem(exc)
        if not any(p.line == problem.line for p in problems):
            problems.append(problem)
        return None, capped(problems)
    except yaml.YAMLError as exc:  # not positioned: rare (e.g. a reader error on bad bytes)
        return None, capped(problems + [error(1, 1, f"YAML: {exc}", code="yaml-syntax")])
    if any(p.code == "tab" for p in problems) or (problems and root is None):
        return None, capped(problems)
    if root is None:
        return None, [
            error(
                1,
                1,
                "the flow file is empty",
                "a flow needs 'line:', 'numbers:' and 'nodes:' sections",
                code="empty-file",
            )
        ]
    document = SourceDocument(data=None, text=text)
    walker = _Walker(document)
    try:
        document.data = walker.walk(root, ())
    except _TooBig as too_big:
        return None, [
            error(
                too_big.position.line,
                too_big.position.column,
                "the file is too deeply nested or expands to too many values",
                "do not use YAML anchors and aliases (& and *) in a flow",
                code="too-many-values",
            )
        ]
    if walker.problems or problems:
        return None, capped(walker.problems + problems)
    return document, []
