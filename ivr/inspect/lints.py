"""Accessibility checks of a compiled flow: measured, not guessed.

They read the runtime model (texts with their numbers expanded, as callers hear
them) and give warnings, positioned at the text to shorten: how long a caller listens
before hearing the first choice, how many choices a menu has, whether a menu says
how to reach the helpline, which languages nobody has reviewed.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path as FsPath

from ivr.definition.audio import AudioError, audio_seconds
from ivr.definition.problems import Problem, warning
from ivr.definition.source import Path, SourceDocument
from ivr.runtime import flow as rt

#: Speaking rates of Twilio's voices, words per minute, by language (estimates; a flow may
#: set its own with ``words_per_minute``). Vietnamese words are single syllables.
WORDS_PER_MINUTE = {"en": 160, "pl": 140, "ro": 150, "vi": 200, "ar": 130}
DEFAULT_WPM = 150
MAX_SECONDS_BEFORE_CHOICE = 20.0
MAX_MESSAGE_SECONDS = 60.0
COMFORTABLE_CHOICES = 4
#: A single digit said on its own ("press 1"), not part of a number said digit by digit ("9 9 9").
_KEY_MENTION = re.compile(r"(?<!\d )\b\d\b(?! \d)")


def words_per_minute(language: rt.Language, declared: int | None = None) -> int:
    return declared or WORDS_PER_MINUTE.get(language.code.split("-")[0].lower(), DEFAULT_WPM)


def speech_seconds(speech: rt.Speech, wpm: int, base: FsPath | None = None, stop_at_key: bool = False) -> float:
    """How long a text takes to say; with ``stop_at_key``, only up to the first choice's key."""
    seconds = 0.0
    for segment in speech.segments:
        if isinstance(segment, str):
            text = segment
            if stop_at_key:
                match = _KEY_MENTION.search(segment)
                if match:
                    return seconds + len(text[: match.start()].split()) * 60 / wpm
            seconds += len(text.split()) * 60 / wpm
        elif isinstance(segment, rt.SpokenNumber):
            words = sum(len(group.split()) for group in segment.groups)
            # Slowly (about two thirds of the pace), twice, with pauses between groups.
            seconds += 2 * (words * 60 / (wpm * 0.66)) + 2 * 0.4 * (len(segment.groups) - 1) + 1.1
        elif base is not None and not segment.url.startswith("https://"):
            with contextlib.suppress(AudioError):  # a bad file is reported by the checks
                seconds += audio_seconds(base / "recordings" / segment.url.removeprefix("/recordings/"))
    return seconds


def lint_flow(
    flow: rt.Flow, source: SourceDocument, base: FsPath | None, wpm_declared: dict[str, int | None]
) -> list[Problem]:
    problems: list[Problem] = []

    def warn(path: Path, message: str, hint: str, code: str) -> None:
        at = source.position(path)
        problems.append(warning(at.line, at.column, message, hint, code))

    for name, node in flow.nodes.items():
        if name.startswith("_"):
            continue
        if isinstance(node, rt.Menu):
            if len(node.choices) > COMFORTABLE_CHOICES:
                warn(
                    ("nodes", name, "choices"),
                    f"{len(node.choices)} choices: more than {COMFORTABLE_CHOICES} are hard to remember",
                    "keep four or fewer; 0 already reaches the helpline",
                    "many-choices",
                )
            for code, speech in node.prompt.items():
                language = flow.languages[code]
                wpm = words_per_minute(language, wpm_declared.get(code))
                seconds = speech_seconds(speech, wpm, base, stop_at_key=True)
                if seconds > MAX_SECONDS_BEFORE_CHOICE:
                    warn(
                        _text_path(source, ("nodes", name, "say"), code),
                        f"callers listen {seconds:.0f} s before the first choice ({code})",
                        f"say the first choice within {MAX_SECONDS_BEFORE_CHOICE:.0f} s: move the rest "
                        "to a message before the menu",
                        "long-prompt",
                    )
        elif isinstance(node, rt.Message):
            for code, speech in node.prompt.items():
                language = flow.languages[code]
                seconds = speech_seconds(speech, words_per_minute(language, wpm_declared.get(code)), base)
                if seconds > MAX_MESSAGE_SECONDS:
                    warn(
                        _text_path(source, ("nodes", name, "say"), code),
                        f"this message takes about {seconds:.0f} s to say ({code})",
                        "split it, with a menu between, so callers can repeat one part",
                        "long-message",
                    )
    for code, language in flow.languages.items():
        if not language.reviewed:
            warn(
                ("line", "languages", code, "reviewed")
                if ("line", "languages", code, "reviewed") in source.values
                else ("line", "languages", code),
                f"the {language.name} ({code}) texts have not been reviewed by a native speaker",
                "have a native speaker check every text, then set 'reviewed: true'",
                "unreviewed-translation",
            )
    return problems


def _text_path(source: SourceDocument, path: Path, code: str) -> Path:
    with_language = path + (code,)
    return with_language if with_language in source.values else path
