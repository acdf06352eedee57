"""Operators' accounts for the console, and the anonymous call statistics: commands on the
line's database (``DATABASE_URL``, else ``IVR_DATABASE_FILE``)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ivr.platform import DEFAULTS, database_url_of

if TYPE_CHECKING:
    from ivr.database import Database


def _database() -> Database:
    """The line's database, opened only by the commands that need it."""
    from ivr.database import Database

    return Database(database_url_of(os.environ))


@click.group(help="Operators' accounts for the console (DATABASE_URL or IVR_DATABASE_FILE says where).")
def operator() -> None:
    pass


def _new_password() -> str:
    """Asked twice on a terminal; else two lines of stdin, the same both times."""
    if sys.stdin.isatty():
        return click.prompt(
            "Password (a passphrase of three or four unrelated words)", hide_input=True, confirmation_prompt=True
        )
    lines = sys.stdin.read().splitlines()
    if len(lines) < 2 or lines[0] != lines[1]:
        raise click.ClickException("give the password twice, on two lines, and the same both times")
    return lines[0]


def _actor() -> str:
    """Who the audit log says made a change from the command line: ``cli:<user>``."""
    import getpass

    try:
        user = getpass.getuser()
    except Exception:  # no user name in this environment (some containers)
        user = "unknown"
    return f"cli:{user}"


def _audit(action: str, detail: str) -> None:
    """The command goes in the audit log like the same change made in the console."""
    from ivr.publishing import record

    record(_database().engine, _actor(), action, detail)


def _account_change(change):  # type: ignore[no-untyped-def]
    from ivr.console.accounts import AccountError

    try:
        return change()
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None


@operator.command(
    "add",
    help="Add an operator; asks for the password twice (or reads two lines from stdin). --admin: the "
    "operator may add, disable and enable operators in the console (an existing one is made admin).",
)
@click.argument("name")
@click.option("--admin", is_flag=True, help="May add, disable and enable operators in the console.")
def operator_add(name: str, admin: bool) -> None:
    from ivr.console.accounts import add_operator
    from ivr.console.roster import make_admin, team

    engine = _database().engine
    if admin and any(o.name == name for o in team(engine)):
        _account_change(lambda: make_admin(engine, name))
        _audit("operator-added", f"{name} made admin")
        click.echo(f"operator {name!r} is now an admin")
        return
    password = _new_password()
    _account_change(lambda: add_operator(engine, name, password, admin=admin))
    _audit("operator-added", name + (" (admin)" if admin else ""))
    click.echo(f"operator {name!r} added" + (" as an admin" if admin else ""))


@operator.command("disable", help="Disable an operator: their sessions end at once, their password opens nothing.")
@click.argument("name")
def operator_disable(name: str) -> None:
    from ivr.console.roster import disable, what_was_withdrawn

    left = _account_change(lambda: disable(_database().engine, name, _actor()))
    click.echo(f"operator {name!r} disabled; their console sessions have ended")
    if what_was_withdrawn(left):
        click.echo(what_was_withdrawn(left))


@operator.command("enable", help="Let a disabled operator log in again.")
@click.argument("name")
def operator_enable(name: str) -> None:
    from ivr.console.roster import enable

    _account_change(lambda: enable(_database().engine, name))
    _audit("operator-enabled", name)
    click.echo(f"operator {name!r} can log in again")


@operator.command("password", help="Give an operator a new password (asked twice); it logs them out in every browser.")
@click.argument("name")
def operator_password(name: str) -> None:
    from ivr.console.accounts import set_password

    password = _new_password()
    _account_change(lambda: set_password(_database().engine, name, password))
    _audit("password-changed", name)
    click.echo(f"operator {name!r} has a new password; their console sessions have ended")


@operator.command("remove", help="Remove an operator; it logs them out in every browser at once.")
@click.argument("name")
def operator_remove(name: str) -> None:
    from ivr.console.accounts import remove_operator

    remove_operator(_database().engine, name)
    _audit("operator-removed", name)
    click.echo(f"operator {name!r} removed; their console sessions have ended")


@click.group(help="Anonymous call statistics.")
def stats() -> None:
    pass


@stats.command("export", help="Write the statistics' aggregates (no call-level data) as CSV.")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File (default: stdout).")
def stats_export(days: int, output: str | None) -> None:
    from ivr.stats.report import report_csv, summarise

    text = report_csv(summarise(_database().engine, days))
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


@stats.command(
    "speech",
    help="How often callers who spoke were understood, asked to confirm or asked again, per language "
    "(counts and shares of spoken answers; the words said are never stored).",
)
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650))
def stats_speech(days: int) -> None:
    from ivr.stats.report import summarise
    from ivr.stats.spoken import speech_table

    report = summarise(_database().engine, days)
    click.echo(f"Spoken answers, last {days} days:")
    click.echo(speech_table(report.spoken, report.spoken_in_all, report.answers_unknown), nl=False)


@stats.command("clean", help="Delete call events older than the retention period now.")
@click.option(
    "--days",
    envvar="IVR_RETENTION_DAYS",
    default=DEFAULTS["IVR_RETENTION_DAYS"],
    show_default=True,
    type=click.IntRange(1),
    help="Keep this many days (default: IVR_RETENTION_DAYS).",
)
def stats_clean(days: int) -> None:
    from ivr.stats.events import delete_old_events

    click.echo(f"deleted {delete_old_events(_database().engine, days)} events older than {days} days")


@click.group(help="The line's database (DATABASE_URL or IVR_DATABASE_FILE says where).")
def database() -> None:
    pass


@database.command(
    "upgrade",
    help="Bring the database's tables up to this version of the line now, keeping every row. "
    "Each server also does this itself at start; run it first to roll a new version out to a fleet.",
)
@click.option(
    "--schema-is",
    type=click.Choice(["0001", "0002"]),
    help="Only for a database made before the line recorded its schema (the line says when): "
    "0001 if it has no flow_revisions table, 0002 if it has. Back the database up first.",
)
def database_upgrade(schema_is: str | None) -> None:
    from alembic.runtime.migration import MigrationContext
    from sqlalchemy import create_engine

    from ivr.database import SchemaUnknown, driver_url, make_engine

    url = database_url_of(os.environ)
    before_engine = create_engine(driver_url(url))
    try:
        with before_engine.connect() as connection:
            before = MigrationContext.configure(connection).get_current_revision()
    except Exception as exc:  # noqa: BLE001 (say what is wrong, not a traceback)
        raise click.ClickException(f"cannot open the database: {type(exc).__name__}; check DATABASE_URL") from None
    finally:
        before_engine.dispose()
    try:
        engine = make_engine(url, schema_is)  # under the servers' own lock
    except SchemaUnknown as unknown:
        raise click.ClickException(str(unknown)) from None
    with engine.connect() as connection:
        after = MigrationContext.configure(connection).get_current_revision()
    engine.dispose()
    if before == after:
        click.echo(f"The database is up to date (schema {after}).")
    else:
        was = (
            f"schema {before}" if before else (f"schema {schema_is} (as you said)" if schema_is else "no schema (new)")
        )
        click.echo(f"The database was upgraded from {was} to schema {after}; every row was kept.")
