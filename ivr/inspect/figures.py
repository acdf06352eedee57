"""The numbers and keys a text tells callers, read as a caller hears them.

A translator's slip, or a translator's file written to mislead, can send a caller to the
wrong place while every ``{helpline}`` stays untouched: another phone number added, the
999 advice dropped, "press 9 for the helpline" (9 ends the call), the helpline renamed
"999". So every text's *figures* are read as a caller hears them and compared with the
source text's (the line's first language):

- digits, a run of them separated by single spaces or hyphens being one number as the
  voice reads it ("9 9 9", "0800 0121 700", "5 5"); Arabic-Indic digits count as digits;
- numbers in words: a run of two or more number words ("nine nine nine", "chín chín
  chín"), the emergency numbers as people say them ("trzy dziewiątki", "triple nine"),
  and one number word right after a word for pressing ("naciśnij zero", "press nine"):
  alone a number word is often an ordinary word (Vietnamese "năm" is also "year");
- a key said twice in words ("dwa razy 5", "de două ori tasta 5", "5 مرتين") as the key
  twice ("55", the police Silent Solution);
- the star key by its name in the language ("star", "gwiazdkę", "phím sao");
- placeholders: ``{helpline}`` is its number's digits (so writing the number out is no
  difference), ``{keys}`` and ``{key}`` are keys, ``{number}`` a phone number.

The words are the language facts of :mod:`ivr.definition.languages`, read by the speech
model too; this module only reads them (the speech model is not changed by the checker).
How two texts' figures differ is :mod:`ivr.inspect.figure_differences`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

from ivr.definition import languages as lang
from ivr.definition.phone import NEVER_DIAL
from ivr.definition.texts import PLACEHOLDER
from ivr.runtime.normalise import strip_accents


class Kind(StrEnum):
    """What a figure is to a caller, the most harmful first."""

    EMERGENCY = "emergency"  # 999, 112, 101, 55, 18000...: dialled or pressed in danger
    PHONE = "phone"  # a phone number to call
    KEY = "key"  # a key to press on this line
    NUMBER = "number"  # any other number ("24 hours")


#: Numbers callers dial or press themselves in an emergency or for the police (docs/sources.md).
EMERGENCY_NUMBERS = NEVER_DIAL | {"911", "18001"}
#: Dialled before a number by deaf and speech-impaired callers: Relay UK (18001), and the
#: textphone emergency prefix (18000).
RELAY_PREFIXES = ("18001", "18000")
#: Digits this long or longer are a phone number (a UK number has 10 or 11, 101 is short).
PHONE_DIGITS = 7
#: Placeholders the line fills in with keys or a number (the flow's numbers are their digits).
PLACEHOLDER_KINDS = {"keys": Kind.KEY, "key": Kind.KEY, "number": Kind.PHONE}

#: "Twice", said beside a key ("press 5 twice" for the Silent Solution's 5 5), per language.
#: Written WITHOUT a native speaker's review, like the translations they read.
TWICE: dict[str, tuple[str, ...]] = {
    "en": ("twice", "two times"),
    "pl": ("dwa razy", "dwukrotnie"),
    "ro": ("de două ori", "de doua ori"),
    "vi": ("hai lần",),
    "ar": ("مرتين", "مرتان"),
}
#: Words for pressing or a key, after which one number word is a key ("naciśnij zero").
PRESS: dict[str, tuple[str, ...]] = {
    "en": ("press", "dial", "key"),
    "pl": ("naciśnij", "nacisnąć", "wciśnij", "klawisz", "wybierz"),
    "ro": ("apăsați", "apăsa", "apasă", "tasta", "tastați"),
    "vi": ("phím", "bấm", "nhấn"),
    "ar": ("اضغط", "اضغطي", "الضغط على", "بالرقم", "الرقم"),
}
#: How near "twice" must stand to its key, in words.
TWICE_REACH = 3

_ARABIC_DIGITS = str.maketrans({chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)})
_DIGITS = re.compile(r"(?<!\d)\d+(?:[ \u00a0-]\d+)*(?!\d)")
#: A word or a run of digits: a digit between "press" and a number word ("phím 5 không") parts them.
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Figure:
    """One number or key in a text: what it is, its digits, and how it is written there."""

    kind: Kind
    value: str
    written: str
    #: Where it starts in the text (for placing a problem at it).
    start: int

    def describe(self) -> str:
        """The figure as an operator reads it in a message."""
        if self.value.startswith("{"):
            return f"{self.written}" if self.kind is Kind.KEY else f"the number {self.written}"
        if self.kind is Kind.KEY:
            return f"key {'star' if self.value == '*' else self.value}"
        if self.kind is Kind.EMERGENCY:
            return (
                f"the emergency number {self.value}"
                if self.value in ("999", "112", "911")
                else (f"the short number {self.value}")
            )
        if self.kind is Kind.PHONE:
            digits = "" if self.written.isascii() else f" ({self.value})"  # Arabic-Indic digits shown as 0-9 too
            return f"the phone number {self.written}{digits}"
        return f"the number {self.value}"


def kind_of(digits: str) -> Kind:
    if digits in EMERGENCY_NUMBERS:
        return Kind.EMERGENCY
    if len(digits) == 1:
        return Kind.KEY
    if len(digits) >= PHONE_DIGITS:
        return Kind.PHONE
    return Kind.NUMBER


def figures(text: str, language: str, numbers: Mapping[str, str]) -> list[Figure]:
    """Every number and key ``text`` (in ``language``) tells callers, in the order said.
    ``numbers``: the flow's numbers by name, as digits (what ``{name}`` says)."""
    return list(_figures(text, lang.family(language), tuple(sorted(numbers.items()))))


@functools.lru_cache(maxsize=4096)
def _figures(text: str, family: str, numbers: tuple[tuple[str, str], ...]) -> tuple[Figure, ...]:
    """:func:`figures`, read once per text: a source text is compared with every language's."""
    named = dict(numbers)
    found: list[Figure] = []
    for match in PLACEHOLDER.finditer(text):
        name = match.group(1).strip()
        if name in named:
            found.append(Figure(kind_of(named[name]), named[name], match.group(0), match.start()))
        elif name in PLACEHOLDER_KINDS:
            found.append(Figure(PLACEHOLDER_KINDS[name], match.group(0), match.group(0), match.start()))
    blanked = PLACEHOLDER.sub(lambda m: " " * len(m.group(0)), text)
    plain = blanked.translate(_ARABIC_DIGITS)  # one character for one: positions stay
    for match in _DIGITS.finditer(plain):
        found += _digit_run(match, blanked)
    words = _words(plain.translate(_ARABIC_FORMS))
    vocabulary = _vocabulary(family)
    found += _in_words(words, blanked, vocabulary)
    return tuple(_twice(sorted(found, key=lambda f: f.start), words, vocabulary))


def _digit_run(match: re.Match[str], blanked: str) -> list[Figure]:
    """One run of digits as the voice reads it; a Relay UK or textphone prefix written before a
    number ("18001 0800 0121 700") is its own figure, as ``18001 {helpline}`` would be."""
    start, end = match.span()
    groups = re.split(r"[ \u00a0-]", match.group(0))
    if groups[0] in RELAY_PREFIXES and len(groups) > 1:
        rest = start + len(groups[0]) + 1
        return [
            Figure(Kind.EMERGENCY, groups[0], blanked[start : start + len(groups[0])], start),
            Figure(kind_of("".join(groups[1:])), "".join(groups[1:]), blanked[rest:end], rest),
        ]
    digits = "".join(groups)
    return [Figure(kind_of(digits), digits, blanked[start:end], start)]


def _words(text: str) -> list[tuple[str, int, int]]:
    """Each word folded for comparison (lower case, no accents), with where it is."""
    return [(_folded(m.group(0)), m.start(), m.end()) for m in _WORD.finditer(text)]


@functools.lru_cache(maxsize=65536)
def _folded(word: str) -> str:
    """A word as compared: lower case, no accents (texts say the same words again and again)."""
    return strip_accents(word.casefold())


#: "Twelve" in the emergency numbers said in words (the others there are 999 and "nine eleven").
_TWELVE = ("twelve", "dwanaście", "doisprezece", "doișpe", "mười hai", "اثنا", "اثني", "اتناشر", "اثنعش")

Words = tuple[str, ...]


@dataclass(frozen=True)
class _Vocabulary:
    """What one language's words say about numbers and keys, folded as texts' words are."""

    #: Emergency numbers and the star key said as phrases, with their digits ("*" for star).
    said: dict[Words, str]
    press: frozenset[Words]
    twice: tuple[Words, ...]
    number_words: dict[str, str]
    #: The first word of every phrase above: only there is a phrase looked for.
    first_words: frozenset[str]
    longest: int


@functools.cache
def _vocabulary(family: str) -> _Vocabulary:
    said: dict[Words, str] = {}
    for phrase in lang.EMERGENCY_NUMBER_WORDS.get(family, ()):
        digits = "112" if any(word in phrase for word in _TWELVE) else "999"
        said[_fold_phrase(phrase)] = "911" if "eleven" in phrase else digits
    for phrase, key in lang.KEY_NAMES.get(family, {}).items():
        if key == "*":
            said[_fold_phrase(phrase)] = "*"
    press = frozenset(_fold_phrase(p) for p in PRESS.get(family, ()))
    twice = tuple(_fold_phrase(t) for t in TWICE.get(family, ()))
    phrases = [p for p in (*said, *press, *twice) if p]
    return _Vocabulary(
        said=said,
        press=press,
        twice=twice,
        number_words={strip_accents(w): d for w, d in lang.NUMBER_WORDS.get(family, {}).items()},
        first_words=frozenset(p[0] for p in phrases),
        longest=max((len(p) for p in phrases), default=1),
    )


def _fold_phrase(phrase: str) -> Words:
    return tuple(w for w, _, _ in _words(phrase.translate(_ARABIC_FORMS)))


#: Arabic letter forms written either way (as :func:`ivr.runtime.normalise.fold` unifies them).
_ARABIC_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"})


def _starts(
    words: list[tuple[str, int, int]], phrases: Iterable[Words], first_words: frozenset[str]
) -> list[tuple[int, int]]:
    """(start, end) of every one of ``phrases`` among the words, the longest where two start together."""
    wanted = set(phrases)
    lengths = sorted({len(p) for p in wanted}, reverse=True)
    spans = []
    for i, (word, _, _) in enumerate(words):
        if word not in first_words:
            continue
        for size in lengths:
            if i + size <= len(words) and tuple(w for w, _, _ in words[i : i + size]) in wanted:
                spans.append((i, i + size))
                break
    return spans


def _in_words(words: list[tuple[str, int, int]], written: str, vocabulary: _Vocabulary) -> list[Figure]:
    """Numbers and the star key said in words (``written``: the text, as it has them)."""
    said = {start: end for start, end in _starts(words, vocabulary.said, vocabulary.first_words)}
    after_press = {end for _, end in _starts(words, vocabulary.press, vocabulary.first_words)}
    twice = {start for start, _ in _starts(words, vocabulary.twice, vocabulary.first_words)}
    numbers = vocabulary.number_words
    found: list[Figure] = []
    i = 0
    while i < len(words):
        if i in said:
            end = said[i]
            value = vocabulary.said[tuple(w for w, _, _ in words[i:end])]
            kind = Kind.KEY if value == "*" else Kind.EMERGENCY
            found.append(Figure(kind, value, written[words[i][1] : words[end - 1][2]], words[i][1]))
            i = end
            continue
        run = i
        while run < len(words) and words[run][0] in numbers:
            run += 1
        if run - i >= 2 or (run - i == 1 and i in after_press and i not in twice):
            digits = "".join(numbers[w] for w, _, _ in words[i:run])
            start, end = words[i][1], words[run - 1][2]
            found.append(Figure(kind_of(digits), digits, written[start:end], start))
            i = run
        else:
            i += 1
    return found


def _twice(found: list[Figure], words: list[tuple[str, int, int]], vocabulary: _Vocabulary) -> list[Figure]:
    """A single key with "twice" beside it is that key twice ("dwa razy 5" is 55)."""
    spans = _starts(words, vocabulary.twice, vocabulary.first_words)
    result = list(found)
    for first, last in spans:
        near = []
        for n, figure in enumerate(result):
            if figure.kind is Kind.KEY and len(figure.value) == 1 and figure.value != "*":
                at = _word_index(words, figure.start)
                distance = first - at if at < first else at - (last - 1)
                if distance <= TWICE_REACH:
                    near.append((distance, n))
        if near:
            _, n = min(near)
            figure = result[n]
            doubled = figure.value * 2
            result[n] = Figure(kind_of(doubled), doubled, figure.written, figure.start)
    return result


def _word_index(words: list[tuple[str, int, int]], start: int) -> int:
    """The index of the word (or run of digits) at a character position."""
    return next((n for n, (_, begin, _) in enumerate(words) if begin >= start), len(words))
