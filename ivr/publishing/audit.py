"""The audit log: who changed the line, and who came into its console, and when.

Every login and failed login, every publish, approval, rejection and rollback, and every
operator added, disabled or given a new password is one row. The console shows the rows
and exports them as CSV; they are kept for ``IVR_AUDIT_RETENTION_DAYS`` (two years by
default), longer than call statistics.

A row never holds a caller's data: actors are operators' names (or ``cli:<user>`` for the
``ivr`` commands), and details name flow versions, operators and messages. A failed login
records the name that was tried, never the password or the address; anything in a row that
looks like a phone number is masked before it is written (:func:`ivr.platform.logs.redact`), so a
number typed into the name box or a message does not reach the database. Characters that
reorder text (bidi controls) are written as their codes, so no row reads as something else.
"""

from __future__ import annotations

import csv
import io
import time
from dataclasses import dataclass

from sqlalchemy import Delete, Engine, delete, insert, select

from ivr.database import audit_log
from ivr.definition.limits import DAY_SECONDS
from ivr.platform import redact

#: What an entry says was done, and how the console names it.
ACTIONS: dict[str, str] = {
    "login": "logged in",
    "login-failed": "failed to log in",
    "logout": "logged out",
    "publish": "published a revision",
    "submit": "asked for approval of a draft",
    "approve": "approved and published a revision",
    "reject": "turned down a draft",
    "withdraw": "withdrew a draft",
    "rollback": "rolled back",
    "operator-added": "added an operator",
    "operator-disabled": "disabled an operator",
    "operator-enabled": "enabled an operator",
    "operator-removed": "removed an operator",
    "password-changed": "changed a password",
    "recording-uploaded": "uploaded a recording",
    "recording-reviewed": "marked a recording reviewed",
}
#: Characters that reorder the text around them: Unicode's bidi marks, embeddings, overrides
#: and isolates. A row of the audit log writes each as its code ("[U+202E]"), so a name tried
#: at the login page ("\u202eecila", which a browser shows as "alice") cannot pass for another
#: operator's, on the page or in the CSV.
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
#: Longest actor and detail kept: a name box or message cannot fill the database.
MAX_ACTOR = 100
MAX_DETAIL = 2000


@dataclass(frozen=True)
class AuditEntry:
    at: float
    actor: str
    action: str
    detail: str

    @property
    def said(self) -> str:
        """The action in plain words, as the console shows it."""
        return ACTIONS.get(self.action, self.action)

    @property
    def when(self) -> str:
        """UTC, so every server and every operator reads the same time."""
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(self.at))


def record(engine: Engine, actor: str, action: str, detail: str = "", now: float | None = None) -> None:
    """Write one entry. ``action`` must be one of :data:`ACTIONS` (a typo is a bug, not a row)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}: add it to ivr.publishing.audit.ACTIONS")
    values = dict(
        at=time.time() if now is None else now,
        actor=redact(visible_controls(actor.strip()))[:MAX_ACTOR] or "(no name)",
        action=action,
        detail=redact(visible_controls(detail.strip()))[:MAX_DETAIL],
    )
    with engine.begin() as connection:
        connection.execute(insert(audit_log).values(**values))


def visible_controls(text: str) -> str:
    """``text`` with every bidi control written as its code point, e.g. ``[U+202E]``."""
    return "".join(f"[U+{ord(c):04X}]" if c in BIDI_CONTROLS else c for c in text)


def entries(engine: Engine, limit: int | None = 500, since: float | None = None) -> list[AuditEntry]:
    """The newest entries first; ``since`` (a time) leaves out older ones."""
    query = select(audit_log.c.at, audit_log.c.actor, audit_log.c.action, audit_log.c.detail)
    if since is not None:
        query = query.where(audit_log.c.at >= since)
    query = query.order_by(audit_log.c.at.desc(), audit_log.c.id.desc())
    if limit is not None:
        query = query.limit(limit)
    with engine.connect() as connection:
        return [AuditEntry(*row) for row in connection.execute(query)]


def entries_csv(rows: list[AuditEntry]) -> str:
    """The entries as CSV (UTC time, who, what, detail), for a spreadsheet or an auditor.
    A cell that a spreadsheet would run as a formula is quoted as text."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["when (UTC)", "who", "action", "what", "detail"])
    for row in rows:
        actor, detail = visible_controls(row.actor), visible_controls(row.detail)  # older rows too
        writer.writerow([row.when.removesuffix(" UTC"), _cell(actor), row.action, row.said, _cell(detail)])
    return out.getvalue()


def _cell(value: str) -> str:
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def older_than(cutoff: float) -> Delete:
    """The statement that removes entries from before ``cutoff`` (the statistics' writer runs
    it with its own hourly clean-up, so the line needs no scheduler of its own)."""
    return delete(audit_log).where(audit_log.c.at < cutoff)


def prune(engine: Engine, days: int, now: float | None = None) -> int:
    """Remove entries older than ``days``; returns how many went."""
    cutoff = (time.time() if now is None else now) - days * DAY_SECONDS
    with engine.begin() as connection:
        return connection.execute(older_than(cutoff)).rowcount
