"""The team: who the operators are, who is an admin, and disabling an account.

An admin may add operators and disable or enable them from the console; the first admin is
made on the server (``ivr operator add NAME --admin``). Disabling keeps the account (and its
name in the history and the audit log) but ends its sessions on every server at once, and
its password opens nothing until it is enabled again. Its drafts waiting for approval are
withdrawn and its own draft deleted: nobody can put live the work of an account the team has
stopped trusting (and :func:`ivr.publishing.drafts.approve` refuses a disabled author's draft besides).
The last enabled admin cannot be disabled: the team would have nobody left to manage it from
the browser.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update

from ivr.console.accounts import AccountError
from ivr.database import console_sessions, operators
from ivr.publishing import LeftBehind, record, withdraw_all_of


@dataclass(frozen=True)
class Operator:
    name: str
    admin: bool
    created: float
    disabled: float | None  # when it was disabled; None: it may log in


def team(engine: Engine) -> list[Operator]:
    with engine.connect() as connection:
        rows = connection.execute(
            select(operators.c.name, operators.c.admin, operators.c.created, operators.c.disabled).order_by(
                operators.c.name
            )
        ).all()
    return [Operator(r.name, bool(r.admin), r.created, r.disabled) for r in rows]


def is_admin(engine: Engine, name: str) -> bool:
    with engine.connect() as connection:
        row = connection.execute(
            select(operators.c.admin).where(operators.c.name == name, operators.c.disabled.is_(None))
        ).first()
    return bool(row and row.admin)


def make_admin(engine: Engine, name: str) -> None:
    with engine.begin() as connection:
        if not connection.execute(update(operators).where(operators.c.name == name).values(admin=True)).rowcount:
            raise AccountError(f"there is no operator called {name!r}")


def disable(engine: Engine, name: str, by: str, now: float | None = None) -> LeftBehind:
    """Disable an account and end its sessions in every browser, on every server; withdraw its
    drafts waiting for approval (decided ``by`` the admin) and delete its own draft, in the
    same transaction, and write it all to the audit log."""
    now = time.time() if now is None else now
    with engine.begin() as connection:
        row = connection.execute(
            select(operators.c.admin, operators.c.disabled).where(operators.c.name == name)
        ).first()
        if row is None:
            raise AccountError(f"there is no operator called {name!r}")
        if row.disabled is not None:
            raise AccountError(f"{name} is already disabled")
        if row.admin:
            admins = connection.execute(
                select(func.count()).where(operators.c.admin.is_(True), operators.c.disabled.is_(None))
            ).scalar_one()
            if admins <= 1:
                raise AccountError(f"{name} is the last admin who can log in: make another admin first")
        connection.execute(update(operators).where(operators.c.name == name).values(disabled=now))
        connection.execute(delete(console_sessions).where(console_sessions.c.operator == name))
        left = withdraw_all_of(connection, name, by, now)
    record(engine, by, "operator-disabled", name + ("; their unsaved draft was deleted" if left.draft else ""), now)
    for number in left.proposals:
        record(engine, by, "withdraw", f"draft {number} by {name}: its author was disabled", now)
    return left


def what_was_withdrawn(left: LeftBehind) -> str:
    """The sentence that tells the admin what went with the account ("" for nothing)."""
    said = []
    if left.proposals:
        many = len(left.proposals) > 1
        numbers = ", ".join(str(n) for n in left.proposals)
        said.append(
            f"their draft{'s' if many else ''} waiting for approval (number{'s' if many else ''} {numbers}) "
            f"{'were' if many else 'was'} withdrawn"
        )
    if left.draft:
        said.append("their unsaved draft was deleted")
    sentence = " and ".join(said)
    return sentence[:1].upper() + sentence[1:] + "." if said else ""


def enable(engine: Engine, name: str) -> None:
    with engine.begin() as connection:
        changed = connection.execute(
            update(operators).where(operators.c.name == name, operators.c.disabled.is_not(None)).values(disabled=None)
        )
    if not changed.rowcount:
        raise AccountError(f"there is no disabled operator called {name!r}")
