"""The ``ivr`` command for operators: check a flow, try it without a phone, run the line.

Only this module turns problems into output and exit codes; everything below it
returns data or raises.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ivr.config import ConfigError
from ivr.load import load_flow_file
from ivr.tools.simulator import CallEnded, Heard, SimulatedCall, flask_transport, http_transport

DEFAULT_FLOW = "call_flows.yaml"


@click.group(help="Operators' tools for the helpline's call flow.")
def main() -> None:
    pass


# -- check --------------------------------------------------------------------------------
@main.command(help="Check a flow file. Exit 0: it may go live; 1: it has errors; 2: it cannot be read.")
@click.argument("file", default=lambda: os.environ.get("IVR_FLOW_FILE", DEFAULT_FLOW), type=click.Path())
def check(file: str) -> None:
    result = load_flow_file(file)
    for problem in result.problems:
        colour = "red" if problem.is_error else "yellow"
        text = problem.format(file)
        head, _, hint = text.partition("\n")
        click.echo(click.style(head, fg=colour) if sys.stdout.isatty() else head)
        if hint:
            click.echo(hint)
    errors, warnings = len(result.errors), len(result.warnings)
    if not result.readable:
        click.echo(f"{file}: cannot be read", err=True)
        sys.exit(2)
    if result.flow is not None and len(result.flow.languages) > 1:
        marks = ", ".join(
            f"{code} {lang.name} ({'reviewed' if lang.reviewed else 'NOT reviewed'})"
            for code, lang in result.flow.languages.items()
        )
        click.echo(
            f"languages: {marks}. Every text is in every language; only the language menu itself "
            f"is said in {result.flow.language}, the line's first language."
        )
    version = f" (version {result.version})" if result.version else ""
    if errors:
        click.echo(
            f"{file}{version}: {errors} error(s), {warnings} warning(s): it will NOT go live; "
            "the line keeps serving the last good flow"
        )
        sys.exit(1)
    click.echo(f"{file}{version}: no errors, {warnings} warning(s): it may go live")


# -- picture ------------------------------------------------------------------------------
GRAPH_FORMATS = ("svg", "png", "dot", "mermaid")


@main.command(help="Draw the flow: SVG or PNG through Graphviz, or Mermaid text for a Markdown page.")
@click.argument("file", default=lambda: os.environ.get("IVR_FLOW_FILE", DEFAULT_FLOW), type=click.Path())
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

    result = load_flow_file(file)
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


# -- fallback -----------------------------------------------------------------------------
@main.command(
    "fallback-twiml",
    help="Print TwiML to paste into a Twilio TwiML Bin, as the number's "
    "'primary handler fails' URL: callers reach the helpline even with every server down.",
)
@click.argument("file", default=lambda: os.environ.get("IVR_FLOW_FILE", DEFAULT_FLOW), type=click.Path())
def fallback_twiml(file: str) -> None:
    from ivr.runtime.twiml import standalone_fallback

    result = load_flow_file(file)
    if result.flow is None:
        raise click.ClickException(f"{file} has errors; run 'ivr check {file}' and fix them first")
    click.echo(standalone_fallback(result.flow))


# -- schema -------------------------------------------------------------------------------
@main.command(help="Write the JSON Schema of the flow format (for editors), generated from the model.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
def schema(output: str | None) -> None:
    from ivr.definition.schema import flow_schema_text

    text = flow_schema_text()
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


# -- calling without a phone --------------------------------------------------------------
def _show(heard: list[Heard], speak: bool = False) -> None:
    for item in heard:
        if item.kind == "say":
            language = item.attrs.get("language", "")
            click.echo(f"  line{f' ({language})' if language else ''}: {item.text}")
            if speak:
                _speak(item.text, language)
        elif item.kind == "play":
            click.echo(f"  line plays a recording: {item.text}")
        elif item.kind == "pause":
            click.echo(f"  (pause {item.text} s)")
        elif item.kind == "dial":
            click.echo(f"  [the line connects the call to {item.text}]")
        elif item.kind == "hangup":
            click.echo("  [the line ends the call]")
        else:
            click.echo(f"  [{item.kind}: {item.text}]")


DIAL_RESULTS = ("completed", "busy", "no-answer", "failed")
#: espeak-ng voices for the prompts' languages (robotic: a preview, never for callers).
ESPEAK_VOICES = {"arb": "ar", "en-GB": "en-gb"}


def _speak(text: str, language: str) -> None:
    import subprocess

    voice = ESPEAK_VOICES.get(language, language.split("-")[0].lower() or "en")
    subprocess.run(
        ["espeak-ng", "-v", voice, "-s", "150", text.replace("…", ",")],
        check=False,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _one_step(call: SimulatedCall, answer: str, speak: bool = False) -> bool:
    """Act out one answer; return False when the caller hangs up."""
    answer = answer.strip()
    if answer == "hangup":
        call.hangup()
        click.echo("  [you hang up]")
        return False
    if call.waiting_for == "dial":
        status = answer or "completed"
        if status not in DIAL_RESULTS:
            click.echo(f"  (type one of: {', '.join(DIAL_RESULTS)})")
            return True
        click.echo(f"  [the transfer ends: {status}]")
        _show(call.dial_result(status), speak)
    elif answer.startswith("say "):
        click.echo(f"  you say: {answer[4:]}")
        _show(call.say(answer[4:]), speak)
    elif answer == "":
        click.echo("  (you stay silent)")
        _show(call.silence(), speak)
    else:
        click.echo(f"  you press: {answer}")
        _show(call.press(answer), speak)
    return True


def _converse(call: SimulatedCall, script: str | None, language: str = "", speak: bool = False) -> None:
    _show(call.start(language), speak)
    answers = script.split(",") if script is not None else None
    while call.waiting_for:
        if answers is not None:
            if not answers:
                click.echo("  (end of script)")
                return
            answer = answers.pop(0)
        else:
            if call.waiting_for == "dial":
                question = f"transfer ends how? [{'/'.join(DIAL_RESULTS)}] (Enter: completed)"
            else:
                question = "key, 'say <words>', Enter for silence, or 'hangup'"
            try:
                answer = click.prompt(question, default="", show_default=False)
            except (EOFError, click.Abort):
                return
        try:
            if not _one_step(call, answer, speak):
                return
        except CallEnded as exc:
            click.echo(f"  ({exc})")
            return
    if call.ran_out_of_verbs:
        click.echo("  [the call ended with no more TwiML: Twilio would hang up]")


@main.command(help="Call a running line without a phone, as Twilio would (signed requests over HTTP).")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Where the line runs.")
@click.option("--token", envvar="TWILIO_AUTH_TOKEN", required=True, help="The auth token the line checks with.")
@click.option("--script", default=None, help="Answers separated by commas, e.g. '1,,*,0' ('' is silence).")
def call(url: str, token: str, script: str | None) -> None:
    import urllib.error

    try:
        _converse(SimulatedCall(http_transport(), url, token), script)
    except urllib.error.URLError as exc:
        raise click.ClickException(f"cannot reach the line at {url} ({exc.reason}). Is it running?") from None


@main.command(help="Try a flow file in the terminal: the real webhooks run in this process, no server.")
@click.argument("file", default=lambda: os.environ.get("IVR_FLOW_FILE", DEFAULT_FLOW), type=click.Path())
@click.option("--script", default=None, help="Answers separated by commas, e.g. '1,,*,0' ('' is silence).")
@click.option("--language", default="", help="Start in this language (as a number set to /voice?l=CODE would).")
@click.option("--speak", is_flag=True, help="Read the prompts aloud with espeak-ng (a robotic preview).")
def simulate(file: str, script: str | None, language: str, speak: bool) -> None:
    import shutil

    from ivr import create_app

    result = load_flow_file(file)
    if not result.ok:
        click.echo(f"{file} has errors, so the line would not serve it; run 'ivr check {file}'.", err=True)
        sys.exit(1)
    if language and language not in result.flow.languages:
        raise click.ClickException(
            f"{language!r} is not one of the line's languages: {', '.join(result.flow.languages)}"
        )
    if speak and shutil.which("espeak-ng") is None:
        raise click.ClickException("--speak needs espeak-ng (Debian: apt-get install espeak-ng)")
    token = "simulated-call"
    app = create_app(
        {
            "TWILIO_AUTH_TOKEN": token,
            "IVR_FLOW_FILE": file,
            "IVR_LOG_LEVEL": "WARNING",
            "IVR_RELOAD_SECONDS": -1,
            "IVR_STATS": False,
            "IVR_ALLOWED_HOSTS": "simulated.invalid",
        },
        environ={},
    )
    _converse(SimulatedCall(flask_transport(app), "http://simulated.invalid", token), script, language, speak)


# -- operators and statistics --------------------------------------------------------------
def _database():  # type: ignore[no-untyped-def]
    from ivr.config import database_url_of
    from ivr.db import Database

    return Database(database_url_of(os.environ))


@main.group(help="Operators' accounts for the console (DATABASE_URL or IVR_DATABASE_FILE says where).")
def operator() -> None:
    pass


def _new_password() -> str:
    """Asked twice on a terminal; else two lines of stdin, the same both times."""
    if sys.stdin.isatty():
        return click.prompt("Password (12 characters or more)", hide_input=True, confirmation_prompt=True)
    lines = sys.stdin.read().splitlines()
    if len(lines) < 2 or lines[0] != lines[1]:
        raise click.ClickException("give the password twice, on two lines, and the same both times")
    return lines[0]


@operator.command("add", help="Add an operator; asks for the password twice (or reads two lines from stdin).")
@click.argument("name")
def operator_add(name: str) -> None:
    from ivr.console.accounts import AccountError, add_operator

    password = _new_password()
    try:
        add_operator(_database().engine, name, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"operator {name!r} added")


@operator.command("password", help="Give an operator a new password (asked twice); it logs them out in every browser.")
@click.argument("name")
def operator_password(name: str) -> None:
    from ivr.console.accounts import AccountError, set_password

    password = _new_password()
    try:
        set_password(_database().engine, name, password)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"operator {name!r} has a new password; their console sessions have ended")


@operator.command("remove", help="Remove an operator; it logs them out in every browser at once.")
@click.argument("name")
def operator_remove(name: str) -> None:
    from ivr.console.accounts import AccountError, remove_operator

    try:
        remove_operator(_database().engine, name)
    except AccountError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"operator {name!r} removed; their console sessions have ended")


@main.group(help="Anonymous call statistics.")
def stats() -> None:
    pass


@stats.command("export", help="Write the statistics' aggregates (no call-level data) as CSV.")
@click.option("--days", default=30, show_default=True, type=click.IntRange(1, 3650))
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="File (default: stdout).")
def stats_export(days: int, output: str | None) -> None:
    from ivr.stats.recorder import report_csv, summarise

    text = report_csv(summarise(_database().engine, days))
    if output is None:
        click.echo(text, nl=False)
    else:
        Path(output).write_text(text, encoding="utf-8")
        click.echo(f"wrote {output}")


@stats.command("clean", help="Delete call events older than the retention period now.")
@click.option("--days", default=lambda: int(os.environ.get("IVR_RETENTION_DAYS", "90")), type=click.IntRange(1))
def stats_clean(days: int) -> None:
    from ivr.stats.recorder import delete_old_events

    click.echo(f"deleted {delete_old_events(_database().engine, days)} events older than {days} days")


# -- serving ------------------------------------------------------------------------------
@main.command(help="Run the line on this machine (Flask's server; production uses gunicorn, see Procfile).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--dev", is_flag=True, help="Local development mode: a made-up auth token if none is set.")
def serve(host: str, port: int, dev: bool) -> None:
    from ivr import create_app

    if dev:
        os.environ["IVR_DEV"] = "1"
    try:
        app = create_app()
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    settings = app.config["IVR_SETTINGS"]
    flow_file = Path(settings.flow_file).resolve()
    click.echo(f"The line is running on http://{host}:{port}/voice, serving {flow_file}.")
    click.echo(
        f"The operators' console is on http://{host}:{port}/console "
        "(make an account first: .venv/bin/ivr operator add NAME)."
    )
    if settings.development:
        click.echo("To call it without a phone, in another terminal run:")
        click.echo(f"  .venv/bin/ivr call --url http://{host}:{port} --token {settings.auth_token}")
    _protect_access_log()
    app.run(host=host, port=port, debug=False, use_reloader=False)


def _protect_access_log() -> None:
    """Give Werkzeug's access log its handler now, with the number filter on it."""
    import logging

    from ivr.logs import protect_handler

    access = logging.getLogger("werkzeug")
    if not access.handlers:
        access.addHandler(logging.StreamHandler())
    access.setLevel(logging.INFO)
    for handler in access.handlers:
        protect_handler(handler)
