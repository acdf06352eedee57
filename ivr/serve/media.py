"""Recorded prompts, served to Twilio for ``<Play>``.

Recordings live in the ``recordings/`` folder beside the flow file. Twilio fetches them
with GET; they hold nothing about callers, so they need no signature. Only what the live
flow plays is served, and only a regular file whose real path (symbolic links followed) is
inside that folder: a link to anywhere else is not a recording.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, send_file

bp = Blueprint("media", __name__)
AUDIO_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav"}


@bp.get("/recordings/<path:name>", provide_automatic_options=False)
def recording(name: str) -> Response:
    folder: Path = current_app.extensions["ivr.recordings"]
    suffix = Path(name).suffix.lower()
    if suffix not in AUDIO_TYPES or name not in current_app.extensions["ivr"].store.live.flow.recordings:
        abort(404)
    real = (folder / name).resolve()
    if not real.is_relative_to(folder.resolve()) or not real.is_file():
        abort(404)
    return send_file(real, mimetype=AUDIO_TYPES[suffix], max_age=3600)


def init_app(app: Flask, flow_file: str) -> None:
    app.extensions["ivr.recordings"] = Path(flow_file).resolve().parent / "recordings"
    app.register_blueprint(bp)
