"""Recordings: files the line itself serves from the flow's recordings/ folder, that
are really audio Twilio can play. Each file is measured once however many texts play it.

A recording hosted elsewhere (https://) is fetched by Twilio and cannot be checked here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ivr.definition.audio import AudioError
from ivr.definition.model import Recording
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.definition.texts import iter_texts
from ivr.inspect.context import Context

CODES = ("bad-recording",)


def check(context: Context) -> Iterator[Problem]:
    for field in iter_texts(context.document):
        if isinstance(field.text, Mapping):
            for code, value in field.text.items():
                if isinstance(value, Recording):
                    yield from _recording(context, field.path + (code, "play"), value)
    for code, language in context.document.line.languages.items():
        if isinstance(language.choose, Recording):
            yield from _recording(context, ("line", "languages", code, "choose", "play"), language.choose)


def _recording(context: Context, path: Path, recording: Recording) -> Iterator[Problem]:
    play = recording.play
    if play.startswith("https://"):
        return
    if not play.startswith("recordings/") or ".." in play.split("/"):
        yield context.error(
            path,
            f"{play!r} is not under the flow's recordings/ folder",
            "put the file in recordings/ beside the flow file and write recordings/<file>",
            code="bad-recording",
        )
        return
    if context.base is None:
        return  # a text with no file: there is no folder to look in
    folder = (context.base / "recordings").resolve()
    real = (context.base / play).resolve()
    if not real.is_relative_to(folder) or (real.exists() and not real.is_file()):
        yield context.error(
            path,
            f"{play!r} is a link to a file outside the recordings/ folder, which the line does not serve",
            "copy the audio file itself into recordings/",
            code="bad-recording",
        )
        return
    try:
        context.recording_seconds(play)
    except AudioError as exc:
        yield context.error(
            path, str(exc), "record it again as WAV or MP3, and check the file name", code="bad-recording"
        )
