"""The team: who the operators are, who is an admin, and disabling an account.

An admin may add operators and disable or enable them from the console; the first admin is
made on the server (``ivr operator add NAME --admin``). Disabling keeps the account (and its
name in the history and the audit log) but ends its sessions on every server at once, and
its password opens nothing until it is enabled again. The last enabled admin cannot be
disabled: the team would have nobody left to manage it from the browser.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import Engine, delete, func, select, update

from ivr.console.accounts import AccountError
from ivr.db import console_sessions, operators


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


def disable(engine: Engine, name: str, now: float | None = None) -> None:
    """Disable an account and end its sessions in every browser, on every server."""
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
        connection.execute(
            update(operators).where(operators.c.name == name).values(disabled=time.time() if now is None else now)
        )
        connection.execute(delete(console_sessions).where(console_sessions.c.operator == name))


def enable(engine: Engine, name: str) -> None:
    with engine.begin() as connection:
        changed = connection.execute(
            update(operators).where(operators.c.name == name, operators.c.disabled.is_not(None)).values(disabled=None)
        )
    if not changed.rowcount:
        raise AccountError(f"there is no disabled operator called {name!r}")
