"""How the console refuses a step it will not take now: too large (413) or too busy (429).

Each refusal is said in an operator's words, with what to do; the editor's JavaScript gets
the same words as JSON, and a time to try again (``Retry-After``), and tries again itself.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, render_template, request

from ivr.console.limits import ConsoleBusy
from ivr.drafts import MAX_DRAFT_BYTES, DraftTooLarge

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


def register(bp: Blueprint) -> None:
    bp.register_error_handler(ConsoleBusy, busy)
    bp.register_error_handler(413, too_large)
    bp.register_error_handler(DraftTooLarge, too_large)
