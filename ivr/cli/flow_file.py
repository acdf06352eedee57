"""Commands about a flow file: check it, explain its problems, draw it, and print the
TwiML for Twilio's fallback. Each reads the file named on the command line, else
``IVR_FLOW_FILE``, else call_flows.yaml, and checks it as the line would, with the line's
``IVR_MEDIA_HOSTS`` and ``IVR_DESTINATIONS`` from the environment."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from collections import Counter
from pathlib import Path

import click

from ivr.cli.check_output import FORMATS, as_github, as_json
from ivr.cli.errors import FlowHasErrors, FlowUnreadable
from ivr.cli.explain import UnknownCode, explain
from ivr.cli.flow_format import older_format_note
from ivr.definition.allowed import Allowed
from ivr.loading import LoadResult, load_flow_file
from ivr.platform import destinations_of, media_hosts_of
from ivr.runtime import flow as rt

DEFAULT_FLOW = "call_flows.yaml"
GRAPH_FORMATS = ("svg", "png", "dot", "mermaid")


def allowed() -> Allowed:
    """What the line's settings allow a flow (``IVR_MEDIA_HOSTS``, ``IVR_DESTINATIONS``), as
    the server reads them: a command checks a flow as the line itself would."""
    return Allowed.of(media_hosts_of(os.environ), destinations_of(os.environ))


def flow_file_argument():  # type: ignore[no-untyped-def]
    """The FILE argument every flow command takes."""
    return click.argument("file", envvar="IVR_FLOW_FILE", default=DEFAULT_FLOW, type=click.Path())


@click.command(help="Check a flow file. Exit 0: it may go live; 1: it has errors; 2: it cannot be read.")
@flow_file_argument()
@click.option("--explain", "code", metavar="CODE", default=None, help="Say what a problem code means, with an example.")
@click.option(
    "--summary",
    is_flag=True,
    help="Errors in full, but the warnings as one line that counts them by code and says how to see them "
    "(and no list of languages). For scripts that check before they start the line.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(FORMATS),
    default="text",
    show_default=True,
    help="text for people; json (a list of problems) for scripts; github for annotations on a pull request. "
    "The exit code is the same for all three.",
)
def check(file: str, code: str | None, summary: bool, output_format: str) -> None:
    if code is not None:
        try:
            click.echo(explain(code))
        except UnknownCode as exc:
            raise click.BadParameter(str(exc), param_hint="--explain") from None
        return
    if summary and output_format != "text":
        raise click.BadParameter(
            "--summary shortens the text for people; json and github list every problem: leave out --summary",
            param_hint="--summary",
        )
    result = load_flow_file(file, allowed=allowed())
    if output_format != "text":
        _for_programs(file, result, output_format)
        return
    for problem in result.problems:
        if summary and not problem.is_error:
            continue
        text = problem.format(file, with_code=True)
        head, _, hint = text.partition("\n")
        colour = "red" if problem.is_error else "yellow"
        click.echo(click.style(head, fg=colour) if sys.stdout.isatty() else head)
        if hint:
            click.echo(hint)
    if not result.readable:
        raise FlowUnreadable(f"{file}: cannot be read")
    note = older_format_note(file, result.format, this_command())
    if note:
        click.echo(f"{file}: note: {note}")
    if not summary:
        _say_languages(result)
    version = f" (version {result.version})" if result.version else ""
    shown = result.errors if summary else result.problems
    explained = " ('ivr check --explain CODE' says what a [code] means)" if shown else ""
    errors, warnings = len(result.errors), len(result.warnings)
    folded = f"; {_folded_warnings(result, file)}" if summary and warnings else ""
    if errors:
        counted = f"{errors} error(s)" if summary else f"{errors} error(s), {warnings} warning(s)"
        click.echo(
            f"{file}{version}: {counted}: it will NOT go live; "
            f"the line keeps serving the last good flow{explained}{folded}"
        )
        raise FlowHasErrors("")
    if summary:
        click.echo(f"{file}{version}: no errors, it may go live{folded or '; no warnings'}")
        return
    click.echo(f"{file}{version}: no errors, {warnings} warning(s): it may go live{explained}")


def _for_programs(file: str, result: LoadResult, output_format: str) -> None:
    """Every problem for a program to read, and nothing else on standard output; the exit
    code as for people: 0 it may go live, 1 it has errors, 2 it cannot be read."""
    note = older_format_note(file, result.format)
    notes = [note] if note else []
    written = (as_json if output_format == "json" else as_github)(file, result.problems, notes)
    if written:
        click.echo(written)
    if not result.readable:
        raise FlowUnreadable("")
    if result.errors:
        raise FlowHasErrors("")


def _folded_warnings(result: LoadResult, file: str) -> str:
    """The warnings as one clause: how many of each code (most first), and the command that
    lists them, so a script's first screen stays short and the details stay one step away."""
    kinds = Counter(problem.code for problem in result.warnings)
    counted = ", ".join(f"{count} {kind}" for kind, count in kinds.most_common())
    total = len(result.warnings)
    plural = "s" if total > 1 else ""
    return f"{total} warning{plural} ({counted}): see them with {this_command()} check {shlex.quote(file)}"


def this_command(argv0: str | None = None, cwd: Path | None = None) -> str:
    """How the operator can run ``ivr`` again, from here: ``.venv/bin/ivr`` when it lives
    under the current folder (as scripts/run-local installs it), ``ivr`` when that is what
    the shell finds, else its whole path. A pointer to "the details" must work when pasted."""
    program = Path(argv0 if argv0 is not None else sys.argv[0])
    here = (cwd or Path.cwd()).resolve()
    absolute = program if program.is_absolute() else here / program
    found = shutil.which(program.name)
    if found and Path(found).resolve() == absolute.resolve():
        return program.name
    if absolute.is_relative_to(here):
        return shlex.quote(str(absolute.relative_to(here)))
    return shlex.quote(str(absolute))


def _review_mark(language: rt.Language) -> str:
    done, total = language.review
    if total == 0:
        return "the source language"
    return "reviewed" if done == total else f"{done} of {total} texts reviewed"


def _say_languages(result: LoadResult) -> None:
    if result.flow is None or len(result.flow.languages) <= 1:
        return
    marks = ", ".join(f"{code} {lang.name} ({_review_mark(lang)})" for code, lang in result.flow.languages.items())
    waiting = [code for code, lang in result.flow.languages.items() if not lang.ready]
    recorded = "" if not waiting else (
        f" {', '.join(waiting)}: no voice, and not every text recorded yet: callers who choose "
        f"{'it' if len(waiting) == 1 else 'them'} are put straight through to the helpline."
    )  # fmt: skip
    click.echo(
        f"languages: {marks}. Every text is in every language that has a voice; only the language menu "
        f"itself is said in {result.flow.language}, the line's first language.{recorded}"
    )


@click.command(help="Draw the flow: SVG or PNG through Graphviz, or Mermaid text for a Markdown page.")
@flow_file_argument()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False),
    default=None,
    help="File to write; its extension picks the format (default: Mermaid on stdout).",
)
@click.option("--format", "fmt", type=click.Choice(GRAPH_FORMATS), default=None, help="Overrides the extension.")
def graph(file: str, output: str | None, fmt: str | None) -> None:
    from ivr.tools.picture import to_graphviz, to_mermaid

    result = load_flow_file(file, allowed=allowed())
    if result.flow is None:
        raise click.ClickException(f"{file} has errors, so it cannot be drawn; run 'ivr check {file}'")
    if fmt is None:
        suffix = Path(output).suffix.lstrip(".").lower() if output else ""
        fmt = {"md": "mermaid", "mmd": "mermaid", "gv": "dot"}.get(suffix, suffix) or "mermaid"
        if fmt not in GRAPH_FORMATS:
            raise click.ClickException(
                f"cannot tell the format from {output!r}: use --format {'/'.join(GRAPH_FORMATS)}"
            )
    if fmt == "mermaid":
        data: bytes = to_mermaid(result.flow).encode()
    elif fmt == "dot":
        data = to_graphviz(result.flow).source.encode()
    else:
        import graphviz

        try:
            data = to_graphviz(result.flow).pipe(format=fmt)
        except graphviz.ExecutableNotFound:
            raise click.ClickException(
                "Graphviz's 'dot' program is not installed (Debian: apt-get install graphviz); "
                "--format mermaid needs nothing"
            ) from None
    if output is None:
        click.echo(data.decode() if fmt in ("mermaid", "dot") else data, nl=False)
    else:
        Path(output).write_bytes(data)
        click.echo(f"wrote {output}")


@click.command(
    "fallback-twiml",
    help="Print TwiML to paste into a Twilio TwiML Bin, as the number's "
    "'primary handler fails' URL: callers reach the helpline even with every server down.",
)
@flow_file_argument()
def fallback_twiml(file: str) -> None:
    from ivr.runtime.twiml import standalone_fallback

    result = load_flow_file(file, allowed=allowed())
    if result.flow is None:
        raise click.ClickException(f"{file} has errors; run 'ivr check {file}' and fix them first")
    click.echo(standalone_fallback(result.flow))


@click.command(help="Write the JSON Schema of the flow format (for editors), generated from the model.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
def schema(output: str | None) -> None:
    from ivr.definition.schema import flow_schema_text

    text = flow_schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")
