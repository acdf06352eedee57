"""What happens next in a call: from a state and what the caller did, to the next state.

Pure functions of the runtime flow: no Flask, no TwiML, no YAML. The webhooks turn a
request into one of these calls and the resulting state into TwiML.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ivr.runtime import flow as rt
from ivr.runtime.normalise import MAX_UTTERANCE
from ivr.runtime.outcomes import Kind, Outcome
from ivr.runtime.speech.answers import NO, YES, yes_or_no
from ivr.runtime.speech.listening import CONFIRM, DANGER, EMPTY, GO, UNCLEAR, Decision, decide
from ivr.runtime.state import (
    EVENT_CONFIRM,
    EVENT_INVALID,
    EVENT_NOT_THAT,
    EVENT_NOW,
    EVENT_SILENCE,
    EVENT_UNCLEAR,
    REACHED_ASKED,
    REACHED_SILENT,
    REACHED_STRAIGHT,
    REACHED_UNSURE,
    CallState,
)
from ivr.runtime.twilio import DIAL_CONNECTED

MAX_SPEECH = MAX_UTTERANCE  # characters of SpeechResult considered; the rest is noise
#: At "It sounds like you want …": the keys for yes and for no.
KEY_YES = "1"
KEY_NO = "2"
#: How a call sent to the helpline got there, as the adviser's whisper says it (by what sent it).
REACHED_BY: dict[Kind, str] = {
    Kind.HELPLINE: REACHED_ASKED,
    Kind.SILENCE_LIMIT: REACHED_SILENT,
    Kind.INVALID_LIMIT: REACHED_UNSURE,
}


@dataclass(frozen=True)
class Step:
    """The result of one event: the state to render next, and what happened (for the logs and the statistics)."""

    state: CallState
    outcome: Outcome
    choice: str = ""


def hear(flow: rt.Flow, node: rt.Menu | rt.LanguageMenu, speech: str, language: str) -> Decision:
    """What a spoken answer at a menu means, in the call's language (the language menu
    listens in every language at once): see :func:`ivr.runtime.speech.listening.decide`."""
    spoken = flow.language_of(language)
    # The language menu listens in every language at once; a language not all recorded yet is
    # served in the line's first language (ivr.runtime.twiml), so heard in it too.
    code = flow.language if isinstance(node, rt.LanguageMenu) or not spoken.ready else spoken.code
    listener = node.listens.get(code)
    if listener is None:
        return Decision(UNCLEAR, reason="this menu does not listen in this language")
    return decide(listener, speech[:MAX_SPEECH])


def confident(flow: rt.Flow, confidence: str) -> bool:
    """Whether the recogniser was sure enough to act on; a missing or odd value is not a doubt."""
    try:
        value = float(confidence[:10]) if confidence else 1.0
    except ValueError:
        return True
    return not (0.0 <= value < flow.speech_confidence)


def start(flow: rt.Flow, language: str = "") -> CallState:
    """A new call. A language given by the number called (``/voice?l=pl-PL``) skips the language menu."""
    if language and language in flow.languages:
        node = flow.node(flow.start)
        first = node.next if isinstance(node, rt.LanguageMenu) else flow.start
        return _first_step(flow, first, language, slow=False)
    return CallState(node=flow.start, language=flow.language)


def _first_step(flow: rt.Flow, node: str, language: str, slow: bool) -> CallState:
    """Where a call goes once its language is chosen: on to ``node`` in it, or — for a
    language whose texts are not all recorded yet — straight to the helpline, whose
    interpreters speak it, without a word the caller would not understand. The language
    stays in the state, and how the caller came (``REACHED_STRAIGHT``), so the adviser's
    whisper says both."""
    if flow.language_of(language).ready:
        return CallState(node, language, slow=slow)
    return CallState(rt.HELPLINE_NODE, language, event=EVENT_NOW, slow=slow, reached=REACHED_STRAIGHT)


def to_helpline(state: CallState, kind: Kind, at_once: bool = False) -> Step:
    """To the helpline, after a request that does not fit where the call is or too many tries.

    ``at_once``: the caller pressed 0 for it, so the phone rings without "Connecting you to
    the helpline" first (issue 26: ringing sooner; the ringing itself says the key worked).
    When the line connects by itself (silence, mistakes) or on words it understood, that
    sentence says where the call is going."""
    reached = replace(state.at(rt.HELPLINE_NODE), reached=REACHED_BY.get(kind, ""))
    return Step(replace(reached, event=EVENT_NOW) if at_once else reached, Outcome(kind))


def on_input(flow: rt.Flow, state: CallState, digits: str, speech: str, confidence: str = "") -> Step:
    """A key (or a spoken answer) while the line was speaking or waiting."""
    node = flow.node(state.node)
    digits = digits.strip()
    if isinstance(node, (rt.Message, rt.Transfer, rt.End)):
        return on_key_while_speaking(flow, state, node, digits[:1])
    if not isinstance(node, rt.Waiting):
        return to_helpline(state, Kind.INPUT_OUTSIDE_MENU)
    speech = speech or ""
    sure_of_words = not speech.strip() or confident(flow, confidence)
    if state.event == EVENT_CONFIRM and isinstance(node, rt.Menu) and node.choice_for_key(state.proposed):
        answered = _answer_to_confirming(flow, state, node, digits[:1], speech if sure_of_words else "")
        if answered is not None:
            return answered
    if digits:
        return on_key(flow, state, node, digits[:1], spoken=False)
    decision = hear(flow, node, speech, state.language)
    if not sure_of_words:  # a recogniser unsure of its words: only danger is acted on
        if decision.action == DANGER:
            return on_key(flow, state, node, DANGER, spoken=True)
        return _unclear(state, node)
    if decision.action == EMPTY:
        return on_silence(flow, state)
    if decision.action == DANGER:
        return on_key(flow, state, node, DANGER, spoken=True)
    if decision.action == GO:
        return on_key(flow, state, node, decision.key, spoken=True)
    asked_already = state.event == EVENT_CONFIRM
    if (
        decision.action == CONFIRM
        and isinstance(node, rt.Menu)
        and not asked_already
        and node.choice_for_key(decision.key)
    ):
        asking = replace(state, event=EVENT_CONFIRM, proposed=decision.key)
        return Step(asking, Outcome(Kind.CONFIRM), "speech")
    return _unclear(state, node)


def _answer_to_confirming(flow: rt.Flow, state: CallState, node: rt.Menu, key: str, speech: str) -> Step | None:
    """An answer to "It sounds like you want …": yes (1), no (2), or ``None`` for anything
    else, which the menu hears as an answer to itself (a key, or the caller saying again what
    they want)."""
    answer = (YES if key == KEY_YES else NO if key == KEY_NO else None) if key else yes_or_no(speech, state.language)
    if answer == YES:
        step = on_key(flow, replace(state, event="", proposed=""), node, state.proposed, spoken=not key)
        return replace(step, outcome=Outcome(Kind.CONFIRMED)) if step.outcome.kind is Kind.CHOICE else step
    if answer == NO:
        invalids = state.invalids + 1
        if invalids >= node.max_invalid:
            return to_helpline(state, Kind.INVALID_LIMIT)
        again = replace(state, invalids=invalids, event=EVENT_NOT_THAT, proposed="")
        return Step(again, Outcome(Kind.DECLINED), key or "speech")
    return None


def on_key(flow: rt.Flow, state: CallState, node: rt.Menu | rt.LanguageMenu, key: str, spoken: bool) -> Step:
    """A key pressed or named at a menu, or :data:`DANGER` (danger heard in what was said)."""
    state = replace(state, proposed="") if state.proposed else state
    if key == DANGER:
        if flow.danger_node and flow.node(flow.danger_node) is not None:
            return Step(state.at(flow.danger_node), Outcome(Kind.DANGER_WORDS), "speech")
        return to_helpline(state, Kind.DANGER_WORDS)
    if isinstance(node, rt.LanguageMenu):
        # A language's key comes before a built-in one here: 8 chooses a language at the language
        # menu (slower speech is not offered there); 0, 9 and * never do, whatever the flow says.
        chosen = _language_chosen(flow, key)
        if chosen is not None:
            return Step(_first_step(flow, node.next, chosen.code, state.slow), Outcome.chose_language(chosen.code), key)
    builtin = _builtin_step(state, node.name, key, spoken)
    if builtin is not None:
        return builtin
    if not isinstance(node, rt.LanguageMenu):
        choice = node.choice_for_key(key)
        if choice is not None:
            return Step(after_choice(flow, state, node, choice), Outcome(Kind.CHOICE), "speech" if spoken else key)
    if spoken:
        return _unclear(state, node)
    invalids = state.invalids + 1
    if invalids >= node.max_invalid:
        return to_helpline(state, Kind.INVALID_LIMIT)
    again = replace(state, node=node.name, invalids=invalids, event=EVENT_INVALID, proposed="")
    return Step(again, Outcome(Kind.INVALID), key)


def _language_chosen(flow: rt.Flow, key: str) -> rt.Language | None:
    """The language ``key`` chooses at the language menu (its key, or its code when it was
    chosen by its name), if any; never on the keys that reach the helpline or end the call."""
    if not key or key in (rt.KEY_HELPLINE, rt.KEY_QUICK_EXIT, rt.KEY_REPEAT):
        return None
    return next((lang for lang in flow.languages.values() if key in (lang.key, lang.code)), None)


def after_choice(flow: rt.Flow, state: CallState, menu: rt.Menu, choice: rt.Choice) -> CallState:
    """The state after a menu choice. A choice to a transfer is the caller asking for it; the
    first choice that leads to words rather than another menu is what the caller wanted (the
    adviser's whisper says both, :mod:`ivr.runtime.whisper`)."""
    arriving = state.at(choice.target)
    target = flow.node(choice.target)
    if isinstance(target, rt.Transfer):
        return replace(arriving, reached=REACHED_ASKED)
    if not state.chose and not isinstance(target, rt.Waiting):
        return replace(arriving, chose=f"{menu.name}:{choice.key}")
    return arriving


def _unclear(state: CallState, node: rt.Menu | rt.LanguageMenu) -> Step:
    """Words not understood (or not sure enough): a person first, then the menu again, and
    after the menu's allowance of tries, the helpline."""
    invalids = state.invalids + 1
    if invalids >= node.max_invalid:
        return to_helpline(state, Kind.INVALID_LIMIT)
    again = replace(state, node=node.name, invalids=invalids, event=EVENT_UNCLEAR, proposed="")
    return Step(again, Outcome(Kind.UNCLEAR), "speech")


def _builtin_step(state: CallState, here: str, key: str, spoken: bool = False) -> Step | None:
    """What the keys every moment of a call understands do: 9, *, 8 and 0 (``spoken``: named
    in words rather than pressed)."""
    if key == rt.KEY_QUICK_EXIT:
        return Step(state.at(rt.QUICK_EXIT_NODE), Outcome(Kind.QUICK_EXIT), key)
    again = replace(state.at(here), reached=state.reached)  # the same node: still reached as it was
    if key == rt.KEY_REPEAT:
        return Step(again, Outcome(Kind.REPEAT), key)
    if key == rt.KEY_SLOWER:
        return Step(replace(again, slow=True), Outcome(Kind.SLOWER), key)
    if key == rt.KEY_HELPLINE:
        return to_helpline(state, Kind.HELPLINE, at_once=not spoken)
    return None


def on_key_while_speaking(flow: rt.Flow, state: CallState, node: rt.Message | rt.Transfer | rt.End, key: str) -> Step:
    """A key pressed during a message, the words before a transfer, or the goodbye.

    9 ends the call, 0 connects to the helpline (during the helpline's own announcement it
    skips the rest), * says it again from its start, 8 slows the call down and says it
    again. Any other key skips to what comes next: the rest of the message is not lost to a
    caller who pressed by mistake, since every menu offers * to hear it again.
    """
    if key == rt.KEY_HELPLINE and isinstance(node, rt.Transfer) and node.target.key == flow.helpline.key:
        return Step(
            replace(state.at(node.name), event=EVENT_NOW, reached=state.reached), Outcome(Kind.HELPLINE_NOW), key
        )
    builtin = _builtin_step(state, node.name, key)
    if builtin is not None:
        return builtin
    if isinstance(node, rt.Message):
        return Step(state.at(node.next), Outcome(Kind.SKIP), key or "")
    if isinstance(node, rt.Transfer):
        return Step(replace(state.at(node.name), event=EVENT_NOW, reached=state.reached), Outcome(Kind.SKIP), key or "")
    return Step(state.at(rt.QUICK_EXIT_NODE), Outcome(Kind.GOODBYE_SKIPPED), key or "")


def on_silence(flow: rt.Flow, state: CallState) -> Step:
    """A menu's time-out ran out with no key and no speech."""
    node = flow.node(state.node)
    if not isinstance(node, rt.Waiting):
        return to_helpline(state, Kind.SILENCE_OUTSIDE_MENU)
    silences = state.silences + 1
    if silences >= node.max_silence:
        return to_helpline(state, Kind.SILENCE_LIMIT)
    return Step(
        replace(state, node=node.name, silences=silences, event=EVENT_SILENCE, proposed=""), Outcome(Kind.SILENCE)
    )


def on_dial_result(flow: rt.Flow, state: CallState, status: str) -> Step:
    """A transfer ended: finished after a conversation, or busy / not answered / failed."""
    transfer = flow.node(state.node)
    if not isinstance(transfer, rt.Transfer):
        return to_helpline(state, Kind.DIAL_RESULT_OUTSIDE_TRANSFER)
    if status in DIAL_CONNECTED:
        return Step(state.at(rt.AFTER_CALL_NODE), Outcome.connected(transfer.target.key))
    return Step(state.at(transfer.after(status)), Outcome.not_connected(transfer.target.key, status))


def where_speech_goes(flow: rt.Flow, menu: str, language: str, said: str, confidence: str = "0.9") -> str:
    """Where a spoken answer at a menu sends the call, named as a person would check it: a
    node name, ``helpline``, ``repeat``, ``slower``, ``reprompt``, ``language:<code>``, or
    ``confirm:<node>`` when the line asks first whether the caller wants that node.
    For the speech corpus tests and the benchmark."""
    state = CallState(menu, language)
    step = on_input(flow, state, "", said, confidence)
    if step.outcome.kind is Kind.CONFIRM:
        node = flow.node(menu)
        choice = node.choice_for_key(step.state.proposed) if isinstance(node, rt.Menu) else None
        return f"confirm:{choice.target}" if choice is not None else "reprompt"
    if step.outcome.kind in (Kind.REPEAT, Kind.SLOWER, Kind.LANGUAGE):
        return str(step.outcome)
    if step.outcome.kind in (Kind.UNCLEAR, Kind.INVALID):
        return "reprompt"
    return "helpline" if step.state.node == rt.HELPLINE_NODE else step.state.node
