"""Recorded prompts, served to Twilio for ``<Play>``.

Recordings live in the ``recordings/`` folder beside the flow file. Twilio fetches them
with GET; they hold nothing about callers, so they need no signature. Only files inside
that folder are served, and only audio.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, send_from_directory

bp = Blueprint("media", __name__)
AUDIO_TYPES = {".mp3": "audio/mpeg", ".wav": "audio/wav"}


@bp.get("/recordings/<path:name>", provide_automatic_options=False)
def recording(name: str) -> Response:
    folder: Path = current_app.extensions["ivr.recordings"]
    suffix = Path(name).suffix.lower()
    if suffix not in AUDIO_TYPES:
        abort(404)
    response = send_from_directory(folder, name, mimetype=AUDIO_TYPES[suffix], max_age=3600)
    return response


def init_app(app: Flask, flow_file: str) -> None:
    app.extensions["ivr.recordings"] = Path(flow_file).resolve().parent / "recordings"
    app.register_blueprint(bp)
