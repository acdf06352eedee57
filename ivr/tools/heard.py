"""What a caller hears of the line's TwiML, read verb by verb as a phone would play it.

The simulator (:mod:`ivr.tools.simulator`) follows the verbs; this says what each one
sounds like: the words of a ``<Say>`` with its SSML taken out, a ``<Play>``'s recording,
a ``<Pause>``, the number a ``<Dial>`` rings.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

#: A <Gather> that waits this long or less after its words is the line listening for keys
#: *during* them (a message, the words before a transfer): by default the simulated caller
#: lets the words play and goes on, and can still press during them.
LISTENING_WHILE_SPEAKING = 1


@dataclass(frozen=True)
class Heard:
    """One thing that happened on the call, in order."""

    kind: str  # "say", "pause", "play", "dial", "hangup", "error"
    text: str = ""
    attrs: dict[str, str] = field(default_factory=dict)


def heard_of(verb: ET.Element) -> Heard | None:
    """What the caller hears of a verb that only speaks or plays (also inside <Gather>);
    ``None`` for any other verb."""
    if verb.tag == "Say":
        return Heard("say", _text(verb), dict(verb.attrib))
    if verb.tag == "Play":
        return Heard("play", (verb.text or "").strip(), dict(verb.attrib))
    if verb.tag == "Pause":
        return Heard("pause", verb.get("length", "1"))
    return None


def dialled(dial: ET.Element) -> str:
    """The number a <Dial> rings."""
    number = dial.find("Number")
    return (number.text if number is not None else dial.text or "").strip()


def while_speaking(gather: ET.Element) -> bool:
    """Whether a <Gather> only listens for keys during its words (see :data:`LISTENING_WHILE_SPEAKING`)."""
    try:
        return int(gather.get("timeout", "5")) <= LISTENING_WHILE_SPEAKING
    except ValueError:
        return False


def _spoken(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(" … " if child.tag == "break" else _spoken(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def _text(element: ET.Element) -> str:
    """What a <Say> speaks, with SSML taken out and each pause shown as "…"."""
    text = " ".join(_spoken(element).split())
    while "… …" in text:
        text = text.replace("… …", "…")
    for mark in (".", ",", "?", "!"):
        text = text.replace(" " + mark, mark)
    return text
