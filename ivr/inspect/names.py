"""Names of nodes and numbers: short enough for a web address, and plain.

Calls carry node names in every action URL, so a name must fit in one and need no
escaping; a name starting with a letter also cannot be mistaken for one of the line's
own nodes (see :func:`ivr.definition.builtins.is_builtin_node`).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ivr.definition.limits import MAX_NAME
from ivr.definition.problems import Problem
from ivr.inspect.context import Context

CODES = ("long-name", "bad-name")

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")


def check(context: Context) -> Iterator[Problem]:
    for section in ("numbers", "nodes"):
        for name in getattr(context.document, section):
            if len(name) > MAX_NAME:
                yield context.error(
                    (section, name),
                    f"a name of {len(name)} characters is too long: calls carry it in every web address",
                    f"use at most {MAX_NAME} characters, e.g. {name[:20].rstrip('_-')!r}",
                    key=True,
                    code="long-name",
                )
            elif not NAME_PATTERN.fullmatch(name):
                yield context.error(
                    (section, name),
                    f"{name!r} cannot be used as a name",
                    "use letters, digits, '_' and '-', starting with a letter, e.g. main_menu",
                    key=True,
                    code="bad-name",
                )
