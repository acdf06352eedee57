"""``ivr flow upgrade``: a flow file's text brought up to the current format, for good.

The line reads an older format as the current one every time it loads it
(:mod:`ivr.definition.formats`); this makes the same change in the file, with the
smallest edits to its text (:mod:`ivr.translations.yaml_edit`), so its comments, order,
wrapping and quoting stay as they were and the diff a reviewer reads is the upgrade alone.
Each step takes out of the text the very values it takes out of the data as the file is
read (the same :attr:`~ivr.definition.formats.Step.paths`), then the file is stamped with
``version:``. It lives beside the translators' edits because it edits the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import yaml

from ivr.definition.formats import CURRENT_FORMAT, VERSION_KEY, declared_format, steps_from
from ivr.definition.source import Path, SourceDocument, parse_yaml
from ivr.translations.flow_text import BOM
from ivr.translations.yaml_edit import CannotEdit, Edit, apply_edits, insert_entry, node_end, replace_scalar


@dataclass(frozen=True)
class Upgraded:
    """The upgraded text, the format it was written in, and what each step changed."""

    text: str
    written_in: int
    changes: tuple[str, ...]


def upgraded(text: str, name: str = "the flow file") -> Upgraded:
    """``text`` in the current format, or :class:`CannotEdit` saying why it cannot be upgraded.
    A file already in the current format comes back as it is."""
    bom = BOM if text.startswith(BOM) else ""
    text = text.removeprefix(BOM)
    source = _parsed(text, name)
    written_in, problems = declared_format(source)
    if problems:
        raise CannotEdit(f"{name}: {problems[0].message}; {problems[0].hint}")
    if written_in == CURRENT_FORMAT and source.data.get(VERSION_KEY) is not None:
        return Upgraded(bom + text, written_in, ())
    changes = []
    for step in steps_from(written_in):
        paths = step.paths(source.data)
        if paths:
            text = apply_edits(text, [_taken_out(source, path) for path in paths])
            changes.append(step.change)
            source = _parsed(text, name)
    if VERSION_KEY in source.data:
        stamp = replace_scalar(source, (VERSION_KEY,), str(CURRENT_FORMAT))
    else:
        stamp = insert_entry(source, (), VERSION_KEY, f" {CURRENT_FORMAT}", order=[VERSION_KEY])
    changes.append(f"'version: {CURRENT_FORMAT}' says the format it is written in now")
    return Upgraded(bom + apply_edits(text, [stamp]), written_in, tuple(changes))


def _parsed(text: str, name: str) -> SourceDocument:
    source, _ = parse_yaml(text)
    if source is None or not isinstance(source.data, dict):
        raise CannotEdit(f"{name} is not a flow file YAML can read: run 'ivr check {name}' and fix that first")
    return source


def _taken_out(source: SourceDocument, path: Path) -> Edit:
    """The edit that takes the entry at ``path`` out of its mapping: its whole line in a
    block mapping (a comment after it too), or the entry and one comma in ``{...}``."""
    text, key, value = source.text, source.keys[path], source.values[path]
    mapping = source.values[path[:-1]]
    assert isinstance(mapping, yaml.MappingNode)
    if not mapping.flow_style:
        start = text.rfind("\n", 0, key.start_mark.index) + 1
        if text[start : key.start_mark.index].strip():
            raise CannotEdit(f"{'.'.join(map(str, path))} does not start its own line: write it so, then upgrade")
        end = text.find("\n", node_end(text, value))
        return Edit(start, len(text) if end < 0 else end + 1, "")
    keys = [entry_key for entry_key, _ in mapping.value]
    at = keys.index(key)
    if at > 0:
        return Edit(node_end(text, mapping.value[at - 1][1]), node_end(text, value), "")
    if len(keys) > 1:
        return Edit(key.start_mark.index, keys[1].start_mark.index, "")
    return Edit(key.start_mark.index, node_end(text, value), "")
