"""Speech ``hints`` for Twilio's recogniser: the words and short phrases callers say at one
menu in one language, so that the recogniser hears them rather than a word that sounds alike.

Made when a flow is compiled (:func:`hints_for`), and kept on the compiled menu as the text
of its ``<Gather hints="…">`` attribute: a request only reads it.

What goes in, in this order, each phrase once:

1. what the flow itself tells callers to say: the menu's choices' ``words``, then the words
   every menu understands (helpline, danger, repeat, slower), then the choices' ``examples``
   of up to :data:`MAX_WORDS` words (a longer one is a sentence, not a hint);
2. what callers really say there, from the training part of the project's speech corpus
   (:func:`ivr.runtime.speech.corpus.training_part`, never the held-out fifth): runs of one
   to :data:`MAX_WORDS` words said in at least :data:`LEAST_UTTERANCES` different utterances
   at this menu, said here more often than in the language's speech as a whole, not said at
   most of the corpus's menus (a language's glue: "please", "proszę"), and not only of words
   under three letters ("i", "to"); the most frequent and most particular to this menu first.

The second part depends on the corpus alone, so it is counted once (:class:`HintMaker`) and
shipped in ``hints.json`` (:data:`SHIPPED`; ``python -m ivr.runtime.speech.hints`` writes it
again after the corpus changes, and a test fails until it is): compiling a flow reads that
in a millisecond instead of reading and counting the corpus in every fresh process that
checks a flow (each reload and each draft in the console).

Within Twilio's documented limits (warning 13330: at most 500 entries of at most 100
characters, words separated by spaces), and tighter: :data:`MAX_PHRASES`. Deterministic:
the same flow and corpus always give the same text.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from itertools import zip_longest
from pathlib import Path

from ivr.definition.languages import family
from ivr.runtime.normalise import TONAL, fold, strip_accents
from ivr.runtime.speech.corpus import Utterance, menu_of

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
    """What callers say at each menu of the corpus, in each language, counted once."""

    def __init__(self, corpus: Sequence[Utterance]) -> None:
        by_place: dict[tuple[str, str], list[str]] = defaultdict(list)
        for utterance in corpus:
            by_place[utterance.menu, utterance.language].append(utterance.say)
        folded: dict[str, str] = {}
        #: What callers say at each corpus menu in each language.
        self.places = {
            place: count(words_of(saying, folded) for saying in said) for place, said in sorted(by_place.items())
        }

    def heard(self, language: str) -> Heard:
        """Everything the corpus has callers say in one language, menu by menu."""
        return Heard({menu: (counted,) for (menu, code), counted in self.places.items() if code == language})

    def said(self, menu: str, language: str) -> list[str]:
        """:func:`said_phrases` at a corpus menu in one language; no menu takes more than
        :data:`MAX_PHRASES` of them, however few the flow's own words."""
        return said_phrases(self.places[menu, language], self.heard(language))[:MAX_PHRASES]

    def table(self) -> SaidTable:
        """:meth:`said` at every corpus menu in every language: ``{menu: {language: [...]}}``."""
        table: dict[str, dict[str, list[str]]] = {}
        for menu, language in self.places:
            table.setdefault(menu, {})[language] = self.said(menu, language)
        return table


#: What callers say at each corpus menu in each language, most useful first.
SaidTable = Mapping[str, Mapping[str, Sequence[str]]]
#: :meth:`HintMaker.table` of the corpus's training part, made by
#: ``python -m ivr.runtime.speech.hints`` whenever the corpus changes (a test says when).
SHIPPED = Path(__file__).resolve().parent / "hints.json"


def shipped() -> SaidTable:
    """The shipped table (read in a millisecond; counting the corpus takes tenths of a second)."""
    data = json.loads(SHIPPED.read_text(encoding="utf-8"))
    return data["said"]  # type: ignore[no-any-return]


def hints_for(
    table: SaidTable,
    menu: str,
    language: str,
    written: Iterable[str],
    examples: Sequence[str] = (),
    heard_in: Sequence[str] = (),
) -> str:
    """The ``hints`` attribute of ``menu`` for a call in ``language``. ``heard_in``: the
    languages of the callers this menu's recogniser hears, when not only ``language``'s:
    the language menu listens in the line's first language to callers of every language,
    so what each says there is taken in turn, the most useful of each first."""
    at_menu = table.get(menu_of(menu), {})
    lists = [at_menu.get(code, ()) for code in (heard_in or (language,))]
    said = [phrase for row in zip_longest(*lists) for phrase in row if phrase is not None]
    return as_attribute(menu_hints(language, written, examples, said))


def write_shipped(corpus: Sequence[Utterance], version: str) -> None:
    """Write :data:`SHIPPED` from ``corpus`` (the training part), ``version`` its digest."""
    document = {"corpus": version, "said": HintMaker(corpus).table()}
    SHIPPED.write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")


if __name__ == "__main__":
    from ivr.runtime.speech import corpus

    write_shipped(corpus.training_part(), corpus.version())
