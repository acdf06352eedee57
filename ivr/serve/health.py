"""``GET /health``: whether this server can serve calls, for a load balancer or a monitor.

No login and nothing secret: the live flow's version and where it came from (a kind, not a
path), whether the database answered the flow watcher's last look, and how long ago that
look was. It asks the database nothing itself (the watcher polls it every 2 s), so a slow
or broken database never slows the health check, and a monitor polling every second costs
the database nothing. It answers 503 only when the server cannot serve a call at all: it has
no flow to serve, not even the built-in safe one. A database that does not answer is
reported, with 200: calls are still served from the last flow.
"""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, jsonify

from ivr.serve.store import BUILTIN


def _source_kind(source: str, store) -> str:  # type: ignore[no-untyped-def]
    if source == BUILTIN or source.startswith("revision "):
        return source
    if source == str(store.last_good):
        return "the flow file's last good copy"
    if source == str(store.revision_copy):
        return "the local copy of the last revision"
    return "the flow file"


def health() -> tuple[Response, int]:
    store = current_app.extensions["ivr"].store
    try:
        live = store.live
    except Exception:  # nothing to serve: the one case a caller cannot be answered
        return jsonify(status="cannot serve calls"), 503
    answers = store.database_answers
    checked = store.last_check
    return jsonify(
        status="serving",
        flow={"version": live.flow.version, "source": _source_kind(live.source, store)},
        database="not used" if answers is None else "answers" if answers else "does not answer",
        seconds_since_reload_check=round(time.time() - checked, 1) if checked else None,
    ), 200


def init_app(app: Flask) -> None:
    app.add_url_rule("/health", "health", health)
