"""A translation says the same numbers and keys as its source (issue 26).

For every text in every language but the line's first, the emergency numbers, phone
numbers, keys and other numbers it tells callers (:mod:`ivr.inspect.figures`) are compared
with its source text's. Each one added, left out or changed, and keys named in another
order, is reported at the translated text (an added or changed figure at the figure
itself). A caller misled about 999, a phone number or a key is an error: the flow must
not go live. A plain number added or changed ("open 12 hours" for "24 hours") is a warning.

A difference can be right (a translation that also gives a helpline in the caller's
language, say): a reviewer who has checked it accepts it when they sign the text off
(``ivr translations import FILE --reviewer NAME --accept TEXT``); the sign-off records
what was accepted, and an edit to either text voids it, like any sign-off.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from ivr.definition.model import FlowDocument
from ivr.definition.phone import NumberError, parse_number
from ivr.definition.problems import Problem, error, warning
from ivr.definition.reviews import ReviewState, Translatable
from ivr.definition.source import SourceDocument
from ivr.definition.texts import placeholders_in
from ivr.inspect.context import Context
from ivr.inspect.figure_differences import Difference, differences
from ivr.inspect.figures import PLACEHOLDER_KINDS, Kind, figures

CODES = ("translation-changes-number", "translation-changes-figure")


def check(context: Context) -> Iterator[Problem]:
    """The rule's form, for :mod:`ivr.inspect.rules`."""
    document, source = context.document, context.source
    numbers = number_digits(document)
    first = document.line.language
    for code, review in context.reviews().items():
        for text in review.texts:
            if text.item.translation is None or text.item.field is None or not comparable(text.item, numbers):
                continue
            accepted = text.state is ReviewState.REVIEWED and text.sign_off is not None and text.sign_off.accepted
            if accepted:
                continue
            found = text_differences(text.item, first, code, numbers)
            yield from (_problem(source, text.item, code, first, difference) for difference in found)


def number_digits(document: FlowDocument) -> dict[str, str]:
    """The flow's numbers by name, as digits: what ``{name}`` says in a text (``{helpline}``
    is the line's helpline, whatever its number is called)."""
    digits: dict[str, str] = {}
    for name, number in document.numbers.items():
        try:
            digits[name] = parse_number(number.number).digits
        except NumberError:
            continue  # reported where the number is written
    if document.line.helpline in digits:
        digits.setdefault("helpline", digits[document.line.helpline])
    return digits


def comparable(item: Translatable, numbers: Mapping[str, str]) -> bool:
    """Whether the two texts can be compared: a language's own option has no source text,
    and a text that is empty or names an unknown ``{...}`` is already an error of its own."""
    if item.field is None or item.translation is None or not item.source.strip():
        return False
    known = set(numbers) | set(PLACEHOLDER_KINDS) | set(item.field.placeholders)
    return all(name in known for name in (*placeholders_in(item.source), *placeholders_in(item.translation)))


def text_differences(item: Translatable, first: str, code: str, numbers: Mapping[str, str]) -> list[Difference]:
    """How one translation's numbers and keys differ from its source's."""
    return differences(figures(item.source, first, numbers), figures(item.translation or "", code, numbers))


def _problem(source: SourceDocument, item: Translatable, code: str, first: str, difference: Difference) -> Problem:
    text = item.translation or ""
    figure = difference.translation
    at = None
    if figure is not None:
        at = source.find_in_value(item.path, figure.written, text[: figure.start].count(figure.written))
    at = at or source.position(item.path)
    message = f"this {code} text {difference.describe(first)}: {_harm(difference)}"
    hint = (
        f"say the same numbers and keys as the {first} text; if the difference is right "
        "(a local number, say), a reviewer who has checked it accepts it: 'ivr translations import FILE "
        f"--reviewer NAME --accept {item.key}'"
    )
    if difference.harmful:
        return error(at.line, at.column, message, hint, code="translation-changes-number")
    return warning(at.line, at.column, message, hint, code="translation-changes-figure")


def _harm(difference: Difference) -> str:
    """What the difference does to a caller, in a few words."""
    if not difference.harmful:
        return "callers would be told something other than what the source text says"
    figure = difference.translation or difference.source
    if difference.how == "order" or (figure is not None and figure.kind is Kind.KEY):
        return "callers would press a key that does something else, or not know which to press"
    emergency = figure is not None and figure.kind is Kind.EMERGENCY
    if difference.how == "dropped":
        return "callers in danger would not hear it" if emergency else "callers would not hear the number to call"
    if emergency:
        return "callers would hear an emergency or short number where the source gives them another, or none"
    return "callers could call a number that the source text does not give them"
