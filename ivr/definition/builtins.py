"""What every flow has without writing it: the built-in keys and words of every menu, and
the names of the nodes the line builds itself.

The checker refuses a flow that uses these for its own choices; the compiler adds the
nodes; the engine, the statistics and the picture recognise them by :func:`is_builtin_node`.
"""

from __future__ import annotations

#: Keys every menu understands without the flow saying so.
KEY_REPEAT = "*"
KEY_HELPLINE = "0"
KEY_SLOWER = "8"
KEY_QUICK_EXIT = "9"
RESERVED_KEYS = {
    KEY_REPEAT: "repeats the menu",
    KEY_HELPLINE: "connects to the helpline",
    KEY_SLOWER: "switches to slower speech",
    KEY_QUICK_EXIT: "ends the call at once (quick exit)",
    "#": "ends typing on a phone",
}
#: The keys the language menu keeps for itself: the others' but 8. Its options are a word each
#: ("Polski: 8."), so slower speech is not offered there, and 8 may choose a language (eight
#: languages on keys 1 to 8, as the default flow's evidence needs); 0, 9 and * keep their meaning
#: there as everywhere. At every other menu 8 stays slower speech.
LANGUAGE_MENU_RESERVED_KEYS = {key: does for key, does in RESERVED_KEYS.items() if key != KEY_SLOWER}
#: Words every menu understands in English; other languages declare their own.
WORDS_REPEAT = ("repeat", "again", "say again", "say that again", "pardon", "what")
WORDS_HELPLINE = (
    "helpline", "help line", "help", "adviser", "advisor", "person", "real person", "human", "operator",
    "talk to someone", "speak to someone", "talk to somebody", "speak to somebody", "someone to talk to",
)  # fmt: skip
WORDS_SLOWER = ("slower", "slow", "slowly", "slow down")
WORDS_DANGER = (
    "danger", "dangerous", "emergency", "hurt", "hurting", "kill", "killing", "attack", "attacking",
    "beat me", "beating", "hit me", "hitting", "scared", "afraid", "frightened", "unsafe", "not safe",
    "ambulance", "bleeding", "threatened", "threatening",
)  # fmt: skip

#: Names of nodes the line builds by itself start with an underscore, which a flow's own
#: names cannot (they must start with a letter).
BUILTIN_PREFIX = "_"
HELPLINE_NODE = "_helpline"
AFTER_CALL_NODE = "_after_call"
QUICK_EXIT_NODE = "_quick_exit"
#: The line's own menus after a transfer that did not connect, one per kind of failure, so
#: that each says what happened: "_busy:connect_helpline" and so on.
NOT_CONNECTED_PREFIXES = {"busy": "_busy:", "no-answer": "_no_answer:", "failed": "_failed:"}
LINE_MENU_PREFIXES = tuple(NOT_CONNECTED_PREFIXES.values())
#: A transfer the line makes by itself, to a number offered after a failed transfer.
TRANSFER_PREFIX = "_transfer:"


def is_builtin_node(name: str) -> bool:
    """Whether the line made this node itself (the flow's own names start with a letter)."""
    return name.startswith(BUILTIN_PREFIX)


def normalise_words(words: list[str]) -> list[str]:
    """A word list as written, lower-cased with single spaces; blank entries dropped.
    The matcher's own, deeper normalisation is :func:`ivr.runtime.normalise.normalise`."""
    return [" ".join(w.lower().split()) for w in words if w.strip()]
