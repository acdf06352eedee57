"""The console's pages about people: the operators, your own password, and the audit log.

Every operator sees the team and the audit log; only an admin may add, disable or enable an
operator (anyone else's form is refused with 403). Each change is written to the audit log
(:mod:`ivr.publishing.audit`) with who did it. Changing your own password ends your sessions in every
other browser, where whoever knew the old password may be, and keeps this one: a fresh
session is made at once, so the operator who just proved who they are is not sent to log
in again.
"""

from __future__ import annotations

import time
from typing import Any

from flask import Blueprint, Response, abort, flash, g, redirect, render_template, request, session, url_for

from ivr.console.accounts import (
    AccountError,
    LoginAttempt,
    add_operator,
    address_of,
    complete_login,
    password_matches,
    set_password,
)
from ivr.console.editing import console_engine
from ivr.console.login import services
from ivr.console.roster import disable, enable, is_admin, team, what_was_withdrawn
from ivr.publishing import ACTIONS, entries, entries_csv, record


def _when(at: float | None) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at)) if at else ""


def operators_page() -> Any:
    """GET: the team. POST (admins only): add an operator, or disable or enable one."""
    engine = console_engine()
    admin = is_admin(engine, g.operator)
    error = ""
    if request.method == "POST":
        if not admin:
            abort(403, "Only an admin can add, disable or enable operators. Ask an admin of the line.")
        error = _change_team()
        if not error:
            return redirect(url_for("console.operators"))
    return render_template(
        "console/operators.html", team=team(engine), admin=admin, error=error, when=_when
    ), 400 if error else 200


def _change_team() -> str:
    """One admin action from the form; "" when done, else why not."""
    engine, operator = console_engine(), g.operator
    action, name = request.form.get("do", ""), request.form.get("name", "").strip()[:80]
    try:
        if action == "add":
            admin = request.form.get("admin") == "1"
            add_operator(engine, name, request.form.get("password", "")[:200], admin=admin)
            record(engine, operator, "operator-added", name + (" (admin)" if admin else ""))
            flash(f"{name} can now log in with the password you chose; ask them to change it.")
        elif action == "disable":
            if request.form.get("confirm") != "1":
                return f"Tick 'Yes, disable {name}' to confirm."
            left = disable(engine, name, operator)
            flash(f"{name} is disabled: their sessions have ended on every server. {what_was_withdrawn(left)}".strip())
        elif action == "enable":
            enable(engine, name)
            record(engine, operator, "operator-enabled", name)
            flash(f"{name} can log in again.")
        else:
            return "Choose to add, disable or enable an operator."
    except AccountError as exc:
        return str(exc)[:1].upper() + str(exc)[1:] + "."
    return ""


def password_page() -> Any:
    engine, operator = console_engine(), g.operator
    error = ""
    if request.method == "POST":
        new = request.form.get("new", "")[:200]
        if not password_matches(engine, operator, request.form.get("current", "")[:200]):
            error = "Your current password is not right."
        elif new != request.form.get("again", "")[:200]:
            error = "The new password is not the same both times."
        else:
            try:
                set_password(engine, operator, new)
            except AccountError as exc:
                error = str(exc)[:1].upper() + str(exc)[1:] + "."
            else:
                record(engine, operator, "password-changed", f"{operator}'s own")
                _new_session(operator)
                flash("Your password is changed. You were logged out everywhere else.")
                return redirect(url_for("console.line"))
    return render_template("console/password.html", error=error), 400 if error else 200


def _new_session(operator: str) -> None:
    """set_password ended every session: start one for this browser."""
    engine, now = console_engine(), services().clock()
    session_id = complete_login(engine, operator, address_of(request.remote_addr), LoginAttempt(0), now)
    session.clear()
    session["sid"] = session_id
    session.permanent = True


def _days() -> int:
    return min(max(request.args.get("days", 90, type=int) or 90, 1), 3650)


def audit_page() -> str:
    days = _days()
    rows = entries(console_engine(), limit=1000, since=time.time() - days * 86400)
    return render_template("console/audit.html", rows=rows, days=days, actions=ACTIONS, when=_when)


def audit_csv() -> Response:
    days = _days()
    body = entries_csv(entries(console_engine(), limit=None, since=time.time() - days * 86400))
    return Response(
        body, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename=ivr-audit-{days}-days.csv"}
    )


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/operators", "operators", operators_page, methods=["GET", "POST"])
    bp.add_url_rule("/password", "password", password_page, methods=["GET", "POST"])
    bp.add_url_rule("/audit", "audit", audit_page)
    bp.add_url_rule("/audit.csv", "audit_csv", audit_csv)
