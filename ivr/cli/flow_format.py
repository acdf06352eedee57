"""``ivr flow upgrade FILE``, and the note ``ivr check`` adds about a file in an older format.

The line reads a file in an older flow format as the current one (README, "Flow format
versions"), so an older file is not a problem: it goes live as it always did. ``ivr check``
says so in a note, outside the list of problems, with the command that brings the file up
to date; the upgrade itself is :mod:`ivr.translations.upgrading`.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from ivr.definition import formats
from ivr.definition.formats import CURRENT_FORMAT
from ivr.translations.flow_text import FlowNotReadable, read_text, write_atomically
from ivr.translations.upgrading import CannotEdit, upgraded


def older_format_note(file: str, written_in: int, command: str = "ivr") -> str | None:
    """What ``ivr check`` says about a file in an older format; ``None`` for a current one."""
    return formats.older_format_note(written_in, f"run: {command} flow upgrade {shlex.quote(file)}")


@click.group(help="Commands about the flow file's format.")
def flow() -> None:
    pass


@flow.command(help="Rewrite FILE in the current flow format, in place, keeping its comments and order.")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
def upgrade(file: Path) -> None:
    try:
        before = read_text(file)
        result = upgraded(before, str(file))
        if not result.changes:
            click.echo(f"{file} is in flow format {CURRENT_FORMAT} already, the newest this line reads: nothing to do")
            return
        write_atomically(file, result.text, before)
    except (FlowNotReadable, CannotEdit) as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"{file}: upgraded from flow format {result.written_in} to {CURRENT_FORMAT}, its comments and order kept:"
    )
    for change in result.changes:
        click.echo(f"  - {change}")
    click.echo(f"Check it before it goes live: ivr check {shlex.quote(str(file))}")
