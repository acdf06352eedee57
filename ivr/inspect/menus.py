"""Menus: a few choices, each on a key of the keypad that the line does not keep for
itself, and words that lead to one choice only.

The built-in keys and words (:mod:`ivr.definition.builtins`) work on every menu, so a
choice cannot have them. Words are compared as written, lower-cased with single spaces;
what the recogniser confuses after its deeper normalisation is :mod:`ivr.inspect.listening`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ivr.definition.builtins import (
    KEY_SLOWER,
    RESERVED_KEYS,
    WORDS_HELPLINE,
    WORDS_REPEAT,
    WORDS_SLOWER,
    normalise_words,
)
from ivr.definition.limits import MAX_CHOICES
from ivr.definition.model import Choice, MenuNode
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context

CODES = (
    "no-choices",
    "too-many-choices",
    "reserved-key",
    "not-a-phone-key",
    "unknown-language",
    "empty-word",
    "reserved-word",
    "duplicate-word",
)

#: The keys a flow may give its own choices: a keypad's digits the line does not keep.
PHONE_KEYS = frozenset("123456789")


def keypad_problem(
    context: Context,
    path: Path,
    key: str,
    *,
    where: str = "",
    key_position: bool = False,
    reserved: Mapping[str, str] = RESERVED_KEYS,
) -> Problem | None:
    """Why ``key`` cannot pick a choice (``where`` it would be built in), or ``None``. The
    language menu keeps fewer keys (``reserved``: :data:`LANGUAGE_MENU_RESERVED_KEYS`)."""
    free = "use one of the keys 1 to " + max(PHONE_KEYS - set(reserved))
    if key in reserved:
        return context.error(
            path, f"key {key} is built in: it {reserved[key]}{where}", free, key=key_position, code="reserved-key"
        )
    if key not in PHONE_KEYS:
        return context.error(
            path, f"{key!r} is not a key on a phone's keypad", free, key=key_position, code="not-a-phone-key"
        )
    return None


def check(context: Context) -> Iterator[Problem]:
    reserved = _reserved_words(context)
    for name, node in context.document.nodes.items():
        if isinstance(node, MenuNode):
            yield from _menu(context, ("nodes", name, "choices"), node, reserved)


def _reserved_words(context: Context) -> frozenset[str]:
    """Every word that means repeat, the helpline or slower, in any of the line's languages."""
    words = list(WORDS_REPEAT + WORDS_HELPLINE + WORDS_SLOWER)
    for language in context.document.line.languages.values():
        if language.builtin_words:
            builtin = language.builtin_words
            words += builtin.repeat + builtin.helpline + builtin.slower
    return frozenset(normalise_words(words))


def _menu(context: Context, path: Path, menu: MenuNode, reserved: frozenset[str]) -> Iterator[Problem]:
    if not menu.choices:
        yield context.error(path, "a menu needs at least one choice", code="no-choices")
    if len(menu.choices) > MAX_CHOICES:
        yield context.error(
            path,
            f"{len(menu.choices)} choices is too many to remember",
            f"keep at most {MAX_CHOICES} (0, * and 8 are always there too); split into two menus",
            key=True,
            code="too-many-choices",
        )
    words_seen: dict[tuple[str, str], str] = {}  # (language, word) -> the choice's key
    for key, choice in menu.choices.items():
        key_path = path + (key,)
        where = " on every menu but the language menu" if key == KEY_SLOWER else " on every menu"
        problem = keypad_problem(context, key_path, key, where=where, key_position=True)
        if problem is not None:
            yield problem
        if isinstance(choice, Choice):
            yield from _words(context, key_path, key, choice, reserved, words_seen)


def _words(
    context: Context,
    key_path: Path,
    key: str,
    choice: Choice,
    reserved: frozenset[str],
    words_seen: dict[tuple[str, str], str],
) -> Iterator[Problem]:
    by_language = choice.words if isinstance(choice.words, Mapping) else {"": choice.words}
    for code in by_language:
        if code and code not in context.languages:
            yield context.error(
                key_path + ("words", code),
                f"{code!r} is not one of the line's languages",
                context.did_you_mean(code, context.languages) or "declare it under line: languages:",
                key=True,
                code="unknown-language",
            )
    for code, words in by_language.items():
        for i, word in enumerate(words):
            normal = " ".join(normalise_words([word]))
            word_path = key_path + (("words", code, i) if code else ("words", i))
            if not normal:
                yield context.error(word_path, "an empty word can never be said", code="empty-word")
            elif normal in reserved:
                yield context.error(
                    word_path, f"{word!r} is built in on every menu", "choose another word for this choice",
                    code="reserved-word",
                )  # fmt: skip
            elif words_seen.get((code, normal), key) != key:
                yield context.error(
                    word_path,
                    f"{word!r} is already a word for choice {words_seen[code, normal]}",
                    "each word may lead to only one choice",
                    code="duplicate-word",
                )
            words_seen.setdefault((code, normal), key)
