"""Making what a caller said and what a flow lists comparable, word by word.

Both the utterance and every word list are normalised the same way: case, punctuation,
hyphens, accents (so "romana" meets "română"; tonal languages keep theirs), Arabic alef,
hamza and ta marbuta forms, and runs of number words turned into digits ("nine nine nine"
and "9 9 9" are "999"). Used by the speech model's features
(:mod:`ivr.runtime.speech.features`), the keys said in words, the flow's own words as
whole answers, and the listening lints.
"""

from __future__ import annotations

import functools
import re
import unicodedata

from ivr.definition.languages import NUMBER_WORDS, REPEATERS, family

_ARABIC_MARKS = re.compile("[\u064b-\u065f\u0670\u0640]")  # harakat, dagger alef, tatweel
_ARABIC_FORMS = str.maketrans(
    {"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي", "ء": ""}
    | {chr(0x0660 + d): str(d) for d in range(10)}  # Arabic-Indic digits
    | {chr(0x06F0 + d): str(d) for d in range(10)}  # Eastern Arabic-Indic digits
)
_SEPARATORS = re.compile(r"[^\w*]+")
_LETTERS_ONLY = {"ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss"}  # letters NFKD does not split
#: Characters of an utterance that are read: an answer to one question is short, and what
#: is longer is cut here, so that no answer costs the line more time than this.
MAX_UTTERANCE = 500


#: Languages whose accents are part of the word: Vietnamese tones tell "sợ" (afraid) from
#: "số" (number). There a word written without any accent still meets its accented form.
TONAL = frozenset({"vi"})


@functools.lru_cache(maxsize=65536)
def strip_accents(text: str) -> str:
    """``text`` without accents. Kept for each text once per process: it is called for every
    word of every utterance a model learns from, and callers use a few thousand words."""
    if text.isascii():
        return text
    text = "".join(_LETTERS_ONLY.get(c, c) for c in text)
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def fold(text: str, keep_accents: bool = False) -> str:
    """Lower case, no accents (unless kept), Arabic forms unified, every separator one space."""
    text = text[:MAX_UTTERANCE].casefold().translate(_ARABIC_FORMS)
    text = unicodedata.normalize("NFC", text) if keep_accents else strip_accents(text)
    text = _ARABIC_MARKS.sub("", text)
    text = text.replace("'", "").replace("\u2019", "")  # "I'm" -> "im", "isn't" -> "isnt"
    return " ".join(_SEPARATORS.sub(" ", text).split())


@functools.lru_cache(maxsize=16384)
def normalise(text: str, language: str) -> tuple[str, ...]:
    """The words of a text as the line compares them, with number words made digits.

    Two or more number words or digits in a row become one number ("9 9 9", "nine nine
    nine", "triple nine": "999"); a number word on its own stays a word, because it is
    often an ordinary one too (Vietnamese "không" is "no", "một" is "a").
    """
    numbers = NUMBER_WORDS.get(family(language), {})
    repeaters = REPEATERS.get(family(language), {})
    result: list[str] = []
    digits: list[str] = []  # the run of numbers being read
    spelt: list[str] = []  # the same run as written

    def end_run() -> None:
        number = "".join(digits)
        if len(number) >= 2 or (digits and spelt[0].isdigit()):
            result.append(number)
        elif digits:
            result.append(spelt[0])
        digits.clear()
        spelt.clear()

    words = fold(text, keep_accents=family(language) in TONAL).split()
    i = 0
    while i < len(words):
        word = words[i]
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in repeaters and (strip_accents(following) in numbers or (following.isdigit() and following.isascii())):
            digits.append(numbers.get(strip_accents(following), following) * repeaters[word])
            spelt.extend((word, following))
            i += 2
            continue
        if word.isdigit() and word.isascii():
            digits.append(word)
            spelt.append(word)
        elif strip_accents(word) in numbers:
            digits.append(numbers[strip_accents(word)])
            spelt.append(word)
        else:
            end_run()
            result.append(word)
        i += 1
    end_run()
    return tuple(result)
