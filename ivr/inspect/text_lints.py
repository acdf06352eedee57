"""Lints on the words of translations: what a voice will misread, and what a translation
lost or gained on its way from the source text (the line's first language).

Warnings, each at the text to edit: Latin-script words in a language written in another
script, foreign words (English names, abbreviations) that a Latin-script language's voice
misreads (which languages, and the loanwords each voice says well, are data in
:mod:`ivr.definition.misread_words`), numbers in digits that a voice says in a form the sentence does not take, a
placeholder the source has and the translation has not (or the other way round), and a
translation much longer than its source.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from itertools import islice

from ivr.definition.languages import NUMBERS_KEEP_THEIR_FORM, family
from ivr.definition.misread_words import NATIVE_WORD_SHAPES, allowed_in_other_script, is_foreign
from ivr.definition.model import FlowDocument
from ivr.definition.problems import Problem, warning
from ivr.definition.reviews import LanguageReview, Translatable, translatables
from ivr.definition.source import SourceDocument
from ivr.definition.texts import PLACEHOLDER, placeholders_in
from ivr.inspect.context import Context

CODES = (
    "latin-in-non-latin-text",
    "misread-foreign-word",
    "digits-next-to-words",
    "placeholder-mismatch",
    "translation-too-long",
)

#: A translation this many times longer than its source (in characters) keeps callers waiting.
TOO_LONG_RATIO = 1.6
#: Shorter sources are left alone: a name or "Press 1." may double without anyone waiting.
MIN_SOURCE_CHARACTERS = 20
#: Nor is a translation less than this many characters longer (under about two seconds).
MIN_EXTRA_CHARACTERS = 25
#: A number in digits with a word right after it ("100 procent", "24h"). A single digit
#: followed by a space is a key or one digit of a number said digit by digit ("naciśnij 1",
#: "9 9 9"), which voices say right.
DIGITS_BEFORE_WORD = re.compile(r"(?<![\w.,])(\d+)(\s*)([^\W\d_]+)")
WORD = re.compile(r"[^\W\d_]+")


def check(context: Context) -> Iterator[Problem]:
    """The rule's form, for :mod:`ivr.inspect.rules`."""
    yield from text_problems(context.document, context.source, context.reviews())


def text_problems(
    document: FlowDocument, source: SourceDocument, reviews: Mapping[str, LanguageReview] | None = None
) -> list[Problem]:
    """Every warning about the translations' words, language by language, text by text
    (``reviews``: the document's review state, when the caller has worked it out already)."""
    problems: list[Problem] = []
    first = document.line.language
    for code in document.line.languages:
        if code == first:
            continue
        if reviews is not None and code in reviews:
            every = [review.item for review in reviews[code].texts]
        else:
            every = translatables(document, code)
        items = [item for item in every if item.translation is not None]
        non_latin = main_script(item.translation or "" for item in items) not in ("", "LATIN")
        misread = family(code) in NATIVE_WORD_SHAPES
        for item in items:
            if non_latin:
                problems += _latin_words(source, code, item)
            elif misread:
                problems += _misread_words(source, code, item)
            if family(code) not in NUMBERS_KEEP_THEIR_FORM:
                problems += _digits_before_words(source, code, item)
            problems += _placeholders(source, code, first, item)
            problems += _too_long(source, code, first, item)
    return problems


def script_of(character: str) -> str:
    """The script a letter belongs to, as Unicode names it: LATIN, ARABIC, CYRILLIC..."""
    return unicodedata.name(character, "").split(" ")[0]


#: Letters enough to tell a language's script: a flow of 10,000 texts is not read whole for it.
SCRIPT_SAMPLE = 2000


def main_script(texts: Iterable[str]) -> str:
    """The script most letters of these texts are in ("" for texts with no letters), from
    their first :data:`SCRIPT_SAMPLE` letters."""
    letters = (c for text in texts for c in _without_placeholders(text) if c.isalpha())
    counts = Counter(script_of(c) for c in islice(letters, SCRIPT_SAMPLE))
    return counts.most_common(1)[0][0] if counts else ""


def _without_placeholders(text: str) -> str:
    """The text with every ``{name}`` blanked out, every other character where it was."""
    return PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)


def _at(source: SourceDocument, item: Translatable, text: str, start: int, needle: str) -> tuple[int, int]:
    """Line and column of ``needle`` found at ``start`` in the text, else of the text."""
    at = source.find_in_value(item.path, needle, text[:start].count(needle)) or source.position(item.path)
    return at.line, at.column


def _at_text(source: SourceDocument, item: Translatable) -> tuple[int, int]:
    """Line and column of the whole text: for what the text as a whole does, not one word."""
    at = source.position(item.path)
    return at.line, at.column


def _latin_words(source: SourceDocument, code: str, item: Translatable) -> list[Problem]:
    language = family(code)
    return _words_the_voice_reads_badly(
        source,
        item,
        lambda word: script_of(word[0]) == "LATIN" and not allowed_in_other_script(language, word),
        f"Latin-script words in this {code} text",
        f"the {code} voice reads Latin letters in its own way, or spells them out: write each word as "
        "callers should hear it, in the language's own script (a name as it sounds), or use a recording",
        "latin-in-non-latin-text",
    )


def _misread_words(source: SourceDocument, code: str, item: Translatable) -> list[Problem]:
    language = family(code)
    return _words_the_voice_reads_badly(
        source,
        item,
        lambda word: is_foreign(language, word),
        f"words the {code} voice misreads in this text",
        f"the {code} voice spells an English name or abbreviation letter by letter, or reads it as {code}: "
        "say what it is in the language's own words, or write a name as the language's speakers say it "
        "(a loanword the voice says well belongs in ivr/definition/misread_words.py)",
        "misread-foreign-word",
    )


def _words_the_voice_reads_badly(
    source: SourceDocument, item: Translatable, badly: Callable[[str], bool], what: str, hint: str, code: str
) -> list[Problem]:
    """One warning for a text, at the first of its words ``badly`` picks, naming them all."""
    text = item.translation or ""
    found = [m for m in WORD.finditer(_without_placeholders(text)) if badly(m.group(0))]
    if not found:
        return []
    words = ", ".join(dict.fromkeys(m.group(0) for m in found))
    return [warning(*_at(source, item, text, found[0].start(), found[0].group(0)), f"{what}: {words}", hint, code=code)]


def _digits_before_words(source: SourceDocument, code: str, item: Translatable) -> list[Problem]:
    text = item.translation or ""
    problems = []
    for match in DIGITS_BEFORE_WORD.finditer(_without_placeholders(text)):
        digits, space, _ = match.groups()
        if len(digits) < 2 and space:
            continue
        problems.append(
            warning(
                *_at(source, item, text, match.start(), match.group(0)),
                f"'{match.group(0)}' in this {code} text: a voice says a number in digits in one fixed form, "
                "which may not agree with the words around it",
                "write the number in words, in the form the sentence needs (Polish 'w stu procentach', not "
                "'w 100 procentach'); keys and phone numbers are fine as digits",
                code="digits-next-to-words",
            )
        )
    return problems


def _placeholders(source: SourceDocument, code: str, first: str, item: Translatable) -> list[Problem]:
    wanted, written = Counter(placeholders_in(item.source)), Counter(placeholders_in(item.translation or ""))
    if wanted == written:
        return []
    missing = [f"{{{name}}}" for name in wanted if written[name] < wanted[name]]
    added = [f"{{{name}}}" for name in written if written[name] > wanted[name]]
    parts = []
    if missing:
        parts.append(f"leaves out {', '.join(missing)}")
    if added:
        parts.append(f"adds {', '.join(added)}")
    return [
        warning(
            *_at_text(source, item),
            f"this {code} text {' and '.join(parts)}, unlike the {first} text",
            f"a translation says the same numbers and lists as its source: write each {{...}} exactly as the "
            f"{first} text does (the line says a number, or the menu's keys, there)",
            code="placeholder-mismatch",
        )
    ]


def _length(text: str) -> int:
    """Characters as said: placeholders left out (each says the same in every language),
    spaces counted once."""
    return len(" ".join(PLACEHOLDER.sub(" ", text).split()))


def _too_long(source: SourceDocument, code: str, first: str, item: Translatable) -> list[Problem]:
    if item.field is None:
        return []  # a language's own option has no source text to compare with
    source_length, length = _length(item.source), _length(item.translation or "")
    if (
        source_length < MIN_SOURCE_CHARACTERS
        or length <= TOO_LONG_RATIO * source_length
        or length - source_length < MIN_EXTRA_CHARACTERS
    ):
        return []
    return [
        warning(
            *_at_text(source, item),
            f"this {code} text is {length / source_length:.1f} times as long as the {first} text",
            "a voice takes time in proportion to what it says (bench/caller_time.py measures it with espeak-ng): "
            f"{code} callers would wait that much longer before they can act, and the line promises the same "
            "wait for the helpline in every language; say the same in fewer words",
            code="translation-too-long",
        )
    ]
