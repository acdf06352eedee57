"""The flow as the form editor shows it: places in the order a caller meets them, each with
its texts (one field per language) and, for a menu, its choices.

Operators are not asked to read YAML: they find a place by its name (the one the flow's
picture uses) or by any words it says, in any language, and change it in fields. What is
shown is read from the flow's document (:mod:`ivr.definition.model`) and its positions, so
that every change can be written back as the smallest edit of the text
(:mod:`ivr.console.form_edits`).
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field

from ivr.definition.model import Choice, FlowDocument, LanguageNode, MenuNode, MessageNode, Recording, TransferNode
from ivr.definition.place_names import MESSAGE_NAMES, node_title
from ivr.definition.reviews import ReviewState, TextReview, language_reviews
from ivr.definition.source import Path
from ivr.definition.texts import iter_texts, placeholders_in
from ivr.inspect.lints import DEFAULT_WPM, WORDS_PER_MINUTE

#: How the form names each text of a place, as an operator would say it.
FIELD_NAMES = {
    "say": "What the line says",
    "say_short": "Shorter, on the second and later tries",
    "say_after": "Said after the options",
    "means": "What this choice is (“It sounds like you want …”)",
    "name": "The number's name, as it is said",
}
KINDS = {MenuNode: "Menu", MessageNode: "Message", TransferNode: "Connects to a number", LanguageNode: "Language menu"}


@dataclass(frozen=True)
class Version:
    """One language's text of a field: what it says now, how long it takes, its review."""

    code: str
    language: str
    text: str | None  # None: not written yet; a recording is shown as its file
    recording: str | None
    review: ReviewState | None  # None: the source language, or nothing to review
    reviewer: str | None
    rtl: bool


@dataclass(frozen=True)
class TextForm:
    path: Path
    title: str
    versions: tuple[Version, ...]
    placeholders: tuple[str, ...]  # what the source text fills in: each must stay in every language
    every_language: bool


@dataclass(frozen=True)
class ChoiceForm:
    key: str
    go: str
    words: Mapping[str, tuple[str, ...]]  # per language ("" for words said in every language)
    examples: Mapping[str, tuple[str, ...]]
    simple: bool  # written as 'key: node', with no words


@dataclass(frozen=True)
class Place:
    """A node, the line's own messages, or the numbers' names: one page of the form."""

    id: str
    title: str
    kind: str
    texts: tuple[TextForm, ...]
    choices: tuple[ChoiceForm, ...] = ()
    next: str | None = None
    timeout: int | None = None
    words: tuple[str, ...] = field(default=())  # every word of the place, for search


RIGHT_TO_LEFT = ("ar", "he", "fa", "ur", "ps", "ckb", "yi")
MESSAGES, NUMBERS = "messages", "numbers"


def title_of(name: str) -> str:
    """A node's name as the whole console says it (the picture, the diffs, these forms)."""
    return node_title(name)


def places(document: FlowDocument) -> list[Place]:
    """Every place, in the order a caller meets them from the start, then the line's own
    messages and the numbers' names; nodes no call reaches last."""
    reviews = language_reviews(document)
    by_place: dict[str, list[TextForm]] = {}  # each text under the place it belongs to, in one pass
    for path, form in _text_forms(document, reviews).items():
        by_place.setdefault(_place_of(path), []).append(form)
    found = [_node_place(document, name, by_place) for name in caller_order(document)]
    found.append(_place(MESSAGES, "What the line says by itself", "Messages", by_place))
    found.append(_place(NUMBERS, "Numbers' names", "Numbers", by_place))
    return found


def _place_of(path: Path) -> str:
    """Which place of the form a text's path belongs to."""
    if path[0] == "nodes":
        return str(path[1])
    return MESSAGES if path[:2] == ("line", "messages") else NUMBERS


def caller_order(document: FlowDocument) -> list[str]:
    """Node names breadth first from the start (the order a caller meets them), then the rest."""
    order: dict[str, None] = {}  # in the order met; a dict, so that "met already" costs nothing
    queue = deque([document.line.start])
    while queue:
        name = queue.popleft()
        if name in order or name not in document.nodes:
            continue
        order[name] = None
        node = document.nodes[name]
        for _key, choice in sorted((getattr(node, "choices", None) or {}).items()):
            queue.append(choice.go if isinstance(choice, Choice) else choice)
        for after in (getattr(node, "next", None), getattr(node, "if_no_answer", None)):
            if after:
                queue.append(after)
    return [*order, *(name for name in document.nodes if name not in order)]


def matching(found: list[Place], query: str) -> list[Place]:
    """The places whose name or any text, in any language, holds ``query`` (case and accents ignored)."""
    wanted = _folded(query)
    if not wanted:
        return found
    return [p for p in found if wanted in _folded(p.title) or any(wanted in _folded(w) for w in p.words)]


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace("ł", "l").replace("đ", "d")


def _node_place(document: FlowDocument, name: str, by_place: dict[str, list[TextForm]]) -> Place:
    node = document.nodes[name]
    place = _place(name, title_of(name), KINDS.get(type(node), "Node"), by_place)
    choices = tuple(_choice(key, value) for key, value in (getattr(node, "choices", None) or {}).items())
    words = place.words + tuple(w for c in choices for ws in (*c.words.values(), *c.examples.values()) for w in ws)
    return Place(
        place.id,
        place.title,
        place.kind,
        place.texts,
        choices,
        getattr(node, "next", None),
        getattr(node, "timeout", None),
        words,
    )


def _place(place_id: str, title: str, kind: str, by_place: dict[str, list[TextForm]]) -> Place:
    texts = tuple(by_place.get(place_id, ()))
    words = tuple(v.text for form in texts for v in form.versions if v.text)
    return Place(place_id, title, kind, texts, words=words)


def _choice(key: str, value: Choice | str) -> ChoiceForm:
    if isinstance(value, str):
        return ChoiceForm(key, value, {}, {}, True)
    return ChoiceForm(key, value.go, _per_language(value.words), _per_language(value.examples), False)


def _per_language(words: object) -> dict[str, tuple[str, ...]]:
    if isinstance(words, Mapping):
        return {code: tuple(str(w) for w in listed) for code, listed in words.items()}
    return {"": tuple(str(w) for w in words)} if words else {}  # type: ignore[attr-defined]


def _text_forms(document: FlowDocument, reviews: Mapping[str, object]) -> dict[Path, TextForm]:
    line = document.line
    states: dict[tuple[Path, str], TextReview] = {
        (r.item.path[:-1], code): r
        for code, review in reviews.items()
        for r in review.texts  # type: ignore[attr-defined]
    }
    forms: dict[Path, TextForm] = {}
    for found in iter_texts(document):
        if found.path[:2] == ("line", "messages") and found.path[2] not in line.messages.model_fields_set:
            continue  # the line's built-in words: not written in this flow
        codes = list(line.languages) if found.every_language else [line.language]
        versions = []
        for code in codes:
            text = found.text.get(code) if isinstance(found.text, Mapping) else found.text
            state = states.get((found.path, code))
            versions.append(
                Version(
                    code,
                    line.languages[code].name,
                    text if isinstance(text, str) else None,
                    text.play if isinstance(text, Recording) else None,
                    state.state if state is not None else None,
                    state.sign_off.by if state is not None and state.sign_off is not None else None,
                    code.split("-")[0].lower() in RIGHT_TO_LEFT,
                )
            )
        source = found.text.get(line.language) if isinstance(found.text, Mapping) else found.text
        names = placeholders_in(source) if isinstance(source, str) else []
        forms[found.path] = TextForm(
            found.path, _field_title(found.path), tuple(versions), tuple(dict.fromkeys(names)), found.every_language
        )
    return forms


def _field_title(path: Path) -> str:
    if path[:2] == ("line", "messages"):
        return MESSAGE_NAMES.get(str(path[2]), title_of(str(path[2])))
    if path[0] == "numbers":
        return f"{title_of(str(path[1]))}: {FIELD_NAMES.get(str(path[-1]), path[-1])}"
    if "choices" in path:
        return f"Choice {path[3]}: {FIELD_NAMES['means']}"
    return FIELD_NAMES.get(str(path[-1]), title_of(str(path[-1])))


def words_per_minute(code: str, declared: int | None = None) -> int:
    """The pace the checker assumes for a language: what the form's seconds are counted at."""
    return declared or WORDS_PER_MINUTE.get(code.split("-")[0].lower(), DEFAULT_WPM)
