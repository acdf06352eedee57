"""What the ``ivr`` command's exit codes mean, and the one place errors become them.

Scripts and CI read the exit code: 0 done (for ``check``: the flow may go live), 1 the flow
has errors or the command failed, 2 the file cannot be read (and click's own usage errors).
Commands raise these exceptions, or let the line's own errors through; :func:`translated`
turns the line's errors into messages for an operator, and click exits with the code.
"""

from __future__ import annotations

from typing import IO, Any

import click

from ivr.platform import ConfigError
from ivr.translations.commands import EXIT_UNREADABLE

EXIT_FAILED = 1


class FlowHasErrors(click.ClickException):
    """The flow has errors, so the line would not serve it. The message (if any) is shown
    as it is: what went before it already said what is wrong."""

    exit_code = EXIT_FAILED

    def show(self, file: IO[Any] | None = None) -> None:
        if self.message:
            click.echo(self.message, err=True)


class FlowUnreadable(FlowHasErrors):
    """The flow file cannot be read at all."""

    exit_code = EXIT_UNREADABLE


def translated(exc: Exception) -> click.ClickException | None:
    """The line's own errors whose message tells an operator what to do, as click errors
    (shown as "Error: ..." with exit code 1); ``None`` for anything else, a bug to show whole."""
    from ivr.console.accounts import AccountError  # only once something went wrong

    if isinstance(exc, (ConfigError, AccountError)):
        return click.ClickException(str(exc))
    return None
