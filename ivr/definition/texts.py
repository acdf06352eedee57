"""Which values of a flow are texts callers hear, and the placeholders each may use.

One home for both, read by the checker (every text in every language, placeholders
known), the compiler (placeholders filled), the translators' files and the text lints.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from ivr.definition.model import FlowDocument, LanguageNode, Text

#: ``{name}`` inside a text: a number of the flow's, or one the line fills itself.
PLACEHOLDER = re.compile(r"\{([^{}]*)\}")

#: Messages said only by the TwiML Bin, in the line's first language.
LINE_LANGUAGE_MESSAGES = ("fallback_retry", "fallback_end")

#: In the "keys" message: where the keys of the menu being said go, filled as it is said.
KEYS_PLACEHOLDER = "keys"
#: Placeholders that only the line's own messages may use, filled in by the line.
MESSAGE_PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "keys": (KEYS_PLACEHOLDER,),
    "no_answer": ("number",),
    "busy": ("number",),
    "failed": ("number",),
    "other_number": ("other_name",),
    "connecting": ("name",),
    "sounds_like": ("choice",),
    "sounds_like_key": ("key",),
}
#: The text fields of each kind of node, in the order a caller hears them.
NODE_TEXT_FIELDS = ("say", "say_short", "say_after")


@dataclass(frozen=True)
class TextField:
    """One text of a flow: where it is, what it says, and what it may contain."""

    path: tuple[str | int, ...]
    text: Text
    #: Placeholders the line fills in here, besides the flow's own numbers.
    placeholders: tuple[str, ...]
    #: False for texts said only in the line's first language (before a language is chosen).
    every_language: bool


def placeholders_in(text: str) -> list[str]:
    """The names inside ``{...}`` in a text, as written, stripped of spaces."""
    return [m.group(1).strip() for m in PLACEHOLDER.finditer(text)]


def iter_texts(document: FlowDocument) -> Iterator[TextField]:
    """Every text of the flow except the language menu's options (``choose``), which are
    each in their own language."""
    for name, number in document.numbers.items():
        yield TextField(("numbers", name, "name"), number.name, (), True)
        if number.say is not None:
            yield TextField(("numbers", name, "say"), number.say, (), False)
    messages = document.line.messages
    for field_name in type(messages).model_fields:
        yield TextField(
            ("line", "messages", field_name),
            getattr(messages, field_name),
            MESSAGE_PLACEHOLDERS.get(field_name, ()),
            field_name not in LINE_LANGUAGE_MESSAGES,
        )
    for name, node in document.nodes.items():
        every_language = not isinstance(node, LanguageNode)
        for field_name in NODE_TEXT_FIELDS:
            value = getattr(node, field_name, None)
            if value is not None:
                yield TextField(("nodes", name, field_name), value, (), every_language)
        for key, choice in (getattr(node, "choices", None) or {}).items():
            means = getattr(choice, "means", None)
            if means is not None:
                yield TextField(("nodes", name, "choices", key, "means"), means, (), True)
