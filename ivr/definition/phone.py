"""Phone numbers: checking them with ``phonenumbers`` and saying them the way people do.

A number is written in the flow grouped as people say it (``0800 0121 700``);
the groups are kept for speech, the digits are checked and turned into E.164
for ``<Dial>``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import phonenumbers
from phonenumbers import shortnumberinfo

REGION = "GB"

#: Numbers the line must never dial (docs/safety.md rule 1): the caller dials them from their
#: own phone, so that their location and the police Silent Solution come with the call.
NEVER_DIAL = frozenset({"999", "112", "101", "111", "55", "18000", "105", "119"})

_DIGIT_WORDS_EN = {
    "0": "oh",
    "1": "one",
    "2": "two",
    "3": "three",
    "4": "four",
    "5": "five",
    "6": "six",
    "7": "seven",
    "8": "eight",
    "9": "nine",
}


class NumberError(ValueError):
    """A number that cannot be used; the message says why, for an operator."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass(frozen=True)
class PhoneNumber:
    written: str  # as the operator wrote it, e.g. "0800 0121 700"
    digits: str  # "08000121700"
    e164: str | None  # "+448000121700"; None for short numbers (999, 101)
    is_short: bool
    is_emergency: bool

    @property
    def groups(self) -> tuple[str, ...]:
        """The digit groups as written, in national form (``+44 800 …`` is said ``0800 …``)."""
        text = self.written
        if text.startswith("+44"):
            text = text[3:].replace("(0)", "")
            groups = re.findall(r"\d+", text)
            return ("0" + groups[0], *groups[1:]) if groups else ()
        return tuple(re.findall(r"\d+", text))

    @property
    def dialable(self) -> bool:
        return self.e164 is not None and not self.is_short and not self.is_emergency


@lru_cache(maxsize=4096)
def parse_number(written: str) -> PhoneNumber:
    """Check a UK number as an operator wrote it; raise :class:`NumberError` saying what is wrong.

    Cached: a flow names the same few numbers again and again (every transfer, every text).
    """
    text = written.strip()
    if not re.fullmatch(r"\+?[\d ()\-]+", text):
        raise NumberError(
            f"{written!r} is not a phone number",
            "write only digits and spaces, grouped as people say it, e.g. 0800 0121 700",
        )
    digits = re.sub(r"\D", "", text)
    if text.startswith("+"):
        national = "0" + digits[2:] if digits.startswith("44") else None
        if national is None:
            raise NumberError(f"{written!r} is not a UK number", "the line only connects to UK numbers")
    else:
        national = digits
    is_emergency = shortnumberinfo.is_emergency_number(national, REGION) or national in {"999", "112"}
    if len(national) <= 6:
        parsed = phonenumbers.parse(national, REGION)
        if not (
            is_emergency or shortnumberinfo.is_valid_short_number_for_region(parsed, REGION) or national in NEVER_DIAL
        ):
            raise NumberError(
                f"{written!r} is not a valid UK phone number or short number",
                "check for a missing digit: UK numbers have 10 or 11 digits, like 0800 0121 700",
            )
        return PhoneNumber(text, national, None, True, is_emergency)
    try:
        parsed = phonenumbers.parse(text, REGION)
    except phonenumbers.NumberParseException as exc:
        raise NumberError(f"{written!r} is not a phone number ({exc})") from None
    if not phonenumbers.is_valid_number_for_region(parsed, REGION):
        count = len(national)
        raise NumberError(
            f"{written!r} is not a valid UK phone number ({count} digits)",
            "check for a missing or extra digit: UK numbers have 10 or 11 digits, like 0800 0121 700",
        )
    e164 = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    return PhoneNumber(text, national, e164, False, is_emergency)


#: The Modern Slavery & Exploitation Helpline (docs/sources.md): free, 24/7, interpreters.
#: The one number the line itself relies on: its last resort and its built-in safe flow
#: connect every caller here, whatever the flow file says.
HELPLINE = "0800 0121 700"
#: Crimestoppers (docs/sources.md): 100% anonymous, never shown who calls.
CRIMESTOPPERS = "0800 555 111"

#: Numbers the line relies on. A number one digit away from one of these is almost
#: certainly a typing mistake, and a wrong helpline number strands callers.
WELL_KNOWN = {
    HELPLINE.replace(" ", ""): f"the Modern Slavery Helpline ({HELPLINE})",
    CRIMESTOPPERS.replace(" ", ""): f"Crimestoppers ({CRIMESTOPPERS})",
}


#: Lines whose promise is that they never see who calls: a transfer to one must never show
#: the caller's number, whatever the flow says (docs/safety.md rule 7).
ANONYMOUS_LINES = {CRIMESTOPPERS.replace(" ", ""): "Crimestoppers"}


def near_miss(number: PhoneNumber) -> str | None:
    """Name the well-known number this one is a slip away from, or ``None``."""
    for digits, name in WELL_KNOWN.items():
        if number.digits != digits and _one_edit_apart(number.digits, digits):
            return name
    return None


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1 or any(
            a[:i] + a[i + 1] + a[i] + a[i + 2 :] == b for i in range(len(a) - 1)
        )
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def speak_group_en(group: str) -> str:
    """How a group of digits is said in English: ``0800`` is "oh eight hundred", ``121`` "one two one"."""
    if len(group) >= 3 and group.endswith("00") and group[-3] != "0":
        head = " ".join(_DIGIT_WORDS_EN[d] for d in group[:-2])
        return f"{head} hundred"
    return " ".join(_DIGIT_WORDS_EN[d] for d in group)


def spoken_groups_en(number: PhoneNumber) -> tuple[str, ...]:
    return tuple(speak_group_en(group) for group in number.groups)
