"""The languages a line offers: declared once, each picked by its own key at the language
menu, each spoken by a voice or else recorded, and a menu that lets callers choose.

A language's key may be 1 to 8: the language menu keeps only 0 (helpline), 9 (quick exit),
* (repeat) and # for itself, since its options are a word each and slower speech is not
offered there (:data:`ivr.definition.builtins.LANGUAGE_MENU_RESERVED_KEYS`); 8 is slower
speech at every other menu."""

from __future__ import annotations

from collections.abc import Iterator

from ivr.definition.builtins import LANGUAGE_MENU_RESERVED_KEYS
from ivr.definition.model import LanguageNode
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context
from ivr.inspect.menus import keypad_problem

CODES = (
    "unknown-language",
    "reserved-key",
    "not-a-phone-key",
    "language-key-used-twice",
    "no-language-menu",
)


def check(context: Context) -> Iterator[Problem]:
    line = context.document.line
    if not line.languages:
        return
    if line.language not in line.languages:
        yield context.error(
            ("line", "language"),
            f"{line.language!r} is not one of the line's languages",
            context.did_you_mean(line.language, line.languages) or "declare it under 'languages:'",
            code="unknown-language",
        )
    keys: dict[str, str] = {}  # key -> the language it picks
    for code, language in line.languages.items():
        path: Path = ("line", "languages", code)
        if language.key is None:
            pass  # said, not pressed: its option tells callers to say its name
        elif (
            problem := keypad_problem(
                context,
                path + ("key",),
                language.key,
                where=" at the language menu",
                reserved=LANGUAGE_MENU_RESERVED_KEYS,
            )
        ) is not None:
            yield problem
        elif language.key in keys:
            yield context.error(
                path + ("key",),
                f"key {language.key} already picks {keys[language.key]}",
                "give each language its own key",
                code="language-key-used-twice",
            )
        if language.key is not None:
            keys.setdefault(language.key, code)
        # A language with no voice may still write its option as text: the line's first voice
        # says it (its name in itself, as that voice can say it) until a recording of it exists.
    if not any(isinstance(node, LanguageNode) for node in context.document.nodes.values()):
        yield context.warning(
            ("line", "languages"),
            f"the line offers {len(line.languages)} languages but no node lets callers choose",
            "add a node of type: language, and start the line there",
            key=True,
            code="no-language-menu",
        )
