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

#: How a call came to the transfer it is at, for the adviser's whisper (:mod:`ivr.runtime.whisper`):
#: the caller asked for a person (0, "helpline", a choice to connect); stayed silent until the
#: line connected them; or gave answers the line could not take until it connected them; or
#: chose a language the line cannot speak yet (no voice, not every text recorded) and was put
#: straight through.
REACHED_ASKED = "asked"
REACHED_SILENT = "silent"
REACHED_UNSURE = "unsure"
REACHED_STRAIGHT = "straight"
REACHED = (REACHED_ASKED, REACHED_SILENT, REACHED_UNSURE, REACHED_STRAIGHT)


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
    #: What the caller chose first, as ``menu:key`` (a menu choice that did not lead to another
    #: menu): what the adviser is told the caller wanted. Kept for the rest of the call.
    chose: str = ""
    #: Whether the caller has been given the flow's danger advice. Kept for the rest of the call.
    danger_heard: bool = False
    #: How the call came to the node it is at (one of :data:`REACHED`), when it is a transfer.
    reached: str = ""

    def at(self, node: str) -> CallState:
        """The state on arriving at another node: the counts start again; what the caller
        chose and heard stays."""
        return replace(self, node=node, silences=0, invalids=0, event=EVENT_NONE, proposed="", reached="")

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
        if self.chose:
            fields["c"] = self.chose
        if self.danger_heard:
            fields["d"] = "1"
        if self.reached:
            fields["r"] = self.reached
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
        reached = args.get("r", "")
        return cls(
            node=args.get("n", "")[:MAX_NODE] or default_node,
            language=args.get(LANGUAGE_PARAM, "")[:MAX_LANGUAGE],
            silences=count("s"),
            invalids=count("i"),
            event=event if event in EVENTS else EVENT_NONE,
            slow=args.get("slow") == "1",
            proposed=proposed if proposed in PROPOSABLE and event == EVENT_CONFIRM else "",
            chose=args.get("c", "")[: MAX_NODE + 2],
            danger_heard=args.get("d") == "1",
            reached=reached if reached in REACHED else "",
        )
