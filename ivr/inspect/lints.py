"""Accessibility checks of a compiled flow: measured, not guessed.

They read the runtime model (texts with their numbers expanded, as callers hear
them) and give warnings, positioned at the text to shorten: how long a caller listens
before hearing the first choice, how many choices a menu has, and which languages nobody
has reviewed. A recording counts for its length, measured once when the flow was compiled
(:attr:`ivr.runtime.flow.Recording.seconds`; unknown for one hosted elsewhere).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ivr.definition.builtins import is_builtin_node
from ivr.definition.limits import COMFORTABLE_CHOICES
from ivr.definition.problems import Problem
from ivr.inspect.context import Context
from ivr.runtime import flow as rt

CODES = ("many-choices", "long-prompt", "long-message", "unreviewed-translation")

#: Speaking rates of Twilio's voices, words per minute, by language (estimates; a flow may
#: set its own with ``words_per_minute``). Vietnamese words are single syllables.
WORDS_PER_MINUTE = {"en": 160, "pl": 140, "ro": 150, "vi": 200, "ar": 130}
DEFAULT_WPM = 150
MAX_SECONDS_BEFORE_CHOICE = 20.0
MAX_MESSAGE_SECONDS = 60.0
#: A single digit said on its own ("press 1"), not part of a number said digit by digit ("9 9 9").
KEY_MENTION = re.compile(r"(?<!\d )\b\d\b(?! \d)")


def words_per_minute(language: rt.Language, declared: int | None = None) -> int:
    return declared or WORDS_PER_MINUTE.get(language.code.split("-")[0].lower(), DEFAULT_WPM)


def speech_seconds(speech: rt.Speech, wpm: int, stop_at_key: bool = False) -> float:
    """How long a text takes to say; with ``stop_at_key``, only up to the first choice's key."""
    seconds = 0.0
    for segment in speech.segments:
        if isinstance(segment, str):
            if stop_at_key:
                match = KEY_MENTION.search(segment)
                if match:
                    return seconds + len(segment[: match.start()].split()) * 60 / wpm
            seconds += len(segment.split()) * 60 / wpm
        elif isinstance(segment, rt.SpokenNumber):
            words = sum(len(group.split()) for group in segment.groups)
            # Slowly (about two thirds of the pace), twice, with pauses between groups.
            seconds += 2 * (words * 60 / (wpm * 0.66)) + 2 * 0.4 * (len(segment.groups) - 1) + 1.1
        elif segment.seconds is not None:
            seconds += segment.seconds
    return seconds


def check(context: Context) -> Iterator[Problem]:
    flow = context.flow
    assert flow is not None, "the lints measure a compiled flow"
    declared = {code: language.words_per_minute for code, language in context.document.line.languages.items()}
    for name, node in flow.nodes.items():
        if is_builtin_node(name):
            continue
        if isinstance(node, rt.Menu):
            if len(node.choices) > COMFORTABLE_CHOICES:
                yield context.warning(
                    ("nodes", name, "choices"),
                    f"{len(node.choices)} choices: more than {COMFORTABLE_CHOICES} are hard to remember",
                    "keep four or fewer; 0 already reaches the helpline",
                    code="many-choices",
                )
            for code, speech in node.prompt.items():
                seconds = speech_seconds(speech, words_per_minute(flow.languages[code], declared.get(code)), True)
                if seconds > MAX_SECONDS_BEFORE_CHOICE:
                    yield context.warning(
                        ("nodes", name, "say", code),
                        f"callers listen {seconds:.0f} s before the first choice ({code})",
                        f"say the first choice within {MAX_SECONDS_BEFORE_CHOICE:.0f} s: move the rest "
                        "to a message before the menu",
                        code="long-prompt",
                    )
        elif isinstance(node, rt.Message):
            for code, speech in node.prompt.items():
                seconds = speech_seconds(speech, words_per_minute(flow.languages[code], declared.get(code)))
                if seconds > MAX_MESSAGE_SECONDS:
                    yield context.warning(
                        ("nodes", name, "say", code),
                        f"this message takes about {seconds:.0f} s to say ({code})",
                        "split it, with a menu between, so callers can repeat one part",
                        code="long-message",
                    )
    for code, review in context.reviews().items():
        if review.unreviewed:
            waiting = ", ".join(f"{t.item.key} ({t.state})" for t in review.unreviewed[:3])
            more = len(review.unreviewed) - 3
            yield context.warning(
                ("line", "languages", code),
                f"{review.summary()}; not yet: {waiting}" + (f" and {more} more" if more > 0 else ""),
                f"send 'ivr translations export --language {code}' to a native speaker, then bring it back "
                "with 'ivr translations import FILE --reviewer NAME'",
                key=True,
                code="unreviewed-translation",
            )
