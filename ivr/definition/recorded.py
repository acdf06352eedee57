"""Languages spoken from recordings: which texts each needs, which are recorded, and each
recording's review state.

Twilio has no voice for Albanian, Tigrinya or Somali, so every text a caller hears in such a
language is a recording. An operator uploads them in the console, one per text, and they are
kept where the line finds them without anyone editing the flow:
``recordings/<language>/<text>.mp3`` (or ``.wav``), ``<text>`` being the text's name in
``reviews:`` and the translators' files (``nodes.welcome.say``). A text may also name its
recording itself (``sq-AL: {play: recordings/...}``); a plain text written in such a language
is the *script* the speaker reads, translated and reviewed like any other text.

A language is spoken from its recordings only once every text has one: a call that fell into
silence half way would be worse than none. Until then choosing it puts the caller straight
through to the helpline, whose interpreters speak it (:mod:`ivr.runtime.engine`).

Each recording's review state is kept beside it, in ``recordings/<language>/reviews.json``: who
uploaded it, its length (mutagen, :mod:`ivr.definition.audio`), whether it is machine-made,
and who listened to it and vouched that it says the text. A review holds the SHA-256 of the
file and the hash of the English text: a new file or a changed text voids it by itself, so a
recording is never shown as reviewed when what callers hear is not what was reviewed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from enum import StrEnum
from pathlib import Path

from ivr.definition.model import FlowDocument, Recording
from ivr.definition.reviews import choose_source, text_hash, text_key
from ivr.definition.texts import iter_texts

RECORDINGS = "recordings"
#: What an uploaded recording may be, in the order the line looks for them.
SUFFIXES = (".mp3", ".wav")
REVIEWS_FILE = "reviews.json"


def voiceless(document: FlowDocument) -> tuple[str, ...]:
    """The line's languages with no Twilio voice: spoken from recordings only."""
    return tuple(code for code, language in document.line.languages.items() if language.voice is None)


@dataclass(frozen=True)
class Needed:
    """One text a voiceless language needs a recording of."""

    key: str  # nodes.welcome.say
    path: tuple[str | int, ...]  # where the text is written in the flow
    source: str  # what it says in the line's first language
    #: A recording the flow names itself (``{play: ...}``), if it does.
    named: Recording | None
    #: The script written in the language itself, if any (what the speaker reads).
    script: str | None


def needed(document: FlowDocument, code: str) -> list[Needed]:
    """Every text callers in ``code`` hear, in the order the flow lists them (its own option at
    the language menu is not among them: the first language's voice names it until a
    recording of its name is uploaded)."""
    first = document.line.language
    written_messages = document.line.messages.model_fields_set
    result = []
    for field in iter_texts(document):
        if not field.every_language:
            continue
        if field.path[:2] == ("line", "messages") and field.path[2] not in written_messages:
            continue  # the line's built-in text: the operator writes it first (default-message)
        versions = field.text if isinstance(field.text, Mapping) else {first: field.text}
        source = versions.get(first)
        mine = versions.get(code)
        result.append(
            Needed(
                text_key(field.path),
                field.path,
                source if isinstance(source, str) else "",
                mine if isinstance(mine, Recording) else None,
                mine if isinstance(mine, str) else None,
            )
        )
    return result


def choose_key(code: str) -> str:
    """The name of a language's own option at the language menu (its name, and its key)."""
    return text_key(("line", "languages", code, "choose"))


def conventional(base: Path | None, code: str, key: str) -> str | None:
    """The uploaded recording of text ``key`` in ``code``, as the flow would name it
    (``recordings/sq-AL/nodes.welcome.say.mp3``), or ``None`` when there is none."""
    if base is None:
        return None
    for suffix in SUFFIXES:
        play = f"{RECORDINGS}/{code}/{key}{suffix}"
        if (base / play).is_file():
            return play
    return None


def with_recordings(document: FlowDocument, base: Path | None) -> FlowDocument:
    """The document as callers hear it: every uploaded recording in place of the script (or of
    nothing) in its voiceless language. The checks and the translators read the document as
    written; the compiler reads this."""
    codes = voiceless(document)
    if base is None or not codes or not (base / RECORDINGS).is_dir():
        return document
    data = document.model_dump(exclude_unset=True, by_alias=True)
    first = document.line.language
    found = False
    for code in codes:
        for item in needed(document, code):
            play = conventional(base, code, item.key)
            if play is None or item.named is not None:
                continue
            found = True
            holder = data
            for part in item.path[:-1]:
                holder = holder[part]
            last = item.path[-1]
            if not isinstance(holder.get(last), dict):
                holder[last] = {first: holder.get(last, item.source)}
            holder[last][code] = {"play": play}
        play = conventional(base, code, choose_key(code))
        if play is not None:
            found = True
            data["line"]["languages"][code]["choose"] = {"play": play}
    return FlowDocument.model_validate(data) if found else document


def missing(document: FlowDocument, code: str) -> list[Needed]:
    """The texts with no recording in ``code`` in a document as callers hear it
    (:func:`with_recordings`)."""
    return [item for item in needed(document, code) if item.named is None]


def ready(document: FlowDocument, code: str) -> bool:
    """Whether callers in ``code`` hear it: a voiced language, or every text recorded."""
    language = document.line.languages.get(code)
    return language is None or language.voice is not None or not missing(document, code)


# -- review state of each recording ------------------------------------------------------------
class RecordingState(StrEnum):
    NOT_RECORDED = "not recorded yet"
    MACHINE_MADE = "machine-made stop-gap, not reviewed"
    UNREVIEWED = "recorded, not reviewed"
    CHANGED = "changed since it was reviewed: not reviewed"
    REVIEWED = "reviewed"


@dataclass(frozen=True)
class RecordingNote:
    """What is known of one uploaded recording (one entry of ``reviews.json``)."""

    sha256: str
    seconds: float
    uploaded_by: str
    uploaded_on: str
    machine_made: bool = False
    reviewed_by: str = ""
    reviewed_on: str = ""
    #: The hash of the first-language text and of the file when it was reviewed.
    reviewed_source: str = ""
    reviewed_sha256: str = ""


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        for block in iter(lambda: file.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def notes(base: Path, code: str) -> dict[str, RecordingNote]:
    """Every note kept for ``code``'s recordings; a damaged file counts as no notes (so
    nothing is shown as reviewed that cannot be shown to be)."""
    path = base / RECORDINGS / code / REVIEWS_FILE
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        return {key: RecordingNote(**value) for key, value in raw.items()}
    except (OSError, ValueError, TypeError):
        return {}


def save_notes(base: Path, code: str, kept: Mapping[str, RecordingNote]) -> None:
    """Write the notes whole, through a new file moved into place (a reader never sees half)."""
    folder = base / RECORDINGS / code
    folder.mkdir(parents=True, exist_ok=True)
    temporary = folder / (REVIEWS_FILE + ".new")
    text = json.dumps({key: asdict(note) for key, note in sorted(kept.items())}, ensure_ascii=False, indent=1)
    temporary.write_text(text + "\n", encoding="utf-8")
    temporary.replace(folder / REVIEWS_FILE)


def state(base: Path | None, code: str, key: str, source: str, play: str | None) -> RecordingState:
    """The review state of the recording ``play`` of text ``key`` (``source``: its English)."""
    if base is None or play is None or not (base / play).is_file():
        return RecordingState.NOT_RECORDED
    note = notes(base, code).get(key)
    if note is None or note.sha256 != file_sha256(base / play):
        return RecordingState.UNREVIEWED  # a file nobody uploaded through the console
    if not note.reviewed_by:
        return RecordingState.MACHINE_MADE if note.machine_made else RecordingState.UNREVIEWED
    if note.reviewed_sha256 != note.sha256 or note.reviewed_source != text_hash(source):
        return RecordingState.CHANGED
    return RecordingState.REVIEWED


def recording_of(base: Path | None, item: Needed, code: str) -> str | None:
    """Where text ``item``'s recording in ``code`` is: named in the flow, or uploaded."""
    if item.named is not None and not item.named.play.startswith("https://"):
        return item.named.play
    return conventional(base, code, item.key)


def language_states(document: FlowDocument, base: Path | None, code: str) -> list[tuple[Needed, RecordingState]]:
    """Each text of ``code`` with its recording's state, for the console, the translators'
    files and ``ivr translations status``."""
    states = []
    for item in needed(document, code):
        states.append((item, state(base, code, item.key, item.source, recording_of(base, item, code))))
    return states


def choose_needed(document: FlowDocument, code: str) -> Needed:
    """A language's own option at the language menu, as a text to record (its name and key)."""
    language = document.line.languages[code]
    named = language.choose if isinstance(language.choose, Recording) else None
    return Needed(choose_key(code), ("line", "languages", code, "choose"), choose_source(document, code), named, None)


def recording_notes(document: FlowDocument, base: Path | None, code: str) -> dict[str, str]:
    """Each text's recording in ``code`` in words, by text name, for the translators' files:
    "recording: not recorded yet", "recording: 2.5 s, machine-made stop-gap, not reviewed",
    "recording: 3.1 s, reviewed by Arta Hoxha on 2026-12-07". Never "reviewed" unless it is."""
    kept = notes(base, code) if base is not None else {}
    described = {}
    for item in [choose_needed(document, code), *needed(document, code)]:
        play = recording_of(base, item, code)
        found = state(base, code, item.key, item.source, play)
        note = kept.get(item.key)
        length = f"{note.seconds:.1f} s, " if note is not None and found is not RecordingState.NOT_RECORDED else ""
        said = (
            f"reviewed by {note.reviewed_by} on {note.reviewed_on}"
            if found is RecordingState.REVIEWED and note
            else found
        )
        described[item.key] = f"recording: {length}{said}"
    return described


def progress(document: FlowDocument, base: Path | None, code: str) -> str:
    """One line for ``ivr translations status``: how many texts are recorded and reviewed."""
    states = [found for _, found in language_states(document, base, code)]
    done = sum(found is not RecordingState.NOT_RECORDED for found in states)
    reviewed = states.count(RecordingState.REVIEWED)
    machine = states.count(RecordingState.MACHINE_MADE)
    waiting = "callers hear them" if done == len(states) else "until all are, callers go straight to the helpline"
    made = f", {machine} machine-made (a stop-gap, not reviewed)" if machine else ""
    return f"recordings: {done} of {len(states)} texts recorded, {reviewed} reviewed{made}: {waiting}"
