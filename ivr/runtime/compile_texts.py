"""Compiling a flow's texts and numbers: every text as :class:`~ivr.runtime.flow.Speech` in
every language of the line, with its numbers ready to say and its recordings kept.

Part of :mod:`ivr.runtime.compile`, which runs only on documents that passed every check:
a missing number or language here is a bug, not an operator's mistake. Where a text has no
version in a language, :func:`ivr.runtime.flow.in_language` picks the line's first language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

from ivr.definition.audio import AudioError, audio_seconds
from ivr.definition.builtins import normalise_words
from ivr.definition.model import FlowDocument, Number, Recording, Text
from ivr.definition.phone import parse_number, spoken_groups_en
from ivr.definition.texts import KEYS_PLACEHOLDER, PLACEHOLDER
from ivr.runtime import flow as rt

RECORDINGS_URL = "/recordings/"


def recording_url(play: str) -> str:
    """Where Twilio fetches a recording: the line serves the flow's recordings/ folder."""
    if play.startswith("https://"):
        return play
    return RECORDINGS_URL + play.removeprefix("recordings/").lstrip("/")


def as_languages(text: Text, language: str) -> dict[str, str | Recording]:
    """A text as one version per language: a plain text is in the line's ``language``."""
    return dict(text) if isinstance(text, Mapping) else {language: text}


class TextCompiler:
    """Texts and numbers of one document, each compiled once and shared by every node.

    ``base`` is the folder whose recordings/ the flow plays, when it is known: each
    recording's length is then measured once, here, for whatever reads the runtime flow
    (the length lints); ``None`` where it cannot be measured.
    """

    def __init__(self, document: FlowDocument, base: Path | None = None) -> None:
        self.doc = document
        self.base = base
        self.language = document.line.language
        self.codes = tuple(document.line.languages) or (self.language,)
        #: The recordings the flow plays, as names under recordings/: all the line serves there.
        self.recordings: set[str] = set()
        self._spoken: dict[tuple[str, str], rt.SpokenNumber] = {}
        self._targets: dict[str, rt.DialTarget] = {}
        self._seconds: dict[str, float | None] = {}

    # -- numbers ---------------------------------------------------------------------------
    def spoken_number(self, name: str, language: str) -> rt.SpokenNumber:
        key = (name, language)
        if key not in self._spoken:
            self._spoken[key] = self._spoken_number(name, language)
        return self._spoken[key]

    def _spoken_number(self, name: str, language: str) -> rt.SpokenNumber:
        number: Number = self.doc.numbers[name]
        if number.say is not None:
            text = rt.in_language(as_languages(number.say, self.language), language, self.language)
            if isinstance(text, str):
                return rt.SpokenNumber(tuple(g.strip() for g in text.split(",") if g.strip()))
        parsed = parse_number(number.number)
        if language.startswith("en"):
            return rt.SpokenNumber(spoken_groups_en(parsed))
        # Digits one by one, which every voice reads in its own language.
        return rt.SpokenNumber(tuple(" ".join(group) for group in parsed.groups))

    def number(self, name: str) -> dict[str, rt.Speech]:
        """A number on its own, said in every language (what a failed transfer says)."""
        return {code: rt.Speech((self.spoken_number(name, code),)) for code in self.codes}

    def target(self, name: str) -> rt.DialTarget:
        """A number the line dials: its E.164 form and what callers hear it called."""
        if name not in self._targets:
            number = self.doc.numbers[name]
            e164 = parse_number(number.number).e164
            assert e164 is not None, f"{name} passed the checks but cannot be dialled"
            self._targets[name] = rt.DialTarget(name, e164, self.texts(number.name), number.show_caller_number)
        return self._targets[name]

    # -- texts -----------------------------------------------------------------------------
    def recording(self, recording: Recording) -> rt.Recording:
        url = recording_url(recording.play)
        if not url.startswith(RECORDINGS_URL):
            return rt.Recording(url)  # hosted elsewhere: Twilio fetches it, nobody here measures it
        name = url.removeprefix(RECORDINGS_URL)
        self.recordings.add(name)
        if name not in self._seconds:
            self._seconds[name] = self._measure(recording.play)
        return rt.Recording(url, self._seconds[name])

    def _measure(self, play: str) -> float | None:
        if self.base is None:
            return None
        try:
            return audio_seconds(self.base / play)
        except AudioError:
            return None  # changed since the check, which reported what was wrong with it

    def speech(
        self, text: str | Recording, language: str, fill: Mapping[str, rt.Speech] | None = None, once: bool = False
    ) -> rt.Speech:
        """One text in one language: ``{name}`` says a number (``{helpline}`` the line's), or
        what ``fill`` gives for it; ``once``: numbers said once, not twice."""
        if isinstance(text, Recording):
            return rt.Speech((self.recording(text),))
        segments: list[rt.Segment] = []
        position = 0
        for match in PLACEHOLDER.finditer(text):
            segments.append(text[position : match.start()])
            name = match.group(1).strip()
            if fill and name in fill:
                segments.extend(fill[name].segments)
            else:
                number = self.doc.line.helpline if name == "helpline" else name
                spoken = self.spoken_number(number, language)
                segments.append(replace(spoken, times=1) if once else spoken)
            position = match.end()
        segments.append(text[position:])
        return rt.Speech(tuple(s for s in segments if s != ""))

    def texts(
        self, text: Text, fill: Mapping[str, Mapping[str, rt.Speech]] | None = None, once: bool = False
    ) -> dict[str, rt.Speech]:
        """One :class:`Speech` for every language of the line; ``once``: numbers said once."""
        by_language = as_languages(text, self.language)
        result = {}
        for code in self.codes:
            filled = {key: rt.in_language(versions, code, self.language) for key, versions in (fill or {}).items()}
            result[code] = self.speech(rt.in_language(by_language, code, self.language), code, filled, once)
        return result

    def keys_message(self, text: Text) -> dict[str, rt.KeysMessage]:
        """The "keys" message, compiled like every text (numbers said, a recording played) and
        cut where ``{keys}`` stands, for each menu to fill in with its own keys."""
        by_language = as_languages(text, self.language)
        result = {}
        for code in self.codes:
            value = rt.in_language(by_language, code, self.language)
            pieces: list[str | Recording] = []
            if isinstance(value, str):
                position = 0
                for match in PLACEHOLDER.finditer(value):
                    if match.group(1).strip() == KEYS_PLACEHOLDER:
                        pieces.append(value[position : match.start()])
                        position = match.end()
                pieces.append(value[position:])
            else:
                pieces.append(value)
            result[code] = rt.KeysMessage(tuple(self.speech(piece, code) for piece in pieces))
        return result

    def join(self, *parts: Mapping[str, rt.Speech]) -> dict[str, rt.Speech]:
        """Texts said one after the other, per language."""
        result = {}
        for code in self.codes:
            segments: list[rt.Segment] = []
            for part in parts:
                if segments:
                    segments.append(" ")
                segments.extend(part[code].segments)
            result[code] = rt.Speech(tuple(segments))
        return result

    def words(self, words: list[str] | dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        """A choice's words per language, as written (lower case, single spaces)."""
        by_language = words if isinstance(words, Mapping) else {self.language: words}
        return {code: tuple(normalise_words(values)) for code, values in by_language.items()}
