"""What the console calls a node, a part of one, and each of the line's own messages, for the
charity's staff: "Main menu", "Main menu: the question", "Choose language: option 3", "After
the call: goodbye", "When a caller says nothing".

A flow's own nodes have names written for a web address (``main_menu``), and the line's
own nodes names no operator wrote (``_after_call``, ``_busy:connect_helpline``): shown
as they are, they make a reader translate. This is the one home of the names a person
reads, so the picture of the flow, the form that edits it and every comparison of two
flows (what a draft changes, an approval, a rollback) call the same thing by the same name.
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

#: The line's own messages (the flow's ``line: messages:``), named for what they are for: the
#: same names where they are edited and where a change to them is shown.
MESSAGE_NAMES = {
    "danger": "When a caller is in danger",
    "no_input": "When a caller says nothing",
    "invalid": "When a caller presses a wrong key",
    "keys": "The keys of a menu, said again",
    "last_try": "Before the last try",
    "to_helpline": "Before connecting to the helpline",
    "no_answer": "When the number does not answer",
    "busy": "When the number is busy",
    "failed": "When the call to the number fails",
    "connecting": "While connecting",
    "not_understood": "When the line did not understand",
    "offer_person": "Offering a person",
    "sounds_like": "Checking what a caller said",
    "sounds_like_key": "Checking a key a caller said",
    "confirm_keys": "Asking the caller to confirm",
    "fallback_retry": "If the line fails: trying again",
    "fallback_end": "If the line fails: the last words",
    "try_again": "Offering to try again",
    "other_number": "Offering the other number",
    "after_call": "After the call: goodbye",
}
#: The line's own nodes whose words are one of its messages.
_SAYS_ONE_MESSAGE = {HELPLINE_NODE: "to_helpline", AFTER_CALL_NODE: "after_call"}
#: The messages said at every menu, each on its own (the others are said as part of a node).
EVERY_MENU_MESSAGES = ("no_input", "invalid", "keys", "last_try", "not_understood", "offer_person")
#: What Twilio's copy of the line says when the line's servers cannot answer (``ivr
#: fallback-twiml``), in the line's first language only.
WHEN_THE_LINE_FAILS_MESSAGES = ("danger", "fallback_retry", "fallback_end")


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
    """Where in a node something is said: "Main menu: the question". The line's own nodes
    that say one of its messages and nothing else are named as that message is."""
    if node in _SAYS_ONE_MESSAGE:
        return MESSAGE_NAMES[_SAYS_ONE_MESSAGE[node]]
    return f"{node_title(node)}: {part}"


def option(key: str, name: str) -> str:
    """A language's option at the language menu: "option 3", or by its name when it has no key."""
    return f"option {key}" if key else f"option {name}"


def checking_choice(key: str) -> str:
    """The question that checks an unclear spoken answer: "It sounds like you want …"."""
    return f"checking choice {key}"


def _words(name: str) -> str:
    return " ".join(name.replace("_", " ").replace("-", " ").split())
