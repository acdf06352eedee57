"""An accessible voice helpline for people affected by modern slavery, served to Twilio."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = [
    "CALLS",
    "CONSOLE",
    "EVERYTHING",
    "after_fork",
    "create_app",
    "prepare_for_workers",
    "start_background_work",
    "stop_background_work",
]


#: What one app serves. Production runs the line's callers and the operators' console as two
#: apps under two gunicorn masters (Procfile), so no console request can ever hold a worker
#: a caller is waiting for; local development and tests may serve both from one.
CALLS, CONSOLE, EVERYTHING = "calls", "console", "everything"


def create_app(
    config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None, *, serves: str = EVERYTHING
) -> Flask:
    """Build the line's Flask app.

    Settings come from ``environ`` (the process environment by default), then from
    ``config``, which tests use. Importing :mod:`ivr` does nothing; everything happens here,
    each part wired in by one function of :mod:`ivr.serve.parts` (the console's by its own).

    ``serves``: :data:`CALLS` (Twilio's webhooks, ``/health``, ``/metrics`` and the line's
    recordings), :data:`CONSOLE` (the operators' console and ``/health``; a call tried from
    the console goes through the webhooks in its own process), or :data:`EVERYTHING`.
    """
    from ivr.platform import Settings, configure_logging, protect_all_handlers
    from ivr.serve import health, media, parts

    if serves not in (CALLS, CONSOLE, EVERYTHING):
        raise ValueError(f"serves={serves!r}: say {CALLS!r}, {CONSOLE!r} or {EVERYTHING!r}")
    settings = Settings.load(environ, config)
    configure_logging(settings.log_level)
    app = parts.flask_app(settings, serves)
    parts.say_if_in_development_mode(settings)
    line = parts.line_services(app, settings, record_calls=serves != CONSOLE)
    media.init_app(app, settings.flow_file)
    health.init_app(app)
    parts.favicon(app)
    if serves != CALLS:
        _console(app, settings)
    if serves != CONSOLE:
        parts.calls(app, line, settings)
    parts.behind_proxies(app, settings.trusted_proxies)
    protect_all_handlers()  # the number filter on every log handler there is by now
    if serves != CONSOLE:
        parts.say_what_signatures_are_checked_against(settings)
    return app


def _console(app: Flask, settings: Any) -> None:
    """The operators' console, on the line's database (a layer above the webhooks' parts)."""
    from ivr.console import views as console

    database = app.extensions["ivr.database"]
    console.init_app(app, database, settings.auth_token, settings.secret_key, settings.development)


def start_background_work(app: Flask) -> None:
    """Start what runs beside the calls, in this process: the flow watcher (new revisions
    and file edits) and the alert's checks. A server calls it when its worker is ready
    (gunicorn.conf.py, ``ivr serve``); creating the app starts nothing."""
    app.extensions["ivr"].store.live  # noqa: B018 (the first read starts this process's watcher)
    alert = app.extensions.get("ivr.alert")
    if alert is not None:
        alert.start()


def stop_background_work(app: Flask) -> None:
    """End what runs beside the calls in this process, the statistics written first (the
    flow watcher, the alert's checks, the statistics writer), then close the database's
    connections. For an app dropped while its process goes on (the tests make hundreds,
    each with a database that goes when the test ends): its threads would go on polling
    a database that is no longer there, and log that they cannot reach it."""
    line = app.extensions.get("ivr")
    if line is not None:
        line.store.stop()
        if line.recorder is not None:
            line.recorder.close()
    alert = app.extensions.get("ivr.alert")
    if alert is not None:
        alert.stop()
    app.extensions["ivr.database"].close()


def prepare_for_workers(app: Flask) -> None:
    """In a server's master process, before it forks workers (gunicorn.conf.py loads the
    app there: ``preload_app``; at start and before a SIGHUP's new workers): bring the
    database up to date, here once rather than in every worker as it starts; take the
    newest published revision or flow file, so the new workers start with it; then close
    the master's connections, so that no worker is handed one another process also uses.
    The master itself serves no call and watches nothing between these moments. Any app
    of the line's with a database (the console's too) may be prepared so."""
    from sqlalchemy.exc import SQLAlchemyError

    database = app.extensions["ivr.database"]
    try:
        database.engine  # noqa: B018 (the first use makes the engine, which migrates)
    except (SQLAlchemyError, OSError) as exc:
        # Calls never need the database: each worker tries again and serves meanwhile.
        logging.getLogger("ivr").error(
            "the database did not answer at start: calls are served from the flow file and each worker tries again",
            extra={"fields": {"event": "database-unreachable-at-start", "reason": type(exc).__name__}},
        )
        return
    line = app.extensions.get("ivr")
    if line is not None:
        line.store.check_now()
    database.engine.dispose()


def after_fork(app: Flask) -> None:
    """In a worker just forked from the master that loaded ``app``, before it answers:
    a database pool of its own (the master's connections stay the master's), and the
    newest flow, should one have come since the master last looked (a worker the master
    starts again after a crash), so its first caller never hears an older flow."""
    app.extensions["ivr.database"].after_fork()
    line = app.extensions.get("ivr")
    if line is not None:
        line.store.check_now()
