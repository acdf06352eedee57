"""Yes and no, as callers answer "It sounds like you want …, is that right?".

Facts about the languages live in :mod:`ivr.definition.languages` (``YES_WORDS``,
``NO_WORDS``); here they are applied to a whole, short answer: "yes", "yes please",
"tak tak", "نعم صح". A longer answer is not a yes or a no: the caller is saying what they
want, and the menu hears it again.
"""

from __future__ import annotations

from ivr.definition.languages import NO_WORDS, YES_WORDS, family
from ivr.runtime.normalise import MAX_UTTERANCE, fold

YES = "yes"
NO = "no"
#: Words that may come with a yes or a no without changing it.
_ALONG = frozenset({"um", "uh", "erm", "eh", "er", "oh", "ah", "please", "thanks", "thank", "you", "a", "ạ"})
LONGEST_ANSWER = 5  # words


def yes_or_no(said: str, language: str) -> str | None:
    """:data:`YES`, :data:`NO`, or ``None`` when the answer is something else."""
    text = fold(said[:MAX_UTTERANCE])
    words = [w for w in text.split() if w not in _ALONG]
    if not words or len(words) > LONGEST_ANSWER:
        return None
    # English too, in every language: callers mix it in ("ok", "yes"), as keys.py reads it.
    yes = YES_WORDS.get(family(language), frozenset()) | YES_WORDS["en"]
    no = NO_WORDS.get(family(language), frozenset()) | NO_WORDS["en"]
    whole = " ".join(words)
    if whole in no or all(w in no for w in words):
        return NO
    if whole in yes or all(w in yes for w in words):
        return YES
    return None
