"""Editing the call flow in the console: the draft, its live check, a call on it, publishing.

The editor is a plain text area with line numbers: operators edit the same text as the
flow file, with every problem shown at its line in the same words as ``ivr check``. The
page works without JavaScript ("Check and save" posts the form); with it, the text is
checked and saved as the operator types (debounced by ``editor.js``), so closing the tab
loses nothing. A draft is each operator's own (:mod:`ivr.publishing.drafts`).

Publishing posts the text itself with the message, so what is published is exactly what
the operator sees, checked again on the way. With ``IVR_REQUIRE_APPROVAL`` it becomes a
draft waiting for another operator (:mod:`ivr.console.history`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import Engine

from ivr.console import refusals
from ivr.console.checking import CheckedDraft, DraftChecker
from ivr.console.draft_flows import problems_of
from ivr.console.limits import ConsoleBusy
from ivr.console.published import live_version, published
from ivr.console.roster import is_admin
from ivr.definition.allowed import Allowed
from ivr.inspect.destinations import destination_changes
from ivr.publishing import (
    Draft,
    DraftError,
    DraftTooLarge,
    LiveChangedSince,
    NumbersChange,
    RevisionError,
    discard_draft,
    draft_of,
    publish,
    record,
    save_draft,
    submit,
)
from ivr.runtime.flow import Flow
from ivr.serve.store import LiveFlow

LIVE_WITHIN_SECONDS = "every server serves it within seconds."
NUMBERS_NEED_AN_ADMIN = (
    "Not published: only an admin may change the numbers callers are connected to, and another person must "
    "approve it. Ask an admin to make this change."
)


def console_engine() -> Engine:
    return current_app.extensions["ivr.console"].database.engine


def draft_checker() -> DraftChecker:
    return current_app.extensions["ivr.drafts"]


def live_flow() -> LiveFlow:
    return current_app.extensions["ivr"].store.live


def flow_folder() -> Path:
    return Path(current_app.config["IVR_SETTINGS"].flow_file).resolve().parent


def live_text() -> str:
    """The text live on the line now (the newest revision, even before this server serves
    it); under the built-in safe flow (no good flow anywhere), the file's text, so the
    operator can mend it."""
    return published().text


def _text_from_form() -> str:
    """The text area's text as the editor shows it (browsers send CR LF)."""
    return request.form.get("text", "").replace("\r\n", "\n")


def _started_from(sent: object) -> str:
    """The version the operator's page showed when they started (the page sends it back),
    so a draft records the flow it was really started from, even if another operator
    published in between; an old page that sends nothing: what is live now."""
    return sent.strip() if isinstance(sent, str) and sent.strip() else live_version()


def _summary(checked: CheckedDraft) -> str:
    errors, warnings = len(checked.result.errors), len(checked.result.warnings)
    if errors:
        return (
            f"{errors} error(s) and {warnings} warning(s): fix the errors before this draft can be published. "
            "Nothing reaches callers until it is published."
        )
    if warnings:
        return f"No errors, {warnings} warning(s): this draft can be published. Read the warnings first."
    return "No problems: this draft can be published."


def _checked_if_possible(text: str) -> tuple[CheckedDraft | None, int, str]:
    """The text's check for a page that can be shown without it (``_page``'s arguments):
    when the console is busy, the page says so and the editor checks again as the operator types."""
    try:
        return draft_checker().check(text, g.operator), 200, ""
    except ConsoleBusy as busy:
        return None, 200, f"Not checked yet: {busy}"


def _page(draft: Draft | None, checked: CheckedDraft | None, status: int = 200, message: str = "") -> Any:
    live = published()
    approval = current_app.config["IVR_SETTINGS"].require_approval
    text = draft.text if draft is not None else live.text
    return (
        render_template(
            "console/edit.html",
            text=text,
            lines=max(text.count("\n") + 1, 1),
            draft=draft,
            saved=time.strftime("%H:%M:%S", time.localtime(draft.saved)) if draft else "",
            live=live,
            started_from=draft.base if draft is not None and draft.base else live.version,
            moved_on=draft is not None and draft.base is not None and draft.base != live.version,
            checked=checked,
            summary=_summary(checked) if checked else "",
            approval=approval,
            message=message,
        ),
        status,
    )


def edit() -> Any:
    """GET: the editor with the operator's draft, or the live text. POST (no JavaScript):
    save the text as the draft and show its problems; or throw the draft away."""
    engine = console_engine()
    if request.method == "POST" and request.form.get("do") == "discard":
        discard_draft(engine, g.operator)
        flash("Your draft was thrown away. The editor shows the live flow.")
        return redirect(url_for("console.edit"))
    if request.method == "POST":
        draft = save_draft(engine, g.operator, _text_from_form(), _started_from(request.form.get("started_from")))
        return _page(draft, *_checked_if_possible(draft.text))
    draft = draft_of(engine, g.operator)
    return _page(draft, *_checked_if_possible(draft.text)) if draft else _page(None, None)


def check() -> Response:
    """The editor's live check: save the text as the draft, and say every problem at its line."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return jsonify(error='Send {"text": "the whole flow"} as JSON.'), 400  # type: ignore[return-value]
    try:
        text = data["text"].replace("\r\n", "\n")
        draft = save_draft(console_engine(), g.operator, text, _started_from(data.get("started_from")))
    except DraftTooLarge:
        raise  # 413 (ivr.console.refusals)
    except DraftError as exc:
        return jsonify(error=f"Not saved: {exc}."), 400  # type: ignore[return-value]
    checked = draft_checker().check(draft.text, g.operator)  # ConsoleBusy: 429, the draft kept
    return jsonify(
        saved=time.strftime("%H:%M:%S", time.localtime(draft.saved)),
        version=checked.version,
        errors=len(checked.result.errors),
        warnings=len(checked.result.warnings),
        publishable=checked.live is not None,
        moved_on=draft.base is not None and draft.base != live_version(),
        summary=_summary(checked),
        problems=problems_of(checked.result),
    )


def changes() -> Any:
    """What the draft changes against the live flow: the text, and what callers would hear."""
    draft = draft_of(console_engine(), g.operator)
    if draft is None:
        flash("You have no draft: nothing changes. Edit the flow to start one.")
        return redirect(url_for("console.edit"))
    checked = draft_checker().check(draft.text, g.operator)
    return render_template(
        "console/changes.html",
        title="What your draft changes",
        intro="Against the live flow, " + published().described() + ".",
        **comparison(checked),
    )


def comparison(checked: CheckedDraft) -> dict[str, Any]:
    """What the changes template shows for any checked text against the live flow (drafts,
    proposals, rollbacks): worked out in a child process, capped, under the console's limits."""
    compared = draft_checker().compare(live_text(), checked.result.text, g.operator)
    return {
        "number_changes": number_changes(checked),
        "lines": compared.lines,
        "lines_left_out": compared.lines_left_out,
        "heard": compared.heard if checked.live is not None else None,
        "heard_cut": compared.heard_cut,
        "compare_failed": compared.failed,
        "errors": len(checked.result.errors),
    }


def allowed() -> Allowed:
    """What the line's settings allow a flow beyond the checks (recordings' hosts, numbers)."""
    return current_app.config["IVR_ALLOWED"]


def compared_live() -> Flow | None:
    """The live flow that texts are compared with; None under the built-in safe flow (no
    good flow anywhere), whose one transfer is no operator's choice."""
    live = live_flow()
    return live.flow if live.text else None


def number_changes(checked: CheckedDraft) -> list[str]:
    """How a checked text changes where callers are connected, in words (none with errors)."""
    return destination_changes(compared_live(), checked.live.flow) if checked.live is not None else []


def publish_draft() -> Any:
    """Save the posted text, check it, then publish it (or ask for approval) with the message.
    A change to the numbers callers are connected to is an admin's only, and always waits
    for a second person's approval."""
    engine, operator = console_engine(), g.operator
    message = request.form.get("message", "").strip()[:2000]
    draft = save_draft(engine, operator, _text_from_form(), _started_from(request.form.get("started_from")))
    checked = draft_checker().check(draft.text, operator)
    if not message:
        return _page(draft, checked, 400, "Say what changed and why in the message, then publish again.")
    if checked.live is None:
        return _page(draft, checked, 400, "This draft has errors: it was not published. Fix them first.")
    changes = number_changes(checked)
    try:
        if not current_app.config["IVR_SETTINGS"].require_approval and not changes:
            revision = publish(
                engine,
                draft.text,
                flow_folder(),
                operator,
                message,
                checked=checked.result,
                live=compared_live(),
                allowed=allowed(),
                started_from=draft.base,
            )
            record(engine, operator, "publish", f"{revision.named}: {message}")
            discard_draft(engine, operator)
            flash(f"Published {revision.named}: {LIVE_WITHIN_SECONDS}")
            return redirect(url_for("console.history"))
    except NumbersChange as exc:  # against a revision published a moment ago, not yet served here
        changes = exc.changes
    except LiveChangedSince as exc:
        return _page(draft, checked, 409, f"Not published: {exc}.")
    except (DraftError, RevisionError) as exc:
        return _page(draft, checked, 400, f"Not published: {exc}.")
    if changes and not is_admin(engine, operator):
        return _page(draft, checked, 403, NUMBERS_NEED_AN_ADMIN + " " + " ".join(changes))
    try:
        waiting = submit(
            engine, operator, draft.text, message, flow_folder(), checked=checked.result, started_from=draft.base
        )
    except LiveChangedSince as exc:
        return _page(draft, checked, 409, f"Not sent for approval: {exc}.")
    except (DraftError, RevisionError) as exc:
        return _page(draft, checked, 400, f"Not published: {exc}.")
    record(engine, operator, "submit", f"draft {waiting.number}, version {waiting.version}: {message}")
    discard_draft(engine, operator)
    why = "It changes the numbers callers are connected to, so it" if changes else "Your draft"
    flash(f"{why} is waiting for another operator's approval (draft {waiting.number}).")
    return redirect(url_for("console.approval", number=waiting.number))


def register(bp: Blueprint) -> None:
    refusals.register(bp)
    bp.add_url_rule("/edit", "edit", edit, methods=["GET", "POST"])
    bp.add_url_rule("/edit/check", "edit_check", check, methods=["POST"])
    bp.add_url_rule("/edit/changes", "edit_changes", changes)
    bp.add_url_rule("/edit/publish", "edit_publish", publish_draft, methods=["POST"])
