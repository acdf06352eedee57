"""Speech ``hints`` for Twilio's recogniser: the words and short phrases callers say at one
menu in one language, so that the recogniser hears them rather than a word that sounds alike.

Made when a flow is compiled (:class:`HintMaker`, one per corpus and process, so a reload
does not count the corpus again), and kept on the compiled menu as the text of its
``<Gather hints="…">`` attribute: a request only reads it.

What goes in, in this order, each phrase once:

1. what the flow itself tells callers to say: the menu's choices' ``words``, then the words
   every menu understands (helpline, danger, repeat, slower), then the choices' ``examples``
   that are short enough to be a hint;
2. what callers really say there, from the training part of the project's speech corpus
   (:func:`ivr.runtime.speech.corpus.training_part`, never the held-out fifth) and the
   choices' longer examples: runs of one to :data:`MAX_WORDS` words said in at least
   :data:`LEAST_UTTERANCES` different utterances at this menu, said here more often than in
   the language's speech as a whole, not said at most of the corpus's menus (a language's
   glue: "please", "proszę"), and not only of words under three letters ("i", "to"); the
   most frequent and most particular to this menu first.

Within Twilio's documented limits (warning 13330: at most 500 entries of at most 100
characters, words separated by spaces), and tighter: :data:`MAX_PHRASES`. Deterministic:
the same flow and corpus always give the same text.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ivr.definition.builtins import LINE_MENU_PREFIXES
from ivr.definition.languages import family
from ivr.runtime.normalise import TONAL, fold, strip_accents
from ivr.runtime.speech.corpus import Utterance

#: Twilio's limits on one ``hints`` entry and on their number (warning 13330).
TWILIO_MAX_PHRASE_CHARACTERS = 100
TWILIO_MAX_PHRASES = 500
#: The line's own budget, well under Twilio's: every menu turn sends the list again (about
#: 1 kB), and the flow's own words always come first, so what is cut is the corpus's least
#: useful phrases.
MAX_PHRASES = 120
#: A hint is a word or a short phrase; longer things callers say are counted in pieces.
MAX_WORDS = 3
#: A run of words said only once at a menu is one caller's way of saying it, or a slip.
LEAST_UTTERANCES = 2
#: Twilio's list separator; a phrase never holds one (see :func:`clean`).
SEPARATOR = ", "
#: The corpus's name for the line's own menu after a transfer that did not connect.
CORPUS_TRANSFER_FAILED = "transfer_failed"

_NOT_A_WORD = re.compile(r"[^\w']+|_")


def clean(phrase: str) -> str:
    """A phrase as a hint: lower case, words separated by single spaces, no punctuation
    (a comma would split the entry in two, a ``$`` would name a provider's class token),
    cut at a word to Twilio's 100 characters."""
    words = _NOT_A_WORD.sub(" ", phrase.lower()).replace(" '", " ").replace("' ", " ").split()
    text = " ".join(w.strip("'") for w in words if w.strip("'"))
    while len(text) > TWILIO_MAX_PHRASE_CHARACTERS:
        text = text.rsplit(" ", 1)[0] if " " in text else text[:TWILIO_MAX_PHRASE_CHARACTERS]
    return text


def corpus_menu(menu: str) -> str:
    """The corpus's name for a menu: its own, or ``transfer_failed`` for the line's menus
    after a busy, unanswered or failed transfer (``_busy:…``, ``_no_answer:…``, ``_failed:…``)."""
    return CORPUS_TRANSFER_FAILED if menu.startswith(LINE_MENU_PREFIXES) else menu


def _key(phrase: str, language: str) -> str:
    """What makes two spellings one phrase: accents aside, except where they make the word."""
    return fold(phrase, keep_accents=family(language) in TONAL)


@dataclass(frozen=True)
class Counted:
    """In how many sayings each run of words appears (keyed as :func:`fold` writes it,
    accents aside), how each was spelt, and how many sayings there were."""

    found: Counter[str]
    spellings: dict[str, Counter[str]]
    total: int


Words = tuple[tuple[str, str], ...]


def words_of(saying: str) -> Words:
    """A saying's words, each as a hint writes it and as :func:`fold` does."""
    words = ((w, fold(w)) for w in clean(saying).split())
    return tuple((w, k) for w, k in words if k)


def count(sayings: Iterable[Words]) -> Counted:
    """Count the runs of one to :data:`MAX_WORDS` words in sayings (see :func:`words_of`)."""
    found: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    total = 0
    for words in sayings:
        total += 1
        seen: set[str] = set()
        for n in range(1, MAX_WORDS + 1):
            for i in range(len(words) - n + 1):
                run = words[i : i + n]
                key = " ".join(k for _, k in run)
                spellings[key][" ".join(w for w, _ in run)] += 1
                seen.add(key)
        found.update(seen)
    return Counted(found, dict(spellings), total)


def _spelling(spellings: Counter[str]) -> str:
    """How to write a phrase callers spelt several ways: with its accents when any caller's
    had them (a recogniser that dropped them slipped; the hint names the word), then the
    most frequent, then the first in alphabetical order."""
    return min(spellings, key=lambda s: (-sum(not c.isascii() for c in s), -spellings[s], s))


def _worth_a_place(phrase: str) -> bool:
    """Not a run of short words only ("i", "to", "a"), nor digits, which recognisers write
    as digits anyway."""
    return any(len(word) >= 3 and not word.isdigit() for word in phrase.split())


def said_phrases(here: Counted, everywhere: Counted, generic: frozenset[str] = frozenset()) -> list[str]:
    """Runs of words said at one menu (``here``), most useful first: said in at least
    :data:`LEAST_UTTERANCES` utterances here, more often here than in ``everywhere`` (all
    the speech the menu's recogniser hears, ``here`` included), not ``generic`` (said at
    most menus: "and", "they", "please"), ranked by how many utterances say it times how
    much more often it is said here (log), then fewer words, then alphabetically."""
    ranked: list[tuple[float, int, str]] = []
    for key, times in here.found.items():
        phrase = _spelling(here.spellings[key])
        if times < LEAST_UTTERANCES or key in generic or not _worth_a_place(phrase):
            continue
        lift = (times / here.total) / (max(everywhere.found[key], times) / max(everywhere.total, here.total))
        if lift <= 1.0:
            continue
        ranked.append((-times * math.log2(lift), len(phrase.split()), phrase))
    return [phrase for *_, phrase in sorted(ranked)]


def menu_hints(language: str, written: Iterable[str], examples: Iterable[str], said: Sequence[str]) -> tuple[str, ...]:
    """The hints of one menu in one language, within :data:`MAX_PHRASES`.

    ``written``: what the flow tells callers to say, most important first (choice words,
    then built-in words); ``examples``: the choices' example phrases, the short ones kept
    whole; ``said``: runs of words callers say at this menu, most useful first
    (:func:`said_phrases`)."""
    examples = [e for e in examples if clean(e)]
    short = [e for e in examples if len(clean(e).split()) <= MAX_WORDS]
    chosen: dict[str, str] = {}
    accented: set[str] = set()  # chosen phrases, written without their accents
    for phrase in [*written, *short, *said]:
        hint = clean(phrase)
        key = _key(hint, language)
        if not hint or key in chosen or (hint.isascii() and key in accented):
            continue  # the same phrase, or the same without the accents a tonal word needs
        chosen[key] = hint
        accented.add(strip_accents(key))
        if len(chosen) == MAX_PHRASES:
            break
    return tuple(chosen.values())


def as_attribute(hints: Sequence[str]) -> str:
    """The hints as Twilio reads them: one comma-separated list."""
    return SEPARATOR.join(hints)


class HintMaker:
    """Hints for the menus of flows, from one corpus. What the corpus says is counted once
    per menu and languages, however many menus and flows ask (:func:`hint_maker`)."""

    def __init__(self, corpus: Sequence[Utterance]) -> None:
        self.corpus = corpus
        self._words = {u.say: words_of(u.say) for u in corpus}
        self._counted: dict[tuple[str | None, frozenset[str]], Counted] = {}
        self._generic: dict[frozenset[str], frozenset[str]] = {}
        self._said: dict[tuple[str, frozenset[str]], list[str]] = {}

    def counted(self, menu: str | None, languages: frozenset[str]) -> Counted:
        """What callers say at a corpus menu (at every menu: ``None``) in any of ``languages``."""
        key = (menu, languages)
        if key not in self._counted:
            said = (self._words[u.say] for u in self.corpus if u.language in languages and menu in (None, u.menu))
            self._counted[key] = count(said)
        return self._counted[key]

    def generic(self, languages: frozenset[str]) -> frozenset[str]:
        """Runs of words (as :func:`fold` writes them) that callers say at more than half
        of the corpus's menus in these languages: the language's own glue, not a menu's."""
        if languages not in self._generic:
            menus = sorted({u.menu for u in self.corpus if u.language in languages})
            spread: Counter[str] = Counter()
            for menu in menus:
                spread.update(k for k, n in self.counted(menu, languages).found.items() if n >= LEAST_UTTERANCES)
            self._generic[languages] = frozenset(k for k, n in spread.items() if n > len(menus) / 2)
        return self._generic[languages]

    def hints(
        self,
        menu: str,
        language: str,
        written: Iterable[str],
        examples: Sequence[str] = (),
        heard_in: Iterable[str] = (),
    ) -> str:
        """The ``hints`` attribute of ``menu`` for a call in ``language``. ``heard_in``: the
        languages of the corpus speech this menu's recogniser hears (by default its own; the
        language menu's, in the line's first language, hears callers of every language)."""
        languages = frozenset(heard_in) or frozenset({language})
        long = [e for e in examples if len(clean(e).split()) > MAX_WORDS]
        return as_attribute(menu_hints(language, written, examples, self.said(corpus_menu(menu), languages, long)))

    def said(self, place: str, languages: frozenset[str], long_examples: Sequence[str] = ()) -> list[str]:
        """:func:`said_phrases` at a corpus menu, with the flow's long examples for it."""
        key = (place, languages)
        if long_examples or key not in self._said:
            here = self.counted(place, languages)
            if long_examples:
                said = [self._words[u.say] for u in self.corpus if u.menu == place and u.language in languages]
                here = count([*said, *map(words_of, long_examples)])
            # No menu takes more than MAX_PHRASES of them, however few the flow's own words.
            phrases = said_phrases(here, self.counted(None, languages), self.generic(languages))[:MAX_PHRASES]
            if long_examples:
                return phrases
            self._said[key] = phrases
        return self._said[key]


@lru_cache(maxsize=2)
def hint_maker(corpus: tuple[Utterance, ...]) -> HintMaker:
    """The hint maker of a corpus, shared by every flow compiled in this process: counting
    the corpus takes a few tenths of a second, and a reloaded flow should not wait for it
    again. Only its own counts are kept, and they never change once made."""
    return HintMaker(corpus)
