"""``ivr understand``: what the line would do with words said at a menu, and why."""

from __future__ import annotations

import click

from ivr.cli.errors import FlowHasErrors
from ivr.cli.flow_file import allowed
from ivr.loading import load_flow_file
from ivr.runtime.speech.explain import Explanation, NotAMenu, explain


@click.command(
    help="Say what the line would do with words said at a menu: the decision, the probability of "
    "each choice, and the words that weighed most. Nothing is recorded."
)
@click.argument("said")
@click.option("--menu", default="main_menu", show_default=True, help="The menu (a node of the flow) they are said at.")
@click.option("--language", default="", help="The call's language, e.g. pl-PL (default: the line's first).")
@click.option("--flow", "file", envvar="IVR_FLOW_FILE", default="call_flows.yaml", type=click.Path(), show_default=True)
def understand(said: str, menu: str, language: str, file: str) -> None:
    result = load_flow_file(file, allowed=allowed())
    if result.flow is None:
        raise FlowHasErrors(f"{file} has errors: run 'ivr check {file}' to see them")
    flow = result.flow
    if language and language not in flow.languages:
        raise click.BadParameter(f"the flow offers {', '.join(flow.languages)}", param_hint="--language")
    try:
        explanation = explain(flow, menu, language or flow.language, said)
    except NotAMenu as exc:
        raise click.BadParameter(str(exc), param_hint="--menu") from None
    click.echo(describe(explanation))


def describe(explanation: Explanation) -> str:
    """The explanation as a terminal shows it."""
    decision = explanation.decision
    lines = [
        f"At {explanation.menu}, in {explanation.language}:",
        f"  decision: {explanation.action} -> {explanation.goes_to}",
        f"  why: {decision.reason}",
    ]
    if explanation.chances:
        lines.append("  how likely a careful operator would accept each choice:")
        for chance in explanation.chances:
            key = f"key {chance.key}" if chance.key and chance.key != "danger" else "the line's own"
            lines.append(f"    {chance.probability:6.1%}  {chance.name} ({key})")
    if explanation.weighed:
        focus = decision.meaning or explanation.chances[0].meaning
        name = next((c.name for c in explanation.chances if c.meaning == focus), focus)
        lines.append(f"  what weighed most for {name} (+ for it, - against):")
        for feature, weight in explanation.weighed:
            lines.append(f"    {weight:+.2f}  {feature}")
    return "\n".join(lines)
