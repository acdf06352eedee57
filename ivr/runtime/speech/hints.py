"""Speech ``hints`` for Twilio's recogniser: the words and short phrases callers say at one
menu in one language, so that the recogniser hears them rather than a word that sounds alike.

Made when a flow is compiled (:class:`HintMaker`), and kept on the compiled menu as the
text of its ``<Gather hints="…">`` attribute: a request only reads it.

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
from collections.abc import Iterable, Mapping, Sequence
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


@lru_cache(maxsize=8192)
def _as_hint(phrase: str, language: str) -> tuple[str, str, str]:
    """A phrase as a hint (:func:`clean`); what makes two spellings one phrase (accents
    aside, except where they make the word); and that without accents. Cached like
    :func:`ivr.runtime.normalise.normalise`: every menu of a flow hints the same built-in
    words, and every compile of it the same again."""
    hint = clean(phrase)
    key = fold(hint, keep_accents=family(language) in TONAL)
    return hint, key, strip_accents(key)


Words = tuple[tuple[str, str], ...]


def words_of(saying: str, folded: dict[str, str] | None = None) -> Words:
    """A saying's words, each as a hint writes it and as :func:`fold` does (``folded``:
    words folded already, filled in as it goes: a corpus repeats its words)."""
    folded = {} if folded is None else folded
    pairs = []
    for word in clean(saying).split():
        key = folded.get(word)
        if key is None:
            key = folded[word] = fold(word)
        if key:
            pairs.append((word, key))
    return tuple(pairs)


@dataclass(frozen=True)
class Counted:
    """Runs of words in some sayings, keyed as :func:`fold` writes them (accents aside): in
    how many sayings each appears (``found``), how many times in all (``occurrences``), the
    spellings of those written otherwise than their key (``variants``: accents, apostrophes;
    the rest, most of them, are not stored twice), and how many sayings there were."""

    found: Counter[str]
    occurrences: Counter[str]
    variants: dict[str, Counter[str]]
    total: int

    def spelling(self, key: str) -> str:
        """How to write a run callers spelt several ways: with its accents when any caller's
        had them (a recogniser that dropped them slipped; the hint names the word), then the
        most frequent, then the first in alphabetical order."""
        variants = self.variants.get(key)
        if not variants:
            return key
        spellings = Counter(variants)
        plain = self.occurrences[key] - sum(variants.values())
        if plain:
            spellings[key] = plain
        return min(spellings, key=lambda s: (-sum(not c.isascii() for c in s), -spellings[s], s))


def count(sayings: Iterable[Words]) -> Counted:
    """Count the runs of one to :data:`MAX_WORDS` words in sayings (see :func:`words_of`)."""
    found: Counter[str] = Counter()
    occurrences: Counter[str] = Counter()
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    total = 0
    for words in sayings:
        total += 1
        seen: set[str] = set()
        for n in range(1, MAX_WORDS + 1):
            for i in range(len(words) - n + 1):
                run = words[i : i + n]
                key = " ".join(k for _, k in run)
                occurrences[key] += 1
                if any(w != k for w, k in run):
                    variants[key][" ".join(w for w, _ in run)] += 1
                seen.add(key)
        found.update(seen)
    return Counted(found, occurrences, dict(variants), total)


def _worth_a_place(phrase: str) -> bool:
    """Not a run of short words only ("i", "to", "a"), nor digits, which recognisers write
    as digits anyway."""
    return any(len(word) >= 3 and not word.isdigit() for word in phrase.split())


def merged(counts: Iterable[Counted]) -> Counted:
    """Several counts as one (what the language menu's callers say, in every language)."""
    found: Counter[str] = Counter()
    occurrences: Counter[str] = Counter()
    variants: dict[str, Counter[str]] = defaultdict(Counter)
    total = 0
    for counted in counts:
        found.update(counted.found)
        occurrences.update(counted.occurrences)
        for key, spelt in counted.variants.items():
            variants[key].update(spelt)
        total += counted.total
    return Counted(found, occurrences, dict(variants), total)


@dataclass(frozen=True)
class Heard:
    """All the corpus speech one recogniser hears: per corpus menu, the counts of each of
    its languages. Only the runs a menu could hint are ever looked up in it."""

    menus: Mapping[str, tuple[Counted, ...]]

    @property
    def total(self) -> int:
        return sum(c.total for counts in self.menus.values() for c in counts)

    def times(self, key: str, menu: str | None = None) -> int:
        """In how many utterances a run is said (at ``menu``, or at every menu)."""
        places = self.menus.values() if menu is None else (self.menus[menu],)
        return sum(c.found.get(key, 0) for counts in places for c in counts)

    def generic(self, key: str) -> bool:
        """Said in two or more utterances at more than half the menus: a language's glue
        ("please", "proszę"), not what picks a menu's choice."""
        spread = sum(self.times(key, menu) >= LEAST_UTTERANCES for menu in self.menus)
        return spread > len(self.menus) / 2


def said_phrases(here: Counted, heard: Heard) -> list[str]:
    """Runs of words said at one menu (``here``), most useful first: said in at least
    :data:`LEAST_UTTERANCES` utterances here, more often here than in all the speech the
    menu's recogniser hears (``heard``, ``here`` included), not generic, ranked by how many
    utterances say it times how much more often it is said here (log), then fewer words,
    then alphabetically."""
    ranked: list[tuple[float, int, str]] = []
    heard_total = max(heard.total, here.total)
    for key, times in here.found.items():
        if times < LEAST_UTTERANCES:
            continue
        phrase = here.spelling(key)
        if not _worth_a_place(phrase):
            continue
        lift = (times / here.total) / (max(heard.times(key), times) / heard_total)
        if lift <= 1.0 or heard.generic(key):
            continue
        ranked.append((-times * math.log2(lift), len(phrase.split()), phrase))
    return [phrase for *_, phrase in sorted(ranked)]


def menu_hints(language: str, written: Iterable[str], examples: Iterable[str], said: Sequence[str]) -> tuple[str, ...]:
    """The hints of one menu in one language, within :data:`MAX_PHRASES`.

    ``written``: what the flow tells callers to say, most important first (choice words,
    then built-in words); ``examples``: the choices' example phrases, the short ones kept
    whole; ``said``: runs of words callers say at this menu, most useful first
    (:func:`said_phrases`)."""
    short = [e for e in examples if 0 < len(clean(e).split()) <= MAX_WORDS]
    chosen: dict[str, str] = {}
    accented: set[str] = set()  # chosen phrases, written without their accents
    for phrase in [*written, *short, *said]:
        hint, key, plain = _as_hint(phrase, language)
        if not hint or key in chosen or (hint.isascii() and key in accented):
            continue  # the same phrase, or the same without the accents a tonal word needs
        chosen[key] = hint
        accented.add(plain)
        if len(chosen) == MAX_PHRASES:
            break
    return tuple(chosen.values())


def as_attribute(hints: Sequence[str]) -> str:
    """The hints as Twilio reads them: one comma-separated list."""
    return SEPARATOR.join(hints)


class HintMaker:
    """Hints for the menus of one flow, from one corpus, counted once menu by menu and
    language by language, however many menus ask (the line's menus after a failed transfer
    all share one corpus menu). Made for one compilation and then dropped: its counts take
    about 9 MB, which a worker serving calls should not keep (0.1 s to count them again)."""

    def __init__(self, corpus: Sequence[Utterance]) -> None:
        by_place: dict[tuple[str, str], list[str]] = defaultdict(list)
        for utterance in corpus:
            by_place[utterance.menu, utterance.language].append(utterance.say)
        #: What callers say at each corpus menu in each language.
        folded: dict[str, str] = {}
        self.places = {
            place: count(words_of(saying, folded) for saying in said) for place, said in sorted(by_place.items())
        }
        self._said: dict[tuple[str, frozenset[str]], list[str]] = {}

    def here(self, place: str, languages: frozenset[str], long_examples: Sequence[str] = ()) -> Counted:
        """What callers say at a corpus menu in any of ``languages``, with the flow's long examples."""
        counts = [c for (menu, language), c in self.places.items() if menu == place and language in languages]
        if long_examples:
            counts.append(count(map(words_of, long_examples)))
        return counts[0] if len(counts) == 1 else merged(counts)

    def heard(self, languages: frozenset[str]) -> Heard:
        menus: dict[str, list[Counted]] = defaultdict(list)
        for (menu, language), counted in self.places.items():
            if language in languages:
                menus[menu].append(counted)
        return Heard({menu: tuple(counts) for menu, counts in menus.items()})

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
        """:func:`said_phrases` at a corpus menu, with the flow's long examples for it; no
        menu takes more than :data:`MAX_PHRASES` of them, however few the flow's own words."""
        key = (place, languages)
        if long_examples or key not in self._said:
            found = said_phrases(self.here(place, languages, long_examples), self.heard(languages))[:MAX_PHRASES]
            if long_examples:
                return found
            self._said[key] = found
        return self._said[key]
