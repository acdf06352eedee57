"""Small edits to a flow file's text that keep everything else as it was written.

A flow file is edited by people: its comments, order, wrapping and quoting are part of it.
Loading and dumping the YAML would lose them, so these edits work on the text itself, at
the positions :class:`ivr.definition.source.SourceDocument` knows for every value: replace
one scalar, or insert one entry into a block mapping. Each new scalar is written in the
style of the one it replaces (or of its neighbours) and read back before it is used.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import yaml

from ivr.definition.lines import line_end, line_start, split_lines
from ivr.definition.source import Loader, Path, SourceDocument

#: Where texts are wrapped, as the flow file wraps them: a text that would make its key's
#: line longer is folded.
WRAP_WIDTH = 100
#: The widest a folded text may keep from the wrapping it was written with.
LONGEST_LINE = 120
BLOCK_STYLES = ("|", ">")


class CannotEdit(ValueError):
    """The file is written in a way these edits cannot change safely; the message says
    what to write instead."""


@dataclass(frozen=True)
class Edit:
    """Replace ``text[start:end]`` with ``new`` (``start == end``: insert)."""

    start: int
    end: int
    new: str


def apply_edits(text: str, edits: Iterable[Edit]) -> str:
    """The text with every edit made; edits at the same place keep the order given."""
    ordered = sorted(enumerate(edits), key=lambda pair: (pair[1].start, pair[1].end, pair[0]))
    out: list[str] = []
    at = 0
    for _, edit in ordered:
        if edit.start < at:
            raise AssertionError(f"overlapping edits at {edit.start}: a bug in the caller")
        out.append(text[at : edit.start])
        out.append(edit.new)
        at = edit.end
    out.append(text[at:])
    return "".join(out)


def newline_of(text: str) -> str:
    """The file's own line ending, so that inserted lines match it."""
    return "\r\n" if "\r\n" in text else "\n"


# -- scalars -------------------------------------------------------------------------------------
def _reads_back(rendered: str, value: str, flow: bool) -> bool:
    document = f"[{rendered}]" if flow else f"k: {rendered}"
    try:
        root = yaml.compose(document, Loader=Loader)
    except yaml.YAMLError:
        return False
    node = root.value[0] if flow else root.value[0][1]
    return (
        isinstance(node, yaml.ScalarNode)
        and node.value == value
        and not (node.tag == "tag:yaml.org,2002:null" and not node.style)
    )


def _folded(value: str, indent: int, width: int, newline: str) -> str | None:
    """``>-`` with the text wrapped at spaces; ``None`` for a text folding would change."""
    if not value or value != value.strip() or any(c in value for c in "\n\r\t") or "  " in value:
        return None
    lines: list[str] = []
    for word in value.split(" "):
        if lines and indent + len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    pad = " " * indent
    return ">-" + "".join(newline + pad + line for line in lines)


def _literal(value: str, indent: int, newline: str) -> str | None:
    if not value or value != value.strip() or "\r" in value:
        return None
    pad = " " * indent
    return "|-" + "".join(newline + pad + line if line else newline for line in value.split("\n"))


def render_scalar(
    value: str, *, style: str | None, column: int, indent: int, width: int = WRAP_WIDTH, newline: str = "\n"
) -> str:
    """``value`` as YAML in ``style`` (the style of the scalar it replaces: None or '' plain,
    quotes, '>' or '|'), starting at ``column``, continued at ``indent``. A one-line text that
    plain YAML would misread is quoted; one that would pass ``width`` is folded."""
    double = json.dumps(value, ensure_ascii=False)
    single = "'" + value.replace("'", "''") + "'"
    one_line = {"": value, None: value, "'": single, '"': double}.get(style)
    candidates: list[str | None] = []
    if one_line is not None:
        candidates += [line for line in (one_line, double) if column + len(line) <= width]
    if style == "|":
        candidates.append(_literal(value, indent, newline))
    candidates += [_folded(value, indent, width, newline), double]
    for candidate in candidates:
        if candidate is not None and _reads_back(candidate.replace(newline, "\n"), value, flow=False):
            return candidate
    raise CannotEdit(f"cannot write {value!r} as YAML")


def flow_scalar(value: str) -> str:
    """``value`` inside ``{...}``: plain when that reads back the same, else in double quotes."""
    if _reads_back(value, value, flow=True) and _reads_back(value, value, flow=False):
        return value
    return json.dumps(value, ensure_ascii=False)


# -- positions -----------------------------------------------------------------------------------
def node_end(text: str, node: yaml.Node) -> int:
    """Where what was written for ``node`` ends: a block collection ends with its last
    value, a block scalar with its last written line (not the blank lines after it)."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        return node_end(text, node.value[-1][1])
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return node_end(text, node.value[-1])
    if isinstance(node, yaml.ScalarNode) and node.style in BLOCK_STYLES:
        written = text[node.start_mark.index : node.end_mark.index].rstrip()
        return line_end(text, node.start_mark.index + len(written))
    return node.end_mark.index


def _block_indent(text: str, node: yaml.ScalarNode, fallback: int) -> int:
    """The indentation of a block scalar's first written line."""
    first = line_end(text, node.start_mark.index)
    for line in split_lines(text[first : node_end(text, node)]):
        if line.strip():
            return len(line) - len(line.lstrip(" "))
    return fallback


def _block_width(text: str, node: yaml.ScalarNode) -> int:
    lines = split_lines(text[line_start(text, node.start_mark.index) : node_end(text, node)])
    return min(LONGEST_LINE, max([WRAP_WIDTH] + [len(line) for line in lines[1:]]))


# -- edits ---------------------------------------------------------------------------------------
def replace_scalar(source: SourceDocument, path: Path, value: str) -> Edit:
    """Write ``value`` in place of the scalar at ``path``, in its style."""
    node = source.values.get(path)
    if not isinstance(node, yaml.ScalarNode):
        raise CannotEdit(f"{'.'.join(map(str, path))} is not a text")
    parent = source.values.get(path[:-1])
    text = source.text
    start, end = node.start_mark.index, node_end(text, node)
    if isinstance(parent, yaml.MappingNode) and parent.flow_style:
        quoted = json.dumps(value, ensure_ascii=False) if node.style == '"' else None
        return Edit(start, end, quoted or flow_scalar(value))
    key = source.keys.get(path)
    indent = (key.start_mark.column if key is not None else node.start_mark.column) + 2
    width = WRAP_WIDTH
    if node.style in BLOCK_STYLES:
        indent, width = _block_indent(text, node, indent), _block_width(text, node)
    rendered = render_scalar(
        value, style=node.style, column=node.start_mark.column, indent=indent, width=width, newline=newline_of(text)
    )
    return Edit(start, end, rendered)


def block_mapping(source: SourceDocument, path: Path) -> yaml.MappingNode:
    """The block mapping at ``path``: where entries can be inserted one per line."""
    node = source.values.get(path)
    if not isinstance(node, yaml.MappingNode) or node.flow_style or not node.value:
        name = ".".join(map(str, path))
        raise CannotEdit(f"{name} is not written one entry per line: write it so, then import again")
    return node


def insert_entry(source: SourceDocument, path: Path, key: str, after_colon: str, order: Sequence[str]) -> Edit:
    """Insert ``key:`` + ``after_colon`` into the block mapping at ``path``, after the last
    entry that ``order`` puts before it (else before the first). ``after_colon`` is what
    follows the colon: `` value``, or a line break and lines indented below the key."""
    mapping = block_mapping(source, path)
    text, newline = source.text, newline_of(source.text)
    indent = mapping.value[0][0].start_mark.column
    rank = {name: i for i, name in enumerate(order)}
    mine = rank.get(key, len(order))
    before = [value for k, value in mapping.value if rank.get(k.value, len(order)) < mine]
    line = " " * indent + key + ":" + after_colon
    if before:
        at = line_end(text, node_end(text, before[-1]))
        return Edit(at, at, newline + line)
    at = line_start(text, mapping.value[0][0].start_mark.index)
    return Edit(at, at, line + newline)


def append_section(source: SourceDocument, lines: Sequence[str]) -> Edit:
    """Add lines at the end of the file, after a blank line."""
    text, newline = source.text, newline_of(source.text)
    body = text.rstrip("\r\n")
    return Edit(len(body), len(text), newline + newline + newline.join(lines) + newline)
