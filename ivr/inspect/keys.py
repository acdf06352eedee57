"""The same key does the same thing in every menu.

A caller learns a key once: if 3 took them back to the main menu in one menu, they press 3
to go back in the next. This rule finds the line's common actions among each menu's choices
and reports a flow where one of them sits on different keys, or where its key does
something else in another menu:

- **back to the main menu**: a choice that leads to the main menu, the first menu a call
  reaches from its start;
- **hear it again**: a choice that leads back to the message that introduces the menu (a
  message whose words lead to this menu and that callers reach from somewhere else);
- **a person**: a choice that connects to the line's helpline. 0 does that on every menu,
  so such a choice gives a person a second key that differs from menu to menu.

The main menu itself is not held to the keys of "back" and "hear it again": its keys are
the line's topics, and it is where "back" leads. Warnings, not errors: such a flow works, but
callers who rely on a key they have learnt land somewhere they did not choose.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ivr.definition.builtins import HELPLINE_NODE
from ivr.definition.model import Choice, FlowDocument, LanguageNode, MenuNode, MessageNode, TransferNode
from ivr.definition.problems import Problem
from ivr.inspect.context import Context

CODES = ("inconsistent-key",)

BACK, AGAIN, PERSON = "go back to the main menu", "hear it again", "talk to the helpline"
#: How far a chain of messages is followed (a loop of messages is reported by the graph rule).
_MAX_CHAIN = 50


def check(context: Context) -> Iterator[Problem]:
    document = context.document
    menus = {name: node for name, node in document.nodes.items() if isinstance(node, MenuNode)}
    main = _main_menu(document)
    if main is None:
        return  # no menu follows the start: that is the graph rule's to report, and keys mean nothing yet
    meanings = {name: _meanings(document, name, menu, main) for name, menu in menus.items()}
    usual = {meaning: _usual_key(meanings, meaning, main) for meaning in (BACK, AGAIN)}
    for name, menu in menus.items():
        for key, choice in menu.choices.items():
            path = ("nodes", name, "choices", key)
            meaning = meanings[name].get(key)
            if meaning == PERSON:
                yield context.warning(path, f"key {key} in {name} connects to the helpline, which 0 does on every "
                                      "menu: a person is on a different key in different menus",
                                      "remove this choice and say 'press 0' for the helpline in the menu's words",
                                      code="inconsistent-key", key=True)  # fmt: skip
            elif name != main and meaning in usual and usual[meaning] is not None and key != usual[meaning][0]:
                other_key, where = usual[meaning]
                yield context.warning(path, f"key {key} in {name} is '{meaning}', which is key {other_key} in "
                                      f"{_names(where)}: callers learn a key once",
                                      f"use key {other_key} for '{meaning}' here, and say so in the menu's words",
                                      code="inconsistent-key", key=True)  # fmt: skip
            elif meaning is None and name != main:
                for common, found in usual.items():
                    if found is not None and found[0] == key:
                        target = choice.go if isinstance(choice, Choice) else choice
                        yield context.warning(path, f"key {key} in {name} goes to {target}, but it is "
                                              f"'{common}' in {_names(found[1])}: callers learn a key once",
                                              f"give {target} another key, and keep {key} for '{common}'",
                                              code="inconsistent-key", key=True)  # fmt: skip


def _names(menus: list[str]) -> str:
    return menus[0] if len(menus) == 1 else ", ".join(menus[:-1]) + " and " + menus[-1]


def _usual_key(meanings: dict[str, dict[str, str]], meaning: str, main: str | None) -> tuple[str, list[str]] | None:
    """The key most menus but the main one give a meaning (the first menu's on a tie), and those menus."""
    keys = [
        (key, menu) for menu, by_key in meanings.items() if menu != main for key, m in by_key.items() if m == meaning
    ]
    if not keys:
        return None
    counts = Counter(key for key, _ in keys)
    best = max(counts.values())
    key = next(k for k, _ in keys if counts[k] == best)
    return key, [menu for k, menu in keys if k == key]


def _main_menu(document: FlowDocument) -> str | None:
    """The first menu a call reaches from its start, through the language menu and messages."""
    name: str | None = document.line.start
    for _ in range(_MAX_CHAIN):
        node = document.nodes.get(name or "")
        if isinstance(node, MenuNode):
            return name
        if not isinstance(node, LanguageNode | MessageNode):
            return None
        name = node.next
    return None


def _leads_to(document: FlowDocument, name: str, menu: str) -> bool:
    """Whether the message ``name``, and the messages after it, lead to ``menu``."""
    for _ in range(_MAX_CHAIN):
        node = document.nodes.get(name)
        if not isinstance(node, MessageNode) or node.next is None:
            return False
        if node.next == menu:
            return True
        name = node.next
    return False


def _reached_from_elsewhere(document: FlowDocument, message: str, menu: str) -> bool:
    """Whether callers reach ``message`` other than from ``menu``'s own choices."""
    if document.line.danger == message or document.line.start == message:
        return True
    for name, node in document.nodes.items():
        if name == menu:
            continue
        if isinstance(node, MessageNode | LanguageNode) and node.next == message:
            return True
        if isinstance(node, TransferNode) and node.if_no_answer == message:
            return True
        if isinstance(node, MenuNode):
            targets = (c.go if isinstance(c, Choice) else c for c in node.choices.values())
            if message in targets:
                return True
    return False


def _meanings(document: FlowDocument, name: str, menu: MenuNode, main: str | None) -> dict[str, str]:
    """The common action of each of a menu's keys that has one."""
    found = {}
    for key, choice in menu.choices.items():
        target = choice.go if isinstance(choice, Choice) else choice
        node = document.nodes.get(target)
        if target == main and name != main:
            found[key] = BACK
        elif target == HELPLINE_NODE or (isinstance(node, TransferNode) and node.to == document.line.helpline):
            found[key] = PERSON
        elif _leads_to(document, target, name) and _reached_from_elsewhere(document, target, name):
            found[key] = AGAIN
    return found
