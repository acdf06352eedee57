"""The form editor's pages to add a message or a menu, and to remove one (:mod:`ivr.console.form_nodes`)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ivr.console.editing import console_engine
from ivr.console.flow_form import caller_order, title_of
from ivr.console.form_edits import FormRefused, applied
from ivr.console.form_nodes import add_node, node_name, references, remove_node
from ivr.console.forms import current_draft, unreadable
from ivr.publishing import DraftError, save_draft
from ivr.translations.yaml_edit import CannotEdit


def add() -> Any:
    """Add a message or a menu; it opens in its own form, where the check says what it still needs."""
    read = current_draft()
    if read is None:
        return unreadable()
    text, started_from, source, document = read.text, read.started_from, read.source, read.document
    form = request.form
    try:
        edit = add_node(
            source, document, form.get("kind", ""), form.get("title", ""), form.get("text", ""), form.get("to", "")
        )
        save_draft(console_engine(), g.operator, applied(text, [edit]).text, started_from)
    except (FormRefused, CannotEdit, DraftError) as exc:
        flash(f"Not added: {exc}")
        return redirect(url_for("console.flow") + "#add")
    name = node_name(form.get("title", ""))
    flash(
        f"Added “{title_of(name)}” to your draft. Now write it in every language, and lead a menu's choice to it: "
        "until then, the problems below say what it still needs. Nothing reaches callers until you publish."
    )
    return redirect(url_for("console.flow_place", place_id=name))


def remove(place_id: str) -> Any:
    """GET: what leads to the place, each with a choice of where it goes instead. POST: remove it."""
    read = current_draft()
    if read is None:
        return unreadable()
    text, started_from, source, document = read.text, read.started_from, read.source, read.document
    if place_id not in document.nodes:
        abort(404, f"The flow has no place called {place_id}.")
    leading = references(document, place_id)
    others = [name for name in caller_order(document) if name != place_id]
    refused = ""
    if request.method == "POST":
        instead = {r.path: request.form.get("instead|" + "/".join(map(str, r.path)), "") for r in leading}
        if any(target not in others for target in instead.values()):
            refused = "Choose where each of them goes instead, from the lists."
        else:
            try:
                edits = remove_node(source, place_id, instead)
                save_draft(console_engine(), g.operator, applied(text, edits).text, started_from)
            except (FormRefused, CannotEdit, DraftError) as exc:
                refused = str(exc)
            else:
                flash(f"Removed “{title_of(place_id)}” from your draft; what led to it goes where you chose.")
                return redirect(url_for("console.flow"))
    return render_template(
        "console/remove.html",
        title=title_of(place_id),
        place_id=place_id,
        leading=leading,
        others=others,
        title_of=title_of,
        refused=refused,
    ), 400 if refused else 200


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/flow/add", "flow_add", add, methods=["POST"])
    bp.add_url_rule("/flow/<place_id>/remove", "flow_remove", remove, methods=["GET", "POST"])
