"""Keys and emergency numbers said as words, decided by rule rather than learned.

A caller who answers a menu with "dwójka", "the second one", "số hai" or "رقم اتنين" has
pressed a key with their voice: that answer needs no model, and a model should not be
trusted to get it right every time. :func:`key_said` reads such an answer, in the call's
language (with English beside it, as callers switch), and only when the whole answer is
the key: "i have two children" or "ba tôi bị đánh" ("my father was beaten") name no key.
It never names 9, the quick exit: a caller saying "nine" may be starting "nine nine nine".

:func:`emergency_number_said` finds 999, 112 or 911 anywhere in an answer, said in any
form, so the line can give the danger advice first.

The words are facts about the languages and live in :mod:`ivr.definition.languages`
(KEY_NAMES, ORDINALS, KEY_CARRIERS, KEY_LEADS, SOUNDS_LIKE_DIGITS, EMERGENCY_NUMBER_WORDS,
with NUMBER_WORDS and REPEATERS that :func:`ivr.runtime.normalise.normalise` reads).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Mapping
from types import MappingProxyType

from ivr.definition import languages as lang
from ivr.definition.builtins import KEY_QUICK_EXIT
from ivr.runtime.normalise import MAX_UTTERANCE, TONAL, fold, normalise, strip_accents

#: The longest answer read for a key: a key named in words is a few words, and a longer
#: answer is a sentence (and never costs the line more than this).
MAX_KEY_ANSWER = 120
#: How often one key may be said in one answer ("two two", "صفر بدي صفر").
MAX_REPEATS = 3
#: The quick exit is only ever a pressed key.
QUICK_EXIT = KEY_QUICK_EXIT

# What each word of an answer is.
KEY = "key"  # names a key: "two", "dwójka", "2"
POSITION = "position"  # names a key by its place in the list: "second"
SOUNDS_LIKE = "sounds-like"  # English words a recogniser writes for a digit: "to", "for"
CARRIER = "carrier"  # may stand anywhere beside the key: "number", "please", "um"
LEAD = "lead"  # may only come before the key: "i want", "em bấm"

#: What may stand beside a word that only sounds like a digit ("number too", "press for").
_SOUNDS_LIKE_COMPANIONS = frozenset({("number",), ("press",), ("option",), ("key",), ("button",), ("please",)})

#: English words that are ordinary words in another language, or a sound anyone makes: in a
#: Polish answer "one" is "they", in a Romanian one "o" is "a", in Vietnamese written without
#: accents "the" is "thẻ" (a card); "oh" is a filler. There they are not read as English.
_NOT_ENGLISH_THERE = {
    "pl": frozenset({"one", "o", "oh"}),
    "ro": frozenset({"o", "oh"}),
    "vi": frozenset({"o", "oh", "the"}),
    "ar": frozenset({"o", "oh"}),
}

Word = tuple[str, ...]
#: Each word or phrase a key may be said with, and (its kind, the key it names or "").
Vocabulary = Mapping[Word, tuple[str, str]]


def _folded(phrase: str, tonal: bool) -> Word:
    return tuple(fold(phrase, keep_accents=tonal).split())


def _add(
    table: dict[Word, tuple[str, str]],
    words: Mapping[str, str] | Collection[str],
    kind: str,
    tonal: bool,
    skip: Collection[str] = (),
) -> None:
    """Add words of one kind; a word the table knows already keeps its first meaning, so
    the call's language comes before English."""
    for word in words:
        if word in skip:
            continue
        value = words[word] if isinstance(words, Mapping) else ""
        folded = _folded(word, tonal)
        if folded:
            table.setdefault(folded, (kind, value))


@functools.cache
def vocabulary(family: str, accents: bool) -> Vocabulary:
    """Every word that may make up a key said in a language, with what it is.

    ``accents`` is for tonal languages: with it, "số" is compared as written (and "sợ",
    afraid, is not it); without it every accent is dropped, for a recogniser that wrote none.
    Built on first use, once per language.
    """
    tonal = accents and family in TONAL
    table: dict[Word, tuple[str, str]] = {}
    if family == "en":  # before NUMBER_WORDS: "oh" alone is 0, "oh ok" is not
        _add(table, lang.SOUNDS_LIKE_DIGITS, SOUNDS_LIKE, tonal)
    for code in dict.fromkeys((family, "en")):
        skip = _NOT_ENGLISH_THERE.get(family, frozenset()) if code != family else frozenset()
        if not (tonal and code in TONAL):
            _add(table, lang.NUMBER_WORDS.get(code, {}), KEY, tonal, skip)  # written without accents
        _add(table, lang.KEY_NAMES.get(code, {}), KEY, tonal, skip)
        _add(table, lang.ORDINALS.get(code, {}), POSITION, tonal, skip)
        _add(table, lang.KEY_CARRIERS.get(code, frozenset()), CARRIER, tonal, skip)
        _add(table, lang.KEY_LEADS.get(code, frozenset()), LEAD, tonal, skip)
    return MappingProxyType(table)


@functools.cache
def _also_no(family: str, accents: bool) -> Mapping[Word, frozenset[Word]]:
    """Number words that are also "no", and the words that must stand beside them."""
    tonal = accents and family in TONAL
    return MappingProxyType(
        {
            _folded(word, tonal): frozenset(_folded(companion, tonal) for companion in companions)
            for word, companions in lang.ALSO_NO.get(family, {}).items()
        }
    )


@functools.cache
def _longest(family: str, accents: bool) -> int:
    return max((len(words) for words in vocabulary(family, accents)), default=1)


def _read(words: list[str], family: str, accents: bool) -> list[tuple[str, str, Word]] | None:
    """Each part of the answer as (kind, key, words), or None at the first word that is
    neither a key nor a word that may stand beside one."""
    table = vocabulary(family, accents)
    longest = _longest(family, accents)
    after_position = lang.ONE_AFTER_POSITION.get(family, frozenset()) | lang.ONE_AFTER_POSITION["en"]
    parts: list[tuple[str, str, Word]] = []
    i = 0
    while i < len(words):
        word = words[i]
        if len(word) == 1 and ((word.isdigit() and word.isascii()) or word == "*"):
            parts.append((KEY, word, (word,)))
            i += 1
            continue
        if parts and parts[-1][0] == POSITION and word in after_position:
            parts.append((CARRIER, "", (word,)))  # "the second one"
            i += 1
            continue
        for size in range(min(longest, len(words) - i), 0, -1):
            phrase = tuple(words[i : i + size])
            if phrase in table:
                kind, key = table[phrase]
                parts.append((kind, key, phrase))
                i += size
                break
        else:
            return None
    return parts


def key_said(said: str, language: str, keys: Collection[str]) -> str | None:
    """The key a caller named in words, if the whole answer is only that: a digit, a number
    word, what people call a digit ("dwójka"), a position ("the second one", "a doua",
    "cái thứ hai", "الخيار الثاني"), with words such as "press", "number", "please", "um"
    around it. ``None`` if anything else is said, if the answer names two keys, if the key
    is not one of ``keys`` (the keys the menu offers), and always for 9, the quick exit."""
    key = key_named(said, language)
    if key == QUICK_EXIT or key not in keys:
        return None
    return key


def key_named(said: str, language: str) -> str | None:
    """Whatever key the whole answer names (9 included, offered or not): see :func:`key_said`."""
    text = said.strip()
    if not text or len(text) > MAX_KEY_ANSWER:
        return None
    family = lang.family(language)
    accents = family in TONAL
    words = fold(text, keep_accents=accents).split()
    if accents and all(word.isascii() for word in words):
        accents = False  # a recogniser that wrote no accents at all: "bam so hai"
    parts = _read(words, family, accents)
    if not parts:
        return None
    named = [(kind, key, words) for kind, key, words in parts if kind in (KEY, POSITION, SOUNDS_LIKE)]
    if not named or len(named) > MAX_REPEATS or len({key for _, key, _ in named}) != 1:
        return None
    if text.endswith(("?", "؟")) and all(kind == SOUNDS_LIKE for kind, _, _ in named):
        return None  # "free?" asked at the helpline's menu is a question, not a misheard three
    first = next(i for i, part in enumerate(parts) if part[0] in (KEY, POSITION, SOUNDS_LIKE))
    if any(kind == LEAD for kind, _, _ in parts[first:]):
        return None  # "ba tôi": a pronoun after the number is a sentence, not a key
    also_no = _also_no(family, accents)
    if all(words in also_no for _, _, words in named) and not any(
        words in also_no[named[0][2]] for _, _, words in parts
    ):
        return None  # "không ạ" is "no", "số không" is 0
    if any(kind == SOUNDS_LIKE for kind, _, _ in named) and any(
        (kind == CARRIER and phrase not in _SOUNDS_LIKE_COMPANIONS) or kind in (LEAD, POSITION)
        for kind, _, phrase in parts
    ):
        return None  # "for the", "go to": only "to" alone, or "number too", is a key
    return named[0][1]


#: Between a digit and a letter written against it ("بال٩٩٩", "ring999"): read apart.
_DIGIT_AGAINST_LETTER = re.compile(r"(?<=\d)(?=[^\W\d_])|(?<=[^\W\d_])(?=\d)")
#: A run of digits that is only emergency numbers (and extra nines: "nine nine nine nine";
#: a leading "oh" or "ờ" read as 0), so that a phone number with 112 inside it is not one.
_EMERGENCY_RUN = re.compile(r"0*(?=\d*(?:999|112|911))(?:9|112|911)+")


@functools.cache
def _emergency_phrases(family: str) -> tuple[Word, ...]:
    phrases = lang.EMERGENCY_NUMBER_WORDS.get(family, ()) + lang.EMERGENCY_NUMBER_WORDS["en"]
    return tuple(tuple(strip_accents(word) for word in normalise(phrase, family)) for phrase in phrases)


def emergency_number_said(said: str, language: str) -> bool:
    """Whether 999, 112 or 911 is said anywhere in the answer, in any form: digits ("9 9 9",
    "999-999", "٩٩٩"), number words ("nine nine nine", "dziewięć dziewięć dziewięć", "تسعة
    تسعة تسعة"), "triple nine", "trei de nouă", "nine hundred and ninety nine", in the
    call's language or in English."""
    text = _DIGIT_AGAINST_LETTER.sub(" ", said[:MAX_UTTERANCE])
    family = lang.family(language)
    for code in dict.fromkeys((family, "en")):
        words = tuple(strip_accents(word) for word in normalise(text, code))
        if any(word.isdigit() and _EMERGENCY_RUN.fullmatch(word) for word in words):
            return True
        for phrase in _emergency_phrases(code):
            size = len(phrase)
            if any(words[i : i + size] == phrase for i in range(len(words) - size + 1)):
                return True
    return False
