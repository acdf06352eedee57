"""Published revisions of the call flow: immutable rows in the line's database.

A revision is a whole flow text that passed every check, with who published it, when, why
(a message), the check's warnings and the version it replaced. The newest revision is what
every server on the database serves (:mod:`ivr.serve.store` polls for it). Nothing here
prints or exits: problems are raised as :class:`RevisionError`, whose message says what to
do, and the command line (:mod:`ivr.cli.revisions`) shows them.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, Engine, insert, select
from sqlalchemy import text as sql

from ivr.database import flow_revisions
from ivr.definition.allowed import UNSET, Allowed
from ivr.inspect.destinations import destination_changes
from ivr.loading import LoadResult, flow_version, load_flow_text
from ivr.publishing.rule import NumbersChange, RevisionError, ready_to_go_live, still_fits_live
from ivr.runtime import flow as rt


@dataclass(frozen=True)
class Revision:
    number: int
    version: str
    text: str
    author: str
    at: float
    message: str
    warnings: list[str]
    replaces: str | None
    approved_by: str | None = None  # the second operator, when approval was required

    @property
    def named(self) -> str:
        """What a person calls it, everywhere (the console, ``ivr`` commands, the audit log):
        its number, which orders revisions, then its version, which names the text."""
        return f"revision {self.number} (version {self.version})"


def _revision(row: object) -> Revision:
    m = row._mapping  # type: ignore[attr-defined]
    return Revision(
        m["id"], m["version"], m["text"], m["author"], m["at"], m["message"], json.loads(m["warnings"] or "[]"),
        m["replaces"], m["approved_by"],
    )  # fmt: skip


_NEWEST = select(flow_revisions).order_by(flow_revisions.c.id.desc()).limit(1)


def latest_head(engine: Engine) -> tuple[int, str] | None:
    """The newest revision's number and version: the cheap query each server polls."""
    query = select(flow_revisions.c.id, flow_revisions.c.version).order_by(flow_revisions.c.id.desc()).limit(1)
    with engine.connect() as connection:
        row = connection.execute(query).first()
    return None if row is None else (row.id, row.version)


def by_number(engine: Engine, number: int) -> Revision:
    with engine.connect() as connection:
        row = connection.execute(select(flow_revisions).where(flow_revisions.c.id == number)).first()
    if row is None:
        raise RevisionError(f"there is no revision number {number}")
    return _revision(row)


def latest(engine: Engine) -> Revision | None:
    with engine.connect() as connection:
        row = connection.execute(_NEWEST).first()
    return None if row is None else _revision(row)


#: The PostgreSQL advisory lock every publish holds until its transaction ends (any fixed number).
PUBLISH_LOCK = 0x1C5_9B11


def history(engine: Engine) -> list[Revision]:
    """Every revision, newest first."""
    with engine.connect() as connection:
        rows = connection.execute(select(flow_revisions).order_by(flow_revisions.c.id.desc())).all()
    return [_revision(row) for row in rows]


#: More digits than any revision number has (a database integer holds 18): not a number.
MAX_NUMBER_DIGITS = 18


def find(engine: Engine, name: str) -> Revision:
    """The revision ``name`` names: its number (``12``, or ``revision 12``), the name the
    console and ``ivr history`` give it; or, as before numbers were shown, its version or
    the start of one (the newest revision with that text). The two cannot be confused: a
    version is written in letters only."""
    wanted = name.strip().lower()
    number = wanted.removeprefix("revision").strip()
    if number.isdecimal() and len(number) <= MAX_NUMBER_DIGITS:
        try:
            return by_number(engine, int(number))
        except RevisionError:
            raise RevisionError(f"there is no revision {int(number)}: 'ivr history' lists them") from None
    if not wanted:
        raise RevisionError("give a revision number: 'ivr history' lists them")
    matches = [r for r in history(engine) if r.version.startswith(wanted)]
    if not matches:
        raise RevisionError(f"no revision has number or version {name!r}: 'ivr history' lists them")
    if len({r.version for r in matches}) > 1:
        raise RevisionError(f"{name!r} matches several versions: give the revision number ('ivr history' lists them)")
    return matches[0]


def publish(
    engine: Engine,
    text: str,
    base: Path,
    author: str,
    message: str,
    now: float | None = None,
    *,
    approved_by: str | None = None,
    checked: LoadResult | None = None,
    live: rt.Flow | None = None,
    may_change_numbers: bool = False,
    allowed: Allowed = UNSET,
    started_from: str | None = None,
) -> Revision:
    """Store ``text`` (media paths relative to ``base``, the flow file's folder) as the newest
    revision, when it meets the publish rule (:mod:`ivr.publishing.rule`), its second half
    read under the publishing lock. Refused, with nothing stored, when it does not, or when
    ``author`` is empty.

    ``checked``, ``allowed`` and ``started_from``: as for the rule. ``started_from`` None: a
    rollback, or a file published from the command line, meant to replace whatever is live.

    Refused with :class:`NumbersChange` when the text changes a number callers are connected
    to (:func:`destination_changes`) against the newest revision, read under the publishing
    lock, unless ``may_change_numbers``. ``live``: the flow this server serves (the
    console's), used for that when it is the newest revision, so nothing is loaded again."""
    if not author.strip():
        raise RevisionError("say who is publishing with --as NAME")
    result = ready_to_go_live(text, message, base, checked, allowed)
    assert result.flow is not None  # ready_to_go_live refuses a text with errors
    version = flow_version(text)
    with publishing(engine) as connection:
        row = connection.execute(_NEWEST).first()
        newest = None if row is None else _revision(row)
        still_fits_live(text, newest, started_from)
        if not may_change_numbers:
            changes = destination_changes(_live_flow(newest, live, base, allowed), result.flow)
            if changes:
                raise NumbersChange(changes)
        values = dict(
            version=version,
            text=text,
            author=author.strip(),
            at=time.time() if now is None else now,
            message=message.strip(),
            warnings=json.dumps([p.format("flow") for p in result.warnings]),
            replaces=None if newest is None else newest.version,
            approved_by=approved_by,
        )
        number = connection.execute(insert(flow_revisions).values(**values)).inserted_primary_key[0]  # type: ignore[index]
    return by_number(engine, number)


def _live_flow(newest: Revision | None, served: rt.Flow | None, base: Path, allowed: Allowed) -> rt.Flow | None:
    """The flow callers are served: the newest revision's (``served`` when this server has
    taken it already), else, with nothing published yet, the one this server serves. A live
    revision that cannot be checked here refuses the publish: its numbers could not be compared."""
    if newest is None or (served is not None and served.version == newest.version):
        return served
    flow = load_flow_text(newest.text, base, allowed=allowed).flow  # published a moment ago
    if flow is None:
        raise RevisionError(
            f"the live revision (version {newest.version}) cannot be checked on this server, so the numbers your "
            "text connects callers to cannot be compared with it: check IVR_MEDIA_HOSTS and IVR_DESTINATIONS here"
        )
    return flow


@contextmanager
def publishing(engine: Engine) -> Iterator[Connection]:
    """A transaction that publishes alone: whoever holds it reads the live revision and
    writes the next one before anyone else may read it, on every server sharing the
    database. Without it, four operators rolling back at once each read the same live
    revision and wrote four revisions naming it as their predecessor.

    PostgreSQL: an advisory lock held until the transaction ends. SQLite: ``BEGIN
    IMMEDIATE``, which takes the file's write lock before the first read (Python's sqlite3
    would otherwise begin only at the first write, after the read that must be protected);
    the next publisher waits for it (``busy_timeout``, 5 s)."""
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.begin()
            connection.execute(sql("SELECT pg_advisory_xact_lock(:key)"), {"key": PUBLISH_LOCK})
        try:
            yield connection
        except BaseException:
            connection.rollback()
            raise
        connection.commit()


def rollback(
    engine: Engine, version: str, base: Path, author: str, message: str, *, may_change_numbers: bool = False
) -> Revision:
    """Publish an old revision's text again, as a new revision (history is never rewritten)."""
    return publish(engine, find(engine, version).text, base, author, message, may_change_numbers=may_change_numbers)


def diff(engine: Engine, a: str, b: str | None = None) -> str:
    """The unified diff from revision ``a`` to revision ``b`` (default: the live one), each
    named as :func:`find` takes it."""
    old = find(engine, a)
    new = find(engine, b) if b is not None else latest(engine)
    if new is None:
        raise RevisionError("nothing has been published yet")
    lines = difflib.unified_diff(
        old.text.splitlines(keepends=True),
        new.text.splitlines(keepends=True),
        old.named,
        new.named,
    )
    return "".join(line if line.endswith("\n") else line + "\n" for line in lines)
