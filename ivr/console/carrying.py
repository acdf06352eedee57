"""When the live flow changed under a draft: what changed since, and carrying the draft onto it.

Publishing a draft started from a flow that is no longer live is refused
(:class:`~ivr.publishing.revisions.LiveChangedSince`), because it would undo what someone else published
without a word. The operator is offered three ways forward, here:

- **what changed since**: the flow they started from against the live one, as any
  comparison is shown;
- **carry my change onto the live flow**: what they changed is made again to the live text
  (:mod:`ivr.definition.three_way`), which becomes their draft, started from the live
  version; where they and the other person changed the same lines, nothing is guessed:
  both are shown, and they choose to keep the live lines and make that part again;
- **throw it away** (the editor's own button).

The author of a draft waiting for approval that went stale does the same from its page:
carrying it withdraws the proposal and makes the carried text their draft.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from ivr.console.editing import console_engine, draft_checker
from ivr.console.published import published
from ivr.definition.three_way import Carried, carry
from ivr.loading import flow_version
from ivr.publishing import DraftError, RevisionError, carried_onto, draft_of, find, proposal, record, withdraw


def started_text(version: str) -> str | None:
    """The text a draft was started from: a published revision, or the flow file as it is
    (when nothing was published then); None when it is kept nowhere any more."""
    try:
        return find(console_engine(), version).text
    except RevisionError:
        pass
    try:
        file_text = Path(current_app.config["IVR_SETTINGS"].flow_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    return file_text if flow_version(file_text) == version else None


def since() -> Any:
    """What was published since the operator's draft was started: their starting flow against the live one."""
    draft = draft_of(console_engine(), g.operator)
    live = published()
    if draft is None or draft.base is None or draft.base == live.version:
        flash("The live flow has not changed since you started: there is nothing new to see.")
        return redirect(url_for("console.edit"))
    started = started_text(draft.base)
    if started is None:
        flash("The flow you started from is no longer kept, so what changed since cannot be shown.")
        return redirect(url_for("console.edit"))
    compared = draft_checker().compare(started, live.text, g.operator)
    return render_template(
        "console/changes.html",
        title="What changed on the live flow since you started",
        intro=f"From version {draft.base}, which your draft started from, to the live flow, {live.described()}.",
        number_changes=[],
        lines=compared.lines,
        lines_left_out=compared.lines_left_out,
        heard=compared.heard,
        heard_cut=compared.heard_cut,
        compare_failed=compared.failed,
        errors=0,
    )


def carry_draft() -> Any:
    """Make the operator's change again on the live flow; with conflicts, show them first."""
    engine = console_engine()
    draft = draft_of(engine, g.operator)
    if draft is None or draft.base is None:
        flash("You have no draft to carry: edit the flow to start one.")
        return redirect(url_for("console.edit"))
    return _carry(draft.text, draft.base, url_for("console.edit_carry"), withdrawing=None)


def carry_proposal(number: int) -> Any:
    """The author of a waiting draft carries it onto the live flow: it becomes their draft again."""
    try:
        waiting = proposal(console_engine(), number)
    except DraftError:
        abort(404, f"There is no draft {number} for approval.")
    if waiting.author != g.operator or waiting.status != "waiting" or waiting.base is None:
        flash("Only the author of a draft that is still waiting can carry it onto the live flow.")
        return redirect(url_for("console.approval", number=number))
    return _carry(waiting.text, waiting.base, url_for("console.approval_carry", number=number), withdrawing=number)


def _carry(mine: str, base: str, action: str, withdrawing: int | None) -> Any:
    engine, live = console_engine(), published()
    if base == live.version:
        flash("The live flow has not changed since you started: publish your draft as it is.")
        return redirect(url_for("console.edit"))
    started = started_text(base)
    if started is None:
        flash(
            "The flow you started from is no longer kept, so your change cannot be carried over by itself: "
            "look at what your draft changes, and make the change again on the live flow."
        )
        return redirect(url_for("console.edit"))
    carried = carry(started, mine, live.text)
    if carried.conflicts and request.form.get("do") != "keep-live":
        return render_template("console/carry.html", carried=carried, live=live, action=action), 409
    if withdrawing is not None:
        withdraw(engine, withdrawing, g.operator)
        record(engine, g.operator, "withdraw", f"draft {withdrawing}, to carry it onto version {live.version}")
    carried_onto(engine, g.operator, carried.text, live.version)
    flash(_carried_message(carried, live.described()))
    return redirect(url_for("console.edit"))


def _carried_message(carried: Carried, onto: str) -> str:
    done = f"Your change was carried onto the live flow, {onto}. It is your draft now: check it, try it, then publish."
    if not carried.conflicts:
        return done
    lines = ", ".join(str(c.line) for c in carried.conflicts)
    kept = f"Where you both changed the same lines (line {lines}), the live lines were kept: make that part again."
    return f"{done} {kept}"


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/edit/since", "edit_since", since)
    bp.add_url_rule("/edit/carry", "edit_carry", carry_draft, methods=["POST"])
    bp.add_url_rule("/approvals/<int:number>/carry", "approval_carry", carry_proposal, methods=["POST"])
