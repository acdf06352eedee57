"""The form editor: operators change the flow in fields, never in YAML.

``/console/flow`` lists the places of the flow in the order a caller meets them (the
picture's names), with a search over every text in every language. Each place opens as a
form: one field per language for each text (with its language and direction set, its
seconds, its review state), and for a menu its choices (key, where it goes, picked from a
list, the words and example answers callers may say) and its time-out.

Saving a form writes the smallest change into the operator's draft text
(:mod:`ivr.console.form_edits`), records the version it was started from, and runs the same
check as the text editor (:mod:`ivr.console.editing`), whose page stays as the "advanced"
view of the same draft. Trying, comparing and publishing are the editor's own steps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Blueprint, abort, flash, g, jsonify, redirect, render_template, request, url_for

from ivr.console.checking import CheckedDraft
from ivr.console.editing import console_engine, draft_checker
from ivr.console.flow_form import (
    MESSAGES,
    NUMBERS,
    Place,
    caller_order,
    matching,
    places,
    title_of,
    words_per_minute,
)
from ivr.console.form_edits import FormRefused, applied, field_name, list_edit, text_edits
from ivr.console.limits import ConsoleBusy
from ivr.console.published import published
from ivr.definition.source import SourceDocument
from ivr.publishing import DraftError, draft_of, save_draft
from ivr.translations.flow_text import FlowNotReadable, parse_document
from ivr.translations.yaml_edit import CannotEdit, Edit, replace_scalar

#: Seconds a placeholder the line fills itself ({keys}, {number}) takes to say, about.
FILLED_SECONDS = 2.0


def current_draft_text() -> tuple[str, str, bool]:
    """The text the operator edits (their draft, else what is live), the version it was
    started from, and whether it is a draft."""
    draft = draft_of(console_engine(), g.operator)
    if draft is not None:
        return draft.text, draft.base or published().version, True
    live = published()
    return live.text, live.version, False


def document_of(text: str) -> tuple[SourceDocument, Any] | None:
    try:
        return parse_document(text, "your draft")
    except FlowNotReadable:
        return None


@dataclass(frozen=True)
class DraftDocument:
    """The text the operator edits, read: what every page of the form starts from."""

    text: str
    started_from: str  # the version it was started from
    is_draft: bool
    source: SourceDocument
    document: Any  # its FlowDocument


def current_draft() -> DraftDocument | None:
    """The operator's draft (else what is live), read; ``None`` when it cannot be read, which
    only the advanced editor can show (:func:`unreadable`)."""
    text, started_from, is_draft = current_draft_text()
    parsed = document_of(text)
    return None if parsed is None else DraftDocument(text, started_from, is_draft, *parsed)


def flow_list() -> Any:
    draft = current_draft()
    if draft is None:
        return unreadable()
    text, started_from, is_draft = draft.text, draft.started_from, draft.is_draft
    found = places(draft.document)
    query = request.args.get("q", "").strip()[:200]
    return render_template(
        "console/flow.html",
        places=matching(found, query),
        all_places=[p for p in found if p.id not in (MESSAGES, NUMBERS)],
        query=query,
        is_draft=is_draft,
        live=published(),
        started_from=started_from,
        text=text,
    )


def unreadable() -> Any:
    flash(
        "Your draft has a mistake in how it is written, so the form cannot show it. Fix it in the advanced "
        "editor (every problem is shown at its line), or throw the draft away there."
    )
    return redirect(url_for("console.edit"))


def place_page(place_id: str) -> Any:
    read = current_draft()
    if read is None:
        return unreadable()
    text, started_from, is_draft, source, document = (
        read.text, read.started_from, read.is_draft, read.source, read.document
    )  # fmt: skip
    found = {p.id: p for p in places(document)}
    if place_id not in found:
        abort(404, f"The flow has no place called {place_id}.")
    place, status, refused = found[place_id], 200, ""
    if request.method == "POST":
        sent_base = request.form.get("started_from", "").strip() or started_from
        try:
            edits = _edits_from_form(source, place, document)
        except (FormRefused, CannotEdit) as exc:
            refused, status = str(exc), 400
        else:
            if not edits:
                flash("Nothing changed: your draft is as it was.")
                return redirect(url_for("console.flow_place", place_id=place_id))
            try:
                draft = save_draft(console_engine(), g.operator, applied(text, edits).text, sent_base)
            except DraftError as exc:
                refused, status = f"Not saved: {exc}.", 400
            else:
                flash(saved_message(len(edits), _check(draft.text)))
                return redirect(url_for("console.flow_place", place_id=place_id))
    checked = _check(text) if is_draft else None
    return render_template(
        "console/place.html",
        place=place,
        destinations=caller_order(document),
        title_of=title_of,
        languages=document.line.languages,
        field_name=field_name,
        wpm={code: words_per_minute(code, lang.words_per_minute) for code, lang in document.line.languages.items()},
        placeholder_seconds=_placeholder_seconds(document),
        problems=_problems_here(checked, source, place) if checked else [],
        checked=checked,
        is_draft=is_draft,
        started_from=started_from,
        refused=refused,
        form=request.form if refused else {},
    ), status


def _edits_from_form(source: SourceDocument, place: Place, document: Any) -> list[Edit]:
    return text_edits(source, place, request.form, list(document.line.languages)) + _menu_edits(source, place, document)


def live_check(place_id: str) -> Any:
    """The form's check as the operator types: the posted fields made into the draft's text
    in memory (nothing saved until "Save to my draft"), checked as a saved draft would be,
    with the problems of this place, or why the form cannot take the change."""
    read = current_draft()
    if read is None:
        return jsonify(refused="Your draft has a mistake in how it is written: fix it in the advanced editor.")
    text, source, document = read.text, read.source, read.document
    place = {p.id: p for p in places(document)}.get(place_id)
    if place is None:
        return jsonify(refused=f"The flow has no place called {place_id}."), 404
    try:
        edits = _edits_from_form(source, place, document)
    except (FormRefused, CannotEdit) as exc:
        return jsonify(refused=f"This cannot be saved yet: {exc}")
    checked = _check(applied(text, edits).text)  # ConsoleBusy: None, said below
    if checked is None:
        return jsonify(summary="Not checked yet: the console is busy. It checks again as you type.", problems=[])
    after = document_of(checked.result.text)
    here = _problems_here(checked, after[0], place) if after else []
    errors = len(checked.result.errors)
    changes = f"{len(edits)} unsaved change(s). " if edits else ""
    verdict = f"{errors} error(s) in the whole flow." if errors else "No errors in the whole flow."
    return jsonify(
        summary=changes + verdict,
        errors=errors,
        problems=[{"severity": p.severity.value, "message": p.message, "hint": p.hint} for p in here],
    )


def _menu_edits(source: SourceDocument, place: Place, document: Any) -> list[Edit]:
    """A menu's choices: where each goes, and its words and example answers, per language."""
    edits: list[Edit] = []
    order = list(document.line.languages)
    node = ("nodes", place.id)
    for choice in place.choices:
        go = request.form.get(f"go|{choice.key}")
        if go and go != choice.go:
            if go not in document.nodes:
                raise FormRefused(f"Choice {choice.key}: choose where it goes from the list.")
            path = (*node, "choices", choice.key) if choice.simple else (*node, "choices", choice.key, "go")
            edits.append(replace_scalar(source, path, go))
        for kind, current in (("words", choice.words), ("examples", choice.examples)):
            for code in [*current] or order:
                sent = request.form.get(f"{kind}|{choice.key}|{code}")
                if sent is None:
                    continue
                listed = [line.strip() for line in re.split(r"[\n,]", sent) if line.strip()]
                if tuple(listed) == tuple(current.get(code, ())):
                    continue
                path = (*node, "choices", choice.key, kind) + ((code,) if code else ())
                edits.append(list_edit(source, path, listed, order))
    timeout = request.form.get("timeout", "").strip()
    if timeout and place.timeout is not None and timeout != str(place.timeout):
        if not timeout.isdigit() or not 5 <= int(timeout) <= 30:
            raise FormRefused("Time-out: write a number of seconds from 5 to 30.")
        edits.append(replace_scalar(source, (*node, "timeout"), timeout))
    return edits


def _check(text: str) -> CheckedDraft | None:
    try:
        return draft_checker().check(text, g.operator)
    except ConsoleBusy:
        return None


def saved_message(count: int, checked: CheckedDraft | None) -> str:
    saved = f"Saved to your draft: {count} change{'s' if count != 1 else ''}."
    if checked is None:
        return saved + " The console is busy, so it was not checked yet: open this page again in a moment."
    errors, warnings = len(checked.result.errors), len(checked.result.warnings)
    if errors:
        return saved + f" It has {errors} error(s): they are shown where they are. Nothing reaches callers yet."
    return saved + f" No errors ({warnings} warning(s)). Nothing reaches callers until you publish."


def _problems_here(checked: CheckedDraft, source: SourceDocument, place: Place) -> list[Any]:
    """The draft's problems written inside this place (by line); every error when it has no lines."""
    path = {MESSAGES: ("line", "messages"), NUMBERS: ("numbers",)}.get(place.id, ("nodes", place.id))
    node = source.values.get(path)
    if node is None:
        return [p for p in checked.result.problems if p.severity.value == "error"]
    first, last = node.start_mark.line + 1, node.end_mark.line + 1
    return [p for p in checked.result.problems if first <= p.line <= last]


def _placeholder_seconds(document: Any) -> dict[str, dict[str, float]]:
    """How long each number takes to say, per language: slowly, twice, group by group."""
    found: dict[str, dict[str, float]] = {}
    for code, language in document.line.languages.items():
        wpm = words_per_minute(code, language.words_per_minute)
        seconds = {name: _number_seconds(str(number.number), wpm) for name, number in document.numbers.items()}
        found[code] = {**seconds, "keys": FILLED_SECONDS, "number": FILLED_SECONDS, "name": FILLED_SECONDS}
    return found


def _number_seconds(number: str, wpm: int) -> float:
    groups = number.split()
    digits = sum(len(group) for group in groups)
    return round(2 * (digits * 60 / (wpm * 0.66)) + 0.8 * (len(groups) - 1) + 1.1, 1)


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/flow", "flow", flow_list)
    bp.add_url_rule("/flow/<place_id>", "flow_place", place_page, methods=["GET", "POST"])
    bp.add_url_rule("/flow/<place_id>/check", "flow_check", live_check, methods=["POST"])
