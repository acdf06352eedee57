"""Understanding what a caller says at a menu.

A phone recogniser returns a sentence ("Help me, I'm in danger."), not a keyword. Trying
choices in key order and taking the first word that matches sends frightened callers to the
wrong place, so here every candidate is scored on the whole utterance:

1. Both the utterance and every word list are normalised the same way (:mod:`ivr.runtime.normalise`):
   case, punctuation, hyphens, accents (so "romana" meets "română"), Arabic alef, hamza and ta
   marbuta forms, and runs of number words turned into digits ("nine nine nine" is "999").
2. A phrase matches where its words appear together in the utterance; a word matches its
   close inflections ("infolinii", "infolinią"). A match inside a longer match of another
   candidate does not count ("not in danger" is not "danger").
3. Safety comes first: danger words, or 999 and 112 in any form, win over everything.
   A danger word right after a negation ("no one is in danger") is not one. Then asking for
   a person or the helpline wins over every information choice. Then the menu's choices, by
   the longest phrase matched. Repeat and slower count only when nothing else matched.
4. Two candidates with the same score are a tie: the caller is asked again, never guessed at.

Pure functions of plain data, so the checker, the tests and the webhooks share them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from ivr.definition.languages import NEGATIONS, family
from ivr.runtime.normalise import (  # noqa: F401 (fold and MAX_UTTERANCE: read here by the engine)
    ARABIC_PREFIXES,
    MAX_UTTERANCE,
    fold,
    normalise,
    phrases,
    same_word,
    strip_accents,
)

#: Emergency numbers a caller may say: they mean "I am in danger", never a menu key.
EMERGENCY_NUMBERS = frozenset({"999", "112", "911"})

#: What a candidate is: the danger advice, the helpline, a choice, repeat or slower.
DANGER = "danger"
HELPLINE = "helpline"
CHOICE = "choice"
REPEAT = "repeat"
SLOWER = "slower"
_PRIORITY = {DANGER: 3, HELPLINE: 2, CHOICE: 1, REPEAT: 0, SLOWER: 0}
#: Built-in requests whose single words are common in other sentences: they count on their
#: own only in a short answer ("What?", "Slower please"), not inside a longer one.
_GENERIC = frozenset({REPEAT, SLOWER})
SHORT_UTTERANCE = 5


@dataclass(frozen=True)
class Candidate:
    """Something an utterance may mean: a kind, and for a choice, its key."""

    kind: str
    key: str = ""


@dataclass(frozen=True)
class Understood:
    """The result: what the caller meant, or ``None`` with why it is not clear."""

    meaning: Candidate | None
    reason: str  # "matched", "tie", "nothing", "empty"


@dataclass(frozen=True)
class Vocabulary:
    """Everything a menu listens for, in one language, already normalised, with an index
    from the forms a said word may take to the phrases that may start with it: a spoken
    answer is compared with the few phrases it could match, not with every one."""

    language: str
    candidates: Mapping[Candidate, tuple[tuple[str, ...], ...]]
    negations: frozenset[str]
    starts: Mapping[str, tuple[tuple[Candidate, tuple[str, ...]], ...]] = field(default_factory=dict)
    #: What every menu of the language also listens for (helpline, repeat, slower, danger):
    #: built once per language and shared, not copied into each menu's vocabulary.
    shared: Vocabulary | None = None

    def everything(self) -> dict[Candidate, tuple[tuple[str, ...], ...]]:
        """Every candidate with its phrases, the shared ones included."""
        return {**(self.shared.everything() if self.shared else {}), **self.candidates}


def _index_keys(word: str) -> set[str]:
    """The keys a listed word is found under: itself, without accents, its long prefixes
    (inflections share them), and for Arabic its core without the article."""
    keys = {word, strip_accents(word)}
    keys.update(word[:k] for k in range(5, len(word)))
    if word.startswith("ال") and len(word) > 4:
        keys.add(word[2:])
    return keys


def _probe_keys(word: str) -> set[str]:
    """The keys to look a said word up under (see :func:`_index_keys`)."""
    keys = {word, strip_accents(word)}
    keys.update(word[:k] for k in range(5, len(word) + 1))
    if "\u0600" <= word[:1] <= "\u06ff":
        keys.update(word[len(prefix) :] for prefix in ARABIC_PREFIXES if word.startswith(prefix))
    return keys


def vocabulary(language: str, lists: Mapping[Candidate, Iterable[str]], shared: Vocabulary | None = None) -> Vocabulary:
    candidates = {candidate: phrases(words, language) for candidate, words in lists.items()}
    starts: dict[str, list[tuple[Candidate, tuple[str, ...]]]] = {}
    for candidate, listed in candidates.items():
        for phrase in listed:
            for key in _index_keys(phrase[0]):
                starts.setdefault(key, []).append((candidate, phrase))
    return Vocabulary(
        language,
        candidates,
        NEGATIONS.get(family(language), frozenset()),
        {key: tuple(dict.fromkeys(entries)) for key, entries in starts.items()},
        shared,
    )


def understand(said: str, vocab: Vocabulary) -> Understood:
    utterance = normalise(said, vocab.language)
    if not utterance:
        return Understood(None, "empty")
    matches: list[tuple[Candidate, int, int, bool]] = []
    long_answer = len(utterance) > SHORT_UTTERANCE
    for start, word in enumerate(utterance):
        tried: set[tuple[Candidate, tuple[str, ...]]] = set()
        for key in _probe_keys(word):
            for candidate, phrase in _starting_with(vocab, key):
                if (candidate, phrase) in tried:
                    continue
                tried.add((candidate, phrase))
                if candidate.kind in _GENERIC and len(phrase) == 1 and long_answer:
                    continue  # "what" or "slow" inside a long sentence is not a request
                end = start + len(phrase)
                if end > len(utterance) or not all(
                    same_word(utterance[start + k], phrase[k]) for k in range(len(phrase))
                ):
                    continue
                if candidate.kind == DANGER and _negated(utterance, start, vocab.negations):
                    continue
                matches.append((candidate, start, end, utterance[start:end] == phrase))
    if any(word in EMERGENCY_NUMBERS for word in utterance):
        matches.append((Candidate(DANGER), 0, 0, True))
    kept = [m for m in matches if not any(_outweighs(o, m) for o in matches)]
    if not kept:
        return Understood(None, "nothing")
    scores: dict[Candidate, float] = {}
    for candidate, start, end, _ in kept:
        length = end - start
        best = scores.get(candidate)
        scores[candidate] = length if best is None else max(best, length) + 0.25
    top_priority = max(_PRIORITY[c.kind] for c in scores)
    contenders = {c: s for c, s in scores.items() if _PRIORITY[c.kind] == top_priority}
    best_score = max(contenders.values())
    winners = [c for c, s in contenders.items() if s == best_score]
    if len(winners) > 1:
        return Understood(None, "tie")
    return Understood(winners[0], "matched")


def _starting_with(vocab: Vocabulary, key: str) -> tuple[tuple[Candidate, tuple[str, ...]], ...]:
    own = vocab.starts.get(key, ())
    return own + vocab.shared.starts.get(key, ()) if vocab.shared is not None else own


def _outweighs(other: tuple[Candidate, int, int, bool], match: tuple[Candidate, int, int, bool]) -> bool:
    """Whether ``other`` makes ``match`` not count: it is another candidate's longer match
    around it ("not in danger" around "danger"), or its exact match of the very same words
    where ``match`` only matched an inflection ("advisers" listed, "adviser" built in)."""
    if other[0] == match[0] or not (other[1] <= match[1] and match[2] <= other[2]):
        return False
    longer = (other[2] - other[1]) > (match[2] - match[1])
    same_words_more_exactly = (other[1], other[2]) == (match[1], match[2]) and other[3] and not match[3]
    return longer or same_words_more_exactly


def _negated(utterance: tuple[str, ...], start: int, negations: frozenset[str]) -> bool:
    """A negation up to three words before: "no one is in danger", "nie ma zagrożenia"."""
    return any(strip_accents(word) in negations for word in utterance[max(0, start - 3) : start])
