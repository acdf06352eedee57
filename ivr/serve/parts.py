"""The parts :func:`ivr.create_app` wires into the line's Flask app, one function each.

Each part is set up here, at the app's creation, and keeps what it needs in the app
(``app.config``, ``app.extensions``): nothing is made when a module is imported, and no
state is shared between apps, so tests may start several lines side by side. The order
in which the factory calls them matters only where one part uses another's: the line's
services (the live flow, the database) come before the webhooks and the console that use
them, and the proxies' correction wraps every part, so it comes last but one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys

from flask import Flask, send_file

from ivr.database import Database
from ivr.definition.allowed import Allowed
from ivr.platform import LineMetrics, Settings
from ivr.serve.answers import LineServices

#: The console's icon (base.html links it), answered at ``/favicon.ico`` too by every app:
#: browsers ask the root for it, and behind nginx the root is the line's app, not the console's.
FAVICON = os.path.join(os.path.dirname(os.path.dirname(__file__)), "console", "static", "console", "favicon.svg")


def flask_app(settings: Settings, serves: str) -> Flask:
    """The Flask app, with the settings and what they allow a flow beyond the checks
    (recordings' hosts, numbers to dial) where every part finds them."""
    app = Flask("ivr", static_folder=None)
    app.config.update(
        MAX_CONTENT_LENGTH=settings.max_request_bytes,
        MAX_FORM_MEMORY_SIZE=settings.max_request_bytes,
        IVR_SETTINGS=settings,
        IVR_SERVES=serves,
        IVR_ALLOWED=Allowed.of(settings.media_hosts, settings.destinations),
    )
    return app


def say_if_in_development_mode(settings: Settings) -> None:
    """Development mode says so at start, with the made-up token a local caller needs."""
    if settings.development:
        message = "DEVELOPMENT MODE: not for callers."
        if settings.generated_token:
            message += f" Webhook signatures are checked with the made-up token {settings.auth_token}"
        print(message, file=sys.stderr)


def line_services(app: Flask, settings: Settings, *, record_calls: bool) -> LineServices:
    """The live flow and what the webhooks need (``app.extensions["ivr"]``). The console's
    app has them too: it shows the live flow and takes calls tried in the browser through
    the webhooks in its own process; only the line's app records calls."""
    from twilio.request_validator import RequestValidator

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


def favicon(app: Flask) -> None:
    """``/favicon.ico``, on every app (see :data:`FAVICON`)."""
    app.add_url_rule("/favicon.ico", "favicon", lambda: send_file(FAVICON, mimetype="image/svg+xml", max_age=24 * 3600))


def calls(app: Flask, line: LineServices, settings: Settings) -> None:
    """Twilio's webhooks, ``/metrics`` and the helpline alert's checks."""
    from ivr.serve import metrics_page, webhooks
    from ivr.stats.alert import AlertWatch, HelplineAlert

    if settings.stats:  # the alert reads the call statistics: without them it has nothing to count
        store = line.store
        helpline = HelplineAlert(store.database, settings.alert, lambda: store.live.flow.helpline.key)
        app.extensions["ivr.alert"] = AlertWatch(helpline)
    metrics_page.init_app(app, line.metrics, settings.metrics_token)
    # The webhooks are the hot path: a WSGI app of their own in front of Flask (see webhooks.py).
    app.wsgi_app = webhooks.mount(app.wsgi_app, webhooks.VoiceApp(line))  # type: ignore[method-assign]


def behind_proxies(app: Flask, trusted_proxies: int) -> None:
    """The address, scheme and host the trusted proxies in front report (IVR_TRUSTED_PROXIES),
    read by every part: none when no proxy is trusted, so that no client can choose them."""
    from werkzeug.middleware.proxy_fix import ProxyFix

    if trusted_proxies:
        n = trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n)  # type: ignore


def say_what_signatures_are_checked_against(settings: Settings) -> None:
    """The URL Twilio's signatures are checked against, in the log at start: the first thing
    to look at when every call is refused with 403."""
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
