"""What one menu hears in one language, and what it decides a caller meant.

A :class:`Listener` is made when a flow is compiled: the language's learned model, the
meanings the menu offers and the key each stands for. :func:`decide` then runs on each
spoken answer, in this order, safety first:

1. Nothing said: nothing to decide (the engine treats it as silence).
2. 999, 112 or 911 said in any form: danger.
3. A key named in words, and nothing else ("two", "the second one", "dwójka"): that key;
   9 named so is not understood (only the key itself is the quick exit).
   The whole answer one of the flow's own words for a choice ("nạn nhân", "crimestoppers"):
   that choice, as the operator who wrote it said.
4. The model's probabilities over the meanings this menu offers:
   - danger from :data:`~ivr.runtime.speech.policy.Thresholds.danger_at` up: danger;
   - the likeliest meaning from :data:`~ivr.runtime.speech.policy.Thresholds.sure` up: that choice, at
     once (never the police advice, information or reporting while danger is above
     :data:`~ivr.runtime.speech.policy.Thresholds.danger_doubt`: that is asked first);
   - from :data:`~ivr.runtime.speech.policy.Thresholds.unsure` up: ask "It sounds like you want …"
     (a person, the menu again and slower speech are not asked about: not understood offers
     a person first anyway, and a caller in danger asking for "someone" must not be put
     through to the helpline instead of being told to dial 999);
   - otherwise, or noise the likeliest: not understood.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ivr.runtime.normalise import MAX_UTTERANCE, fold, normalise
from ivr.runtime.speech import meanings as m
from ivr.runtime.speech import policy
from ivr.runtime.speech.keys import QUICK_EXIT, emergency_number_said, key_named
from ivr.runtime.speech.meanings import DANGER  # also a decision: the danger advice
from ivr.runtime.speech.model import SpeechModel

#: What a decision is.
GO = "go"  # act on ``key`` at once
CONFIRM = "confirm"  # ask whether ``key`` is what the caller wants
UNCLEAR = "unclear"  # not understood: offer a person, ask again
EMPTY = "empty"  # nothing was said


@dataclass(frozen=True)
class Decision:
    """What the line does with a spoken answer, and why (for ``ivr understand``, the console's
    try page and the statistics; never with the words said)."""

    action: str
    key: str = ""
    meaning: str = ""
    #: Each meaning the menu offers, likeliest first (empty when the model was not asked).
    probabilities: tuple[tuple[str, float], ...] = ()
    reason: str = ""
    #: How likely danger is on its own, whatever else is likelier (0 when the model was not
    #: asked or the menu has no danger advice to give).
    danger: float = 0.0


@dataclass(frozen=True)
class Listener:
    """One menu, one language: the model, and the key each offered meaning stands for.
    Meanings the line acts on itself (danger, nothing) stand for no key."""

    language: str
    model: SpeechModel | None
    offered: Mapping[str, str]
    #: Keys a caller may name in words at this menu.
    keys: frozenset[str] = field(default_factory=frozenset)
    #: The flow's own words for this menu's choices and the line's actions (normalised, as
    #: :func:`ivr.runtime.normalise.normalise` joins them), each with its key: said as the
    #: whole answer, one of them is what the operator who wrote it said it is.
    words: Mapping[str, str] = field(default_factory=dict)
    #: Other languages an emergency number may be said in here: at the language menu, every
    #: language of the line (a caller answers the first question in their own).
    also_in: tuple[str, ...] = ()
    #: The corpus's name for this menu (:func:`ivr.runtime.speech.corpus.menu_of`): the model
    #: weighs words as they are meant here ("put me through" at the report menu).
    menu: str = ""

    @property
    def meanings(self) -> tuple[str, ...]:
        return tuple(self.offered)


def decide(listener: Listener, said: str, thresholds: policy.Thresholds = policy.CHOSEN) -> Decision:
    """What a spoken answer means at this menu (see the module's docstring for the order)."""
    return apply(listener, weigh(listener, said), thresholds)


def weigh(listener: Listener, said: str) -> Decision:
    """Everything up to the thresholds: a decision already (nothing said, an emergency
    number, a key), or the probabilities of the meanings this menu offers."""
    text = said[:MAX_UTTERANCE]
    if not fold(text):
        return Decision(EMPTY, reason="nothing was said")
    if any(emergency_number_said(text, language) for language in (listener.language, *listener.also_in)):
        return Decision(DANGER, meaning=m.DANGER, reason="an emergency number")
    key = key_named(text, listener.language)
    if key == QUICK_EXIT:  # "nine" may be the start of "nine nine nine": never the quick exit
        return Decision(UNCLEAR, reason="9 said: only the key ends a call")
    if key is not None and key in listener.keys:
        return Decision(GO, key=key, reason="a key said in words")
    written = listener.words.get(" ".join(normalise(text, listener.language)))
    if written == DANGER:
        return Decision(DANGER, meaning=m.DANGER, reason="the flow's own word for danger")
    if written is not None:
        return Decision(GO, key=written, reason="the flow's own word for this choice")
    if listener.model is None:
        return Decision(UNCLEAR, reason="no speech model for this language")
    scores = listener.model.scores(text, listener.menu)
    chances = listener.model.shares(scores, listener.meanings)
    if not chances:
        return Decision(UNCLEAR, reason="the model knows none of this menu's choices")
    ranked = tuple(sorted(chances.items(), key=lambda item: (-item[1], item[0])))
    danger = listener.model.alone(scores, m.DANGER) if m.DANGER in listener.offered else 0.0
    return Decision("", probabilities=ranked, danger=danger)


def apply(listener: Listener, weighed: Decision, thresholds: policy.Thresholds) -> Decision:
    """The thresholds applied to what :func:`weigh` found."""
    if weighed.action:
        return weighed
    ranked = weighed.probabilities
    best, likelihood = ranked[0]
    danger = weighed.danger
    if danger >= thresholds.danger_at:
        reason = f"danger, on its own {danger:.0%} (the danger advice from {thresholds.danger_at:.0%})"
        return Decision(DANGER, meaning=m.DANGER, probabilities=ranked, reason=reason, danger=danger)
    if best in (m.NOTHING, m.DANGER) or likelihood < thresholds.unsure:
        return Decision(UNCLEAR, meaning=best, probabilities=ranked, reason="not sure enough to ask", danger=danger)
    doubt = danger >= thresholds.danger_doubt
    if likelihood >= thresholds.sure and not doubt:
        return Decision(GO, listener.offered[best], best, ranked, "sure", danger)
    if best in (m.PERSON, m.REPEAT, m.SLOWER):  # no choice to ask about: a person is offered
        reason = "the line's own choice, unsure"
        return Decision(UNCLEAR, meaning=best, probabilities=ranked, reason=reason, danger=danger)
    reason = f"some danger, on its own {danger:.0%}: asked first" if doubt else "unsure"
    return Decision(CONFIRM, listener.offered[best], best, ranked, reason, danger)
