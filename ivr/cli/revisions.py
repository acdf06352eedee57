"""Publishing the call flow as revisions in the line's database, and looking back at them.

Every server on the database serves the newest revision within a few seconds of
``ivr publish``. Commands use the same database as ``ivr operator`` (``DATABASE_URL``, else
``IVR_DATABASE_FILE``); rollbacks check media paths against the flow file's folder
(``IVR_FLOW_FILE``). Each text is checked as the line checks it, with its
``IVR_MEDIA_HOSTS``.

A revision is named by its number everywhere, as the console names it ("revision 12"); its
version (the hash of its text) is shown beside it, and still names it where a command takes
a revision, for scripts written before the numbers were shown.
"""

from __future__ import annotations

import getpass
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click
from sqlalchemy import Engine

from ivr.cli.errors import FlowHasErrors, FlowUnreadable
from ivr.cli.flow_file import allowed
from ivr.database import Database
from ivr.loading import load_flow_text
from ivr.platform import DEFAULTS, database_url_of
from ivr.publishing import NumbersChange, Revision, RevisionError, diff, find, history, publish, record

T = TypeVar("T")

_MESSAGE = click.option("-m", "--message", required=True, help="Why: what changed and why (required).")
_AUTHOR = click.option("--as", "author", default=None, help="Who is publishing (default: your user name).")
_NUMBERS = click.option(
    "--change-numbers",
    is_flag=True,
    help="Allow a change to the numbers callers are connected to (say so only once a second person has checked it).",
)


def _engine() -> Engine:
    return Database(database_url_of(os.environ)).engine


def _author(given: str | None) -> str:
    if given:
        return given
    try:
        return getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        raise click.ClickException("say who is publishing with --as NAME") from None


def _flow_folder() -> Path:
    return Path(os.environ.get("IVR_FLOW_FILE") or DEFAULTS["IVR_FLOW_FILE"]).resolve().parent


def _published(
    action: str, engine: Engine, run: Callable[[], Revision], rolled_back_to: Revision | None = None
) -> None:
    """Run a publish (of ``rolled_back_to``'s text, for a rollback); a refusal shows the
    check's problems and what to do. What was published goes in the audit log, marked as
    done from the command line."""
    try:
        revision = run()
    except NumbersChange as exc:
        for change in exc.changes:
            click.echo(change, err=True)
        raise FlowHasErrors(
            "Error: not published: it changes the numbers callers are connected to. Have a second person check "
            "each number against its official source, then publish again with --change-numbers."
        ) from None
    except RevisionError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        raise FlowHasErrors(f"Error: {exc}") from None
    named = revision.named
    if rolled_back_to is not None:
        named = f"revision {rolled_back_to.number}: published again as {named}"
    detail = f"{named}, from the command line: {revision.message}"
    record(engine, revision.author, "rollback" if rolled_back_to is not None else "publish", detail)
    replacing = f", replacing revision {find(engine, revision.replaces).number}" if revision.replaces else ""
    click.echo(
        f"{action} {named}{replacing}, {len(revision.warnings)} warning(s); every server serves it within a few seconds"
    )


@click.command("publish", help="Check FILE and publish it as the live flow (a new revision).")
@click.argument("file", type=click.Path(dir_okay=False))
@_MESSAGE
@_AUTHOR
@_NUMBERS
def publish_command(file: str, message: str, author: str | None, change_numbers: bool) -> None:
    path = Path(file)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowUnreadable(f"Error: {file}: cannot be read ({exc}); give the path of a flow file") from None
    who, engine, folder = _author(author), _engine(), path.resolve().parent
    rules = allowed()
    checked = load_flow_text(text, folder, allowed=rules)
    _published(
        "published",
        engine,
        lambda: publish(
            engine, text, folder, who, message, checked=checked, allowed=rules, may_change_numbers=change_numbers
        ),
    )


@click.command("rollback", help="Publish an old revision's text again, as a new revision.")
@click.argument("revision")
@_MESSAGE
@_AUTHOR
@_NUMBERS
def rollback_command(revision: str, message: str, author: str | None, change_numbers: bool) -> None:
    who, engine, folder = _author(author), _engine(), _flow_folder()
    old = _found(lambda: find(engine, revision))

    def run() -> Revision:
        # What ivr.publishing.revisions.rollback does, with the text checked against the line's media hosts.
        rules = allowed()
        checked = load_flow_text(old.text, folder, allowed=rules)
        return publish(
            engine, old.text, folder, who, message, checked=checked, allowed=rules, may_change_numbers=change_numbers
        )

    _published("rolled back to", engine, run, rolled_back_to=old)


@click.command("history", help="List the published revisions, newest first.")
def history_command() -> None:
    revisions = history(_engine())
    if not revisions:
        click.echo("nothing published yet: the line serves its flow file ('ivr publish FILE -m ...' publishes one)")
        return
    click.echo(f"{'revision':<8}  {'published':<23}  {'version':<10}  by, and why")
    for revision in revisions:
        when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(revision.at))
        approved = f" (approved by {revision.approved_by})" if revision.approved_by else ""
        click.echo(f"{revision.number:<8}  {when}  {revision.version}  {revision.author}{approved}  {revision.message}")


@click.command("show", help="Print the text of REVISION (its number; or its version, or the start of it).")
@click.argument("revision")
def show_command(revision: str) -> None:
    click.echo(_found(lambda: find(_engine(), revision).text), nl=False)


@click.command("diff", help="Show what changed from revision A to revision B (default: the live one), by number.")
@click.argument("a")
@click.argument("b", required=False)
def diff_command(a: str, b: str | None) -> None:
    click.echo(_found(lambda: diff(_engine(), a, b)) or "no differences\n", nl=False)


def _found(run: Callable[[], T]) -> T:
    try:
        return run()
    except RevisionError as exc:
        raise click.ClickException(str(exc)) from None
