"""The flow file's format versions, and an older file read as the current format.

A flow file says which format it is written in with ``version:`` as its first key. The
line reads every format up to :data:`CURRENT_FORMAT`: an older file is brought up to date
as it is read (as goflow migrates an older flow definition on read), so a file that went
live once keeps going live, and every revision kept in the database can be rolled back to.
``ivr flow upgrade`` (:mod:`ivr.translations.upgrading`) makes the same change in the
file's text, for good. A file newer than the line is refused: what a newer format means,
this line cannot know.

The formats:

1. Every file written before formats had numbers: it has no ``version:`` (``version: 1``
   says the same). A language may say ``reviewed: true`` or ``false``, which no longer
   means anything: reviews are kept per text under ``reviews:``.
2. ``version: 2``, and no ``reviewed:`` under a language (the JSON Schema no longer offers
   it, so an editor does not suggest a field that does nothing).

To add a format: raise :data:`CURRENT_FORMAT`, add a :class:`Step` from the one before
to :data:`STEPS` (what it changes in the data, said for an operator), the same change in
the text to :mod:`ivr.translations.upgrading`, and a pair of files to tests/formats/.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ivr.definition.problems import Problem, error
from ivr.definition.source import Path, SourceDocument

#: The format this line writes, and the newest it reads.
CURRENT_FORMAT = 2
#: The format of a file with no ``version:``: the one before formats had numbers.
UNNUMBERED_FORMAT = 1
VERSION_KEY = "version"


@dataclass(frozen=True)
class Step:
    """From one format to the next: what it changes, in words for an operator, and the
    change made to a file's data as it is read (its text is changed by ``ivr flow upgrade``)."""

    to: int
    change: str
    paths: Callable[[dict[str, Any]], list[Path]]


def _language_reviewed(data: dict[str, Any]) -> list[Path]:
    line = data.get("line")
    languages = line.get("languages") if isinstance(line, dict) else None
    if not isinstance(languages, dict):
        return []
    return [
        ("line", "languages", code, "reviewed")
        for code, language in languages.items()
        if isinstance(language, dict) and "reviewed" in language
    ]


#: Each step, by the format it starts from. A step here only takes values out of the data
#: (the paths it returns); a step that renames or moves one would say so here too.
STEPS: dict[int, Step] = {
    1: Step(
        2,
        "'reviewed:' is taken out of every language: it no longer means anything, as reviews are kept per text "
        "under 'reviews:'",
        _language_reviewed,
    ),
}

#: Fields a step took out of the format, with what an operator who still writes one must know.
RETIRED_FIELDS = {
    "reviewed": "'reviewed:' is no longer part of the flow format (format 2): reviews are kept per text under "
    "'reviews:' ('ivr translations status'); remove it",
}


def older_format_note(written_in: int, upgrade: str) -> str | None:
    """What ``ivr check`` and the console say about a file in an older format, ``upgrade``
    saying how to bring it up to date; ``None`` for one in the current format. A note, not
    a problem: the file goes live as it always did."""
    if written_in >= CURRENT_FORMAT:
        return None
    return (
        f"written in flow format {written_in}, which this line still reads (it writes format {CURRENT_FORMAT}); "
        f"to bring the file up to date, keeping its comments and order, {upgrade}"
    )


def declared_format(source: SourceDocument) -> tuple[int, list[Problem]]:
    """The format the file (its data a mapping) says it is written in, or the problem with
    what it says.

    No ``version:`` is format 1. An empty one is reported as an empty value (by the source),
    and read as the current format so that nothing else is reported twice."""
    if VERSION_KEY not in source.data:
        return UNNUMBERED_FORMAT, []
    written = source.data[VERSION_KEY]
    if written is None:
        return CURRENT_FORMAT, []
    at = source.position((VERSION_KEY,))
    if not isinstance(written, str) or not written.isascii() or not written.isdigit() or int(written) < 1:
        return CURRENT_FORMAT, [
            error(
                at.line,
                at.column,
                f"'version' is the flow format the file is written in, a whole number from 1 to {CURRENT_FORMAT}: "
                f"{written!r} is not one",
                f"write version: {CURRENT_FORMAT}",
                code="unknown-format",
            )
        ]
    number = int(written)
    if number > CURRENT_FORMAT:
        return number, [
            error(
                at.line,
                at.column,
                f"this file is written in flow format {number}, newer than this line reads (format {CURRENT_FORMAT} "
                "at most), so nothing in it was checked",
                "it was written for a newer version of the line: install that version here first, "
                f"or ask for the file in format {CURRENT_FORMAT}",
                code="unknown-format",
            )
        ]
    return number, []


def steps_from(format_number: int) -> list[Step]:
    """Every step from ``format_number`` to the current format, in order."""
    steps = []
    while format_number < CURRENT_FORMAT:
        step = STEPS[format_number]
        steps.append(step)
        format_number = step.to
    return steps


def read_as_current(source: SourceDocument) -> tuple[int, list[Problem]]:
    """Bring the file's data up to the current format as it is read, and say which format
    it was written in; or the problem that keeps it from being read.

    ``source.data`` is replaced, never changed: a mapping a step takes a value out of is
    copied first, so a copy of ``source`` made before (``dataclasses.replace``) keeps the
    data as written. Positions are kept: a value is taken out of the data (and out of the
    values left empty), never out of the text, so every problem still points at the line
    the operator wrote."""
    written, problems = declared_format(source)
    if problems:
        return written, problems
    data = {**source.data, VERSION_KEY: CURRENT_FORMAT}
    for step in steps_from(written):
        for path in step.paths(data):
            data = _without(data, path)
            source.empty = [empty for empty in source.empty if empty[: len(path)] != path]
    source.data = data
    return written, []


def _without(mapping: dict[str, Any], path: Path) -> dict[str, Any]:
    """``mapping`` with the value at ``path`` taken out: the mappings on the way are copies."""
    first, rest = path[0], path[1:]
    if not rest:
        return {key: value for key, value in mapping.items() if key != first}
    return {**mapping, first: _without(mapping[first], rest)}
