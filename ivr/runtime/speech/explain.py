"""Why the line decided what it did with a spoken answer, in words an operator reads.

One explanation serves ``ivr understand`` and the console's try page: the decision, where
the call goes, the probability of each meaning the menu offers (with its key), and the
parts of what was said that weighed most for the meaning chosen. Nothing here is kept:
the words said are the operator's own, typed to try the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from ivr.runtime import flow as rt
from ivr.runtime.normalise import MAX_UTTERANCE
from ivr.runtime.speech import listening
from ivr.runtime.speech import meanings as m

#: What each decision is called for a person.
ACTIONS = {
    listening.GO: "acted on at once",
    listening.CONFIRM: 'asked first: "It sounds like you want …"',
    listening.DANGER: "the danger advice",
    listening.UNCLEAR: "not understood: a person offered, then the menu again",
    listening.EMPTY: "nothing said: treated as silence",
}


@dataclass(frozen=True)
class Chance:
    """One meaning the menu offers: what it is called, its key, and how likely it is."""

    meaning: str
    name: str
    key: str
    probability: float


@dataclass(frozen=True)
class Explanation:
    menu: str
    language: str
    decision: listening.Decision
    #: Where the call goes: a node's name, or what the line does itself.
    goes_to: str
    chances: tuple[Chance, ...]
    #: The parts of what was said that weighed most for the meaning chosen (or the likeliest),
    #: with how much: positive for it, negative against it.
    weighed: tuple[tuple[str, float], ...]

    @property
    def action(self) -> str:
        return ACTIONS[self.decision.action]


class NotAMenu(LookupError):
    """The node named does not listen for speech."""


def explain(flow: rt.Flow, menu: str, language: str, said: str) -> Explanation:
    """What the line does with ``said`` at ``menu`` for a call in ``language``, and why."""
    said = said[:MAX_UTTERANCE]
    node = flow.node(menu)
    if not isinstance(node, (rt.Menu, rt.LanguageMenu)):
        menus = ", ".join(sorted(n for n, v in flow.nodes.items() if isinstance(v, rt.Waiting)))
        raise NotAMenu(f"{menu!r} is not a menu of this flow: try one of {menus}")
    code = flow.language if isinstance(node, rt.LanguageMenu) else flow.language_of(language).code
    listener = node.listens.get(code)
    if listener is None:
        decision = listening.Decision(listening.UNCLEAR, reason="this menu does not listen in this language")
        return Explanation(menu, code, decision, "asked again", (), ())
    decision = listening.decide(listener, said)
    targets = {c.key: c.target for c in node.choices} if isinstance(node, rt.Menu) else {}
    chances = tuple(
        Chance(meaning, _name(meaning, listener.offered[meaning], targets), listener.offered[meaning], probability)
        for meaning, probability in decision.probabilities
    )
    focus = decision.meaning or (decision.probabilities[0][0] if decision.probabilities else "")
    model = listener.model
    weighed = tuple(model.weighed(said, focus, menu=listener.menu)) if model is not None and focus else ()
    return Explanation(menu, code, decision, _goes_to(flow, decision, targets), chances, weighed)


def _name(meaning: str, key: str, targets: dict[str, str]) -> str:
    if meaning.startswith(m.LANGUAGE):
        return meaning.removeprefix(m.LANGUAGE)
    return m.OWN_NAMES.get(meaning) or targets.get(key, meaning)


def _goes_to(flow: rt.Flow, decision: listening.Decision, targets: dict[str, str]) -> str:
    if decision.action == listening.DANGER:
        return flow.danger_node or "the helpline"
    if decision.action in (listening.UNCLEAR, listening.EMPTY):
        return "asked again"
    builtin = {rt.KEY_HELPLINE: "the helpline", rt.KEY_REPEAT: "the menu again", rt.KEY_SLOWER: "slower speech"}
    place = targets.get(decision.key) or builtin.get(decision.key) or decision.meaning
    return f"asks about {place}" if decision.action == listening.CONFIRM else place
