"""Who may use the console: operators' accounts, their sessions, and the brake on guessing
(what makes a password good enough is :mod:`ivr.console.passwords`).

Everything is in the database, so every server of the line agrees at once: a logout, a
removed account or a new password ends that operator's sessions on all of them, and a
failed login counts wherever it was tried.

Failed logins are counted per address and per name. A name's count takes tries from every
address, so spreading guesses over many addresses gains nothing. So that nobody can lock an
operator out by guessing wrong on purpose, a name's lock does not apply from an address where
that operator has logged in before (the address's own count still does): the operator gets in
from where they work, and a stranger at a new address stays locked out. When the address
cannot be known (``None``: a proxy's, shared by everyone, see :mod:`ivr.console.proxies`),
only the name is counted, and its lock applies to every try.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import secrets
import time
import unicodedata
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from werkzeug.security import check_password_hash, generate_password_hash

from ivr.console.passwords import password_weakness
from ivr.database import console_sessions, known_addresses, login_failures, operators
from ivr.definition.limits import DAY_SECONDS
from ivr.publishing import BIDI_CONTROLS

#: A session ends this long after its login, however much it is used.
SESSION_SECONDS = 8 * 3600
#: Failed logins: after FREE_FAILURES, each try must wait longer (doubling from DELAY_STEP s);
#: after LOCK_FAILURES in the window, the name or address is refused for the whole window.
FAILURE_WINDOW = 15 * 60
FREE_FAILURES = 3
DELAY_STEP = 5
LOCK_FAILURES = 10
#: An address an operator logged in from passes that operator's name lock for this long.
KNOWN_ADDRESS_SECONDS = 90 * DAY_SECONDS


class AccountError(ValueError):
    """An account cannot be made, changed or removed; the message says why."""


# -- accounts ---------------------------------------------------------------------------------
def _password_hash(password: str, name: str) -> str:
    weakness = password_weakness(password, name)
    if weakness:
        raise AccountError(weakness)
    return generate_password_hash(password)


def add_operator(engine: Engine, name: str, password: str, admin: bool = False) -> None:
    name = name.strip()
    if not name or len(name) > 80:
        raise AccountError("an operator's name must be 1 to 80 characters")
    if any(c in BIDI_CONTROLS or unicodedata.category(c) == "Cc" for c in name):
        raise AccountError(
            "an operator's name may not hold invisible characters (such as ones that turn text right to left): "
            "type it again with letters, digits and spaces only"
        )
    password_hash = _password_hash(password, name)
    with engine.begin() as connection:
        if connection.execute(select(operators.c.name).where(operators.c.name == name)).first():
            raise AccountError(f"there is already an operator called {name!r}")
        connection.execute(
            insert(operators).values(name=name, password_hash=password_hash, created=time.time(), admin=admin)
        )


def set_password(engine: Engine, name: str, password: str) -> None:
    """A new password ends every session of the operator: whoever had the old one is out."""
    password_hash = _password_hash(password, name)
    with engine.begin() as connection:
        changed = connection.execute(
            update(operators).where(operators.c.name == name).values(password_hash=password_hash)
        )
        if not changed.rowcount:
            raise AccountError(f"there is no operator called {name!r}")
        connection.execute(delete(console_sessions).where(console_sessions.c.operator == name))


def remove_operator(engine: Engine, name: str) -> None:
    """The account, its sessions and its known addresses go together: the next request from
    any of its browsers, on any server, gets the login page."""
    with engine.begin() as connection:
        if not connection.execute(delete(operators).where(operators.c.name == name)).rowcount:
            raise AccountError(f"there is no operator called {name!r}")
        connection.execute(delete(console_sessions).where(console_sessions.c.operator == name))
        connection.execute(delete(known_addresses).where(known_addresses.c.operator == name))


def password_matches(engine: Engine, name: str, password: str) -> bool:
    """A disabled operator's password matches nothing, and the answer takes the same time
    whether the name exists, is disabled or not: the login page tells a guesser nothing."""
    with engine.connect() as connection:
        row = connection.execute(
            select(operators.c.password_hash, operators.c.disabled).where(operators.c.name == name)
        ).first()
    if row is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return check_password_hash(row.password_hash, password) and row.disabled is None


@cache
def _dummy_hash() -> str:
    return generate_password_hash("not a password of anyone's")


# -- sessions ---------------------------------------------------------------------------------
def _digest(session_id: str) -> str:
    """Sessions are stored by a hash of their id: a copy of the database opens no console."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def operator_of(engine: Engine, session_id: object, now: float) -> str | None:
    """The operator whose live session this is, if that operator still exists and is not
    disabled; else None."""
    if not isinstance(session_id, str) or not session_id:
        return None
    with engine.connect() as connection:
        return connection.execute(
            select(console_sessions.c.operator)
            .join(operators, operators.c.name == console_sessions.c.operator)
            .where(
                console_sessions.c.id == _digest(session_id),
                console_sessions.c.expires > now,
                operators.c.disabled.is_(None),
            )
        ).scalar()


def end_sessions(engine: Engine, name: str) -> None:
    """Log the operator out everywhere: every browser, every server."""
    with engine.begin() as connection:
        connection.execute(delete(console_sessions).where(console_sessions.c.operator == name))


# -- failed logins ----------------------------------------------------------------------------
@dataclass(frozen=True)
class LoginAttempt:
    """A try at logging in: either it must wait, or it is already counted as a failure
    (``reserved``, the rows to take back if the password turns out right)."""

    wait: int
    reserved: tuple[int, ...] = ()


def address_of(remote_addr: str | None) -> str:
    """The address tries are counted under. An IPv6 address counts by its /64 network, which
    one home or one server usually has whole, so hopping within it gains nothing."""
    try:
        ip = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return (remote_addr or "unknown")[:64]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def reserve_login(engine: Engine, name: str, address: str | None, now: float) -> LoginAttempt:
    """Count this try as a failure *before* its password is checked, or say how long it must
    wait. Concurrent tries take this one after another, so forty tries at once get
    FREE_FAILURES password checks, not forty. When the database cannot record the try this
    raises (SQLAlchemyError), and the login must be refused: an unrecorded try is unthrottled."""
    name_key = f"name:{name.lower()}"
    address_keys = [] if address is None else [f"address:{address}"]
    with engine.begin() as connection:
        _one_at_a_time(connection, now)
        known = (
            address is not None
            and connection.execute(
                select(known_addresses.c.last).where(
                    known_addresses.c.operator == name,
                    known_addresses.c.address == address,
                    known_addresses.c.last > now - KNOWN_ADDRESS_SECONDS,
                )
            ).first()
        )
        wait = _wait(connection, address_keys if known else [*address_keys, name_key], now)
        if wait:
            return LoginAttempt(wait)
        reserved = tuple(
            connection.execute(insert(login_failures).values(key=key, at=now)).inserted_primary_key[0]
            for key in (*address_keys, name_key)
        )
    return LoginAttempt(0, reserved)


def _one_at_a_time(connection: Connection, now: float) -> None:
    """Make concurrent tries wait for each other. PostgreSQL: a lock on the failures' table
    (plain reads still pass). SQLite: the transaction's first statement writes, which takes
    the database's single write lock, so the counts read next are the latest."""
    if connection.dialect.name == "postgresql":
        connection.execute(text("LOCK TABLE login_failures IN SHARE ROW EXCLUSIVE MODE"))
    connection.execute(delete(login_failures).where(login_failures.c.at < now - FAILURE_WINDOW))


def _wait(connection: Connection, keys: list[str], now: float) -> int:
    """Seconds the next try must still wait for these names and addresses (0: it may try)."""
    rows = connection.execute(
        select(login_failures.c.key, func.count(), func.max(login_failures.c.at))
        .where(login_failures.c.key.in_(keys), login_failures.c.at > now - FAILURE_WINDOW)
        .group_by(login_failures.c.key)
    ).all()
    wait = 0
    for _key, count, last in rows:
        if count >= LOCK_FAILURES:
            wait = max(wait, math.ceil(last + FAILURE_WINDOW - now))
        elif count >= FREE_FAILURES:
            wait = max(wait, math.ceil(last + DELAY_STEP * 2 ** (count - FREE_FAILURES) - now))
    return max(wait, 0)


def complete_login(engine: Engine, name: str, address: str | None, attempt: LoginAttempt, now: float) -> str:
    """The password was right: the try is no failure after all, the address (when known)
    becomes known for this operator, and a session starts that ends SESSION_SECONDS from now.
    Returns its id."""
    session_id = secrets.token_urlsafe(32)
    with engine.begin() as connection:
        connection.execute(delete(login_failures).where(login_failures.c.id.in_(attempt.reserved)))
        connection.execute(
            delete(known_addresses).where(
                (known_addresses.c.last < now - KNOWN_ADDRESS_SECONDS)
                | ((known_addresses.c.operator == name) & (known_addresses.c.address == address))
            )
        )
        if address is not None:
            connection.execute(insert(known_addresses).values(operator=name, address=address, last=now))
        connection.execute(delete(console_sessions).where(console_sessions.c.expires <= now))
        connection.execute(
            insert(console_sessions).values(
                id=_digest(session_id), operator=name, created=now, expires=now + SESSION_SECONDS
            )
        )
    return session_id
