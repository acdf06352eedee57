"""The flow's history in the console: every revision, rollback, and drafts waiting for approval.

A rollback publishes an old revision's text again as a new revision, with a message (the
history is never rewritten), after a page that shows what it changes and asks for the
message: one click to start, one to confirm. Approving shows the same comparison; nobody
approves their own draft (:mod:`ivr.publishing.drafts`).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from ivr.console.editing import (
    NUMBERS_NEED_AN_ADMIN,
    allowed,
    compared_live,
    comparison,
    console_engine,
    draft_checker,
    flow_folder,
)
from ivr.console.published import published, served, when
from ivr.console.roster import is_admin
from ivr.publishing import (
    DraftError,
    LiveChangedSince,
    NumbersChange,
    RevisionError,
    approve,
    by_number,
    history,
    proposal,
    proposals,
    publish,
    record,
    reject,
    submit,
    withdraw,
)


def revisions_page() -> str:
    engine = console_engine()
    return render_template(
        "console/history.html",
        revisions=history(engine),
        waiting=proposals(engine),
        live_version=served().flow.version,  # "(live, within seconds)" until this server takes it
        serving_revisions=current_app.extensions["ivr"].store.serving_revisions,
        file=current_app.config["IVR_SETTINGS"].flow_file,
        when=when,
    )


def rollback(number: int) -> Any:
    """GET: what going back to revision ``number`` changes, and a form for why. POST: do it."""
    engine = console_engine()
    try:
        old = by_number(engine, number)
    except RevisionError:
        abort(404, f"There is no revision {number}: the history lists them.")
    checked = draft_checker().check(old.text, g.operator)
    error = ""
    if request.method == "POST":
        message = request.form.get("message", "").strip()[:2000]
        if not message:
            error = "Say why you are rolling back in the message."
        else:
            try:
                new = publish(
                    engine,
                    old.text,
                    flow_folder(),
                    g.operator,
                    message,
                    checked=checked.result,
                    live=compared_live(),
                    allowed=allowed(),
                )
            except NumbersChange:
                if not is_admin(engine, g.operator):
                    error = NUMBERS_NEED_AN_ADMIN.replace("Not published", "Not rolled back")
                else:  # an admin's: it waits for a second person, as any change to the numbers does
                    waiting = submit(
                        engine, g.operator, old.text, message, flow_folder(), checked=checked.result, allowed=allowed()
                    )
                    detail = f"draft {waiting.number}, rollback to revision {old.number}: {message}"
                    record(engine, g.operator, "submit", detail)
                    flash(
                        "This rollback changes the numbers callers are connected to, so it is waiting for another "
                        f"operator's approval (draft {waiting.number})."
                    )
                    return redirect(url_for("console.approval", number=waiting.number))
            except RevisionError as exc:
                error = f"Not rolled back: {exc}."
            else:
                again = f"revision {old.number}: published again as {new.named}"
                record(engine, g.operator, "rollback", f"{again}: {message}")
                flash(f"Rolled back to {again}: live within seconds.")
                return redirect(url_for("console.history"))
    return render_template(
        "console/rollback.html",
        old=old,
        when=when,
        error=error,
        **comparison(checked),
    ), 400 if error else 200


def approval(number: int) -> Any:
    """One draft waiting for approval: what it changes, and what this operator may do with it."""
    engine = console_engine()
    try:
        waiting = proposal(engine, number)
    except DraftError:
        abort(404, f"There is no draft {number} for approval.")
    error = ""
    if request.method == "POST":
        error = _decide(number, request.form.get("do", ""))
        if not error:
            return redirect(url_for("console.history"))
        waiting = proposal(engine, number)
    checked = draft_checker().check(waiting.text, g.operator)
    return render_template(
        "console/approval.html",
        proposal=waiting,
        own=waiting.author == g.operator,
        live=(live := published()),
        stale=waiting.status == "waiting" and waiting.base is not None and waiting.base != live.version,
        when=when,
        error=error,
        **comparison(checked),
    ), 400 if error else 200


def _decide(number: int, action: str) -> str:
    """Approve, turn down or withdraw; "" when done, else why not, in plain words."""
    engine, operator = console_engine(), g.operator
    try:
        if action == "approve":
            checked = draft_checker().check(proposal(engine, number).text, operator)
            done, revision = approve(
                engine,
                number,
                operator,
                flow_folder(),
                checked=checked.result,
                live=compared_live(),
                may_change_numbers=is_admin(engine, operator),
                allowed=allowed(),
            )
            record(engine, operator, "approve", f"draft {number} by {done.author}, as {revision.named}")
            flash(f"Approved: draft {number} is {revision.named}, live within seconds.")
        elif action == "reject":
            done = reject(engine, number, operator)
            record(engine, operator, "reject", f"draft {number} by {done.author}, version {done.version}")
            flash(f"You turned down draft {number} by {done.author}.")
        elif action == "withdraw":
            done = withdraw(engine, number, operator)
            record(engine, operator, "withdraw", f"draft {number}, version {done.version}")
            flash(f"You withdrew draft {number}.")
        else:
            return "Choose approve, turn down or withdraw."
    except NumbersChange:
        return "This draft changes the numbers callers are connected to: only an admin may approve it."
    except LiveChangedSince as exc:
        return (
            f"Not approved: {exc.live.author} published revision {exc.live.number} after this draft was asked for, "
            "so approving it would undo their change. Its author can carry it onto the live flow from this page; "
            "or turn it down."
        )
    except RevisionError as exc:  # DraftError too
        return f"{exc}."
    return ""


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/history", "history", revisions_page)
    bp.add_url_rule("/history/<int:number>/rollback", "rollback", rollback, methods=["GET", "POST"])
    bp.add_url_rule("/approvals/<int:number>", "approval", approval, methods=["GET", "POST"])
