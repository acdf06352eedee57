"""What the speech model sees of an utterance: the same features when it learns and when it
listens, from one function.

An utterance becomes a bag of strings:

- character n-grams of 2 to 4 letters inside each word, the word padded with spaces
  (``" pa"``, ``"pas"``, … of "passport"), so a misheard or inflected word ("pasport",
  "paszportu") still shares most of its pieces with the one the model learned;
- the words and each pair of neighbouring words ("not police" weighs differently from
  "police");
- for a tonal language (Vietnamese), the words again with their tones, which tell "sợ"
  (afraid) from "số" (number) where they are written;
- when the menu is known, each word again *at that menu* ("mw report_menu through"), and the
  menu itself: "put me through" asks for a person at the main menu but for Crimestoppers at
  the report menu, and a linear model learns that only if the word and the menu are one
  feature. A menu the corpus never saw (a flow's own menu names) adds features no model
  knows, so it is understood by the words alone, as before. Measured by five-fold
  cross-validation on the corpus's training part (then 7,168 utterances): the right meaning
  first for 85.4 % of utterances, against 83.2 % without, and at most 2 % wrong for the
  surest 56 % against 47 %. Words two apart ("not … police") were measured too, and helped
  nothing.

Everything is first normalised (:func:`ivr.runtime.normalise.normalise`): case, accents,
Arabic letter forms, punctuation, and runs of number words made digits ("one oh one" is
"101", as callers who say it and callers who type it mean the same). The learner
(scikit-learn's ``TfidfVectorizer``) is given :func:`features` as its analyser, and the line
computes the same weights itself (:mod:`ivr.runtime.speech.model`): nothing can drift apart.
"""

from __future__ import annotations

import functools

from ivr.definition.languages import family
from ivr.runtime.normalise import TONAL, normalise, strip_accents

SMALLEST_PIECE = 2
LARGEST_PIECE = 4
#: Before the menu's name (alone), and before a word said at a menu.
MENU = "m "
AT_MENU = "mw "


def features(text: str, language: str = "", menu: str = "") -> list[str]:
    """The features of one utterance at ``menu`` (the corpus's name for it, or "" when the
    utterance teaches every menu), repeats kept: they are counted."""
    said = normalise(text, language)  # a tonal language keeps its tones here
    words = [strip_accents(word) for word in said]
    found: list[str] = []
    for word in words:
        found.extend(_pieces(word))
    found.extend("w " + word for word in words)
    found.extend(f"p {first} {second}" for first, second in zip(words, words[1:], strict=False))
    if family(language) in TONAL:
        found.extend("t " + word for word in said)
    if menu:
        found.append(MENU + menu)
        found.extend(f"{AT_MENU}{menu} {word}" for word in words)
    return found


def at_menu(word: str, language: str, menu: str) -> list[str]:
    """The features of one word alone, at ``menu`` (without the menu's own): what
    ``ivr understand`` adds up to show how much a word weighed."""
    return [f for f in features(word, language, menu) if not f.startswith(MENU)]


@functools.lru_cache(maxsize=65536)
def _pieces(word: str) -> tuple[str, ...]:
    """A word's character pieces, padded with spaces: callers use a few thousand words, so
    each is cut up once per process."""
    padded = f" {word} "
    found: list[str] = []
    for size in range(SMALLEST_PIECE, LARGEST_PIECE + 1):
        if len(padded) < size:
            break
        found.extend("c" + padded[start : start + size] for start in range(len(padded) - size + 1))
    return tuple(found)
