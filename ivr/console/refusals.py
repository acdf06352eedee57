"""How the console refuses a step it will not take now: too large (413) or too busy (429).

A request that may check or compare a whole flow takes its operator's one turn
(:meth:`~ivr.console.limits.StepLimits.operator_turn`) before its body is read, and holds it
to the end. Each refusal is said in an operator's words, with what to do; the editor's
JavaScript gets the same words as JSON, and a time to try again (``Retry-After``), and
tries again itself.
"""

from __future__ import annotations

from contextlib import ExitStack
from typing import Any

from flask import Blueprint, current_app, g, jsonify, render_template, request

from ivr.console.limits import ConsoleBusy
from ivr.publishing import MAX_DRAFT_BYTES, DraftTooLarge

#: Requests that may check or compare a whole flow (GET of the editor is not one: it shows
#: the page unchecked when it must wait).
HEAVY_ENDPOINTS = frozenset(
    {
        "console.edit_check",
        "console.edit_changes",
        "console.edit_publish",
        "console.rollback",
        "console.approval",
        "console.try_draft",
        "console.try_draft_step",
    }
)
#: Endpoints that answer JavaScript with JSON, also when they refuse.
JSON_ENDPOINTS = frozenset({"console.edit_check", "console.try_draft_step", "console.try_step"})


def busy(refused: ConsoleBusy) -> Any:
    """429, with when to try again: for the editor's JavaScript as JSON, else as a page."""
    headers = {"Retry-After": str(refused.retry_after)}
    if request.endpoint in JSON_ENDPOINTS:
        return jsonify(error=str(refused), retry_after=refused.retry_after), 429, headers
    return render_template("console/message.html", title="The console is busy", message=str(refused)), 429, headers


def too_large(_error: Exception) -> Any:
    """413 for a text larger than the console takes, in words, before anything read it."""
    message = (
        f"This text is larger than {MAX_DRAFT_BYTES // 1024 // 1024} MB, so the console did not take it: nothing "
        "was saved or checked. A whole flow needs far less (the line's own is about 60 KB): look for a text "
        "pasted more than once."
    )
    if request.endpoint in JSON_ENDPOINTS:
        return jsonify(error=message), 413
    return render_template("console/message.html", title="This text is too large", message=message), 413


def take_turn() -> None:
    """Before a heavy request's body is read: its operator's one turn, or 429."""
    heavy = request.endpoint in HEAVY_ENDPOINTS or (request.endpoint == "console.edit" and request.method == "POST")
    limits = current_app.extensions["ivr.drafts"].limits
    if heavy and limits is not None and "operator" in g:
        held = ExitStack()
        held.enter_context(limits.operator_turn(g.operator))
        g.operator_turn = held


def end_turn(_error: BaseException | None) -> None:
    held = g.pop("operator_turn", None)
    if held is not None:
        held.close()


def register(bp: Blueprint) -> None:
    """After the login check (which names ``g.operator``)."""
    bp.before_request(take_turn)
    bp.teardown_request(end_turn)
    bp.register_error_handler(ConsoleBusy, busy)
    bp.register_error_handler(413, too_large)
    bp.register_error_handler(DraftTooLarge, too_large)
