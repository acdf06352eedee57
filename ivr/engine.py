"""What happens next in a call: from a state and what the caller did, to the next state.

Pure functions of the runtime flow: no Flask, no TwiML, no YAML. The webhooks turn a
request into one of these calls and the resulting state into TwiML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import flow as rt
from .state import EVENT_INVALID, EVENT_SILENCE, CallState

_SPOKEN_KEYS = {
    "one": "1", "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "zero": "0", "star": "*",
}  # fmt: skip
_NOT_A_WORD = re.compile(r"[^\w\s*]")
MAX_SPEECH = 500  # characters of SpeechResult considered; the rest is noise


@dataclass(frozen=True)
class Step:
    """The result of one event: the state to render next, and what happened, for the logs."""

    state: CallState
    outcome: str
    choice: str = ""


def normalise_speech(text: str) -> str:
    return " ".join(_NOT_A_WORD.sub(" ", text[:MAX_SPEECH].lower()).split())


def _contains(utterance: str, phrase: str) -> bool:
    return f" {phrase} " in f" {utterance} "


def _spoken_key(said: str) -> str | None:
    """The key a caller names ("one", "number two", "press 3"). Never the quick exit: a caller
    saying "nine nine nine" wants the police, and must not be hung up on."""
    tokens = said.split()
    if len(tokens) <= 3:
        for token in reversed(tokens):
            key = _SPOKEN_KEYS.get(token, token)
            if len(key) == 1 and key in "012345678*":
                return key
    return None


def _builtin_key(said: str, language: rt.Language) -> str | None:
    if any(_contains(said, word) for word in language.helpline_words):
        return rt.KEY_HELPLINE
    if any(_contains(said, word) for word in language.slower_words):
        return rt.KEY_SLOWER
    if any(_contains(said, word) for word in language.repeat_words):
        return rt.KEY_REPEAT
    return None


def key_for_speech(flow: rt.Flow, node: rt.Menu | rt.LanguageMenu, speech: str, language: str) -> str | None:
    """The key a spoken answer stands for, in the call's language, or ``None``."""
    said = normalise_speech(speech)
    if not said:
        return None
    lang = flow.language_of(language)
    if isinstance(node, rt.LanguageMenu):
        for option in flow.languages.values():
            if any(_contains(said, name) for name in option.names):
                return option.key
    else:
        for choice in node.choices:  # a choice's own words come first: they are the most specific
            if said in choice.words_in(lang.code):
                return choice.key
        for choice in node.choices:
            if any(_contains(said, word) for word in choice.words_in(lang.code)):
                return choice.key
    return _builtin_key(said, lang) or _spoken_key(said)


def start(flow: rt.Flow, language: str = "") -> CallState:
    """A new call. A language given by the number called (``/voice?l=pl-PL``) skips the language menu."""
    if language and language in flow.languages:
        node = flow.node(flow.start)
        first = node.next if isinstance(node, rt.LanguageMenu) else flow.start
        return CallState(node=first, language=language)
    return CallState(node=flow.start, language=flow.language)


def to_helpline(state: CallState, outcome: str) -> Step:
    return Step(state.at(rt.HELPLINE_NODE), outcome)


def on_input(flow: rt.Flow, state: CallState, digits: str, speech: str) -> Step:
    """A key or a spoken answer at a menu."""
    node = flow.node(state.node)
    if not isinstance(node, rt.Waiting):
        return to_helpline(state, "input-outside-menu")
    digits = digits.strip()
    key = digits[:1] if digits else key_for_speech(flow, node, speech or "", state.language)
    if key is None and not digits and not (speech or "").strip():
        return on_silence(flow, state)
    if key == rt.KEY_REPEAT:
        return Step(state.at(node.name), "repeat", key)
    if key == rt.KEY_HELPLINE:
        return Step(state.at(rt.HELPLINE_NODE), "helpline", key)
    if key == rt.KEY_SLOWER:
        return Step(CallState(node.name, state.language, slow=True), "slower", key)
    if key == rt.KEY_QUICK_EXIT:
        return Step(state.at(rt.QUICK_EXIT_NODE), "quick-exit", key)
    if isinstance(node, rt.LanguageMenu):
        chosen = next((lang for lang in flow.languages.values() if lang.key == key), None)
        if chosen is not None:
            return Step(CallState(node.next, chosen.code, slow=state.slow), "language:" + chosen.code, key or "")
    else:
        choice = node.choice_for_key(key) if key else None
        if choice is not None:
            return Step(state.at(choice.target), "choice", key or "")
    invalids = state.invalids + 1
    if invalids >= node.max_invalid:
        return to_helpline(state, "invalid-limit")
    return Step(
        CallState(node.name, state.language, state.silences, invalids, EVENT_INVALID, state.slow),
        "invalid",
        key or "speech",
    )


def on_silence(flow: rt.Flow, state: CallState) -> Step:
    """A menu's time-out ran out with no key and no speech."""
    node = flow.node(state.node)
    if not isinstance(node, rt.Waiting):
        return to_helpline(state, "silence-outside-menu")
    silences = state.silences + 1
    if silences >= node.max_silence:
        return to_helpline(state, "silence-limit")
    return Step(CallState(node.name, state.language, silences, state.invalids, EVENT_SILENCE, state.slow), "silence")


#: DialCallStatus values that mean the caller talked to someone.
CONNECTED = {"completed", "answered"}


def on_dial_result(flow: rt.Flow, state: CallState, status: str) -> Step:
    """A transfer ended: finished after a conversation, or busy / not answered / failed."""
    transfer = flow.node(state.node)
    if not isinstance(transfer, rt.Transfer):
        return to_helpline(state, "dial-result-outside-transfer")
    if status in CONNECTED:
        return Step(state.at(rt.AFTER_CALL_NODE), "connected:" + transfer.target.key)
    return Step(state.at(transfer.if_no_answer), f"not-connected:{transfer.target.key}:{status or 'unknown'}")
