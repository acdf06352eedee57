"""The baseline for bench/load.py: a bare Flask app that answers every POST with the same
TwiML bytes, with no signature check, no state, no flow. It is the limit of this stack
(gunicorn + Flask on this machine); everything the line costs above it is ours."""

import os
from pathlib import Path

from flask import Flask, Response


def create_app() -> Flask:
    app = Flask(__name__, static_folder=None)
    body = Path(os.environ["BENCH_TWIML_FILE"]).read_bytes()

    @app.post("/<path:anything>")
    @app.post("/")
    def answer(anything: str = "") -> Response:
        return Response(body, 200, mimetype="text/xml")

    return app


app = create_app()
