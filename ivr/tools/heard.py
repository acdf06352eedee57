"""What a caller hears of the line's TwiML, read verb by verb as a phone would play it.

The verbs are read by :mod:`ivr.runtime.twiml_reading`; the simulator
(:mod:`ivr.tools.simulator`) follows them; this says what each one sounds like: the words
of a ``<Say>`` with its SSML taken out, a ``<Play>``'s recording, a ``<Pause>``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ivr.runtime import twiml_reading as read
from ivr.runtime.twiml import LISTEN_AFTER_WORDS


@dataclass(frozen=True)
class Heard:
    """One thing that happened on the call, in order."""

    kind: str  # "say", "pause", "play", "dial", "hangup", "error"
    text: str = ""
    attrs: dict[str, str] = field(default_factory=dict)


def heard_of(verb: read.Verb) -> Heard | None:
    """What the caller hears of a verb that only speaks or plays (also inside <Gather>);
    ``None`` for any other verb."""
    if isinstance(verb, read.Say):
        return Heard("say", said(verb), dict(verb.element.attrib))
    if isinstance(verb, read.Play):
        return Heard("play", verb.url, dict(verb.element.attrib))
    if isinstance(verb, read.Pause):
        return Heard("pause", str(verb.length))
    return None


def heard_in(verbs: tuple[read.Verb, ...]) -> list[Heard]:
    """Everything a caller hears of ``verbs``, the words inside each <Gather> included, in order."""
    heard = []
    for verb in verbs:
        for said_verb in verb.verbs if isinstance(verb, read.Gather) else (verb,):
            one = heard_of(said_verb)
            if one is not None:
                heard.append(one)
    return heard


def while_speaking(gather: read.Gather) -> bool:
    """Whether a <Gather> only listens for keys during its words (the line's
    :data:`~ivr.runtime.twiml.LISTEN_AFTER_WORDS` after them, or less): by default the
    simulated caller lets the words play and goes on, and can still press during them."""
    return gather.timeout <= LISTEN_AFTER_WORDS


def said(say: read.Say) -> str:
    """What a <Say> speaks, with SSML taken out and each pause shown as "…"."""
    text = " ".join(" ".join("…" if isinstance(p, read.Break) else p.text for p in say.spoken).split())
    while "… …" in text:
        text = text.replace("… …", "…")
    for mark in (".", ",", "?", "!"):
        text = text.replace(" " + mark, mark)
    return text
