"""Publishing the call flow: from a file or an operator's draft to the revision every
server serves, with who did it written in the audit log.

This is the one way a flow becomes live. Code outside this package imports from here,
never from the modules inside (an import-linter contract in pyproject.toml holds it):

- :mod:`~ivr.loading.pipeline`: the one loading pipeline, text to checked runtime flow;
- :mod:`~ivr.loading.isolated`: the same pipeline in a child process with time and
  memory limits, so no file can take a serving worker down;
- :mod:`~ivr.publishing.rule`: the one rule a text meets to go live, published or proposed;
- :mod:`~ivr.publishing.revisions`: published revisions;
- :mod:`~ivr.publishing.drafts`: operators' drafts and proposals waiting for approval;
- :mod:`~ivr.publishing.audit`: who changed the line, and who came into the console.
"""

from __future__ import annotations

from ivr.publishing.audit import ACTIONS, BIDI_CONTROLS, entries, entries_csv, older_than, prune, record
from ivr.publishing.drafts import (
    MAX_DRAFT_BYTES,
    Draft,
    DraftError,
    DraftTooLarge,
    LeftBehind,
    approve,
    carried_onto,
    discard_draft,
    draft_of,
    proposal,
    proposals,
    reject,
    save_draft,
    submit,
    withdraw,
    withdraw_all_of,
)
from ivr.publishing.revisions import (
    Revision,
    by_number,
    diff,
    find,
    history,
    latest,
    latest_head,
    publish,
    rollback,
)
from ivr.publishing.rule import LiveChangedSince, NumbersChange, RevisionError, ready_to_go_live, still_fits_live

__all__ = [
    "ACTIONS",
    "BIDI_CONTROLS",
    "MAX_DRAFT_BYTES",
    "Draft",
    "DraftError",
    "DraftTooLarge",
    "LeftBehind",
    "LiveChangedSince",
    "NumbersChange",
    "Revision",
    "RevisionError",
    "approve",
    "by_number",
    "carried_onto",
    "diff",
    "discard_draft",
    "draft_of",
    "entries",
    "entries_csv",
    "find",
    "history",
    "latest",
    "latest_head",
    "older_than",
    "proposal",
    "proposals",
    "prune",
    "publish",
    "ready_to_go_live",
    "record",
    "reject",
    "rollback",
    "save_draft",
    "still_fits_live",
    "submit",
    "withdraw",
    "withdraw_all_of",
]
