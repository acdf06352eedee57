"""Publishing the call flow: from a file or an operator's draft to the revision every
server serves, with who did it written in the audit log.

This is the one way a flow becomes live. Code outside this package imports from here,
never from the modules inside (an import-linter contract in pyproject.toml holds it):

- :mod:`~ivr.publishing.loading`: the one loading pipeline, text to checked runtime flow;
- :mod:`~ivr.publishing.isolated`: the same pipeline in a child process with time and
  memory limits, so no file can take a serving worker down;
- :mod:`~ivr.publishing.revisions`: published revisions, and the one publish rule;
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
from ivr.publishing.isolated import ChildFailed, check_text_isolated, load_isolated, run_child
from ivr.publishing.loading import MAX_FILE_BYTES, LoadResult, flow_version, load_flow_file, load_flow_text
from ivr.publishing.revisions import (
    LiveChangedSince,
    NumbersChange,
    Revision,
    RevisionError,
    by_number,
    diff,
    find,
    history,
    latest,
    latest_head,
    publish,
    rollback,
)

__all__ = [
    "ACTIONS",
    "BIDI_CONTROLS",
    "MAX_DRAFT_BYTES",
    "MAX_FILE_BYTES",
    "ChildFailed",
    "Draft",
    "DraftError",
    "DraftTooLarge",
    "LeftBehind",
    "LiveChangedSince",
    "LoadResult",
    "NumbersChange",
    "Revision",
    "RevisionError",
    "approve",
    "by_number",
    "carried_onto",
    "check_text_isolated",
    "diff",
    "discard_draft",
    "draft_of",
    "entries",
    "entries_csv",
    "find",
    "flow_version",
    "history",
    "latest",
    "latest_head",
    "load_flow_file",
    "load_flow_text",
    "load_isolated",
    "older_than",
    "proposal",
    "proposals",
    "prune",
    "publish",
    "record",
    "reject",
    "rollback",
    "run_child",
    "save_draft",
    "submit",
    "withdraw",
    "withdraw_all_of",
]
