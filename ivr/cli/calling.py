"""Calling the line without a phone: ``ivr call`` reaches a running line over HTTP as
Twilio would; ``ivr simulate`` runs the real webhooks in this process. Both act out a
caller's answers (keys, words, silence) and print what the line says.

Each line said is labelled with its language as a caller knows it, by the language's own
name from the flow ("العربية", "Polski"), as the language menu and the console name it:
TwiML carries only the voice's code (``arb`` for Arabic), which nobody would recognise."""

from __future__ import annotations

import click

from ivr.cli.errors import FlowHasErrors
from ivr.cli.flow_file import DEFAULT_FLOW, allowed, flow_file_argument
from ivr.loading import load_flow_file
from ivr.runtime import flow as rt
from ivr.runtime.twilio import DIAL_RESULTS
from ivr.tools.simulator import CallEnded, Heard, SimulatedCall, flask_transport, http_transport

#: The language of a ``<Say>`` (its TwiML code) by the name a caller knows it by.
LanguageNames = dict[str, str]


def language_names(flow: rt.Flow | None) -> LanguageNames:
    """Each voiced language of ``flow`` by its own name, keyed by the code its ``<Say>``
    carries; the first language of a code wins (the line's own before any other)."""
    names: LanguageNames = {}
    for language in flow.languages.values() if flow is not None else ():
        if language.voice is not None:
            names.setdefault(language.say_language, language.name)
    return names


def _show(heard: list[Heard], speak: bool = False, names: LanguageNames | None = None) -> None:
    for item in heard:
        if item.kind == "say":
            language = item.attrs.get("language", "")
            label = (names or {}).get(language, language)
            click.echo(f"  line{f' ({label})' if label else ''}: {item.text}")
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


def _one_step(call: SimulatedCall, answer: str, speak: bool, names: LanguageNames) -> bool:
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
        _show(call.dial_result(status), speak, names)
    elif answer.startswith("say "):
        click.echo(f"  you say: {answer[4:]}")
        _show(call.say(answer[4:]), speak, names)
    elif answer == "":
        click.echo("  (you stay silent)")
        _show(call.silence(), speak, names)
    else:
        click.echo(f"  you press: {answer}")
        _show(call.press(answer), speak, names)
    return True


def _converse(
    call: SimulatedCall, script: str | None, names: LanguageNames, language: str = "", speak: bool = False
) -> None:
    _show(call.start(language), speak, names)
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
            if not _one_step(call, answer, speak, names):
                return
        except CallEnded as exc:
            click.echo(f"  ({exc})")
            return
    if call.ran_out_of_verbs:
        click.echo("  [the call ended with no more TwiML: Twilio would hang up]")


@click.command(help="Call a running line without a phone, as Twilio would (signed requests over HTTP).")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Where the line runs.")
@click.option("--token", envvar="TWILIO_AUTH_TOKEN", required=True, help="The auth token the line checks with.")
@click.option("--script", default=None, help="Answers separated by commas, e.g. '1,,*,0' ('' is silence).")
@click.option(
    "--flow",
    "flow_file",
    envvar="IVR_FLOW_FILE",
    default=DEFAULT_FLOW,
    show_default=True,
    help="The flow the line serves: what each language is called (its voice's code if it cannot be read).",
)
def call(url: str, token: str, script: str | None, flow_file: str) -> None:
    import urllib.error

    names = language_names(load_flow_file(flow_file, allowed=allowed()).flow)
    try:
        _converse(SimulatedCall(http_transport(), url, token), script, names)
    except urllib.error.URLError as exc:
        raise click.ClickException(f"cannot reach the line at {url} ({exc.reason}). Is it running?") from None


@click.command(help="Try a flow file in the terminal: the real webhooks run in this process, no server.")
@flow_file_argument()
@click.option("--script", default=None, help="Answers separated by commas, e.g. '1,,*,0' ('' is silence).")
@click.option("--language", default="", help="Start in this language (as a number set to /voice?l=CODE would).")
@click.option("--speak", is_flag=True, help="Read the prompts aloud with espeak-ng (a robotic preview).")
def simulate(file: str, script: str | None, language: str, speak: bool) -> None:
    import shutil

    from ivr import create_app

    given = allowed()
    result = load_flow_file(file, allowed=given)
    if result.flow is None:
        raise FlowHasErrors(f"{file} has errors, so the line would not serve it; run 'ivr check {file}'.")
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
            "IVR_MEDIA_HOSTS": ",".join(sorted(given.media_hosts)),
            "IVR_DESTINATIONS": ",".join(sorted(given.destinations)),
        },
        environ={},
    )
    call = SimulatedCall(flask_transport(app), "http://simulated.invalid", token)
    _converse(call, script, language_names(result.flow), language, speak)
