"""A form's changes written into the flow's text as the smallest edits.

The flow's YAML stays the one source of truth: comments, order and wrapping are kept, and
a form change rewrites only the values that changed (:mod:`ivr.translations.yaml_edit`,
which writes each new value in the style of the one it replaces), so the diff an approver
reads is exactly the change the operator made. Each change is read back before it is kept.

A text's placeholders ("{helpline}") say a number slowly; a translation that drops or
misspells one would leave callers without the number, so such a change is refused here
with the words to keep, before anything is written.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import yaml

from ivr.console.flow_form import Place, TextForm
from ivr.definition.lines import line_start
from ivr.definition.source import SourceDocument
from ivr.definition.texts import placeholders_in
from ivr.translations.yaml_edit import (
    WRAP_WIDTH,
    Edit,
    apply_edits,
    block_mapping,
    flow_scalar,
    insert_entry,
    newline_of,
    node_end,
    render_scalar,
    replace_scalar,
)


class FormRefused(ValueError):
    """A change the form cannot make; the message names the field and says what to do."""


@dataclass(frozen=True)
class Changed:
    text: str
    count: int  # how many values changed


def text_edits(
    source: SourceDocument, place: Place, sent: Mapping[str, str], language_order: Sequence[str]
) -> list[Edit]:
    """Edits for every text field of ``place`` whose value in ``sent`` differs from the flow's.
    ``sent``: form fields named ``text|<path>|<language>``."""
    edits: list[Edit] = []
    for form in place.texts:
        for version in form.versions:
            if version.recording is not None:
                continue
            value = sent.get(field_name(form, version.code))
            if value is None:
                continue
            value = " ".join(value.split()) if "\n" not in (version.text or "") else value.strip()
            if value == (version.text or ""):
                continue
            if not value:
                raise FormRefused(f"{form.title}, {version.language}: a text cannot be empty. Write what callers hear.")
            _keeps_placeholders(form, version.language, value)
            edits.append(_text_edit(source, form, version.code, value, language_order))
    return edits


def field_name(form: TextForm, code: str) -> str:
    return "text|" + "/".join(map(str, form.path)) + "|" + code


def _keeps_placeholders(form: TextForm, language: str, value: str) -> None:
    missing = [name for name in form.placeholders if name not in placeholders_in(value)]
    if missing:
        names = ", ".join("{" + name + "}" for name in missing)
        raise FormRefused(
            f"{form.title}, {language}: keep {names} in the text, written exactly so. The line says the number "
            "there; without it callers would not hear it."
        )


def _text_edit(source: SourceDocument, form: TextForm, code: str, value: str, order: Sequence[str]) -> Edit:
    node = source.values.get(form.path)
    if isinstance(node, yaml.ScalarNode):  # one text for the line's first language only
        return replace_scalar(source, form.path, value)
    if isinstance(source.values.get((*form.path, code)), yaml.ScalarNode):
        return replace_scalar(source, (*form.path, code), value)
    mapping = block_mapping(source, form.path)  # a language with no text here yet: a new line
    indent = mapping.value[0][0].start_mark.column
    newline = newline_of(source.text)
    rendered = render_scalar(value, style=None, column=indent + len(code) + 2, indent=indent + 2, newline=newline)
    return insert_entry(source, form.path, code, " " + rendered, order)


def list_edit(source: SourceDocument, path: tuple[str | int, ...], words: Sequence[str], order: Sequence[str]) -> Edit:
    """The list at ``path`` (``[...]`` words or examples of a choice, maybe one language's)
    replaced by ``words``; a list not written yet is added, after the entries ``order`` puts first."""
    if isinstance(source.values.get(path), yaml.SequenceNode):
        return words_edit(source, path, words)
    parent, key = path[:-1], str(path[-1])
    if not isinstance(source.values.get(parent), yaml.MappingNode):
        raise FormRefused(
            "this choice is written in one line ('key: node'): add words to it in the advanced editor "
            "(write it as 'go: node' with 'words: [...]'), then use this form"
        )
    return insert_entry(source, parent, key, " " + _flow_list(words, 0), order)


def words_edit(source: SourceDocument, path: tuple[str | int, ...], words: Sequence[str]) -> Edit:
    """Replace the list of words at ``path`` (a flow list ``[a, b]``), wrapped as the file
    wraps them; words only added at the end are written after the last, the rest untouched."""
    node = source.values.get(path)
    if not isinstance(node, yaml.SequenceNode) or not node.flow_style:
        raise FormRefused(f"{'.'.join(map(str, path))} is not written as [a, b]: change it in the advanced editor")
    old = [item.value for item in node.value if isinstance(item, yaml.ScalarNode)]
    end = node_end(source.text, node)
    if old and len(old) == len(node.value) and list(words[: len(old)]) == old and source.text[end - 1] == "]":
        return _appended(source.text, end - 1, node.start_mark.column + 1, words[len(old) :])
    return Edit(node.start_mark.index, end, _flow_list(words, node.start_mark.column))


def _appended(text: str, bracket: int, indent: int, added: Sequence[str]) -> Edit:
    """``, word`` for each added word before the list's closing bracket, on a new line when
    the line would pass the file's width."""
    column = bracket - line_start(text, bracket)
    out = ""
    for word in added:
        item = flow_scalar(word)
        if column + 2 + len(item) + 1 > WRAP_WIDTH:
            out += ",\n" + " " * indent + item
            column = indent + len(item)
        else:
            out += ", " + item
            column += 2 + len(item)
    return Edit(bracket, bracket, out.replace("\n", newline_of(text)))


def _flow_list(words: Sequence[str], column: int) -> str:
    """``[a, b, c]``, continued under the first word past the file's width."""
    lines = [""]
    for word in words:
        item = flow_scalar(word)
        if lines[-1] and column + 1 + len(lines[-1]) + len(item) + 2 > WRAP_WIDTH:
            lines.append("")
        lines[-1] += ("" if not lines[-1] else " ") + item + ","
    return "[" + ("\n" + " " * (column + 1)).join(lines).rstrip(",") + "]"


def applied(text: str, edits: Sequence[Edit]) -> Changed:
    """The flow's text with the form's edits made."""
    return Changed(apply_edits(text, edits), len(edits))
