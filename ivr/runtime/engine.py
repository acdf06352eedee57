"""What happens next in a call: from a state and what the caller did, to the next state.

Pure functions of the runtime flow: no Flask, no TwiML, no YAML. The webhooks turn a
request into one of these calls and the resulting state into TwiML.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ivr.runtime import flow as rt
from ivr.runtime import understand
from ivr.runtime.outcomes import Kind, Outcome
from ivr.runtime.state import EVENT_INVALID, EVENT_NOW, EVENT_SILENCE, EVENT_UNCLEAR, CallState
from ivr.runtime.twilio import DIAL_CONNECTED

_SPOKEN_KEYS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "zero": "0", "star": "*",
}  # fmt: skip
MAX_SPEECH = understand.MAX_UTTERANCE  # characters of SpeechResult considered; the rest is noise

#: What a caller's words stand for when they are not one of the menu's choices.
_BUILTIN_KEYS = {
    understand.HELPLINE: rt.KEY_HELPLINE,
    understand.REPEAT: rt.KEY_REPEAT,
    understand.SLOWER: rt.KEY_SLOWER,
}
#: Stands for "go to the flow's danger advice": not a key a phone can send.
DANGER = "danger"
UNCLEAR = "unclear"


@dataclass(frozen=True)
class Step:
    """The result of one event: the state to render next, and what happened (for the logs and the statistics)."""

    state: CallState
    outcome: Outcome
    choice: str = ""


def _spoken_key(said: str) -> str | None:
    """The key a caller names ("one", "number two", "press 3"). Never the quick exit: a caller
    saying "nine nine nine" wants the police, and must not be hung up on."""
    tokens = understand.fold(said).split()
    if len(tokens) <= 3:
        for token in reversed(tokens):
            key = _SPOKEN_KEYS.get(token, token)
            if len(key) == 1 and key in "012345678*":
                return key
    return None


def key_for_speech(flow: rt.Flow, node: rt.Menu | rt.LanguageMenu, speech: str, language: str) -> str | None:
    """What a spoken answer stands for, in the call's language: a key, :data:`DANGER`,
    :data:`UNCLEAR` (a tie, or nothing understood), or ``None`` for no speech at all."""
    if not speech.strip():
        return None
    code = flow.language if isinstance(node, rt.LanguageMenu) else flow.language_of(language).code
    vocabulary = node.listens.get(code)
    if vocabulary is None:
        return _spoken_key(speech) or UNCLEAR
    result = understand.understand(speech, vocabulary)
    meaning = result.meaning
    if meaning is None:
        return _spoken_key(speech) or UNCLEAR
    if meaning.kind == understand.DANGER:
        return DANGER
    if meaning.kind == understand.CHOICE:
        return meaning.key
    return _BUILTIN_KEYS[meaning.kind]


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
        return CallState(node=first, language=language)
    return CallState(node=flow.start, language=flow.language)


def to_helpline(state: CallState, kind: Kind) -> Step:
    """To the helpline, after a request that does not fit where the call is or too many tries."""
    return Step(state.at(rt.HELPLINE_NODE), Outcome(kind))


def on_input(flow: rt.Flow, state: CallState, digits: str, speech: str, confidence: str = "") -> Step:
    """A key (or a spoken answer) while the line was speaking or waiting."""
    node = flow.node(state.node)
    digits = digits.strip()
    if isinstance(node, (rt.Message, rt.Transfer, rt.End)):
        return on_key_while_speaking(flow, state, node, digits[:1])
    if not isinstance(node, rt.Waiting):
        return to_helpline(state, Kind.INPUT_OUTSIDE_MENU)
    speech = speech or ""
    if digits:
        key: str | None = digits[:1]
    elif speech.strip() and not confident(flow, confidence):
        key = UNCLEAR
    else:
        key = key_for_speech(flow, node, speech, state.language)
    if key is None:
        return on_silence(flow, state)
    if key == DANGER and flow.danger_node and flow.node(flow.danger_node) is not None:
        return Step(state.at(flow.danger_node), Outcome(Kind.DANGER_WORDS), "speech")
    builtin = _builtin_step(state, node.name, key)
    if builtin is not None:
        return builtin
    if isinstance(node, rt.LanguageMenu):
        chosen = next((lang for lang in flow.languages.values() if lang.key == key), None)
        if chosen is not None:
            return Step(CallState(node.next, chosen.code, slow=state.slow), Outcome.chose_language(chosen.code), key)
    else:
        choice = node.choice_for_key(key)
        if choice is not None:
            return Step(state.at(choice.target), Outcome(Kind.CHOICE), key)
    invalids = state.invalids + 1
    if invalids >= node.max_invalid:
        return to_helpline(state, Kind.INVALID_LIMIT)
    unclear = key in (UNCLEAR, DANGER) or not digits
    return Step(
        CallState(
            node.name, state.language, state.silences, invalids, EVENT_UNCLEAR if unclear else EVENT_INVALID, state.slow
        ),
        Outcome(Kind.UNCLEAR if unclear else Kind.INVALID),
        "speech" if unclear else key,
    )


def _builtin_step(state: CallState, here: str, key: str) -> Step | None:
    """What the keys every moment of a call understands do: 9, *, 8 and 0."""
    if key == rt.KEY_QUICK_EXIT:
        return Step(state.at(rt.QUICK_EXIT_NODE), Outcome(Kind.QUICK_EXIT), key)
    if key == rt.KEY_REPEAT:
        return Step(state.at(here), Outcome(Kind.REPEAT), key)
    if key == rt.KEY_SLOWER:
        return Step(CallState(here, state.language, slow=True), Outcome(Kind.SLOWER), key)
    if key == rt.KEY_HELPLINE:
        return Step(state.at(rt.HELPLINE_NODE), Outcome(Kind.HELPLINE), key)
    return None


def on_key_while_speaking(flow: rt.Flow, state: CallState, node: rt.Message | rt.Transfer | rt.End, key: str) -> Step:
    """A key pressed during a message, the words before a transfer, or the goodbye.

    9 ends the call, 0 connects to the helpline (during the helpline's own announcement it
    skips the rest), * says it again from its start, 8 slows the call down and says it
    again. Any other key skips to what comes next: the rest of the message is not lost to a
    caller who pressed by mistake, since every menu offers * to hear it again.
    """
    if key == rt.KEY_HELPLINE and isinstance(node, rt.Transfer) and node.target.key == flow.helpline.key:
        return Step(replace(state.at(node.name), event=EVENT_NOW), Outcome(Kind.HELPLINE_NOW), key)
    builtin = _builtin_step(state, node.name, key)
    if builtin is not None:
        return builtin
    if isinstance(node, rt.Message):
        return Step(state.at(node.next), Outcome(Kind.SKIP), key or "")
    if isinstance(node, rt.Transfer):
        return Step(replace(state.at(node.name), event=EVENT_NOW), Outcome(Kind.SKIP), key or "")
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
        CallState(node.name, state.language, silences, state.invalids, EVENT_SILENCE, state.slow), Outcome(Kind.SILENCE)
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
    node name, ``helpline``, ``repeat``, ``slower``, ``reprompt``, or ``language:<code>``.
    For the speech corpus tests and the held-out benchmark."""
    step = on_input(flow, CallState(menu, language), "", said, confidence)
    if step.outcome.kind in (Kind.REPEAT, Kind.SLOWER, Kind.LANGUAGE):
        return str(step.outcome)
    if step.outcome.kind in (Kind.UNCLEAR, Kind.INVALID):
        return "reprompt"
    return "helpline" if step.state.node == rt.HELPLINE_NODE else step.state.node
