"""What a translator needs to know about a text besides its words: where callers hear it,
what they have just done and what comes next, and what each placeholder will say.

Written into translators' files as the text's comment, so a tool such as Poedit or Weblate
shows it next to the text.
"""

from __future__ import annotations

from collections.abc import Mapping

from ivr.definition.builtins import KEY_HELPLINE, KEY_QUICK_EXIT, KEY_REPEAT, KEY_SLOWER
from ivr.definition.model import (
    Choice,
    FlowDocument,
    LanguageNode,
    MenuNode,
    MessageNode,
    Messages,
    Node,
    TransferNode,
)
from ivr.definition.reviews import Translatable
from ivr.definition.texts import KEYS_PLACEHOLDER, placeholders_in

#: The line's messages that the format does not describe for operators, said for translators.
MESSAGE_CONTEXT = {
    "no_input": "Said at any menu when the caller pressed and said nothing; the menu's choices follow.",
    "invalid": "Said at any menu when the caller pressed a key that is not a choice; the keys follow.",
    "last_try": "Said at any menu before the last try, after which the line connects the caller to the helpline.",
    "try_again": "Offered after a call to another number did not go through.",
}
#: What the placeholders the line fills in itself will say.
LINE_PLACEHOLDERS = {
    KEYS_PLACEHOLDER: "lists this menu's keys, e.g. '1, 2 or 3', in this language",
    "number": "says the number that did not answer, slowly, group by group, twice",
    "other_name": "names the other number offered, e.g. Crimestoppers (its name in this language)",
    "name": "names the number being called, e.g. the Modern Slavery Helpline (its name in this language)",
}
EVERY_MENU = (
    f"On every menu, {KEY_HELPLINE} reaches the helpline, {KEY_REPEAT} repeats, {KEY_SLOWER} slows the voice "
    f"down and {KEY_QUICK_EXIT} ends the call at once."
)


def describe(document: FlowDocument, item: Translatable) -> str:
    """The translator's note for one text: where it is heard, then what its placeholders say."""
    parts = [_where(document, item)]
    for name in dict.fromkeys(placeholders_in(item.source)):
        parts.append(f"{{{name}}} {_placeholder(document, name)}: keep it exactly as written.")
    return "\n".join(parts)


def _where(document: FlowDocument, item: Translatable) -> str:
    if item.field is None:
        language = document.line.languages[item.path[2]]
        if language.voice is None:  # said by the line's first voice until its recording exists
            return (
                "This language's own option at the language menu. It has no voice: until a recording of it is "
                f"uploaded, the {document.line.language} voice reads this text, so write the language's name as that "
                f"voice can say it, then its key ({language.key}). Keep it short."
            )
        key = f"its key ({language.key})" if language.key else "the word callers say to choose it (it has no key)"
        return (
            "This language's own option at the language menu, said in this language before the caller "
            f"has chosen one: the language's name, then {key}. Every language's "
            "option is said one after another, so keep it short."
        )
    section, name, field = item.field.path[0], str(item.field.path[1]), item.field.path[-1]
    if section == "numbers":
        number = document.numbers[name].number
        return (
            f"The name callers hear for the number {number}, wherever the line names it "
            "(e.g. 'Connecting you to ...', 'To call ... instead, press 2')."
        )
    if section == "line":
        message = str(item.field.path[2])
        description = MESSAGE_CONTEXT.get(message) or Messages.model_fields[message].description or ""
        return f"A message the line says by itself. {description}"
    node = document.nodes[name]
    return f"{_node_text(document, name, node, str(field))} {_reached(document, name)}"


def _node_text(document: FlowDocument, name: str, node: Node, field: str) -> str:
    if isinstance(node, MenuNode):
        keys = ", ".join(
            f"{key} {choice.go if isinstance(choice, Choice) else choice}" for key, choice in node.choices.items()
        )
        if field == "say_short":
            return f"The menu '{name}', its shorter prompt for the second and later tries (keys: {keys})."
        return f"The menu '{name}': it names every choice with its key (keys: {keys}). {EVERY_MENU}"
    if isinstance(node, MessageNode):
        return f"The message '{name}'; then the call goes on to '{node.next}'."
    if isinstance(node, TransferNode):
        number = document.numbers.get(node.to)
        dialled = number.number if number is not None else node.to
        return f"Said just before the caller is connected to {dialled} ('{node.to}')."
    return f"The language menu '{name}'."


def _reached(document: FlowDocument, target: str) -> str:
    """How callers arrive at a node: what they have just done."""
    ways: list[str] = []
    if document.line.start == target:
        ways.append("at the start of the call")
    if document.line.danger == target:
        ways.append("by saying a danger word or 999 at any menu")
    for name, node in document.nodes.items():
        if isinstance(node, MenuNode):
            for key, choice in node.choices.items():
                if (choice.go if isinstance(choice, Choice) else choice) == target:
                    ways.append(f"by pressing {key} at '{name}'")
        elif isinstance(node, MessageNode) and node.next == target:
            ways.append(f"after the message '{name}'")
        elif isinstance(node, LanguageNode) and node.next == target:
            ways.append("just after choosing a language")
        elif isinstance(node, TransferNode) and node.if_no_answer == target:
            ways.append(f"when the call to '{node.to}' did not go through")
    return f"Callers arrive here {'; or '.join(ways)}." if ways else ""


def _placeholder(document: FlowDocument, name: str) -> str:
    if name in LINE_PLACEHOLDERS:
        return LINE_PLACEHOLDERS[name]
    helpline = name == "helpline"
    number = document.numbers.get(document.line.helpline if helpline else name)
    if number is None:
        return "is filled in by the line"
    label = number.name.get(document.line.language, "") if isinstance(number.name, Mapping) else number.name
    called = f" ({label})" if isinstance(label, str) and label else ""
    return f"says the number {number.number}{called}, slowly, group by group, twice"
