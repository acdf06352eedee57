"""The console's door: who is logged in, forms that came from the console, and headers.

The cookie (Flask's, signed with the console's own key) holds only a session id and the
CSRF token; who is logged in, until when, is in the database (:mod:`ivr.console.accounts`)
and is checked on every request, so a logout, a removed account or a new password shuts
the door at once on every server.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from collections.abc import Callable
from typing import Any

from flask import (
    Flask,
    Request,
    Response,
    abort,
    current_app,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import SQLAlchemyError

from ivr.console import proxies
from ivr.console.accounts import (
    complete_login,
    end_sessions,
    operator_of,
    password_matches,
    reserve_login,
)
from ivr.database import Database, shared_secret
from ivr.publishing import record

log = logging.getLogger("ivr.console")

#: Scripts, styles, fonts and requests from the console itself only, and no inline script: markup
#: that got into a page could not run. No page may be framed (clickjacking).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",  # the fonts it ships (static/console/fonts.css)
        "connect-src 'self'",
        "form-action 'self'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
#: Over HTTPS only (RFC 6797 ignores it over plain HTTP): a browser that has seen the console
#: comes back over HTTPS for a year, so no one on the network can serve it a plain-HTTP login.
STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
#: Where ``next`` may send a browser after login: a page of the console and nowhere else
#: (no other site, no ``..``, no line breaks that would split the Location header).
CONSOLE_PAGE = re.compile(r"/console(?:/[A-Za-z0-9_~-][A-Za-z0-9._~-]*)*/?", re.ASCII)
SESSION_KEY = "console session key"  # its name in the database's line_secrets
#: The editor posts a whole flow: a draft of up to 2 MB (:data:`ivr.publishing.drafts.MAX_DRAFT_BYTES`) as
#: JSON, or as a form, where each byte of a non-Latin letter is sent as three; every other
#: request keeps the line's own limit (IVR_MAX_REQUEST_BYTES). deploy/nginx.conf agrees.
WHOLE_FLOW_ENDPOINTS = frozenset({"console.edit", "console.edit_check", "console.edit_publish"})
WHOLE_FLOW_BYTES = 6 * 1024 * 1024
#: An uploaded recording (ivr.console.recordings): a spoken text is seconds long; 10 MB is minutes.
RECORDING_ENDPOINT = "console.recording_upload"
RECORDING_BYTES = 10 * 1024 * 1024

DATABASE_DOWN = (
    "The console cannot reach its database just now, so it cannot check who you are or show the figures. "
    "Try again in a minute; if it goes on, whoever runs the server should check the database "
    "(DATABASE_URL or IVR_DATABASE_FILE)."
)
LOGINS_UNCHECKABLE = (
    "The console cannot check logins now: its database does not accept changes, and a login it cannot "
    "record could be one of endless guesses. Try again in a few minutes; if it goes on, whoever runs the "
    "server must make the database writable again (DATABASE_URL or IVR_DATABASE_FILE)."
)


class ConsoleServices:
    """What the console's requests share: the database, the token that signs its test calls
    as Twilio would, the session key, and the clock (tests move it to a session's end)."""

    def __init__(
        self,
        database: Database,
        token: str,
        configured_key: str = "",
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.database = database
        self.token = token
        self.clock = clock
        self._key = configured_key

    def secret_key(self) -> str:
        """IVR_SECRET_KEY, else the random key kept in the database: never derived from the
        Twilio token, and the same for every server on the database (read once per process)."""
        if not self._key:
            self._key = shared_secret(self.database.engine, SESSION_KEY)
        return self._key


def services() -> ConsoleServices:
    return current_app.extensions["ivr.console"]


class ConsoleSessionInterface(SecureCookieSessionInterface):
    """Flask's signed cookie, signed with the console's own key, and opened only on the
    console's paths: a recording served to Twilio never waits for the database. The cookie
    holds a session id and the CSRF token; who is logged in is only in the database."""

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer:
        return URLSafeTimedSerializer(
            app.extensions["ivr.console"].secret_key(),
            salt=self.salt,
            serializer=self.serializer,
            signer_kwargs={"key_derivation": self.key_derivation, "digest_method": self.digest_method},
        )

    def get_cookie_path(self, app: Flask) -> str:
        """Sent to the console's pages only, wherever a proxy mounts the line."""
        return request.script_root + "/console"

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        if not request.path.startswith("/console") or not request.cookies.get(self.get_cookie_name(app)):
            return self.session_class()
        try:
            return super().open_session(app, request)
        except SQLAlchemyError:
            return self.session_class()  # protect() then answers 503


# -- sessions and CSRF ------------------------------------------------------------------------
def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf", "")
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        abort(400, "This form has expired or did not come from the console. Reload the page and try again.")


def protect() -> Response | None:
    """Every request but the static files: the database must answer (else 503), a form must
    carry its CSRF token, and the session must be live and its operator still exist."""
    if request.endpoint == "console.static":
        return None
    services().secret_key()  # when the database cannot give it, SQLAlchemyError: 503
    if request.endpoint in WHOLE_FLOW_ENDPOINTS:
        request.max_content_length = request.max_form_memory_size = WHOLE_FLOW_BYTES
    elif request.endpoint == RECORDING_ENDPOINT:  # the file goes to disk; the form's fields stay small
        request.max_content_length = RECORDING_BYTES
    if request.method == "POST":
        _check_csrf()
    if request.endpoint == "console.login":
        return None
    operator = operator_of(services().database.engine, session.get("sid"), services().clock())
    if operator is None:
        session.pop("sid", None)
        return redirect(url_for("console.login", next=request.path))
    g.operator = operator
    return None


def database_down(error: SQLAlchemyError) -> tuple[str, int]:
    log.error("console database error", extra={"fields": {"event": "console-database-error", "cause": _cause(error)}})
    return render_template("console/message.html", title="The console is unavailable", message=DATABASE_DOWN), 503


def _cause(error: SQLAlchemyError) -> str:
    """The driver's own words (e.g. "attempt to write a readonly database"), without the SQL
    statement and its parameters."""
    return str(getattr(error, "orig", None) or type(error).__name__)


def _login_page(error: str = "", status: int = 200) -> tuple[str, int]:
    return render_template("console/login.html", error=error), status


def login() -> Any:
    """Each try is counted as a failure before its password is checked (see
    :func:`reserve_login`); a try the database cannot count is refused with 503."""
    if request.method == "GET":
        return _login_page()
    name = request.form.get("name", "").strip()[:80]
    password = request.form.get("password", "")[:200]
    engine, now = services().database.engine, services().clock()
    address = proxies.notice().counted_address(request)  # None behind a proxy the line was not told about
    try:
        attempt = reserve_login(engine, name, address, now)
    except SQLAlchemyError as exc:
        return _logins_refused(exc)
    if attempt.wait:
        page, status = _login_page(f"Too many failed logins. Wait {attempt.wait} seconds, then try again.", 429)
        return page, status, {"Retry-After": str(attempt.wait)}
    if not password_matches(engine, name, password):
        record(engine, name or "(no name)", "login-failed")  # the name tried; never the password or address
        return _login_page("That name and password do not match an operator.", 401)
    try:
        session_id = complete_login(engine, name, address, attempt, now)
    except SQLAlchemyError as exc:
        return _logins_refused(exc)
    record(engine, name, "login")
    session.clear()  # a new session, with a new CSRF token, for the new operator
    session["sid"] = session_id
    session.permanent = True
    csrf_token()
    return redirect(_inside_console(request.args.get("next", "")))


def _logins_refused(error: SQLAlchemyError) -> tuple[str, int]:
    """Fail closed: a login the database cannot record is refused, right password or not."""
    log.error("console login refused", extra={"fields": {"event": "console-logins-refused", "cause": _cause(error)}})
    return _login_page(LOGINS_UNCHECKABLE, 503)


def _inside_console(target: str) -> str:
    """``target`` if it is a page of the console, else the console's first page."""
    if CONSOLE_PAGE.fullmatch(target):
        return request.script_root + target
    return url_for("console.line")


def logout() -> Response:
    """Ends every session of this operator: every browser, every server."""
    end_sessions(services().database.engine, g.operator)
    record(services().database.engine, g.operator, "logout")
    session.clear()
    return redirect(url_for("console.login"))


def security_headers(response: Response) -> Response:
    if request.path == "/" or request.path.startswith("/console"):
        response.headers.update(SECURITY_HEADERS)
        if request.is_secure:  # behind nginx: X-Forwarded-Proto, with IVR_TRUSTED_PROXIES
            response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT_SECURITY
        if request.endpoint != "console.static":
            response.headers["Cache-Control"] = "no-store"  # statistics stay out of every cache
    return response
