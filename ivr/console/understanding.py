"""Beside the try page's keypad: why the line decided what it did with words the operator
typed as speech (issue 25), the same explanation ``ivr understand`` prints.

It is worked out on the server, from the compiled flow the tried call runs (the live flow or
the operator's draft), for the menu the call was waiting at and the call's language, both
read from the waiting <Gather>'s action URL: that URL carries the call's state, exactly as
the line wrote it and signed inside the console's position. The words are the operator's
own, typed to try the line: they are explained and shown back, never kept or logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from flask import render_template

from ivr.runtime import flow as rt
from ivr.runtime.engine import MAX_SPEECH
from ivr.runtime.speech.answers import yes_or_no
from ivr.runtime.speech.explain import Explanation, NotAMenu, explain
from ivr.runtime.state import EVENT_CONFIRM, CallState
from ivr.tools.simulator import SimulatedCall

#: What each decision adds to the name of the choice it concerns, in words (not only colour).
_ROLE = {"go": "chosen", "confirm": "asked about"}


@dataclass(frozen=True)
class Row:
    """One choice the menu offers, as the panel's table shows it."""

    name: str
    #: The key it stands for, or "" for what the line acts on itself (nothing to act on).
    key: str
    #: 0-1, the bar's length; ``percent`` is the same as text beside it ("99.2%").
    probability: float
    percent: str
    #: "chosen", "asked about" or "": in words, so the table does not rely on its colour.
    role: str


@dataclass(frozen=True)
class Panel:
    """What the "Understanding" panel shows: the words, the decision, the choices, the words that weighed."""

    said: str
    explanation: Explanation
    rows: tuple[Row, ...]
    #: The name of the choice the weighed words are for (the one decided on, or the likeliest).
    focus: str
    #: Each part of what was said that weighed most, with its weight as text: "+4.21", "−0.17".
    weighed: tuple[tuple[str, str], ...]

    @property
    def summary(self) -> str:
        """The decision in one line of words: "acted on at once → the helpline"."""
        return f"{self.explanation.action} → {self.explanation.goes_to}"


def understanding(flow: rt.Flow, call: SimulatedCall, said: str) -> Panel | None:
    """The panel for ``said`` at the menu ``call`` waits at (read before the words are sent),
    or ``None`` when no menu hears them: the call is not waiting at a menu (a message that
    listens for keys only), or the words answer "It sounds like you want …" with yes or no."""
    waiting = call.waiting
    if waiting is None or waiting.kind != "gather":
        return None
    action = urljoin(waiting.url, waiting.verb.action or waiting.url)
    state = CallState.from_query_string(urlsplit(action).query, default_node=flow.start)
    said = said[:MAX_SPEECH]
    if state.event == EVENT_CONFIRM and yes_or_no(said, state.language) is not None:
        return None
    try:
        explanation = explain(flow, state.node, state.language, said)
    except NotAMenu:
        return None
    return _panel(said, explanation)


def _panel(said: str, explanation: Explanation) -> Panel:
    decision = explanation.decision
    role = _ROLE.get(decision.action, "")
    rows = tuple(
        Row(
            name=chance.name,
            key="" if chance.key in ("", "danger") else chance.key,
            probability=chance.probability,
            percent=f"{chance.probability:.1%}",
            role=role if chance.meaning == decision.meaning else "",
        )
        for chance in explanation.chances
    )
    focus_meaning = decision.meaning or (explanation.chances[0].meaning if explanation.chances else "")
    focus = next((c.name for c in explanation.chances if c.meaning == focus_meaning), focus_meaning)
    weighed = tuple((part, f"{weight:+.2f}".replace("-", "\u2212")) for part, weight in explanation.weighed)
    return Panel(said, explanation, rows, focus, weighed)


def panel_html(panel: Panel | None) -> str:
    """The panel as HTML for the page to put beside the keypad ("" for no panel); every word
    in it is escaped by the template."""
    return render_template("console/_understanding.html", panel=panel) if panel is not None else ""
