"""Recordings: files the line itself serves from the flow's recordings/ folder, that
are really audio Twilio can play. Each file is measured once however many texts play it.

A recording hosted elsewhere (https://) is fetched by Twilio during calls, and cannot be
checked here: its host learns when people call, and its owner can change what callers
hear without any check or review. So it is refused unless the operator named its host
(``IVR_MEDIA_HOSTS``, given to the check in :attr:`Context.allowed`).

Recordings uploaded for a language with no voice (:mod:`ivr.definition.recorded`) are checked
the same way; which texts still have none is :mod:`ivr.inspect.missing_recordings`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from urllib.parse import urlsplit

from ivr.definition import recorded
from ivr.definition.audio import AudioError
from ivr.definition.model import Recording
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.definition.texts import iter_texts
from ivr.inspect.context import Context

CODES = ("bad-recording", "audio-host")
#: The setting that names the hosts a recording may come from (read by the serving layer).
MEDIA_HOSTS_SETTING = "IVR_MEDIA_HOSTS"


def check(context: Context) -> Iterator[Problem]:
    for field in iter_texts(context.document):
        if isinstance(field.text, Mapping):
            for code, value in field.text.items():
                if isinstance(value, Recording):
                    yield from _recording(context, field.path + (code, "play"), value)
    for code, language in context.document.line.languages.items():
        if isinstance(language.choose, Recording):
            yield from _recording(context, ("line", "languages", code, "choose", "play"), language.choose)
    yield from _uploaded(context)


def _uploaded(context: Context) -> Iterator[Problem]:
    """Recordings uploaded for the languages with no voice (recordings/<language>/<text>.mp3):
    each must be audio. Texts still without one are :mod:`ivr.inspect.missing_recordings`'."""
    document = context.document
    for code in recorded.voiceless(document):
        for item in [*recorded.needed(document, code), recorded.choose_needed(document, code)]:
            play = None if item.named is not None else recorded.conventional(context.base, code, item.key)
            if play is not None:
                yield from _recording(context, item.path, Recording(play=play))


def _recording(context: Context, path: Path, recording: Recording) -> Iterator[Problem]:
    play = recording.play
    if play.startswith("https://"):
        yield from _hosted(context, path, play)
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


def _hosted(context: Context, path: Path, play: str) -> Iterator[Problem]:
    """A recording at an https address: allowed only from a host the operator named."""
    host = url_host(play)
    named = ", ".join(sorted(context.allowed.media_hosts))
    now = f"now: {named}" if named else "not set now: only recordings/ play"
    setting = f"the setting {MEDIA_HOSTS_SETTING} ({now})"
    if host is None:
        yield context.error(
            path,
            f"{play!r} is not a plain https address (https://host/path)",
            f"put the file in recordings/ beside the flow file, or write https://host/path with a host "
            f"named in {setting}",
            code="audio-host",
        )
    elif host not in context.allowed.media_hosts:
        yield context.error(
            path,
            f"{play!r} is on {host}, which the line does not play recordings from: Twilio would fetch it "
            "during calls, so that host would learn when people call",
            f"put the file in recordings/ beside the flow file; or, if {host} is your own media server, "
            f"name it in {setting}",
            code="audio-host",
        )


def url_host(url: str) -> str | None:
    """The host of a plain https URL, lower case; ``None`` for anything that parsers may
    read differently (a user name, a backslash, spaces or control characters, no host), so
    the host checked is the host Twilio fetches from."""
    if any(c in url for c in "\\@") or any(c.isspace() or not c.isprintable() for c in url):
        return None
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number)
    except ValueError:
        return None
    if parts.scheme != "https" or not host:
        return None
    return host.rstrip(".")
