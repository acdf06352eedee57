"""The operators' console: the live line, a call in the browser, and how callers use it.

Its own blueprint under ``/console``, apart from the webhooks. Every request needs a live
session of an operator who still exists, checked in the database each time
(:mod:`ivr.console.login`); a Twilio signature opens nothing here, and a console session
opens no webhook. Every form that changes something carries a CSRF token, and every answer
carries headers that keep it out of frames, caches and other sites' scripts.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, redirect, render_template, request, url_for
from sqlalchemy.exc import SQLAlchemyError

from ivr.console import (
    adding,
    carrying,
    charts,
    checking,
    editing,
    first_page,
    forms,
    history,
    proxies,
    recordings,
    team_pages,
)
from ivr.console import login as console_login
from ivr.console import try_call as console_try
from ivr.console.accounts import SESSION_SECONDS, AccountError, add_operator, remove_operator, set_password
from ivr.console.reading_order import numbers_in_order
from ivr.database import Database
from ivr.stats.report import report_csv, summarise
from ivr.stats.spoken import RESULTS as SPOKEN_RESULTS
from ivr.stats.spoken import SpokenAnswers, unknown_note

__all__ = ["AccountError", "add_operator", "init_app", "remove_operator", "set_password"]

bp = Blueprint(
    "console",
    __name__,
    url_prefix="/console",
    template_folder="templates",
    static_folder="static/console",
    static_url_path="/static",
)
bp.before_request(proxies.look_at_request)
bp.before_request(console_login.protect)
bp.register_error_handler(SQLAlchemyError, console_login.database_down)
bp.add_url_rule("/login", "login", console_login.login, methods=["GET", "POST"])
bp.add_url_rule("/logout", "logout", console_login.logout, methods=["POST"])
first_page.register(bp)
editing.register(bp)
carrying.register(bp)
forms.register(bp)
adding.register(bp)
console_try.register(bp)
history.register(bp)
recordings.register(bp)
team_pages.register(bp)


# -- try a call -------------------------------------------------------------------------------
@bp.get("/try")
def try_call() -> str:
    live = current_app.extensions["ivr"].store.live
    return render_template(
        "console/try.html", flow=live.flow, dial_results=console_try.DIAL_RESULTS, step_url=url_for("console.try_step")
    )


# -- statistics -------------------------------------------------------------------------------
@bp.get("/stats")
def stats() -> str:
    days = _days()
    report = summarise(current_app.extensions["ivr.console"].database.engine, days, _number_names())
    return render_template(
        "console/stats.html",
        report=report,
        per_day=charts.columns(f"Calls per day, last {days} days", report.calls_per_day),
        outcomes=charts.bars("How calls ended", report.outcomes),
        drop_offs=charts.bars(
            "Where callers hung up",
            report.drop_offs,
            "no caller hung up before reaching help" if report.calls else "no calls yet",
        ),
        languages=charts.bars("Languages chosen", _language_names(report.languages)),
        spoken_results=SPOKEN_RESULTS,
        spoken_languages=_spoken_language_names(report.spoken),
        unknown_note=unknown_note,
    )


@bp.get("/stats.csv")
def stats_csv() -> Response:
    days = _days()
    body = report_csv(summarise(current_app.extensions["ivr.console"].database.engine, days, _number_names()))
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename=ivr-stats-{days}-days.csv"}
    )


def _days() -> int:
    """The days the statistics cover: ``?days=`` (1 to 365), 30 by default."""
    return min(max(request.args.get("days", 30, type=int) or 30, 1), 365)


def _spoken_language_names(spoken: list[SpokenAnswers]) -> dict[str, str]:
    """Each language code of the spoken answers table as operators know it."""
    named = _language_names([(answers.language, answers.total) for answers in spoken])
    return {answers.language: name for answers, (name, _) in zip(spoken, named, strict=True)}


def _language_names(counts: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """Language codes as operators know them: "Polski (pl-PL)"; codes the live flow no
    longer has, and "not chosen", as they are."""
    languages = current_app.extensions["ivr"].store.live.flow.languages
    return [(f"{languages[code].name} ({code})" if code in languages else code, n) for code, n in counts]


def _number_names() -> dict[str, str]:
    flow = current_app.extensions["ivr"].store.live.flow
    names = {}
    for node in flow.nodes.values():
        target = getattr(node, "target", None)
        if target is not None:
            names[target.key] = target.name[flow.language].plain
    return names


def init_app(app: Flask, database: Database, token: str, secret_key: str, development: bool) -> None:
    """``secret_key``: IVR_SECRET_KEY, or "" for the random key kept in the database."""
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=not development,
        SESSION_COOKIE_NAME="ivr_console",
        PERMANENT_SESSION_LIFETIME=SESSION_SECONDS,
        SESSION_REFRESH_EACH_REQUEST=False,  # a session ends 8 hours after login, used or not
    )
    app.session_interface = console_login.ConsoleSessionInterface()
    app.extensions["ivr.console"] = console_login.ConsoleServices(database, token, secret_key)
    app.extensions["ivr.proxies"] = proxies.ProxyNotice(app.config["IVR_SETTINGS"].trusted_proxies)
    app.jinja_env.globals["csrf_token"] = console_login.csrf_token
    app.jinja_env.filters["numbers_in_order"] = numbers_in_order  # Arabic keeps its numbers in order
    checking.init_app(app)
    app.register_blueprint(bp)
    app.add_url_rule("/", "index", lambda: redirect(url_for("console.line")))
    app.after_request(console_login.security_headers)
