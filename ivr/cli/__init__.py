"""The ``ivr`` command for operators: check a flow, try it without a phone, run the line.

Only this package turns problems into output and exit codes; everything below it returns
data or raises. Each module holds one group of commands; :mod:`ivr.cli.errors` says what
the exit codes mean and turns the line's own errors into them, for every command at once.
"""

from __future__ import annotations

from typing import Any

import click

from ivr.cli.admin import database, operator, stats
from ivr.cli.alerting import alert
from ivr.cli.calling import call, simulate
from ivr.cli.errors import translated
from ivr.cli.flow_file import check, fallback_twiml, graph, schema
from ivr.cli.flow_format import flow
from ivr.cli.revisions import diff_command, history_command, publish_command, rollback_command, show_command
from ivr.cli.serving import serve
from ivr.cli.starting import init
from ivr.cli.understanding import understand
from ivr.translations.commands import translations

__all__ = ["main"]


class _Commands(click.Group):
    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException:
            raise
        except Exception as exc:
            error = translated(exc)
            if error is None:
                raise
            raise error from None


@click.group(cls=_Commands, help="Operators' tools for the helpline's call flow.")
def main() -> None:
    pass


for command in (
    init,
    check,
    graph,
    fallback_twiml,
    schema,
    flow,
    call,
    simulate,
    understand,
    operator,
    database,
    stats,
    alert,
    serve,
    translations,
    publish_command,
    history_command,
    show_command,
    rollback_command,
    diff_command,
):
    main.add_command(command)
