"""Interim: replaced by the per-language key parser (branch speech-keys)."""

from __future__ import annotations

from collections.abc import Collection

from ivr.runtime.normalise import fold, normalise

_SPOKEN_KEYS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "zero": "0", "star": "*",
}  # fmt: skip
EMERGENCY_NUMBERS = frozenset({"999", "112", "911"})


def key_said(said: str, language: str, keys: Collection[str]) -> str | None:
    tokens = fold(said).split()
    if len(tokens) <= 3:
        for token in reversed(tokens):
            key = _SPOKEN_KEYS.get(token, token)
            if len(key) == 1 and key in keys and key != "9":
                return key
    return None


def emergency_number_said(said: str, language: str) -> bool:
    return any(word in EMERGENCY_NUMBERS for word in normalise(said, language))
