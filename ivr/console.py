"""The operators' console: the live line, a call in the browser, and how callers use it.

Its own blueprint under ``/console``, apart from the webhooks: every page needs an
operator's login (a session cookie); a Twilio signature opens nothing here, and a console
session opens no webhook. Every form that changes something carries a CSRF token, and
repeated failed logins are slowed down, then refused for a while.
"""

from __future__ import annotations

import base64
import hmac
import secrets
import time
import xml.etree.ElementTree as ET
from functools import cache
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup
from sqlalchemy import Engine, delete, func, insert, select
from werkzeug.security import check_password_hash, generate_password_hash

from . import charts
from .caller import SimulatedCall, _Waiting, flask_transport
from .db import Database, login_failures, operators
from .loader import load_flow_file
from .stats import report_csv, summarise
from .webhooks import TEST_CALL_PARAM

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static/console",
    static_url_path="/static",
)

#: Failed logins: after FREE_FAILURES, each try must wait longer (doubling from DELAY_STEP s);
#: after LOCK_FAILURES in the window, the name or address is refused for the whole window.
FAILURE_WINDOW = 15 * 60
FREE_FAILURES = 3
DELAY_STEP = 5
LOCK_FAILURES = 10


class ConsoleServices:
    def __init__(self, database: Database, token: str, development: bool) -> None:
        self.database = database
        self.token = token  # to sign the console's simulated calls, as Twilio would
        self.development = development


def services() -> ConsoleServices:
    return current_app.extensions["ivr.console"]


# -- accounts ---------------------------------------------------------------------------------
class AccountError(ValueError):
    """An account cannot be made or removed; the message says why."""


def add_operator(engine: Engine, name: str, password: str) -> None:
    name = name.strip()
    if not name or len(name) > 80:
        raise AccountError("an operator's name must be 1 to 80 characters")
    if len(password) < 12:
        raise AccountError("the password must be at least 12 characters long")
    with engine.begin() as connection:
        if connection.execute(select(operators.c.name).where(operators.c.name == name)).first():
            raise AccountError(f"there is already an operator called {name!r}")
        connection.execute(
            insert(operators).values(name=name, password_hash=generate_password_hash(password), created=time.time())
        )


def remove_operator(engine: Engine, name: str) -> None:
    with engine.begin() as connection:
        if not connection.execute(delete(operators).where(operators.c.name == name)).rowcount:
            raise AccountError(f"there is no operator called {name!r}")


def _check_password(engine: Engine, name: str, password: str) -> bool:
    with engine.connect() as connection:
        row = connection.execute(select(operators.c.password_hash).where(operators.c.name == name)).first()
    if row is None:
        check_password_hash(_dummy_hash(), password)  # the same time whether or not the name exists
        return False
    return check_password_hash(row.password_hash, password)


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password of anyone's")


def _wait_before_login(engine: Engine, keys: list[str]) -> int:
    """Seconds the next try must still wait for these names and addresses (0: it may try)."""
    now = time.time()
    with engine.connect() as connection:
        rows = connection.execute(
            select(login_failures.c.key, func.count(), func.max(login_failures.c.at))
            .where(login_failures.c.key.in_(keys), login_failures.c.at > now - FAILURE_WINDOW)
            .group_by(login_failures.c.key)
        ).all()
    wait = 0
    for _key, count, last in rows:
        if count >= LOCK_FAILURES:
            wait = max(wait, int(last + FAILURE_WINDOW - now) + 1)
        elif count >= FREE_FAILURES:
            wait = max(wait, int(last + DELAY_STEP * 2 ** (count - FREE_FAILURES) - now) + 1)
    return max(wait, 0)


def _note_failure(engine: Engine, keys: list[str]) -> None:
    now = time.time()
    with engine.begin() as connection:
        connection.execute(insert(login_failures), [{"key": key, "at": now} for key in keys])
        connection.execute(delete(login_failures).where(login_failures.c.at < now - FAILURE_WINDOW))


# -- sessions and CSRF ------------------------------------------------------------------------
def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def _check_csrf() -> None:
    sent = request.form.get("csrf") or request.headers.get("X-CSRF-Token", "")
    expected = session.get("csrf", "")
    if not expected or not hmac.compare_digest(sent.encode(), expected.encode()):
        abort(400, "This form has expired or did not come from the console. Reload the page and try again.")


@bp.before_request
def protect() -> Response | None:
    if request.method == "POST":
        _check_csrf()
    if request.endpoint in ("console.login", "console.static"):
        return None
    if not session.get("operator"):
        return redirect(url_for("console.login", next=request.path))
    g.operator = session["operator"]
    return None


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    error = ""
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "").strip()[:80]
        password = request.form.get("password", "")[:200]
        keys = [f"name:{name.lower()}", f"address:{request.remote_addr or ''}"]
        engine = services().database.engine
        wait = _wait_before_login(engine, keys)
        if wait:
            error = f"Too many failed logins. Wait {wait} seconds, then try again."
            status = 429
        elif _check_password(engine, name, password):
            session.clear()  # a new session for the new operator
            session["operator"] = name
            session.permanent = True
            csrf_token()
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/console") else url_for("console.line"))
        else:
            _note_failure(engine, keys)
            error = "That name and password do not match an operator."
            status = 401
    return render_template("console/login.html", error=error), status


@bp.post("/logout")
def logout() -> Response:
    session.clear()
    return redirect(url_for("console.login"))


# -- the line ---------------------------------------------------------------------------------
@bp.get("")
@bp.get("/")
def line() -> str:
    live = current_app.extensions["ivr"].store.live
    settings = current_app.config["IVR_SETTINGS"]
    on_disk = load_flow_file(settings.flow_file)
    picture = _picture(live.flow)
    return render_template(
        "console/line.html",
        flow=live.flow,
        source=live.source,
        since=time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(live.since)),
        on_disk=on_disk,
        file=settings.flow_file,
        disk_is_live=on_disk.version == live.flow.version,
        picture=picture,
    )


def _picture(flow) -> Markup:  # type: ignore[no-untyped-def]
    """The flow's picture as inline SVG, or its Mermaid text when Graphviz is not installed."""
    from .picture import to_graphviz, to_mermaid

    try:
        svg = to_graphviz(flow).pipe(format="svg").decode()
        return Markup(svg[svg.index("<svg") :])
    except Exception:
        return Markup("<pre>") + to_mermaid(flow) + Markup("</pre>")


# -- try a call -------------------------------------------------------------------------------
@bp.get("/try")
def try_call() -> str:
    live = current_app.extensions["ivr"].store.live
    return render_template("console/try.html", flow=live.flow)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="ivr-console-try-call")


@bp.post("/try/step")
def try_step() -> Response:
    """One step of a call made from the browser, through the real webhooks, signed as Twilio
    signs. Where the call is travels to the browser and back, signed, like the line's state."""
    data = request.get_json(silent=True) or {}
    action = str(data.get("action", ""))
    value = str(data.get("value", ""))[:200]
    # Signed for the URL the webhooks check: the public one when the line has one.
    base = current_app.config["IVR_SETTINGS"].public_url or "http://console.invalid"
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    call = SimulatedCall(flask_transport(app), base, services().token, extra_params={TEST_CALL_PARAM: "1"})
    if action == "start":
        heard = call.start(language=value if value in current_app.extensions["ivr"].store.live.flow.languages else "")
    else:
        try:
            position = _serializer().loads(str(data.get("position", "")))
        except BadSignature:
            abort(400, "This call's position was not issued by the console.")
        _restore(call, position)
        if action == "press" and len(value) == 1 and value in "0123456789*#":
            heard = call.press(value)
        elif action == "say" and value.strip():
            heard = call.say(value)
        elif action == "silence":
            heard = call.silence()
        elif action == "dial" and value in ("completed", "busy", "no-answer", "failed"):
            heard = call.dial_result(value)
        elif action == "hangup":
            call.hangup()
            heard = []
        else:
            abort(400, "Unknown action.")
    return jsonify(
        heard=[{"kind": h.kind, "text": h.text, "language": h.attrs.get("language", "")} for h in heard],
        waiting=call.waiting_for,
        dialled=call.dialled_number,
        position=_serializer().dumps(_save(call)) if call.waiting_for else "",
    )


def _save(call: SimulatedCall) -> dict[str, Any]:
    waiting = call.waiting
    assert waiting is not None
    return {
        "sid": call.call_sid,
        "kind": waiting.kind,
        "element": base64.b64encode(ET.tostring(waiting.element)).decode(),
        "rest": [base64.b64encode(ET.tostring(v)).decode() for v in waiting.rest],
        "url": waiting.url,
    }


def _restore(call: SimulatedCall, position: dict[str, Any]) -> None:
    call.call_sid = position["sid"]
    call.waiting = _Waiting(
        position["kind"],
        ET.fromstring(base64.b64decode(position["element"])),
        [ET.fromstring(base64.b64decode(v)) for v in position["rest"]],
        position["url"],
    )


# -- statistics -------------------------------------------------------------------------------
@bp.get("/stats")
def stats() -> str:
    days = min(max(request.args.get("days", 30, type=int) or 30, 1), 365)
    report = summarise(services().database.engine, days, _number_names())
    return render_template(
        "console/stats.html",
        report=report,
        per_day=charts.columns(f"Calls per day, last {days} days", report.calls_per_day),
        outcomes=charts.bars("How calls ended", report.outcomes),
        drop_offs=charts.bars("Where callers hung up", report.drop_offs),
        languages=charts.bars("Languages chosen", report.languages),
    )


@bp.get("/stats.csv")
def stats_csv() -> Response:
    days = min(max(request.args.get("days", 30, type=int) or 30, 1), 365)
    body = report_csv(summarise(services().database.engine, days, _number_names()))
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename=ivr-stats-{days}-days.csv"}
    )


def _number_names() -> dict[str, str]:
    flow = current_app.extensions["ivr"].store.live.flow
    names = {}
    for node in flow.nodes.values():
        target = getattr(node, "target", None)
        if target is not None:
            names[target.key] = target.name[flow.language].plain
    return names


def init_app(app: Flask, database: Database, token: str, secret_key: str, development: bool) -> None:
    app.secret_key = secret_key
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=not development,
        SESSION_COOKIE_NAME="ivr_console",
        PERMANENT_SESSION_LIFETIME=8 * 3600,
    )
    app.extensions["ivr.console"] = ConsoleServices(database, token, development)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["test_call_param"] = TEST_CALL_PARAM
    app.register_blueprint(bp)
    app.add_url_rule("/", "index", lambda: redirect(url_for("console.line")))
