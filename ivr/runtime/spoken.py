"""What the line says, ready to be said: a text in one language (:class:`Speech`) made of
words, numbers to say slowly group by group, and recordings; and the "keys" message each
menu fills in with its own keys.

Part of the runtime model (:mod:`ivr.runtime.flow`, which names these too): kept apart
because every node holds these, while only the webhooks and tools read the nodes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Union

from ivr.definition.languages import LIST_OR, LIST_SEPARATOR, family


@dataclass(frozen=True)
class SpokenNumber:
    """A number inside a text: said slowly, group by group; twice, except just before a
    transfer to it, where once is enough and a second time only keeps the caller waiting."""

    groups: tuple[str, ...]  # the words of each group, e.g. ("oh eight hundred", ...)
    times: int = 2


@dataclass(frozen=True)
class Recording:
    """A recorded prompt, played instead of spoken (``url`` as Twilio fetches it)."""

    url: str
    seconds: float | None = None


Segment = Union[str, SpokenNumber, Recording]


@dataclass(frozen=True)
class Speech:
    """A text in one language, with its numbers ready to be said."""

    segments: tuple[Segment, ...]

    @property
    def plain(self) -> str:
        """The text as a person would read it (numbers once, groups separated by commas)."""
        parts = []
        for s in self.segments:
            if isinstance(s, str):
                parts.append(s)
            elif isinstance(s, SpokenNumber):
                parts.append(", ".join(s.groups))
            else:
                parts.append(f"[recording {s.url}]")
        return "".join(parts)


#: One :class:`Speech` per language code; the line's language is always present.
Texts = Mapping[str, Speech]


@dataclass(frozen=True)
class KeysMessage:
    """The line's "keys" message in one language, compiled like every text (numbers ready
    to say, a recording kept) and cut where ``{keys}`` stands: each menu says it with its
    own keys, so :meth:`said_with` fills them in when the menu is said."""

    #: The message's words between the places of ``{keys}``: one more than there are places.
    parts: tuple[Speech, ...]

    def said_with(self, keys: Sequence[str], language: str) -> Speech:
        """The message for a menu with these keys, listed the way ``language`` lists them."""
        listed = list_keys(keys, language)
        segments: list[Segment] = list(self.parts[0].segments)
        for part in self.parts[1:]:
            segments.append(listed)
            segments.extend(part.segments)
        return Speech(tuple(segments))

    @property
    def plain(self) -> str:
        """The message as written, with ``{keys}`` where each menu's keys are said."""
        return "{keys}".join(part.plain for part in self.parts)


def list_keys(keys: Sequence[str], language: str) -> str:
    """Keys as a sentence lists them: "1, 2, 3 or 4", "1، 2 أو 3" (commas only where the
    language's "or" is not known)."""
    conjunction = LIST_OR.get(family(language))
    separator = LIST_SEPARATOR.get(family(language), ", ")
    if len(keys) == 1:
        return keys[0]
    if conjunction:
        return separator.join(keys[:-1]) + f" {conjunction} " + keys[-1]
    return separator.join(keys)
