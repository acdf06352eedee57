"""TwiML for a call state: what the caller hears and where Twilio goes next. How words are
said (numbers, the slow pace) is :mod:`ivr.runtime.speaking`; reading TwiML back is
:mod:`ivr.runtime.twiml_reading`.

Rendering depends only on the flow version and the call state, so each state's
TwiML is built once per flow version and served from a cache afterwards
(see :class:`Renderer`).

No document holds a character XML forbids (:func:`as_xml`): one would make it unreadable
to Twilio, and the line's own fallback would never know (nothing raises).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from functools import lru_cache

from twilio.twiml.voice_response import Gather, VoiceResponse

from ivr.definition.characters import NOT_IN_XML
from ivr.definition.limits import MAX_MESSAGE_CHAIN
from ivr.runtime import flow as rt
from ivr.runtime.speaking import Parent, Speaker
from ivr.runtime.state import (
    EVENT_CONFIRM,
    EVENT_INVALID,
    EVENT_NOT_THAT,
    EVENT_NOW,
    EVENT_SILENCE,
    EVENT_UNCLEAR,
    CallState,
)
from ivr.runtime.twilio import PATH_DIALED, PATH_INPUT, PATH_NODE, PATH_SILENCE, PATH_WHISPER
from ivr.runtime.whisper import whisper_state, whisper_twiml, whispers_to

#: Seconds a message's <Gather> waits after its words before the call goes on: the shortest
#: Twilio allows (a positive whole number). It is there only so keys during the words count.
LISTEN_AFTER_WORDS = 1


def as_xml(response: VoiceResponse) -> str:
    """The document as text, without any character XML forbids (U+0007, U+FFFE, ...).

    The loader refuses them in every text, but a flow loaded before it did (by an older
    version of the line, from its revision copy or a hand-edited database) may still hold
    one. Twilio cannot read a document with one in it, and serving it raises nothing, so
    the caller would get Twilio's fallback or be cut off. Dropped, the caller hears every
    other word. The library writes them as they are (never as ``&#7;``), so dropping them
    from the text drops exactly them."""
    return NOT_IN_XML.sub("", str(response))


def _url(path: str, state: CallState) -> str:
    return f"{path}?{state.query()}"


class Renderer:
    """TwiML for one flow version, cached per call state."""

    def __init__(self, flow: rt.Flow, cache_size: int = 4096) -> None:
        self.flow = flow
        #: TwiML for a state; ``caller_id`` is the number transfers show (the line's own).
        self.render: Callable[[CallState, str], str] = lru_cache(maxsize=cache_size)(self._render)
        #: The same TwiML as UTF-8 bytes, what the webhooks send (encoded once, not per request).
        self.body: Callable[[CallState, str], bytes] = lru_cache(maxsize=cache_size)(self._body)
        #: What the helpline's adviser hears before the call is bridged, as UTF-8 bytes.
        self.whisper: Callable[[CallState], bytes] = lru_cache(maxsize=cache_size)(self._whisper)

    def _whisper(self, state: CallState) -> bytes:
        return as_xml(whisper_twiml(self.flow, state)).encode("utf-8")

    def _body(self, state: CallState, caller_id: str = "") -> bytes:
        return self.render(state, caller_id).encode("utf-8")

    def _render(self, state: CallState, caller_id: str = "") -> str:
        response = VoiceResponse()
        self.add(response, state, depth=0, caller_id=caller_id)
        return as_xml(response)

    def add(self, response: VoiceResponse, state: CallState, depth: int, caller_id: str = "") -> None:
        node = self.flow.node(state.node)
        if node is None:
            raise LookupError(f"no node {state.node!r} in flow {self.flow.version}")
        if node.name == self.flow.danger_node and not state.danger_heard:
            state = replace(state, danger_heard=True)  # for the adviser's whisper, if the caller goes on to it
        language = self.flow.language_of(state.language)
        if not language.ready:  # not all recorded yet: whatever it must say, in the first language
            language = self.flow.languages[self.flow.language]
        speaker = Speaker(language, state.slow)
        if isinstance(node, rt.Message):
            speaker.say(listen_for_keys(response, state), self.flow.in_language(node.prompt, language.code))
            # A longer chain of messages goes on in the next request: no answer grows unbounded.
            if depth >= MAX_MESSAGE_CHAIN:
                response.redirect(_url(PATH_NODE, state.at(node.next)))
            else:
                self.add(response, state.at(node.next), depth + 1, caller_id)
        elif isinstance(node, rt.Menu):
            self.menu(response, node, state, speaker)
        elif isinstance(node, rt.LanguageMenu):
            self.language_menu(response, node, state)
        elif isinstance(node, rt.Transfer):
            if node.prompt is not None and state.event != EVENT_NOW:
                speaker.say(listen_for_keys(response, state), self.flow.in_language(node.prompt, language.code))
            dial_state = replace(state, event="")
            options: dict[str, object] = {"timeout": node.ring_seconds, "answer_on_bridge": True}
            if caller_id and not node.target.shows_caller_number:  # docs/safety.md rule 7
                options["caller_id"] = caller_id
            dial = response.dial(action=_url(PATH_DIALED, dial_state), method="POST", **options)
            if whispers_to(self.flow, node.target):  # the adviser is told who calls, before hello
                dial.number(node.target.e164, url=_url(PATH_WHISPER, whisper_state(dial_state)), method="POST")
            else:
                dial.number(node.target.e164)
        elif isinstance(node, rt.End):
            if node.prompt is not None:
                speaker.say(listen_for_keys(response, state), self.flow.in_language(node.prompt, language.code))
            response.hangup()

    def retry_messages(
        self,
        response: Parent,
        node: rt.Menu | rt.LanguageMenu,
        state: CallState,
        speaker: Speaker,
        keys: list[str],
    ) -> None:
        """What is said before a menu is offered again: gentler and shorter each time."""
        flow, messages = self.flow, self.flow.messages
        code = speaker.language.code
        if state.event == EVENT_SILENCE:
            speaker.say(response, flow.in_language(messages.no_input, code))
        elif state.event == EVENT_INVALID:
            speaker.say(response, flow.in_language(messages.invalid, code))
            # The first mistake says which keys work; not at a language menu where 8 chooses a
            # language, as the message offers 8 for slower speech (the options say their keys).
            language_on_slower = isinstance(node, rt.LanguageMenu) and rt.KEY_SLOWER in keys
            if state.invalids == 1 and not language_on_slower:
                speaker.say(response, flow.keys_message(keys, code))
        elif state.event == EVENT_UNCLEAR:  # words not understood: a person first
            speaker.say(response, flow.in_language(messages.not_understood, code))
            speaker.say(response, flow.in_language(messages.offer_person, code))
        elif state.event == EVENT_NOT_THAT:  # "no" to "It sounds like you want …"
            speaker.say(response, flow.in_language(messages.offer_person, code))
        last_try = (state.event == EVENT_SILENCE and state.silences == node.max_silence - 1) or (
            state.event in (EVENT_INVALID, EVENT_UNCLEAR, EVENT_NOT_THAT) and state.invalids == node.max_invalid - 1
        )
        if last_try:
            speaker.say(response, flow.in_language(messages.last_try, code))

    def gather(
        self,
        response: VoiceResponse,
        node: rt.Menu | rt.LanguageMenu,
        state: CallState,
        recogniser: rt.Language,
    ) -> Gather:
        """The menu's <Gather>: keys, and speech in the recogniser's language with the menu's
        hints for it (made when the flow was compiled: :mod:`ivr.runtime.speech.hints`)."""
        options = {
            "action": _url(PATH_INPUT, state),
            "method": "POST",
            "timeout": node.timeout,
            "num_digits": 1,
            "input": "dtmf",
        }
        if recogniser.speech:
            options.update(
                input="dtmf speech",
                language=recogniser.speech,
                speech_timeout=self.flow.speech_timeout,
                hints=node.hints.get(recogniser.code, ""),
            )
        return response.gather(**options)

    def menu(self, response: VoiceResponse, menu: rt.Menu, state: CallState, speaker: Speaker) -> None:
        language = speaker.language
        proposed = menu.choice_for_key(state.proposed) if state.event == EVENT_CONFIRM else None
        gather = self.gather(response, menu, state, language)
        if proposed is not None:  # "It sounds like you want …": 1 or yes, 2 or no, 0 a person
            speaker.say(gather, self.flow.in_language(proposed.confirm, language.code))
            response.redirect(_url(PATH_SILENCE, state), method="POST")
            return
        self.retry_messages(gather, menu, state, speaker, [c.key for c in menu.choices])
        first_try = not state.event
        speaker.say(gather, self.flow.in_language(menu.prompt if first_try else menu.short_prompt, language.code))
        # Twilio goes on here when the caller gives nothing: never let the call run out of verbs.
        response.redirect(_url(PATH_SILENCE, state), method="POST")

    def language_menu(self, response: VoiceResponse, menu: rt.LanguageMenu, state: CallState) -> None:
        first = self.flow.languages[self.flow.language]
        speaker = Speaker(first, state.slow)
        # In the order of their keys (the flow lists them most needed first); one with no key last.
        options = sorted(self.flow.languages.values(), key=lambda lang: lang.key or "~")
        gather = self.gather(response, menu, state, first)
        self.retry_messages(gather, menu, state, speaker, [lang.key for lang in options if lang.key])
        if menu.intro is not None and not state.event:
            speaker.say(gather, menu.intro)
        for lang in options:  # each option in its own language and voice (its recording, or
            # for a language with no voice its name as the first voice can say it)
            Speaker(lang if lang.voice else first, state.slow).say(gather, lang.choose)
        if menu.outro is not None:
            speaker.say(gather, menu.outro)
        response.redirect(_url(PATH_SILENCE, state), method="POST")


def listen_for_keys(response: VoiceResponse, state: CallState) -> Gather:
    """A <Gather> for keys only around words the line says, so that a key pressed during
    them is heard (9, 0, *, 8 at any moment: docs/safety.md rule 6); with none, the call goes
    on after a second. Speech is not listened for here: background voices must not move a call."""
    return response.gather(
        action=_url(PATH_INPUT, replace(state, event="")),
        method="POST",
        input="dtmf",
        num_digits=1,
        timeout=LISTEN_AFTER_WORDS,
        finish_on_key="",
    )


def standalone_fallback(flow: rt.Flow) -> str:
    """A static TwiML document for a Twilio TwiML Bin: works with every server of the line down.

    It cannot call back into the line, and a Bin cannot tell a finished call from a failed
    one, so it says only what is true after either: it says the helpline number, connects
    showing the line's own number (the Bin fills in ``{{To}}``), then tells a caller who was
    not connected the number again and tries once more, and a caller who has finished that
    they can hang up. It never says goodbye before dialling again.
    """
    language = flow.languages[flow.language]
    speaker = Speaker(language, slow=False)
    helpline = flow.node(rt.HELPLINE_NODE)
    assert isinstance(helpline, rt.Transfer) and helpline.prompt is not None
    response = VoiceResponse()
    speaker.say(response, flow.messages.danger[language.code])
    speaker.say(response, helpline.prompt[language.code])
    options: dict[str, object] = {"timeout": helpline.ring_seconds, "answer_on_bridge": True}
    if not helpline.target.shows_caller_number:
        options["caller_id"] = "{{To}}"
    response.dial(**options).number(helpline.target.e164)
    speaker.say(response, flow.messages.fallback_retry[language.code])
    response.pause(length=3)  # time for a caller who has finished to hang up
    response.dial(**options).number(helpline.target.e164)
    speaker.say(response, flow.messages.fallback_end[language.code])
    response.hangup()
    return as_xml(response)
