"""How a translators' import writes into the flow file: each text at its own place and in
its own style, and the reviewers' sign-offs under ``reviews:``, so that the file's comments
and layout stay as they were. :mod:`ivr.translations.importing` decides what may be taken;
this module only writes it, into an :class:`ImportPlan`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml

from ivr.definition.model import FlowDocument
from ivr.definition.reviews import Translatable, translatables
from ivr.definition.source import Path, SourceDocument
from ivr.translations import yaml_edit as ye
from ivr.translations.flow_text import written_at

REVIEWS_COMMENT = (
    "# Reviewers' sign-offs, by language and text, written by 'ivr translations import --reviewer'.",
    "# Each holds short hashes of the source text and of the translation it vouches for: an edit",
    "# to either voids it by itself. 'ivr translations status' shows what is left to review.",
)


@dataclass
class ImportPlan:
    """One import in the making: the edits to write, the data they must read back as, and
    what was changed, signed off, refused and noted on the way."""

    source: SourceDocument
    document: FlowDocument
    code: str
    edits: list[ye.Edit] = field(default_factory=list)
    expected: Any = None
    changed: list[str] = field(default_factory=list)
    signed: dict[str, dict[str, str]] = field(default_factory=dict)
    refusals: list[str] = field(default_factory=list)
    #: The texts whose differing numbers or keys the reviewer accepts.
    accept: frozenset[str] = frozenset()
    numbers: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def text_edit(plan: ImportPlan, item: Translatable, text: str) -> ye.Edit:
    """The edit that writes ``text`` as the plan's language's translation of ``item``: in
    place of the old one, or as a new entry beside the other languages' in their style."""
    if item.translation is not None:
        return ye.replace_scalar(plan.source, item.path, text)
    container = item.path[:-1]
    written = plan.source.values.get(container)
    name = ".".join(map(str, container))
    if written is None:
        raise ye.CannotEdit(
            f"{name} is not written in the flow (callers hear the line's built-in text): "
            f"add it with its {plan.document.line.language} text, then import again"
        )
    if not isinstance(written, yaml.MappingNode):
        raise ye.CannotEdit(
            f"{name} is written as one text, not one per language: write it as "
            f"'{plan.document.line.language}: ...' under it, then import again"
        )
    mapping = ye.block_mapping(plan.source, container)
    indent = mapping.value[0][0].start_mark.column
    sibling = next((v for _, v in mapping.value if isinstance(v, yaml.ScalarNode)), None)
    style = sibling.style if sibling is not None else None
    rendered = ye.render_scalar(
        text,
        style=style,
        column=indent + len(plan.code) + 2,
        indent=indent + 2,
        newline=ye.newline_of(plan.source.text),
    )
    return ye.insert_entry(plan.source, container, plan.code, " " + rendered, list(plan.document.line.languages))


def set_value(data: Any, path: Path, value: Any) -> None:
    """Set ``value`` at ``path`` in plain data, making the mappings on the way."""
    for part in path[:-1]:
        data = data.setdefault(part, {})
    data[path[-1]] = value


def _flow_mapping(signed: dict[str, str]) -> str:
    return "{" + ", ".join(f"{name}: {ye.flow_scalar(value)}" for name, value in signed.items()) + "}"


def sign(plan: ImportPlan) -> None:
    """Write the new sign-offs under ``reviews:``, in the order of the flow's texts."""
    source, code, newline = plan.source, plan.code, ye.newline_of(plan.source.text)
    items = sorted(translatables(plan.document, code), key=lambda item: written_at(source, item))
    order = [item.key for item in items]
    plan.signed = dict(sorted(plan.signed.items(), key=lambda pair: order.index(pair[0])))
    for key, signed in plan.signed.items():
        set_value(plan.expected, ("reviews", code, key), signed)
    try:
        if ("reviews",) not in source.values:
            lines = [*REVIEWS_COMMENT, "reviews:", f"  {code}:"]
            lines += [f"    {key}: {_flow_mapping(signed)}" for key, signed in plan.signed.items()]
            plan.edits.append(ye.append_section(source, lines))
        elif ("reviews", code) not in source.values:
            indent = ye.block_mapping(source, ("reviews",)).value[0][0].start_mark.column + 2
            body = "".join(f"{newline}{' ' * indent}{key}: {_flow_mapping(s)}" for key, s in plan.signed.items())
            plan.edits.append(ye.insert_entry(source, ("reviews",), code, body, list(plan.document.line.languages)))
        else:
            for key, signed in plan.signed.items():
                path = ("reviews", code, key)
                if path in source.values:
                    node = source.values[path]
                    plan.edits.append(
                        ye.Edit(node.start_mark.index, ye.node_end(source.text, node), _flow_mapping(signed))
                    )
                else:
                    plan.edits.append(
                        ye.insert_entry(source, ("reviews", code), key, " " + _flow_mapping(signed), order)
                    )
    except ye.CannotEdit as exc:
        plan.refusals.append(f"reviews: {exc}")
