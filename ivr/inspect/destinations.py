"""Where a flow connects callers, and every change to it, in words.

The numbers a flow dials are the most dangerous thing in it: one changed digit sends
frightened people to a stranger. Publishing (:func:`ivr.publishing.revisions.publish`) refuses a text
that changes them unless an admin's change has a second person's approval, and every page
that shows a change says these first (:mod:`ivr.console.editing`).
"""

from __future__ import annotations

import phonenumbers

from ivr.runtime import flow as rt


def destination_changes(before: rt.Flow | None, after: rt.Flow) -> list[str]:
    """Every change, in words, to where callers are connected: a number that is now another
    number, a number newly dialled or no longer dialled, a transfer that now dials another
    of the flow's numbers, and a number that starts or stops being shown the caller's own.
    Nothing else in a flow can send a caller somewhere else. With no flow before (nothing
    was live), nothing is compared."""
    if before is None:
        return []
    was, now = _dialled(before), _dialled(after)
    changes = []
    for key in sorted(was.keys() | now.keys()):
        old, new = was.get(key), now.get(key)
        if old is None and new is not None:
            changes.append(f"This adds a number callers are connected to: {_named(new, after)}.")
        elif new is None and old is not None:
            changes.append(f"Callers are no longer connected to {_named(old, before)}.")
        elif old is not None and new is not None and old.e164 != new.e164:
            changes.append(
                f"This changes the number callers are connected to for {new.name[after.language].plain} "
                f"({new.key}), from {_number(old.e164)} to {_number(new.e164)}."
            )
        if old is not None and new is not None and old.shows_caller_number != new.shows_caller_number:
            shown = "now shows" if new.shows_caller_number else "no longer shows"
            changes.append(f"This {shown} callers' own number to {_named(new, after)}.")
    for node, target in _transfers(after).items():
        earlier = _transfers(before).get(node)
        if earlier is not None and earlier.key != target.key and not node.startswith("_"):
            changes.append(
                f"The transfer at {node} now connects callers to {_named(target, after)} "
                f"instead of {_named(earlier, before)}."
            )
    return changes


def _transfers(flow: rt.Flow) -> dict[str, rt.DialTarget]:
    return {name: node.target for name, node in flow.nodes.items() if isinstance(node, rt.Transfer)}


def _dialled(flow: rt.Flow) -> dict[str, rt.DialTarget]:
    """The numbers some transfer dials, by their name in the flow's numbers."""
    return {target.key: target for target in _transfers(flow).values()}


def _named(target: rt.DialTarget, flow: rt.Flow) -> str:
    return f"{target.name[flow.language].plain} ({target.key}, {_number(target.e164)})"


def _number(e164: str) -> str:
    """A number as people write it (+44 800 012 1700)."""
    try:
        return phonenumbers.format_number(phonenumbers.parse(e164), phonenumbers.PhoneNumberFormat.INTERNATIONAL)
    except phonenumbers.NumberParseException:
        return e164
