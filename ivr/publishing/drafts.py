"""Operators' drafts of the call flow, and drafts waiting for a second operator's approval.

A draft is an operator's own unpublished text, saved as they type in the console, so that
closing the tab loses nothing; each operator has at most one. Publishing takes a draft to a
revision (:mod:`ivr.publishing.revisions`). When the line requires approval (``IVR_REQUIRE_APPROVAL``),
publishing a draft makes a *proposal* instead: it waits until another operator approves it
(it then becomes a revision, naming both of them), rejects it, or its author withdraws it.
Nobody approves their own proposal. A proposal is checked again when it is approved, so a
text that stopped passing (a recording removed since) never goes live.

Nothing here prints, exits or records the audit log: refusals are :class:`DraftError` (a kind of
:class:`~ivr.publishing.revisions.RevisionError`) with a
message that says what to do, and the console records what was done.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, delete, insert, select, update

from ivr.database import flow_drafts, flow_proposals, operators
from ivr.definition.allowed import UNSET, Allowed
from ivr.definition.lines import line_and_column
from ivr.loading import LoadResult, flow_version
from ivr.publishing.revisions import Revision, latest, publish
from ivr.publishing.rule import RevisionError, ready_to_go_live, still_fits_live
from ivr.runtime import flow as rt

#: The states of a proposal; only a waiting one can be decided.
WAITING, APPROVED, REJECTED, WITHDRAWN = "waiting", "approved", "rejected", "withdrawn"
#: A draft larger than this is not saved: the line's own flow is about 60 KB, and checking or
#: comparing a text costs the console's server time in proportion to its size.
MAX_DRAFT_BYTES = 2 * 1024 * 1024


class DraftError(RevisionError):
    """A draft or proposal that cannot be saved or decided; the message says why and what to do."""


class DraftTooLarge(DraftError):
    """A draft over :data:`MAX_DRAFT_BYTES`: not saved, and nothing read it further."""


@dataclass(frozen=True)
class Draft:
    operator: str
    text: str
    saved: float
    base: str | None  # the live version the operator started from


@dataclass(frozen=True)
class Proposal:
    number: int
    version: str
    text: str
    author: str
    at: float
    message: str
    base: str | None
    status: str
    decided_by: str | None
    decided_at: float | None


# -- drafts -----------------------------------------------------------------------------------
def draft_of(engine: Engine, operator: str) -> Draft | None:
    with engine.connect() as connection:
        row = connection.execute(select(flow_drafts).where(flow_drafts.c.operator == operator)).first()
    return None if row is None else Draft(row.operator, row.text, row.saved, row.base)


def save_draft(engine: Engine, operator: str, text: str, base: str | None, now: float | None = None) -> Draft:
    """Keep ``text`` as ``operator``'s draft, replacing the one before. ``base``: the version
    the draft was started from, kept from the first save so the console can warn when the
    live flow changed under it."""
    if len(_encoded(text)) > MAX_DRAFT_BYTES:
        raise DraftTooLarge(f"the draft is larger than {MAX_DRAFT_BYTES // 1024 // 1024} MB: a flow needs far less")
    saved = time.time() if now is None else now
    with engine.begin() as connection:
        before = connection.execute(select(flow_drafts.c.base).where(flow_drafts.c.operator == operator)).first()
        if before is None:
            connection.execute(insert(flow_drafts).values(operator=operator, text=text, saved=saved, base=base))
            return Draft(operator, text, saved, base)
        connection.execute(update(flow_drafts).where(flow_drafts.c.operator == operator).values(text=text, saved=saved))
    return Draft(operator, text, saved, before.base)


def carried_onto(engine: Engine, operator: str, text: str, base: str) -> Draft:
    """Replace ``operator``'s draft with ``text``, started from ``base``: their change carried
    onto the flow that is live now (:mod:`ivr.definition.three_way`), so it starts again from there."""
    _encoded(text)
    saved = time.time()
    with engine.begin() as connection:
        connection.execute(delete(flow_drafts).where(flow_drafts.c.operator == operator))
        connection.execute(insert(flow_drafts).values(operator=operator, text=text, saved=saved, base=base))
    return Draft(operator, text, saved, base)


def _encoded(text: str) -> bytes:
    """``text`` as UTF-8; a lone half of a surrogate pair (which a browser's JSON can carry,
    and no file or database can) refused at its line and column."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        line, column = line_and_column(text, exc.start)
        raise DraftError(
            f"the text holds half of a character (U+{ord(text[exc.start]):04X}) at line {line}, column {column}, "
            "which no file can keep: retype the words there"
        ) from None


def discard_draft(engine: Engine, operator: str) -> None:
    with engine.begin() as connection:
        connection.execute(delete(flow_drafts).where(flow_drafts.c.operator == operator))


# -- proposals --------------------------------------------------------------------------------
def _proposal(row: object) -> Proposal:
    m = row._mapping  # type: ignore[attr-defined]
    return Proposal(
        m["id"], m["version"], m["text"], m["author"], m["at"], m["message"], m["base"], m["status"],
        m["decided_by"], m["decided_at"],
    )  # fmt: skip


def proposal(engine: Engine, number: int) -> Proposal:
    with engine.connect() as connection:
        row = connection.execute(select(flow_proposals).where(flow_proposals.c.id == number)).first()
    if row is None:
        raise DraftError(f"there is no draft number {number} waiting for approval")
    return _proposal(row)


def proposals(engine: Engine, status: str | None = WAITING, limit: int = 100) -> list[Proposal]:
    """Proposals, newest first (``status=None``: whatever their state)."""
    query = select(flow_proposals).order_by(flow_proposals.c.id.desc()).limit(limit)
    if status is not None:
        query = query.where(flow_proposals.c.status == status)
    with engine.connect() as connection:
        return [_proposal(row) for row in connection.execute(query)]


def submit(
    engine: Engine,
    author: str,
    text: str,
    message: str,
    base: Path,
    *,
    checked: LoadResult | None = None,
    now: float | None = None,
    started_from: str | None = None,
    allowed: Allowed = UNSET,
) -> Proposal:
    """Ask for approval of ``text``, when it meets the publish rule (:mod:`ivr.publishing.rule`)
    against the revision live now: approving it publishes it, and the rule is asked again
    then, under the publishing lock. The author's earlier waiting proposals are withdrawn:
    one author, one proposal waiting, so an approver never approves an old one by mistake."""
    message = message.strip()
    ready_to_go_live(text, message, base, checked, allowed)
    live = latest(engine)
    still_fits_live(text, live, started_from)
    at = time.time() if now is None else now
    with engine.begin() as connection:
        connection.execute(
            update(flow_proposals)
            .where(flow_proposals.c.author == author, flow_proposals.c.status == WAITING)
            .values(status=WITHDRAWN, decided_by=author, decided_at=at)
        )
        values = dict(version=flow_version(text), text=text, author=author, at=at, message=message, status=WAITING)
        values["base"] = started_from if started_from is not None else None if live is None else live.version
        number = connection.execute(insert(flow_proposals).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    return proposal(engine, number)


def approve(
    engine: Engine,
    number: int,
    approver: str,
    base: Path,
    *,
    checked: LoadResult | None = None,
    live: rt.Flow | None = None,
    may_change_numbers: bool = False,
    allowed: Allowed = UNSET,
) -> tuple[Proposal, Revision]:
    """Publish a waiting proposal as a revision by its author, approved by ``approver``.
    ``live``, ``may_change_numbers`` and ``allowed``: as for :func:`ivr.publishing.revisions.publish`
    (whether the approver may put live a change to the numbers callers are connected to)."""
    waiting = _waiting(engine, number)
    if waiting.author == approver:
        raise DraftError("nobody can approve their own draft: another operator must approve it")
    if _disabled(engine, waiting.author):
        raise DraftError(
            f"{waiting.author}'s account is disabled, so their draft cannot go live: if the change is still "
            "wanted, make it in a draft of your own (or ask an admin to enable the account first)"
        )
    result = ready_to_go_live(waiting.text, waiting.message, base, checked, allowed)
    decided = _decide(engine, waiting, APPROVED, approver)  # first, so two approvals cannot both publish
    try:
        # The bytes that were checked, with that check's result: never a second check here.
        revision = publish(
            engine,
            waiting.text,
            base,
            waiting.author,
            waiting.message,
            approved_by=approver,
            checked=result,
            live=live,
            may_change_numbers=may_change_numbers,
            allowed=allowed,
            started_from=waiting.base,  # the live version when it was proposed
        )
    except RevisionError:
        with engine.begin() as connection:  # not published after all: it waits again
            connection.execute(
                update(flow_proposals)
                .where(flow_proposals.c.id == number)
                .values(status=WAITING, decided_by=None, decided_at=None)
            )
        raise
    return decided, revision


def reject(engine: Engine, number: int, operator: str) -> Proposal:
    """Turn a proposal down (its author may not: they withdraw it)."""
    waiting = _waiting(engine, number)
    if waiting.author == operator:
        raise DraftError("to take back your own draft, withdraw it")
    return _decide(engine, waiting, REJECTED, operator)


def withdraw(engine: Engine, number: int, operator: str) -> Proposal:
    waiting = _waiting(engine, number)
    if waiting.author != operator:
        raise DraftError(f"only {waiting.author} can withdraw their draft; you can turn it down")
    return _decide(engine, waiting, WITHDRAWN, operator)


@dataclass(frozen=True)
class LeftBehind:
    """What a disabled operator had under way: the numbers of their proposals that were
    waiting (now withdrawn), and whether they had a draft (now deleted)."""

    proposals: tuple[int, ...]
    draft: bool


def withdraw_all_of(connection: Connection, author: str, decided_by: str, now: float) -> LeftBehind:
    """Withdraw every waiting proposal of ``author`` (decided by ``decided_by``, the admin who
    disabled them) and delete their draft, in the caller's transaction: work from an account
    the team has stopped trusting must not be approved and put live by someone else."""
    waiting = tuple(
        connection.execute(
            select(flow_proposals.c.id)
            .where(flow_proposals.c.author == author, flow_proposals.c.status == WAITING)
            .order_by(flow_proposals.c.id)
        ).scalars()
    )
    if waiting:
        connection.execute(
            update(flow_proposals)
            .where(flow_proposals.c.id.in_(waiting), flow_proposals.c.status == WAITING)
            .values(status=WITHDRAWN, decided_by=decided_by, decided_at=now)
        )
    draft = connection.execute(delete(flow_drafts).where(flow_drafts.c.operator == author)).rowcount
    return LeftBehind(waiting, bool(draft))


def _disabled(engine: Engine, name: str) -> bool:
    with engine.connect() as connection:
        row = connection.execute(select(operators.c.disabled).where(operators.c.name == name)).first()
    return row is not None and row.disabled is not None


def _waiting(engine: Engine, number: int) -> Proposal:
    found = proposal(engine, number)
    if found.status != WAITING:
        raise DraftError(f"draft number {number} was already {found.status} by {found.decided_by}")
    return found


def _decide(engine: Engine, waiting: Proposal, status: str, operator: str) -> Proposal:
    """Mark a waiting proposal decided; only one decision wins when two operators click at once."""
    with engine.begin() as connection:
        changed = connection.execute(
            update(flow_proposals)
            .where(flow_proposals.c.id == waiting.number, flow_proposals.c.status == WAITING)
            .values(status=status, decided_by=operator, decided_at=time.time())
        )
    if not changed.rowcount:
        raise DraftError(f"draft number {waiting.number} was decided by someone else a moment ago")
    return proposal(engine, waiting.number)
