"""Texts a language with no voice has no recording of yet (:mod:`ivr.definition.recorded`).

Warnings, never errors: a language still being recorded must never keep the line from going
live, and its callers are put straight through to the helpline until every text is recorded.
A language with no recording at all is one warning, where it is declared; once recording has
begun, each text still without one is reported at its own line and column, naming every
language it lacks. A flow rule: it speaks once the flow has no errors, with the other
warnings about what callers hear.
"""

from __future__ import annotations

from collections.abc import Iterator

from ivr.definition import recorded
from ivr.definition.problems import Problem
from ivr.inspect.context import Context

CODES = ("missing-recording",)


def check(context: Context) -> Iterator[Problem]:
    document = context.document
    lacking: dict[tuple[str | int, ...], list[str]] = {}
    for code in recorded.voiceless(document):
        items = recorded.needed(document, code)
        missing = [i for i in items if i.named is None and recorded.conventional(context.base, code, i.key) is None]
        if len(missing) == len(items):
            yield context.warning(
                ("line", "languages", code),
                f"{document.line.languages[code].name} ({code}) has no voice and no recordings yet: callers who "
                f"choose it are put straight through to the helpline until all {len(items)} texts are recorded",
                "upload them in the console (Recordings); once one is, each text still without one is listed here",
                key=True,
                code="missing-recording",
            )
            continue
        for item in missing:
            lacking.setdefault(item.path, []).append(code)
    for path, codes in lacking.items():
        names = ", ".join(f"{document.line.languages[code].name} ({code})" for code in codes)
        yield context.warning(
            path,
            f"no recording of this text in {names}: until every text has one, callers who choose "
            f"{'that language' if len(codes) == 1 else 'those languages'} are put straight through to the helpline",
            f"upload it in the console (Recordings), or put it at "
            f"recordings/{codes[0]}/{recorded.text_key(path)}.mp3 beside the flow file",
            key=True,
            code="missing-recording",
        )
