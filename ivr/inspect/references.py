"""Names that must name something: every node a call can go to, every number it dials.

A name left out of the document because its own shape is wrong (``broken_nodes``,
``broken_numbers``) is not reported again where it is used.
"""

from __future__ import annotations

from collections.abc import Iterator

from ivr.definition.model import Choice, LanguageNode, MenuNode, MessageNode, TransferNode
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context

CODES = ("unknown-node", "unknown-number")


def check(context: Context) -> Iterator[Problem]:
    line = context.document.line
    yield from _node(context, ("line", "start"), line.start)
    yield from _node(context, ("line", "danger"), line.danger)
    yield from _number(context, ("line", "helpline"), line.helpline)
    for name, node in context.document.nodes.items():
        path: Path = ("nodes", name)
        if isinstance(node, MenuNode):
            for key, choice in node.choices.items():
                if isinstance(choice, Choice):
                    yield from _node(context, path + ("choices", key, "go"), choice.go)
                else:
                    yield from _node(context, path + ("choices", key), choice)
        elif isinstance(node, (MessageNode, LanguageNode)):
            yield from _node(context, path + ("next",), node.next)
        elif isinstance(node, TransferNode):
            yield from _number(context, path + ("to",), node.to)
            yield from _node(context, path + ("if_no_answer",), node.if_no_answer)


def _node(context: Context, path: Path, target: str | None) -> Iterator[Problem]:
    nodes = context.document.nodes
    if target is None or target in nodes or target in context.broken_nodes:
        return
    yield context.error(
        path,
        f"there is no node called {target!r}",
        context.did_you_mean(target, lambda: set(nodes) | context.broken_nodes)
        or "add it under 'nodes:', or fix the name",
        code="unknown-node",
    )


def _number(context: Context, path: Path, name: str) -> Iterator[Problem]:
    numbers = context.document.numbers
    if name in numbers or name in context.broken_numbers:
        return
    yield context.error(
        path,
        f"no number is called {name!r}",
        context.did_you_mean(name, numbers) or "define it under 'numbers:'",
        code="unknown-number",
    )
