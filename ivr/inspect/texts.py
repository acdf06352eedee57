"""Texts callers hear: one in every language the line offers (or a recording), never
empty, spoken by a voice, and with every ``{name}`` naming a number or something the line
fills in there.

Which values are texts, and the placeholders each may use, is declared once in
:func:`ivr.definition.texts.iter_texts`; recordings are :mod:`ivr.inspect.recordings`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping

from ivr.definition.limits import SAY_PER_NUMBER, SAY_PER_SENTENCE, SAY_SLOW_WRAPPER
from ivr.definition.model import Recording
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.definition.texts import PLACEHOLDER, TextField, iter_texts
from ivr.inspect.context import Context
from ivr.runtime.twilio import say_limit

CODES = (
    "unknown-language",
    "default-message",
    "missing-language",
    "empty-text",
    "too-long-to-say",
    "unknown-placeholder",
)
#: Where the line's voices end a sentence (as :mod:`ivr.runtime.twiml` pauses after one).
SENTENCE_END = re.compile(r"[.!?。؟](?=\s|$)")


def check(context: Context) -> Iterator[Problem]:
    numbers = set(context.document.numbers) | context.broken_numbers | {"helpline"}
    for field in iter_texts(context.document):
        yield from _languages(context, field)
        for path, code, value in _versions(context, field):
            if not isinstance(value, Recording):
                yield from _text(context, path, code, value, numbers | set(field.placeholders))


def _versions(context: Context, field: TextField) -> list[tuple[Path, str, str | Recording]]:
    """The text in each language it is written in: a plain text is in the line's language."""
    if isinstance(field.text, Mapping):
        return [(field.path + (code,), code, value) for code, value in field.text.items()]
    return [(field.path, context.document.line.language, field.text)]


def _languages(context: Context, field: TextField) -> Iterator[Problem]:
    line = context.document.line
    path = field.path
    if isinstance(field.text, Mapping):
        for code in field.text:
            if code not in context.languages:
                yield context.error(
                    path + (code,),
                    f"{code!r} is not one of the line's languages",
                    context.did_you_mean(code, context.languages) or f"use one of: {', '.join(context.languages)}",
                    key=True,
                    code="unknown-language",
                )
    written = set(field.text) if isinstance(field.text, Mapping) else {line.language}
    # A language with no voice is recorded, not written: its missing recordings are the
    # recordings rule's (a warning: until they exist its callers go straight to the helpline).
    required = set(context.languages) if field.every_language else {line.language}
    missing = [code for code in context.languages if code in required and code not in written]
    if missing and path[:2] == ("line", "messages") and path[2] not in line.messages.model_fields_set:
        # A message the flow does not write: the line's built-in text. A flow written
        # before the message existed must not stop serving over it, so this warns.
        yield context.warning(
            ("line", "messages") if ("line", "messages") in context.source.values else ("line",),
            f"the line's message {path[2]!r} is not in this flow: {', '.join(missing)} callers "
            "would hear its built-in English text",
            f"add '{path[2]}:' under 'messages:', with a text for every language",
            key=True,
            code="default-message",
        )
    elif missing := [code for code in missing if code not in line.languages or line.languages[code].voice]:
        yield context.error(
            path,
            f"no {', '.join(missing)} version of this text, and no recording",
            f"add '{missing[0]}: ...' (a text, or {{play: recordings/...}}) under it",
            key=True,
            code="missing-language",
        )


def _text(context: Context, path: Path, code: str, value: str, known: set[str]) -> Iterator[Problem]:
    language = context.document.line.languages.get(code)
    if language is not None and language.voice is None:
        return  # the script a speaker reads for its recording: never said by a voice
    if not value.strip():
        yield context.error(
            path, "this text is empty: callers would hear nothing", "write what callers should hear", code="empty-text"
        )
    line = context.document.line
    voice = language.voice if language is not None else (None if line.languages else line.voice)
    yield from _too_long_to_say(context, path, voice, value)
    for match in PLACEHOLDER.finditer(value):
        name = match.group(1).strip()
        if name not in known:
            yield context.error_in_text(
                path,
                match.group(0),
                value[: match.start()].count(match.group(0)),
                f"{{{name}}} names no number",
                context.did_you_mean(name, known) or "a {name} in a text must name one of the flow's numbers",
                code="unknown-placeholder",
            )


def say_length(value: str, voice: str | None) -> int:
    """What Twilio counts of a text in one ``<Say>``: its UTF-8 bytes, each number as said
    (twice, slowly, with pauses), and for a Google voice the slow pace's SSML tags."""
    numbers = len(PLACEHOLDER.findall(value))
    length = len(PLACEHOLDER.sub("", value).encode("utf-8")) + numbers * SAY_PER_NUMBER
    if (voice or "").startswith("Google."):
        length += len(SENTENCE_END.findall(value)) * SAY_PER_SENTENCE + SAY_SLOW_WRAPPER
    return length


def _too_long_to_say(context: Context, path: Path, voice: str | None, value: str) -> Iterator[Problem]:
    maker, limit = say_limit(voice)
    length = say_length(value, voice)
    if length > limit:
        yield context.error(
            path,
            f"this text is too long for one <Say>: Twilio's {maker} take {limit:,} characters at most and this "
            f"counts {length:,}, so callers would not hear it whole",
            "split it into several messages of a few sentences each, with a menu between (a letter outside plain "
            f"English counts as two or three characters, a number as {SAY_PER_NUMBER})",
            code="too-long-to-say",
        )
