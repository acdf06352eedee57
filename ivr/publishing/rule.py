"""The one rule a flow text meets to go live, and the refusals that say why it did not.

An operator's text goes live in two ways: published at once (:func:`ivr.publishing.revisions.publish`,
from the console, the command line or a rollback), or proposed and later approved by a
second operator (:func:`ivr.publishing.drafts.submit`, then ``approve``, which publishes).
Both ask the same questions here, so the two ways can never disagree about what may go
live. The rule has two halves because the second must be asked under the publishing lock
and the first must not: checking a flow can take seconds, and the lock holds every other
publisher on every server.

1. What the text alone decides (:func:`ready_to_go_live`): it says why it changed, and it
   passes every check.
2. What the live revision decides (:func:`still_fits_live`): the text was started from the
   version live now, and it is not that very text.

A change to the numbers callers are connected to is not refused here: publishing it needs an
admin and a second person, which is the publisher's question (:class:`NumbersChange`).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ivr.definition.allowed import UNSET, Allowed
from ivr.loading import LoadResult, flow_version, load_flow_text

if TYPE_CHECKING:
    from ivr.publishing.revisions import Revision


class RevisionError(Exception):
    """A publish, rollback or look-up that cannot be done; ``problems`` are the check's
    formatted problems when a text was refused."""

    def __init__(self, message: str, problems: list[str] | None = None) -> None:
        super().__init__(message)
        self.problems = problems or []


class NumbersChange(RevisionError):
    """A text that changes who callers are connected to, published without leave to: only an
    admin may make such a change, and always with a second person's approval.
    ``changes``: each change in words (:func:`destination_changes`)."""

    def __init__(self, changes: list[str]) -> None:
        super().__init__(
            "it changes the numbers callers are connected to, which needs an admin and a second person's approval"
        )
        self.changes = changes


class LiveChangedSince(RevisionError):
    """A text started from a flow that is no longer live: publishing it as it is would undo
    what was published since, without a word. ``started_from``: the version it was started
    from; ``live``: the revision live now."""

    def __init__(self, started_from: str, live: Revision) -> None:
        super().__init__(
            f"the live flow changed since this text was started: {live.author} published revision {live.number} "
            f"(version {live.version}) since. Publishing this text as it is would undo their change. Look at what "
            "changed since, then carry your change onto the live flow, or throw it away"
        )
        self.started_from = started_from
        self.live = live


def ready_to_go_live(
    text: str, message: str, base: Path, checked: LoadResult | None = None, allowed: Allowed = UNSET
) -> LoadResult:
    """The first half of the rule: ``text`` says why (``message``) and has no error. Returns
    its check: ``checked`` when that is this very text's result already (the console checks
    drafts in a child process with limits, so a worker never loads an operator's text
    itself), else a check made here with what the line's settings ``allowed``."""
    if not message.strip():
        raise RevisionError('say why with a message: -m "what changed and why"')
    fresh = checked is not None and checked.text == text
    result = checked if fresh else load_flow_text(text, base, allowed=allowed)
    if result.flow is None or result.errors:
        problems = [p.format("flow") for p in result.errors]
        raise RevisionError(
            f"the flow has {len(problems)} error(s), so it was not published: fix them ('ivr check FILE' shows them)",
            problems,
        )
    return result


def still_fits_live(text: str, live: Revision | None, started_from: str | None) -> None:
    """The second half: nothing refuses ``text`` against the revision ``live`` now.

    ``started_from``: the version the text was started from (a console draft's, or the live
    version when a proposal was made). When another revision is live now, going live would
    undo it: :class:`LiveChangedSince`. None: not asked (a rollback, or a file published
    from the command line, is meant to replace whatever is live)."""
    if live is None:
        return
    if started_from is not None and live.version != started_from:
        raise LiveChangedSince(started_from, live)
    if live.text == text:
        raise RevisionError(f"this text is already live (version {flow_version(text)}): nothing to publish")
