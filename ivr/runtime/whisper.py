"""What the helpline's adviser hears on answering, before the caller is put through.

Every transfer to the helpline names a whisper URL on its ``<Number url=…>``: Twilio requests
it (POST) when the adviser answers and plays the TwiML it returns to the adviser alone, "after
they answer, but before the parties are connected"; with ``answerOnBridge`` on the ``<Dial>``,
the caller hears ringing meanwhile (Twilio, "TwiML Voice: <Number>", ``url``). When the
document ends, the two are connected. So the adviser knows, before hello, that the call comes
from this line, the caller's language (to bring in an interpreter at once) and what the caller
chose, in one short English sentence.

What the sentence says comes from the call state in the signed URL (what the caller chose
first, whether they were given the danger advice, how they came to the transfer) and from the
flow; never from the request's parameters, so nothing a caller dialled or their number can be
in it. Other destinations (Crimestoppers) get no whisper: they promise anonymity, and the line
tells them nothing about a caller.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

from ivr.definition.language_names import english_name
from ivr.definition.languages import family
from ivr.runtime import flow as rt
from ivr.runtime.state import REACHED_ASKED, REACHED_SILENT, REACHED_STRAIGHT, REACHED_UNSURE, CallState

#: The voice of the whisper where the flow has no English voice of its own.
DEFAULT_VOICE = "Polly.Amy"
DEFAULT_SAY_LANGUAGE = "en-GB"
#: How the caller came to the transfer, as the adviser is told it.
HOW_REACHED = {
    REACHED_ASKED: "asked for a person",
    REACHED_SILENT: "stayed on the line without choosing",
    REACHED_UNSURE: "was put through after answers the line could not understand",
    # {language}: the caller's, in English. They have heard nothing in it: no advice, no menu.
    REACHED_STRAIGHT: "was put straight through, as the line cannot speak {language} yet",
}


def whispers_to(flow: rt.Flow, target: rt.DialTarget) -> bool:
    """Whether a transfer to ``target`` whispers to whoever answers: only the helpline's does."""
    return target.key == flow.helpline.key


def whisper_state(state: CallState) -> CallState:
    """The part of a call's state the whisper needs, as its URL carries it (no counts, no pace:
    the same whisper is the same URL)."""
    return CallState(
        state.node, state.language, chose=state.chose, danger_heard=state.danger_heard, reached=state.reached
    )


def whisper_text(flow: rt.Flow, state: CallState) -> str:
    """The one sentence the adviser hears, e.g. "Modern Slavery support line caller, in
    Albanian: heard the danger advice and asked for a person." Short, because the caller
    hears ringing until it ends (5 to 10 seconds at 150 words a minute, README)."""
    language = flow.language_of(state.language)
    name = english_name(language.code, language.name)
    what = [f"wanted {wanted}"] if (wanted := _wanted(flow, state)) else []
    if state.danger_heard:
        what.append("heard the danger advice")
    if state.reached in HOW_REACHED:
        what.append(HOW_REACHED[state.reached].replace("{language}", name))
    line = flow.name.strip().removeprefix("the ").removeprefix("The ").rstrip(".")
    said = f"{line} caller, in {name}"
    return f"{said}: {_and(what)}." if what else f"{said}."


def whisper_twiml(flow: rt.Flow, state: CallState) -> VoiceResponse:
    """The whisper as TwiML: one ``<Say>`` in an English voice, and nothing after it, so that
    the call is bridged as soon as it is said (no ``<Gather>``: the keys are the caller's, and
    the adviser must not be able to turn the call away)."""
    english = _english(flow)
    voice = english.voice if english is not None and english.voice else DEFAULT_VOICE
    say_language = english.say_language if english is not None and english.voice else DEFAULT_SAY_LANGUAGE
    response = VoiceResponse()
    response.say(whisper_text(flow, state), voice=voice, language=say_language)
    return response


def _english(flow: rt.Flow) -> rt.Language | None:
    """The flow's English, the language of the whisper, if it has one."""
    return next((lang for lang in flow.languages.values() if family(lang.code) == "en"), None)


def _wanted(flow: rt.Flow, state: CallState) -> str:
    """What the caller chose first, in the English words of its ``means``; "" if it has none,
    if it was the danger advice (said on its own), or if the state names no choice of the flow."""
    menu_name, _, key = state.chose.rpartition(":")
    menu = flow.node(menu_name)
    english = _english(flow)
    if not isinstance(menu, rt.Menu) or english is None:
        return ""
    choice = menu.choice_for_key(key)
    if choice is None or choice.target == flow.danger_node:
        return ""
    means = choice.means.get(english.code)
    if means is None or not all(isinstance(segment, str) for segment in means.segments):
        return ""  # a recording or a number: nothing an English voice should read out
    return " ".join(means.plain.split()).rstrip(".")


def _and(parts: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"
