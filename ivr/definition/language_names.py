"""Each language's name in English, by language (the part of a code before the dash).

The adviser who answers a transfer is told the caller's language in English before the call
is bridged (:mod:`ivr.runtime.whisper`), so that an interpreter can be added at once. A flow
names each language in itself ("Polski", "Shqip"), which an English voice would read badly and
an adviser might not know, so the English names are facts kept here, like the other facts
about languages in :mod:`ivr.definition.languages`. The table holds the languages the line
offers and those the people it is for most often speak (the README, "Languages"); a language it
does not hold is named by its own name.
"""

from __future__ import annotations

from ivr.definition.languages import family

ENGLISH_NAMES: dict[str, str] = {
    "en": "English", "pl": "Polish", "ro": "Romanian", "vi": "Vietnamese", "ar": "Arabic",
    "sq": "Albanian", "ti": "Tigrinya", "so": "Somali", "am": "Amharic", "ku": "Kurdish",
    "ckb": "Kurdish (Sorani)", "kmr": "Kurdish (Kurmanji)", "fa": "Farsi", "ps": "Pashto", "ur": "Urdu",
    "hi": "Hindi", "pa": "Punjabi", "bn": "Bengali", "gu": "Gujarati", "ta": "Tamil", "ml": "Malayalam",
    "ne": "Nepali", "zh": "Chinese", "cmn": "Mandarin", "yue": "Cantonese", "th": "Thai", "tl": "Tagalog",
    "id": "Indonesian", "ms": "Malay", "ru": "Russian", "uk": "Ukrainian", "bg": "Bulgarian",
    "hu": "Hungarian", "sk": "Slovak", "cs": "Czech", "lt": "Lithuanian", "lv": "Latvian", "et": "Estonian",
    "sr": "Serbian", "hr": "Croatian", "bs": "Bosnian", "mk": "Macedonian", "el": "Greek", "tr": "Turkish",
    "pt": "Portuguese", "es": "Spanish", "fr": "French", "it": "Italian", "de": "German", "nl": "Dutch",
    "sw": "Swahili", "yo": "Yoruba", "ig": "Igbo", "ha": "Hausa", "tw": "Twi", "om": "Oromo",
}  # fmt: skip


def english_name(code: str, own_name: str) -> str:
    """The language of ``code`` as an English speaker names it; its ``own_name`` if the table
    does not know it (still a name an adviser or interpreter service can work with)."""
    return ENGLISH_NAMES.get(family(code)) or ENGLISH_NAMES.get(code.lower()) or own_name
