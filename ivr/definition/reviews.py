"""Which texts a native speaker has reviewed, language by language, text by text.

A reviewer signs off one text in one language (``reviews:`` in the flow file, written by
``ivr translations import --reviewer``). A sign-off holds short hashes of the source text
(the line's first language) and of the translation it vouches for: an edit to either voids
it by itself, so nobody has to remember to take a sign-off back.

The texts to review in a language are every text the flow writes that callers hear in it
(:func:`ivr.definition.texts.iter_texts`, those said in every language) plus its own option
at the language menu (``choose``). The line's first language is the source and needs no
sign-off; recordings are not texts to translate; a line message the flow does not write is
the operator's to add first (``default-message``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from ivr.definition.model import FlowDocument, Recording, SignOff
from ivr.definition.source import Path
from ivr.definition.texts import TextField, iter_texts
from ivr.platform import in_letters

HASH_LENGTH = 8


def text_hash(text: str) -> str:
    """A short hash of one text, as a sign-off stores it."""
    return in_letters(hashlib.sha256(text.encode("utf-8")).hexdigest()[:HASH_LENGTH])


def text_key(path: Path) -> str:
    """How a text is named in ``reviews:`` and in translators' files: ``nodes.welcome.say``.

    Node, number and language names never contain a dot, so the name is unambiguous."""
    return ".".join(str(part) for part in path)


class ReviewState(StrEnum):
    REVIEWED = "reviewed"
    NOT_TRANSLATED = "not translated yet"
    NEVER_SIGNED = "never signed off"
    SOURCE_CHANGED = "the source text changed since it was signed off"
    TRANSLATION_CHANGED = "the translation changed since it was signed off"
    BOTH_CHANGED = "the source text and the translation changed since they were signed off"


@dataclass(frozen=True)
class Translatable:
    """One text to translate into one language, and where its translation is written."""

    key: str
    #: Where this language's version is written in the flow (or would be written).
    path: Path
    #: The text in the line's first language (for ``choose``: the language's name and key).
    source: str
    #: This language's text, or ``None`` when there is none yet.
    translation: str | None
    #: The text field, or ``None`` for a language's own option at the language menu.
    field: TextField | None


@dataclass(frozen=True)
class TextReview:
    item: Translatable
    state: ReviewState
    #: The sign-off written for this text, even a void one (it says who reviewed it before).
    sign_off: SignOff | None


@dataclass(frozen=True)
class LanguageReview:
    code: str
    name: str
    texts: tuple[TextReview, ...]
    #: Sign-offs of texts the flow no longer has (renamed or removed nodes and numbers).
    stale: tuple[str, ...]

    @property
    def reviewed(self) -> tuple[TextReview, ...]:
        return tuple(t for t in self.texts if t.state is ReviewState.REVIEWED)

    @property
    def unreviewed(self) -> tuple[TextReview, ...]:
        return tuple(t for t in self.texts if t.state is not ReviewState.REVIEWED)

    @property
    def progress(self) -> tuple[int, int]:
        """(texts reviewed, texts to review)."""
        return len(self.reviewed), len(self.texts)

    @property
    def complete(self) -> bool:
        return not self.unreviewed

    def summary(self) -> str:
        """One line for ``ivr check``, the console and ``ivr translations status``."""
        done, total = self.progress
        return f"{self.name} ({self.code}): {done} of {total} texts reviewed"


def choose_source(document: FlowDocument, code: str) -> str:
    """What a language's own option at the language menu says, as a source to translate:
    its name in itself and its key (``Polski, press 2.``). A new key voids the sign-off."""
    language = document.line.languages[code]
    if language.key is None:
        return f"{language.name}? Say: {language.name.lower()}."
    return f"{language.name}, press {language.key}."


def translatables(document: FlowDocument, code: str) -> list[Translatable]:
    """Every text to translate into ``code``, in the order the flow file lists them."""
    line = document.line
    items: list[Translatable] = []
    language = line.languages.get(code)
    if language is not None and not isinstance(language.choose, Recording):
        path = ("line", "languages", code, "choose")
        items.append(Translatable(text_key(path), path, choose_source(document, code), language.choose, None))
    written_messages = line.messages.model_fields_set
    for field in iter_texts(document):
        if not field.every_language:
            continue
        if field.path[:2] == ("line", "messages") and field.path[2] not in written_messages:
            continue  # the line's built-in text: the operator writes it first (default-message)
        if isinstance(field.text, Mapping):
            source = field.text.get(line.language)
            translation = field.text.get(code)
        else:
            source, translation = field.text, None
        if not isinstance(source, str) or isinstance(translation, Recording):
            continue
        items.append(Translatable(text_key(field.path), field.path + (code,), source, translation, field))
    return items


def state_of(item: Translatable, sign_off: SignOff | None) -> ReviewState:
    if item.translation is None:
        return ReviewState.NOT_TRANSLATED
    if sign_off is None:
        return ReviewState.NEVER_SIGNED
    source_changed = sign_off.source != text_hash(item.source)
    translation_changed = sign_off.text != text_hash(item.translation)
    if source_changed and translation_changed:
        return ReviewState.BOTH_CHANGED
    if source_changed:
        return ReviewState.SOURCE_CHANGED
    if translation_changed:
        return ReviewState.TRANSLATION_CHANGED
    return ReviewState.REVIEWED


def sign_off(source: str, translation: str, by: str, date: str, accepted: str | None = None) -> SignOff:
    """A sign-off of ``translation`` as a translation of ``source``; ``accepted``: how its numbers
    or keys differ from the source's, which the reviewer accepts."""
    return SignOff(by=by, date=date, source=text_hash(source), text=text_hash(translation), accepted=accepted)


def review(document: FlowDocument, code: str) -> LanguageReview:
    """Which of a language's texts are reviewed, which are not and why."""
    signed = document.reviews.get(code, {})
    items = translatables(document, code)
    texts = tuple(TextReview(item, state_of(item, signed.get(item.key)), signed.get(item.key)) for item in items)
    keys = {item.key for item in items}
    language = document.line.languages.get(code)
    name = language.name if language is not None else code
    return LanguageReview(code, name, texts, tuple(key for key in signed if key not in keys))


def language_reviews(document: FlowDocument) -> dict[str, LanguageReview]:
    """The review of every language but the line's first, in the order the flow lists them:
    what ``ivr check``, the console and ``ivr translations status`` show."""
    return {code: review(document, code) for code in document.line.languages if code != document.line.language}


def unknown_review_languages(document: FlowDocument) -> tuple[str, ...]:
    """Languages under ``reviews:`` that the line does not offer (a misspelt code, or a
    language since removed): their sign-offs count for nothing."""
    line = document.line
    return tuple(code for code in document.reviews if code not in line.languages or code == line.language)
