"""The shape of the call: every node reachable, and no path that ends or circles
without a way to help (docs/safety.md rule 3)."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from ivr.definition.model import Choice, LanguageNode, MenuNode, MessageNode
from ivr.definition.problems import Problem
from ivr.inspect.context import Context

CODES = ("dead-end", "unreachable", "message-loop")


def check(context: Context) -> Iterator[Problem]:
    yield from _dead_ends(context)
    yield from _unreachable(context)
    yield from _message_loops(context)


def _dead_ends(context: Context) -> Iterator[Problem]:
    for name, node in context.document.nodes.items():
        if isinstance(node, MessageNode) and node.next is None:
            yield context.error(
                ("nodes", name),
                f"dead end: after {name!r} the call would end without a way to help",
                "add 'next:' naming the node to go to, e.g. a menu that offers the helpline",
                key=True,
                code="dead-end",
            )


def successors(context: Context, name: str) -> list[str]:
    """The nodes a call can go to from ``name`` by the flow's own choices and 'next:'."""
    node = context.document.nodes[name]
    if isinstance(node, MenuNode):
        return [c.go if isinstance(c, Choice) else c for c in node.choices.values()]
    if isinstance(node, MessageNode):
        return [node.next] if node.next else []
    if isinstance(node, LanguageNode):
        return [node.next]
    return [node.if_no_answer] if node.if_no_answer else []


def _unreachable(context: Context) -> Iterator[Problem]:
    nodes = context.document.nodes
    start = context.document.line.start
    if start not in nodes or context.broken_nodes:
        return  # without the start, or with nodes left out, reachability cannot be judged
    reachable: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in reachable:
            continue
        reachable.add(name)
        todo.extend(n for n in successors(context, name) if n in nodes)
    unreachable = [name for name in nodes if name not in reachable]
    for name, behind in _first_unreachable(context, unreachable):
        also = ""
        if behind:
            shown = ", ".join(repr(n) for n in behind[:3]) + (f" and {len(behind) - 3} more" if len(behind) > 3 else "")
            also = f", nor the {len(behind)} node(s) only it leads to ({shown})"
        yield context.warning(
            ("nodes", name),
            f"no caller can reach {name!r}{also}",
            "lead a menu choice or a 'next:' to it, or remove it",
            key=True,
            code="unreachable",
        )


def _first_unreachable(context: Context, unreachable: list[str]) -> list[tuple[str, list[str]]]:
    """Each part of the flow no caller reaches, named by the node it starts from, with the
    nodes behind it: one missing 'next:' cuts off a whole branch, and one warning at its top
    says so better than one per node (which buried the error that caused them).

    The tops are the nodes nothing cut off leads to (then, for a circle of them, its first
    node in the file); each node is walked once, so a generated flow of thousands costs
    no more than its size."""
    cut_off = set(unreachable)
    after = {name: [n for n in successors(context, name) if n in cut_off and n != name] for name in unreachable}
    led_to = {n for name in unreachable for n in after[name]}
    tops = [name for name in unreachable if name not in led_to] + unreachable  # circles: their first node
    covered: set[str] = set()
    found = []
    for top in tops:
        if top in covered:
            continue
        covered.add(top)
        behind, todo = [], deque(after[top])
        while todo:
            name = todo.popleft()
            if name not in covered:
                covered.add(name)
                behind.append(name)
                todo.extend(after[name])
        found.append((top, behind))
    order = {name: i for i, name in enumerate(unreachable)}
    return sorted(found, key=lambda pair: order[pair[0]])


def _message_loops(context: Context) -> Iterator[Problem]:
    """Messages that only lead to other messages, round in a circle, never let the caller
    choose or reach help. Each message has one next, so one walk per message that stops at
    anything already walked finds every circle: linear in the nodes."""
    nodes = context.document.nodes
    walked: set[str] = set()
    for name, node in nodes.items():
        if not isinstance(node, MessageNode) or name in walked:
            continue
        walk: dict[str, int] = {}  # name -> its place on this walk
        current: str | None = name
        while current in nodes and current not in walked:
            message = nodes[current]
            if not isinstance(message, MessageNode):
                break
            walked.add(current)
            walk[current] = len(walk)
            current = message.next
        if current in walk:
            loop = list(walk)[walk[current] :]
            yield context.error(
                ("nodes", loop[0]),
                "these messages lead round in a circle with no way out: " + " -> ".join(loop + [loop[0]]),
                "let one of them lead to a menu or a transfer",
                key=True,
                code="message-loop",
            )
