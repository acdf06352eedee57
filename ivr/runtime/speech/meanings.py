"""What a caller's words can mean, the same at every menu, and what the line learns from.

A model learns *meanings*, not keys: "I want to talk to someone" means :data:`PERSON`
whether the menu offers that as 0, 2 or a transfer; "say that again" means :data:`AGAIN`
at whichever menu said something worth hearing again. A menu then takes the meanings it
offers (:mod:`ivr.runtime.speech.listening`). The meanings are:

- the line's own: :data:`DANGER`, :data:`PERSON` (the helpline), :data:`REPEAT` (the menu
  again), :data:`SLOWER`, :data:`NOTHING` (noise, half a word: ask again);
- :data:`AGAIN`: the message just before this menu, once more;
- after a transfer that did not connect: :data:`RETRY` and :data:`OTHER_NUMBER`;
- at the language menu, ``language:<code>``;
- any other choice: the name of the node it goes to (``node:police_non_emergency``), so
  that what callers said for that node at any menu teaches every menu that offers it. The
  corpus is labelled with the default flow's node names: a flow whose node has another name
  learns that choice from its own words and example phrases only.

A language's model learns from the corpus's training part (:class:`CorpusPart`), the flow's
words and example phrases for each choice, and the language's built-in words.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from ivr.definition.languages import family
from ivr.runtime.speech import corpus

DANGER = "danger"
PERSON = "person"
REPEAT = "repeat"
SLOWER = "slower"
NOTHING = "nothing"
AGAIN = "again"
RETRY = "retry"
OTHER_NUMBER = "other_number"
LANGUAGE = "language:"
#: Before a node's name as a meaning ("node:police_non_emergency"): a node may be named like
#: one of the line's own meanings ("person", "danger") without taking their examples.
NODE = "node:"


@dataclass(frozen=True, order=True)
class Example:
    """Something a caller might say, and what it means, at ``menu`` (the corpus's name for
    the menu it was said at; "" when it means the same at every menu: "a person please")."""

    text: str
    meaning: str
    menu: str = ""


#: What the line's own meanings are called for a person (``ivr understand``, the console, ``ivr check``).
OWN_NAMES = {
    PERSON: "the helpline (a person)",
    REPEAT: "the menu again",
    SLOWER: "slower speech",
    NOTHING: "nothing to act on",
    DANGER: "the danger advice",
}

#: In the corpus (labelled at the default flow's menus): the message each menu follows, so
#: that "say it again" there is :data:`AGAIN`, not that message's meaning elsewhere.
CORPUS_AGAIN = {
    "danger_menu": "danger",
    "about_slavery_menu": "about_slavery",
    "police_menu": "police_non_emergency",
    "report_menu": "report_anonymously",
}
_CORPUS_PLACES = {
    "helpline": PERSON,
    "connect_helpline": PERSON,
    "repeat": REPEAT,
    "slower": SLOWER,
    corpus.ASK_AGAIN: NOTHING,
    "try_again": RETRY,
    "other_number": OTHER_NUMBER,
}


def corpus_meaning(utterance: corpus.Utterance, place: str) -> str:
    """What one place an utterance of the corpus was labelled with means."""
    if place.startswith(LANGUAGE):
        return place
    if place in _CORPUS_PLACES:
        return _CORPUS_PLACES[place]
    if CORPUS_AGAIN.get(utterance.menu) == place and not utterance.is_danger:
        return AGAIN
    if place == DANGER:
        return DANGER
    return NODE + place


def corpus_examples(language: str, utterances: Iterable[corpus.Utterance] | None = None) -> Iterator[Example]:
    """The corpus's training part in a language (or in its family: en-US learns from en-GB),
    one example per place each utterance accepts."""
    chosen = corpus.training_part() if utterances is None else utterances
    wanted = family(language)
    exact = [u for u in chosen if u.language == language]
    for u in exact or [u for u in chosen if family(u.language) == wanted]:
        for place in sorted(u.accept):
            yield Example(u.say, corpus_meaning(u, place), u.menu)


@dataclass(frozen=True)
class CorpusPart:
    """What of the corpus a model learns from: one language's training part, or only one
    menu's utterances in every language (the language menu), or given utterances (a
    benchmark's fold). Named by the corpus's version, so that a model already learned is found
    in the cache without reading the corpus."""

    language: str = ""
    menu: str = ""
    utterances: tuple[corpus.Utterance, ...] | None = None
    #: With ``menu``: also every menu's callers in danger now. The language menu learns so:
    #: its own few hundred utterances hold too few ways of saying "he is hitting me", and a
    #: caller in danger may say it at the very first question.
    danger_everywhere: bool = False

    def name(self) -> str:
        if self.utterances is None:
            source = f"training part of {corpus.version()}"
        else:
            source = hashlib.sha256(repr(self.utterances).encode()).hexdigest()[:16]
        danger = " with danger at every menu" if self.danger_everywhere else ""
        return f"{source} {self.language or 'every language'} {self.menu or 'every menu'}{danger}"

    def examples(self) -> list[Example]:
        chosen = corpus.training_part() if self.utterances is None else self.utterances
        if self.menu:
            chosen = tuple(u for u in chosen if u.menu == self.menu or (self.danger_everywhere and u.is_danger))
        if not self.language:
            return [e for u in chosen for e in corpus_examples(u.language, [u])]
        return list(corpus_examples(self.language, chosen))


def phrase_examples(phrases: Mapping[str, Iterable[str]], menu: str = "") -> Iterator[Example]:
    """Examples from lists of phrases by meaning (a flow's words, its example phrases), at
    ``menu`` (the corpus's name for it), or at every menu."""
    for meaning, said in phrases.items():
        for text in said:
            if text.strip():
                yield Example(text, meaning, menu)
