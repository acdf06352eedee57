"""Adding a message or a menu to the flow, and removing one, as text edits of the draft.

A new place is written at the end of ``nodes:`` with its text in the line's first language
and where it leads; the check then lists what it still needs (its other languages, and a
choice that leads to it), each fixed in the place's own form. Removing a place first shows
everything that leads to it (a menu's choice, a message's "then", the line's start or its
danger message), and the operator picks where each of them goes instead: nothing is left
pointing at a place that is gone, and no caller is left at a dead end.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

import yaml

from ivr.console.flow_form import title_of
from ivr.console.form_edits import FormRefused
from ivr.definition.lines import line_start
from ivr.definition.model import Choice, FlowDocument
from ivr.definition.source import Path, SourceDocument
from ivr.translations.yaml_edit import Edit, block_mapping, newline_of, node_end, render_scalar, replace_scalar

KINDS = ("message", "menu")
NAME = re.compile(r"^[a-z][a-z0-9_]{0,39}$")


@dataclass(frozen=True)
class Reference:
    """One thing that leads to a place: where it is written, and how an operator names it."""

    path: Path
    said: str


def node_name(words: str) -> str:
    """The name a place gets from the words an operator gives it: "Opening hours" is ``opening_hours``."""
    return re.sub(r"_+", "_", re.sub(r"[^a-z0-9]+", "_", words.strip().lower())).strip("_")


def add_node(source: SourceDocument, document: FlowDocument, kind: str, title: str, text: str, to: str) -> Edit:
    """A new message (then ``to``) or menu (key 1 goes to ``to``), saying ``text`` in the
    line's first language, at the end of ``nodes:``."""
    name = node_name(title)
    if kind not in KINDS:
        raise FormRefused("Choose a message or a menu.")
    if not NAME.match(name):
        raise FormRefused("Give it a name of a few words, starting with a letter (for example “Opening hours”).")
    if name in document.nodes:
        raise FormRefused(f"There is a place called “{title_of(name)}” already: give this one another name.")
    if to not in document.nodes:
        raise FormRefused("Choose where it leads from the list.")
    if not text.strip():
        raise FormRefused(f"Write what the line says, in {document.line.languages[document.line.language].name}.")
    nodes = block_mapping(source, ("nodes",))
    indent = nodes.value[0][0].start_mark.column
    newline = newline_of(source.text)
    pad = " " * (indent + 2)
    said = render_scalar(
        " ".join(text.split()), style=None, column=len(pad) + 4 + len(document.line.language) + 2,
        indent=len(pad) + 4, newline=newline,
    )  # fmt: skip
    lines = [f"{' ' * indent}{name}:", f"{pad}type: {kind}", f"{pad}say:", f"{pad}  {document.line.language}: {said}"]
    lines += [f"{pad}next: {to}"] if kind == "message" else [f"{pad}choices:", f'{pad}  "1": {to}']
    at = node_end(source.text, nodes.value[-1][1])
    return Edit(at, at, newline + newline + newline.join(lines))


def references(document: FlowDocument, name: str) -> list[Reference]:
    """Everything in the flow that leads to the place ``name``."""
    found = []
    if document.line.start == name:
        found.append(Reference(("line", "start"), "The call starts here"))
    if document.line.danger == name:
        found.append(Reference(("line", "danger"), "Where callers in danger are sent, from every menu"))
    for other, node in document.nodes.items():
        if other == name:
            continue
        for key, choice in (getattr(node, "choices", None) or {}).items():
            if (choice.go if isinstance(choice, Choice) else choice) == name:
                path = ("nodes", other, "choices", key) + (("go",) if isinstance(choice, Choice) else ())
                found.append(Reference(path, f"{title_of(other)}: key {key}"))
        for field, said in (("next", "then"), ("if_no_answer", "if nobody answers")):
            if getattr(node, field, None) == name:
                found.append(Reference(("nodes", other, field), f"{title_of(other)}: {said}"))
    return found


def remove_node(source: SourceDocument, name: str, instead: Mapping[Path, str]) -> list[Edit]:
    """The place's lines (with the comment lines just above it) taken out, and each thing
    that led to it sent where ``instead`` says."""
    key = source.keys.get(("nodes", name))
    value = source.values.get(("nodes", name))
    if key is None or value is None:
        raise FormRefused(f"There is no place called “{title_of(name)}”.")
    text = source.text
    start = line_start(text, key.start_mark.index)
    while start > 0:
        above = line_start(text, start - 1)
        if not text[above:start].lstrip().startswith("#"):
            break
        start = above
    end = node_end(text, value)
    end = text.find("\n", end) + 1 if text.find("\n", end) >= 0 else len(text)
    if text[end : end + 1] == "\n" and (start < 2 or text[start - 2 : start] == "\n\n"):
        end += 1  # the blank line after it too, so no two blank lines are left
    edits = [Edit(start, end, "")]
    for path, target in instead.items():
        if not isinstance(source.values.get(path), yaml.ScalarNode):
            raise FormRefused("Something that led to this place has changed meanwhile: open this page again.")
        edits.append(replace_scalar(source, path, target))
    return edits
