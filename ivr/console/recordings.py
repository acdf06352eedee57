"""Recordings in the console: for each language with no Twilio voice, every text callers hear,
whether it is recorded, how long it is, and whether a native speaker has listened to it.

An operator uploads a WAV or MP3 file per text (no flow editing: it is kept where the line
finds it, ``recordings/<language>/<text>.mp3``, :mod:`ivr.definition.recorded`). Its length is
measured with mutagen on upload, and a file that is not audio is refused with the reason.
Every upload starts unreviewed, and a machine-made one (espeak-ng, a stop-gap) says so on
every page; a review names the person who listened and is void as soon as the file or the
English text changes. Both are written to the audit log.

The line serves a language from its recordings once every text has one (until then its
callers are put straight through to the helpline): the flow watcher notices the new files
(:mod:`ivr.serve.store`) within seconds.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ivr.console.editing import console_engine, flow_folder, live_text
from ivr.definition import recorded
from ivr.definition.audio import AudioError, audio_seconds
from ivr.definition.reviews import text_hash
from ivr.publishing import record
from ivr.translations.flow_text import FlowNotReadable, parse_document


def _document() -> Any:
    try:
        return parse_document(live_text())[1]
    except FlowNotReadable:
        return None


def _today() -> str:
    return time.strftime("%Y-%m-%d", time.gmtime())


def recordings_page() -> Any:
    document = _document()
    base = flow_folder()
    languages = []
    for code in recorded.voiceless(document) if document is not None else ():
        kept = recorded.notes(base, code)
        rows = []
        for item in [recorded.choose_needed(document, code), *recorded.needed(document, code)]:
            play = recorded.recording_of(base, item, code)
            state = recorded.state(base, code, item.key, item.source, play)
            rows.append({"item": item, "state": state, "note": kept.get(item.key), "play": play})
        done = sum(1 for row in rows[1:] if row["play"] is not None)
        languages.append(
            {
                "code": code,
                "name": document.line.languages[code].name,
                "rows": rows,
                "done": done,
                "total": len(rows) - 1,
            }
        )
    return render_template("console/recordings.html", languages=languages, States=recorded.RecordingState)


def _target() -> tuple[Any, str, recorded.Needed]:
    """The language and text a form names, or 400 if the live flow has no such text."""
    document = _document()
    code, key = request.form.get("language", ""), request.form.get("text", "")
    if document is None or code not in recorded.voiceless(document):
        abort(400, "That language has no recordings to upload: reload the page.")
    items = {item.key: item for item in [recorded.choose_needed(document, code), *recorded.needed(document, code)]}
    if key not in items:
        abort(400, "The flow has no such text any more: reload the page.")
    return document, code, items[key]


def upload() -> Any:
    _, code, item = _target()
    sent = request.files.get("recording")
    suffix = Path(sent.filename or "").suffix.lower() if sent is not None else ""
    if sent is None or suffix not in recorded.SUFFIXES:
        flash("Choose a WAV or MP3 file to upload.")
        return redirect(url_for("console.recordings", _anchor=f"{code}:{item.key}"))
    folder = flow_folder() / recorded.RECORDINGS / code
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".upload.", suffix=suffix)
    try:
        with os.fdopen(handle, "wb") as out:
            sent.save(out)
        seconds = audio_seconds(Path(temporary))
    except AudioError:
        os.unlink(temporary)
        flash(f"{sent.filename} is not a WAV or MP3 recording the line can play: record it again and upload it.")
        return redirect(url_for("console.recordings", _anchor=f"{code}:{item.key}"))
    for other in recorded.SUFFIXES:  # one recording per text
        (folder / f"{item.key}{other}").unlink(missing_ok=True)
    final = folder / f"{item.key}{suffix}"
    os.replace(temporary, final)
    machine_made = request.form.get("machine_made") == "1"
    kept = recorded.notes(flow_folder(), code)
    kept[item.key] = recorded.RecordingNote(
        recorded.file_sha256(final), round(seconds, 2), g.operator, _today(), machine_made
    )
    recorded.save_notes(flow_folder(), code, kept)
    made = "machine-made, " if machine_made else ""
    record(console_engine(), g.operator, "recording-uploaded", f"{code} {item.key} ({made}{seconds:.1f} s)")
    flash(
        f"Uploaded {item.key} in {code}: {seconds:.1f} seconds long, {made}not reviewed yet. Ask a native speaker "
        "to listen to it and mark it reviewed."
    )
    return redirect(url_for("console.recordings", _anchor=f"{code}:{item.key}"))


def review() -> Any:
    _, code, item = _target()
    reviewer = " ".join(request.form.get("reviewer", "").split())[:80]
    if request.form.get("listened") != "1" or not reviewer:
        flash("Write the name of the native speaker who listened, and tick that it says the English text.")
        return redirect(url_for("console.recordings", _anchor=f"{code}:{item.key}"))
    base = flow_folder()
    play = recorded.recording_of(base, item, code)
    kept = recorded.notes(base, code)
    note = kept.get(item.key)
    if play is None or note is None or note.sha256 != recorded.file_sha256(base / play):
        flash("That recording changed or was not uploaded here: upload it again, then review it.")
        return redirect(url_for("console.recordings", _anchor=f"{code}:{item.key}"))
    kept[item.key] = replace(
        note, reviewed_by=reviewer, reviewed_on=_today(), reviewed_source=text_hash(item.source),
        reviewed_sha256=note.sha256,
    )  # fmt: skip
    recorded.save_notes(base, code, kept)
    record(console_engine(), g.operator, "recording-reviewed", f"{code} {item.key} by {reviewer}")
    flash(f"{item.key} in {code} is marked reviewed by {reviewer}.")
    return redirect(url_for("console.recordings", _anchor=f"{code}:{item.key}"))


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/recordings", "recordings", recordings_page)
    bp.add_url_rule("/recordings/upload", "recording_upload", upload, methods=["POST"])
    bp.add_url_rule("/recordings/review", "recording_review", review, methods=["POST"])
