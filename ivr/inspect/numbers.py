"""Phone numbers: written right, never an emergency or short number, never showing a caller's
number to a line that promises anonymity (docs/safety.md rules 1 and 7), and, where the
line's settings list the numbers it may connect callers to (``IVR_DESTINATIONS``, in
:attr:`Context.allowed`), never another."""

from __future__ import annotations

from collections.abc import Iterator

from ivr.definition.model import TransferNode
from ivr.definition.phone import ANONYMOUS_LINES, NumberError, near_miss
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context

CODES = (
    "bad-number",
    "number-typo",
    "ungrouped-number",
    "caller-number-to-anonymous-line",
    "dial-short-number",
    "destination-not-allowed",
)


def check(context: Context) -> Iterator[Problem]:
    yield from _written(context)
    yield from _dialled(context)


def _written(context: Context) -> Iterator[Problem]:
    for name, number in context.document.numbers.items():
        path: Path = ("numbers", name, "number")
        parsed = context.parsed_number(name)
        if isinstance(parsed, NumberError):
            yield context.error(path, parsed.message, parsed.hint, code="bad-number")
            continue
        slip = near_miss(parsed)
        if slip:
            yield context.error(
                path,
                f"{number.number!r} looks like {slip} with a digit wrong, missing or extra",
                "copy the number again from its official source",
                code="number-typo",
            )
            continue
        if any(len(group) > 5 for group in parsed.groups) and number.say is None:
            yield context.warning(
                path,
                f"{number.number!r} is not grouped, so callers hear a long run of digits",
                "write it grouped as people say it, e.g. 0800 0121 700",
                code="ungrouped-number",
            )
        if number.show_caller_number and parsed.digits in ANONYMOUS_LINES:
            yield context.error(
                ("numbers", name, "show_caller_number"),
                f"{ANONYMOUS_LINES[parsed.digits]} promise callers they never see their number",
                "remove 'show_caller_number': transfers then show the line's own number",
                code="caller-number-to-anonymous-line",
            )


def _dialled(context: Context) -> Iterator[Problem]:
    """Every number the line dials: the helpline, and each transfer's."""
    yield from _never_short(context, ("line", "helpline"), context.document.line.helpline)
    for name, node in context.document.nodes.items():
        if isinstance(node, TransferNode):
            yield from _never_short(context, ("nodes", name, "to"), node.to)


def _never_short(context: Context, path: Path, name: str) -> Iterator[Problem]:
    if name not in context.document.numbers:
        return  # no such number: the references rule says so
    parsed = context.parsed_number(name)
    if isinstance(parsed, NumberError):
        return  # a number that does not parse is reported where it is written
    if parsed.dialable:
        yield from _listed(context, path, name, parsed.e164 or "")
        return
    kind = "an emergency number" if parsed.is_emergency else "a short number"
    written = context.document.numbers[name].number
    yield context.error(
        path,
        f"{name!r} ({written}) is {kind}: the line must never connect callers to it",
        f"tell callers to hang up and dial {parsed.digits} themselves, in a message, "
        "so their location and the Silent Solution come with the call",
        code="dial-short-number",
    )


def _listed(context: Context, path: Path, name: str, e164: str) -> Iterator[Problem]:
    """A number the line dials must be one its settings list, when they list any."""
    allowed = context.allowed.destinations
    if allowed and e164 not in allowed:
        written = context.document.numbers[name].number
        listed = ", ".join(sorted(allowed))
        yield context.error(
            path,
            f"{name!r} ({written}) is not a number this line may connect callers to: IVR_DESTINATIONS lists only "
            f"{listed}",
            "check the number against its official source; only whoever runs the server can add a number to "
            "IVR_DESTINATIONS",
            code="destination-not-allowed",
        )
