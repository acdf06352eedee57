"""What the console calls a node, and a part of one, for the charity's staff: "Main menu",
"After the call: goodbye", "Choose language: option 3".

A flow's own nodes have names written for a web address (``main_menu``), and the line's
own nodes names no operator wrote (``_after_call``, ``_busy:connect_helpline``): shown
as they are, they make a reader translate. This is the one home of the names a person
reads, so the picture of the flow, the list of messages and every comparison of two
flows call the same thing by the same name.
"""

from __future__ import annotations

from ivr.definition.builtins import (
    AFTER_CALL_NODE,
    HELPLINE_NODE,
    NOT_CONNECTED_PREFIXES,
    QUICK_EXIT_NODE,
    TRANSFER_PREFIX,
)

#: The line's own nodes that have one of their own.
_BUILT_IN = {
    HELPLINE_NODE: "The helpline",
    AFTER_CALL_NODE: "After the call",
    QUICK_EXIT_NODE: "Quick exit",
}
#: The line's own menu after a transfer that did not connect, by what happened.
_NOT_CONNECTED = {"busy": "if the line is busy", "no-answer": "if nobody answers", "failed": "if the call fails"}

# -- the parts of a node that say something ------------------------------------------------
QUESTION = "the question"
SHORT_QUESTION = "the question when asked again"
MESSAGE = "the message"
BEFORE_CONNECTING = "before connecting"
GOODBYE = "goodbye"
BEFORE_OPTIONS = "before the options"
AFTER_OPTIONS = "after the options"
#: The line's own menu after a transfer that did not connect.
WHAT_HAPPENED = "what happened, and the choices"
CHOICES_AGAIN = "the choices when asked again"

#: What the line says at every menu, and the names of those places.
EVERY_MENU = "Every menu"
EVERY_MENU_PARTS = {
    "no_input": "after silence",
    "invalid": "after a wrong key",
    "keys": "the keys that work",
    "last_try": "before the last try",
    "not_understood": "when words are not understood",
    "offer_person": "offering a person",
}
#: What Twilio's copy of the line says when the line's servers cannot answer (``ivr fallback-twiml``).
WHEN_THE_LINE_IS_DOWN = "When the line's servers are down"
WHEN_THE_LINE_IS_DOWN_PARTS = {
    "danger": "first words",
    "fallback_retry": "before trying again",
    "fallback_end": "last words",
}


def node_title(name: str) -> str:
    """A node's name as a person reads it: ``main_menu`` -> "Main menu", ``_after_call``
    -> "After the call", ``_busy:connect_helpline`` -> "Connect helpline, if the line is busy",
    ``_transfer:crimestoppers`` (offered after a transfer that did not connect) -> "Connecting
    to crimestoppers instead"."""
    if name in _BUILT_IN:
        return _BUILT_IN[name]
    for status, prefix in NOT_CONNECTED_PREFIXES.items():
        if name.startswith(prefix):
            return f"{node_title(name[len(prefix) :])}, {_NOT_CONNECTED[status]}"
    if name.startswith(TRANSFER_PREFIX):
        return f"Connecting to {_words(name[len(TRANSFER_PREFIX) :])} instead"
    words = _words(name)
    return words[:1].upper() + words[1:]


def place_title(node: str, part: str) -> str:
    """Where in a node something is said: "Main menu: the question"."""
    return f"{node_title(node)}: {part}"


def option(key: str, name: str) -> str:
    """A language's option at the language menu: "option 3", or by its name when it has no key."""
    return f"option {key}" if key else f"option {name}"


def checking_choice(key: str) -> str:
    """The question that checks an unclear spoken answer: "It sounds like you want …"."""
    return f"checking choice {key}"


def _words(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split())
