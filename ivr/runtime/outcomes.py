"""What happened at one step of a call, as the engine decides it and the statistics keep it.

The engine returns an :class:`Outcome` with every step; the webhooks log it and hand it to
the statistics, which store its text (:meth:`Outcome.__str__`) and accept only texts that
:meth:`Outcome.parse` reads back. The texts are what databases already hold
("choice", "language:pl-PL", "not-connected:helpline:busy"): they must not change.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from ivr.runtime.twilio import DIAL_STATUSES


class Kind(StrEnum):
    """What kind of thing happened; its value is the outcome's text, or its text's prefix."""

    CHOICE = "choice"  # a menu choice
    REPEAT = "repeat"  # * (or words): the same again
    SLOWER = "slower"  # 8 (or words): slower speech from now on
    HELPLINE = "helpline"  # 0 (or words): to the helpline
    HELPLINE_NOW = "helpline-now"  # 0 during the helpline's own announcement: dial at once
    QUICK_EXIT = "quick-exit"  # 9: the call ends at once
    SKIP = "skip"  # a key during a message: on to what comes next
    GOODBYE_SKIPPED = "goodbye-skipped"  # a key during the goodbye
    DANGER_WORDS = "danger-words"  # words of danger: to the flow's danger advice
    INVALID = "invalid"  # a key that is not a choice: asked again
    UNCLEAR = "unclear"  # words not understood, or too unsure to ask: a person offered, asked again
    CONFIRM = "confirm"  # words the line was unsure of: "It sounds like you want …?"
    CONFIRMED = "confirmed"  # yes to that: the choice made
    DECLINED = "declined"  # no to that: a person offered, the menu again
    SILENCE = "silence"  # nothing before the time-out: asked again
    INVALID_LIMIT = "invalid-limit"  # too many wrong keys: to the helpline
    SILENCE_LIMIT = "silence-limit"  # too many silences: to the helpline
    INPUT_OUTSIDE_MENU = "input-outside-menu"  # requests that do not fit where the call is:
    SILENCE_OUTSIDE_MENU = "silence-outside-menu"  # a forged or stale URL, to the helpline
    DIAL_RESULT_OUTSIDE_TRANSFER = "dial-result-outside-transfer"
    LANGUAGE = "language"  # "language:<code>": a language chosen
    CONNECTED = "connected"  # "connected:<number>": a transfer the caller talked on
    NOT_CONNECTED = "not-connected"  # "not-connected:<number>:<DialCallStatus>"


#: Outcomes that ask a menu again: the statistics count the calls that needed one.
RETRIES = frozenset({Kind.SILENCE, Kind.INVALID, Kind.UNCLEAR, Kind.DECLINED})
#: The dial status of a transfer whose ``DialCallStatus`` Twilio did not send.
NO_DIAL_STATUS = "unknown"
#: What the dial status of a :attr:`Kind.NOT_CONNECTED` outcome may be.
OUTCOME_DIAL_STATUSES = frozenset({*DIAL_STATUSES, NO_DIAL_STATUS})
#: Kinds whose text names something of the flow after a colon.
_NAMED = frozenset({Kind.LANGUAGE, Kind.CONNECTED, Kind.NOT_CONNECTED})


@dataclass(frozen=True, slots=True)
class Outcome:
    """One step's outcome: its kind, and for some kinds what it names (only those are set)."""

    kind: Kind
    language: str = ""  # Kind.LANGUAGE: the code chosen
    number: str = ""  # Kind.CONNECTED, Kind.NOT_CONNECTED: the number's name in the flow
    dial_status: str = ""  # Kind.NOT_CONNECTED: Twilio's DialCallStatus, or NO_DIAL_STATUS

    @classmethod
    def chose_language(cls, code: str) -> Outcome:
        return cls(Kind.LANGUAGE, language=code)

    @classmethod
    def connected(cls, number: str) -> Outcome:
        return cls(Kind.CONNECTED, number=number)

    @classmethod
    def not_connected(cls, number: str, dial_status: str) -> Outcome:
        return cls(Kind.NOT_CONNECTED, number=number, dial_status=dial_status or NO_DIAL_STATUS)

    def __str__(self) -> str:
        """The text logs and the statistics hold."""
        if self.kind is Kind.LANGUAGE:
            return f"language:{self.language}"
        if self.kind is Kind.CONNECTED:
            return f"connected:{self.number}"
        if self.kind is Kind.NOT_CONNECTED:
            return f"not-connected:{self.number}:{self.dial_status}"
        return self.kind.value

    @classmethod
    def parse(cls, text: str) -> Outcome | None:
        """The outcome a text stands for, or ``None`` if no outcome has that shape. What it
        names (a language, a number, a status) is the reader's to check against what it knows."""
        what, colon, rest = text.partition(":")
        try:
            kind = Kind(what)
        except ValueError:
            return None
        if kind not in _NAMED:
            return None if colon else cls(kind)
        if kind is Kind.LANGUAGE:
            return cls.chose_language(rest)
        if kind is Kind.CONNECTED:
            return cls.connected(rest)
        number, _, status = rest.partition(":")
        return cls(kind, number=number, dial_status=status)
