"""Time-outs: how long the line waits for a key, long enough for callers who are
frightened, reading a keypad in the dark or using a relay service (see
:data:`ivr.definition.limits.MIN_TIMEOUT`). The format accepts shorter ones so that this
error can say where and why."""

from __future__ import annotations

from collections.abc import Iterator

from ivr.definition.limits import DEFAULT_TIMEOUT, MIN_TIMEOUT
from ivr.definition.model import LanguageNode, MenuNode
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context

CODES = ("short-timeout",)


def check(context: Context) -> Iterator[Problem]:
    line = context.document.line
    if line.timeout < MIN_TIMEOUT:
        yield _too_short(context, ("line", "timeout"), line.timeout, f"; {DEFAULT_TIMEOUT} is a good default")
    for name, node in context.document.nodes.items():
        if isinstance(node, (MenuNode, LanguageNode)) and node.timeout is not None and node.timeout < MIN_TIMEOUT:
            yield _too_short(context, ("nodes", name, "timeout"), node.timeout)


def _too_short(context: Context, path: Path, seconds: int, advice: str = "") -> Problem:
    return context.error(
        path,
        f"a time-out of {seconds} s is too short for many callers",
        f"use at least {MIN_TIMEOUT} seconds{advice}",
        code="short-timeout",
    )
