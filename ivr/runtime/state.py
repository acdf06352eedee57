"""The state of a call, carried in the action URLs of the TwiML the line returns.

Twilio signs every request, URL included, so the state comes back exactly as the line
wrote it; no server keeps anything about a call, and any worker can serve any request.
Parsing is still defensive: a state that does not make sense becomes a safe one.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from urllib.parse import urlencode

from ivr.runtime.twilio import parse_pairs

MAX_COUNT = 50
#: The longest node name a state carries. The checker allows names of at most
#: :data:`ivr.definition.limits.MAX_NAME` characters; the line's own nodes add a prefix of up to two more parts
#: ("_busy:_transfer:crimestoppers"), well within this.
MAX_NODE = 200
#: The query parameter that carries the call's language (also on the number's ``/voice``
#: URL, to start in a language), and the longest code a state carries.
LANGUAGE_PARAM = "l"
MAX_LANGUAGE = 20

#: Why a menu is said again: these choose what is said before the prompt.
EVENT_NONE = ""
EVENT_SILENCE = "silence"
EVENT_INVALID = "invalid"
#: A spoken answer that was unclear, or could mean two things: asked again, with the keys.
EVENT_UNCLEAR = "unclear"
#: At a transfer: dial now, without the announcement (the caller pressed to skip it).
EVENT_NOW = "now"
#: At a menu: the line was not sure of a spoken answer and asks "It sounds like you want …"
#: about the choice whose key the state carries (``proposed``).
EVENT_CONFIRM = "confirm"
#: At a menu: the caller said that was not what they wanted; the menu again, a person first.
EVENT_NOT_THAT = "no"
EVENTS = (EVENT_NONE, EVENT_SILENCE, EVENT_INVALID, EVENT_UNCLEAR, EVENT_NOW, EVENT_CONFIRM, EVENT_NOT_THAT)
#: Keys a state may propose (a menu's choices are single keys).
PROPOSABLE = frozenset("0123456789*#")


@dataclass(frozen=True)
class CallState:
    node: str
    language: str = ""
    silences: int = 0  # silent tries so far at this menu
    invalids: int = 0  # choices that were not choices so far at this menu
    event: str = EVENT_NONE
    slow: bool = False
    #: With :data:`EVENT_CONFIRM`: the key of the choice the line asks about.
    proposed: str = ""

    def at(self, node: str) -> CallState:
        """The state on arriving at another node: the counts start again."""
        return replace(self, node=node, silences=0, invalids=0, event=EVENT_NONE, proposed="")

    def query(self) -> str:
        """The state as a query string, short and in a fixed order (the same state is the same URL)."""
        fields: dict[str, str] = {"n": self.node}
        if self.language:
            fields[LANGUAGE_PARAM] = self.language
        if self.silences:
            fields["s"] = str(self.silences)
        if self.invalids:
            fields["i"] = str(self.invalids)
        if self.event:
            fields["e"] = self.event
        if self.slow:
            fields["slow"] = "1"
        if self.proposed:
            fields["k"] = self.proposed
        return urlencode(fields)

    @classmethod
    def from_query_string(cls, query: str, *, default_node: str) -> CallState:
        """Parse the raw query string of an action URL (the first value of each name counts)."""
        args: dict[str, str] = {}
        for name, value in parse_pairs(query):
            args.setdefault(name, value)
        return cls.from_query(args, default_node=default_node)

    @classmethod
    def from_query(cls, args: Mapping[str, str], *, default_node: str) -> CallState:
        def count(name: str) -> int:
            value = args.get(name, "")
            # ASCII digits only: "²" is a digit to str.isdigit() but not to int().
            return min(int(value), MAX_COUNT) if value.isascii() and value.isdigit() and len(value) < 4 else 0

        event = args.get("e", "")
        proposed = args.get("k", "")
        return cls(
            node=args.get("n", "")[:MAX_NODE] or default_node,
            language=args.get(LANGUAGE_PARAM, "")[:MAX_LANGUAGE],
            silences=count("s"),
            invalids=count("i"),
            event=event if event in EVENTS else EVENT_NONE,
            slow=args.get("slow") == "1",
            proposed=proposed if proposed in PROPOSABLE and event == EVENT_CONFIRM else "",
        )
