"""An accessible voice helpline for people affected by modern slavery, served to Twilio."""

from __future__ import annotations

import hashlib
import logging
import os
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask

__all__ = ["CALLS", "CONSOLE", "EVERYTHING", "after_fork", "create_app", "prepare_for_workers", "start_background_work"]


#: What one app serves. Production runs the line's callers and the operators' console as two
#: apps under two gunicorn masters (Procfile), so no console request can ever hold a worker
#: a caller is waiting for; local development and tests may serve both from one.
CALLS, CONSOLE, EVERYTHING = "calls", "console", "everything"


def create_app(
    config: Mapping[str, Any] | None = None, environ: Mapping[str, str] | None = None, *, serves: str = EVERYTHING
) -> Flask:
    """Build the line's Flask app.

    Settings come from ``environ`` (the process environment by default), then from
    ``config``, which tests use. Importing :mod:`ivr` does nothing; everything happens here.

    ``serves``: :data:`CALLS` (Twilio's webhooks, ``/health``, ``/metrics`` and the line's
    recordings), :data:`CONSOLE` (the operators' console and ``/health``; a call tried from
    the console goes through the webhooks in its own process), or :data:`EVERYTHING`.
    """
    from werkzeug.middleware.proxy_fix import ProxyFix

    from ivr.definition.allowed import Allowed
    from ivr.platform import Settings, configure_logging, protect_all_handlers
    from ivr.serve import health, media

    if serves not in (CALLS, CONSOLE, EVERYTHING):
        raise ValueError(f"serves={serves!r}: say {CALLS!r}, {CONSOLE!r} or {EVERYTHING!r}")
    settings = Settings.load(os.environ if environ is None else environ, config)
    configure_logging(settings.log_level)
    app = Flask(__name__, static_folder=None)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
        IVR_SETTINGS=settings,
        IVR_SERVES=serves,
        # What the settings allow a flow beyond the checks (recordings' hosts, numbers to dial).
        IVR_ALLOWED=Allowed.of(settings.media_hosts, settings.destinations),
    )
    if settings.development:
        message = "DEVELOPMENT MODE: not for callers."
        if settings.generated_token:
            message += f" Webhook signatures are checked with the made-up token {settings.auth_token}"
        print(message, file=sys.stderr)
    line = _line_services(app, settings, record_calls=serves != CONSOLE)
    media.init_app(app, settings.flow_file)
    health.init_app(app)
    app.add_url_rule("/favicon.ico", "favicon", _favicon)
    if serves != CALLS:
        from ivr.console import views as console

        console.init_app(app, line.store.database, settings.auth_token, settings.secret_key, settings.development)
    if serves != CONSOLE:
        _serve_calls(app, line)
    if settings.trusted_proxies:
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)  # type: ignore
    protect_all_handlers()
    if serves != CONSOLE:
        checked = (
            f"the public URL {settings.public_url}"
            if settings.public_url
            else f"the hosts {', '.join(settings.allowed_hosts)}"
            if settings.allowed_hosts
            else "any host (local development mode)"
        )
        logging.getLogger("ivr").info(
            f"webhook signatures are checked against {checked}", extra={"fields": {"event": "signature-url"}}
        )
    return app


#: The console's icon (base.html links it), answered at ``/favicon.ico`` too by every app:
#: browsers ask the root for it, and behind nginx the root is the line's app, not the console's.
FAVICON = os.path.join(os.path.dirname(__file__), "console", "static", "console", "favicon.svg")


def _favicon() -> Any:
    from flask import send_file

    return send_file(FAVICON, mimetype="image/svg+xml", max_age=24 * 3600)


def _line_services(app: Flask, settings: Any, *, record_calls: bool) -> Any:
    """The live flow and what the webhooks need (``app.extensions["ivr"]``). The console's
    app has them too: it shows the live flow and takes calls tried in the browser through
    the webhooks in its own process; only the line's app records calls."""
    from twilio.request_validator import RequestValidator

    from ivr.platform import Database, LineMetrics
    from ivr.serve.answers import LineServices
    from ivr.serve.store import FlowStore
    from ivr.stats.recorder import Recorder

    database = Database(settings.database_url)
    metrics = LineMetrics()
    store = FlowStore(
        settings.flow_file,
        settings.reload_seconds,
        database=database,
        metrics=metrics,
        allowed=app.config["IVR_ALLOWED"],
    )
    log_secret = hashlib.sha256(b"ivr call id\0" + settings.auth_token.encode()).digest()
    app.extensions["ivr.database"] = database
    # The recorder checks every value against the live flow's names (a plain read).
    recorder = (
        Recorder(
            database,
            settings.retention_days,
            lambda: store.live.flow,
            audit_retention_days=settings.audit_retention_days,
            metrics=metrics,
        )
        if settings.stats and record_calls
        else None
    )
    line = LineServices(
        store,
        RequestValidator(settings.auth_token),
        settings.public_url,
        log_secret,
        settings.max_request_bytes,
        recorder,
        settings.allowed_hosts,
        metrics,
    )
    app.extensions["ivr"] = line
    return line


def _serve_calls(app: Flask, line: Any) -> None:
    """Twilio's webhooks, ``/metrics`` and the helpline alert's checks."""
    from ivr.serve import metrics_page, webhooks
    from ivr.stats.alert import AlertWatch, HelplineAlert

    settings = app.config["IVR_SETTINGS"]
    if settings.stats:  # the alert reads the call statistics: without them it has nothing to count
        store = line.store
        helpline = HelplineAlert(store.database, settings.alert, lambda: store.live.flow.helpline.key)
        app.extensions["ivr.alert"] = AlertWatch(helpline)
    metrics_page.init_app(app, line.metrics, settings.metrics_token)
    # The webhooks are the hot path: a WSGI app of their own in front of Flask (see webhooks.py).
    app.wsgi_app = webhooks.mount(app.wsgi_app, webhooks.VoiceApp(line))  # type: ignore[method-assign]


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
