"""How often the line understood callers who spoke, per language: the figures issue 25's
learned model is judged by once it answers real calls.

Each step the webhooks record says how the caller answered (``answered_by``: by key, by
speech, or not at all), never what they said. Here the spoken answers of a period are
counted by what the line did with them:

* understood: acted on at once (a menu choice, the danger advice, the helpline, "repeat",
  "slower", a language);
* asked to confirm: "It sounds like you want …?";
* yes to that / no to that: a spoken answer to that question (a yes or no on the keypad,
  1 or 2, is a key, not counted here);
* asked again: not understood, or not sure enough to ask: a person offered, the menu again;
* too many tries: the menu's allowance of tries used up: the helpline;
* other: anything else (a forged or stale request).

Steps recorded before the line kept how callers answered (schema 0004 and older) are
counted apart, as unknown.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ivr.runtime.outcomes import Kind, Outcome
from ivr.stats.events import BY_SPEECH

UNDERSTOOD = "understood"
TO_CONFIRM = "asked-to-confirm"
CONFIRMED = "confirmed"
DECLINED = "declined"
ASKED_AGAIN = "asked-again"
TOO_MANY_TRIES = "too-many-tries"
OTHER = "other"
#: The results in the order they are shown, with what the console and ``ivr stats`` call them.
RESULTS: tuple[tuple[str, str], ...] = (
    (UNDERSTOOD, "Understood"),
    (TO_CONFIRM, "Asked to confirm"),
    (CONFIRMED, "Yes to that"),
    (DECLINED, "No to that"),
    (ASKED_AGAIN, "Asked again"),
    (TOO_MANY_TRIES, "Too many tries: helpline"),
    (OTHER, "Other"),
)
#: Outcomes of words acted on at once.
_UNDERSTOOD_KINDS = frozenset(
    {Kind.CHOICE, Kind.DANGER_WORDS, Kind.HELPLINE, Kind.REPEAT, Kind.SLOWER, Kind.LANGUAGE, Kind.QUICK_EXIT}
)
_RESULT_OF_KIND = {
    **dict.fromkeys(_UNDERSTOOD_KINDS, UNDERSTOOD),
    Kind.CONFIRM: TO_CONFIRM,
    Kind.CONFIRMED: CONFIRMED,
    Kind.DECLINED: DECLINED,
    Kind.UNCLEAR: ASKED_AGAIN,
    Kind.INVALID_LIMIT: TOO_MANY_TRIES,
}
#: What a step's language is called when it has none (never for a step the line recorded).
NO_LANGUAGE = "none"


def result_of(outcome: Outcome | None) -> str:
    """What the line did with a spoken answer, as :data:`RESULTS` names it."""
    return _RESULT_OF_KIND.get(outcome.kind, OTHER) if outcome is not None else OTHER


@dataclass(frozen=True)
class SpokenAnswers:
    """The spoken answers in one language (or all of them), counted by result."""

    language: str
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def count(self, result: str) -> int:
        return self.counts.get(result, 0)

    def percent(self, result: str) -> int:
        """The share of the spoken answers, in whole percent (half rounds up)."""
        return int(100 * self.count(result) / self.total + 0.5) if self.total else 0


@dataclass
class SpeechTally:
    """Counts the spoken answers among the steps of a period, one step at a time."""

    by_language: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    unknown: int = 0  # steps recorded before the line kept how callers answered

    def add(self, answered_by: str | None, outcome: Outcome | None, language: str) -> None:
        if answered_by is None:
            self.unknown += 1
        elif answered_by == BY_SPEECH:
            self.by_language[language or NO_LANGUAGE][result_of(outcome)] += 1

    def languages(self) -> list[SpokenAnswers]:
        """One entry per language spoken in, the most spoken first."""
        found = [SpokenAnswers(code, dict(counts)) for code, counts in self.by_language.items()]
        return sorted(found, key=lambda answers: (-answers.total, answers.language))

    def all_languages(self) -> SpokenAnswers:
        every: Counter[str] = Counter()
        for counts in self.by_language.values():
            every.update(counts)
        return SpokenAnswers("", dict(every))


def unknown_note(unknown: int) -> str:
    """What the figures leave out: steps recorded before the line kept how callers answered."""
    steps, are = ("step", "is") if unknown == 1 else ("steps", "are")
    return f"{unknown} {steps} recorded before the line kept how callers answered {are} not counted."


def speech_table(languages: list[SpokenAnswers], every: SpokenAnswers, unknown: int) -> str:
    """The figures as plain text, a row per language, for ``ivr stats speech``."""
    if not every.total:
        lines = ["No spoken answers in this period."]
    else:
        headings = ["Language", "Spoken", *(name for _, name in RESULTS)]
        rows = [
            [answers.language or "All languages", str(answers.total)]
            + [f"{answers.count(r)} ({answers.percent(r)}%)" for r, _ in RESULTS]
            for answers in [*languages, every]
        ]
        widths = [max(len(row[i]) for row in [headings, *rows]) for i in range(len(headings))]
        lines = ["  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
                 for row in [headings, *rows]]  # fmt: skip
    if unknown:
        lines.append(unknown_note(unknown))
    return "\n".join(lines) + "\n"
