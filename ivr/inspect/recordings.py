"""Recordings: files the line itself serves from the flow's recordings/ folder, that
are really audio Twilio can play. Each file is measured once however many texts play it.

A recording hosted elsewhere (https://) is fetched by Twilio during calls, and cannot be
checked here: its host learns when people call, and its owner can change what callers
hear without any check or review. So it is refused unless the operator named its host
(``IVR_MEDIA_HOSTS``, given to the check in :attr:`Context.allowed`).

A language with no voice needs a recording of every text (:mod:`ivr.definition.recorded`):
each text without one is a warning at that text, naming the languages it lacks. A warning,
not an error: a language still being recorded must never keep the line from going live, and
its callers are put straight through to the helpline until every text is recorded.
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

CODES = ("bad-recording", "audio-host", "missing-recording")
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
    """Recordings uploaded for the languages with no voice: each must be audio. A language
    with none at all is reported once, where it is declared; one being recorded, at each text
    that still has none (naming every language it lacks)."""
    document = context.document
    lacking: dict[tuple[str | int, ...], list[str]] = {}
    for code in recorded.voiceless(document):
        missing = []
        for item in [*recorded.needed(document, code), recorded.choose_needed(document, code)]:
            if item.named is not None:
                continue
            play = recorded.conventional(context.base, code, item.key)
            if play is not None:
                yield from _recording(context, item.path, Recording(play=play))
            elif item.key != recorded.choose_key(code):  # the option has its words to fall back on
                missing.append(item)
        texts = len(recorded.needed(document, code))
        if len(missing) == texts:
            yield context.warning(
                ("line", "languages", code),
                f"{document.line.languages[code].name} ({code}) has no voice and no recordings yet: callers who "
                f"choose it are put straight through to the helpline until all {texts} texts are recorded",
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
