"""TwiML for a call state: what the caller hears and where Twilio goes next.

Rendering depends only on the flow version and the call state, so each state's
TwiML is built once per flow version and served from a cache afterwards
(see :class:`Renderer`).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from twilio.twiml.voice_response import Gather, Say, VoiceResponse

from . import flow as rt
from .state import EVENT_INVALID, EVENT_SILENCE, CallState

PATH_NODE = "/voice/node"
PATH_INPUT = "/voice/input"
PATH_SILENCE = "/voice/silence"
PATH_DIALED = "/voice/dialed"

#: Voices that understand SSML inside <Say> (prosody, break).
SSML_VOICE_PREFIXES = ("Polly.", "Google.")
NUMBER_RATE = "slow"
SLOW_RATE = "80%"
MAX_INLINE_MESSAGES = 20


def _append_text(element: Say, text: str) -> None:
    """Add text to an element; twilio's TwiML keeps only the last of two strings in a row."""
    if element.verbs and isinstance(element.verbs[-1], str):
        element.verbs[-1] += text
    else:
        element.append(text)


def _url(path: str, state: CallState) -> str:
    return f"{path}?{state.query()}"


class _Speaker:
    """Writes :class:`~ivr.flow.Speech` into ``<Say>`` verbs for one voice and pace."""

    def __init__(self, flow: rt.Flow, language: str, slow: bool) -> None:
        self.voice = flow.voice
        self.language = language
        self.slow = slow
        self.ssml = self.voice.startswith(SSML_VOICE_PREFIXES)

    def say(self, parent: VoiceResponse | Gather, speech: rt.Speech) -> None:
        say = parent.say(voice=self.voice, language=self.language)
        body: Say = say.prosody(rate=SLOW_RATE) if (self.slow and self.ssml) else say
        for segment in speech.segments:
            if isinstance(segment, rt.SpokenNumber):
                self._number(body, segment)
            else:
                self._text(body, segment)

    def _text(self, body: Say, text: str) -> None:
        if not (self.slow and self.ssml):
            _append_text(body, text)
            return
        # Slow speech: a pause after every sentence, so each one can sink in.
        sentences = text.replace(". ", ".\n").split("\n")
        for i, sentence in enumerate(sentences):
            _append_text(body, sentence)
            if i < len(sentences) - 1:
                body.break_(time="700ms")

    def _number(self, body: Say, number: rt.SpokenNumber) -> None:
        """A number, slowly, group by group, then again."""
        if self.ssml:
            for time in (0, 1):
                slow = body.prosody(rate=NUMBER_RATE)
                for i, group in enumerate(number.groups):
                    if i:
                        slow.break_(time="400ms")
                    slow.append(group)
                body.break_(time="800ms" if time == 0 else "300ms")
        else:
            groups = ". ".join(number.groups)
            _append_text(body, f" {groups}. ... {groups}. ")


class Renderer:
    """TwiML for one flow version, cached per call state."""

    def __init__(self, flow: rt.Flow, cache_size: int = 4096) -> None:
        self.flow = flow
        self.render: Callable[[CallState], str] = lru_cache(maxsize=cache_size)(self._render)

    def _texts(self, texts: rt.Texts, language: str) -> rt.Speech:
        return texts.get(language) or texts[self.flow.language]

    def _language(self, state: CallState) -> str:
        return state.language if state.language in self.flow.languages else self.flow.language

    def _render(self, state: CallState) -> str:
        response = VoiceResponse()
        self.add(response, state, depth=0)
        return str(response)

    def add(self, response: VoiceResponse, state: CallState, depth: int) -> None:
        node = self.flow.node(state.node)
        language = self._language(state)
        speaker = _Speaker(self.flow, language, state.slow)
        if node is None:
            raise LookupError(f"no node {state.node!r} in flow {self.flow.version}")
        if isinstance(node, rt.Message):
            speaker.say(response, self._texts(node.prompt, language))
            if depth >= MAX_INLINE_MESSAGES:
                response.redirect(_url(PATH_NODE, state.at(node.next)))
            else:
                self.add(response, state.at(node.next), depth + 1)
        elif isinstance(node, rt.Menu):
            self.menu(response, node, state, speaker, language)
        elif isinstance(node, rt.Transfer):
            if node.prompt is not None:
                speaker.say(response, self._texts(node.prompt, language))
            dial = response.dial(
                action=_url(PATH_DIALED, state), method="POST", timeout=node.ring_seconds, answer_on_bridge=True
            )
            dial.number(node.target.e164)
        elif isinstance(node, rt.End):
            if node.prompt is not None:
                speaker.say(response, self._texts(node.prompt, language))
            response.hangup()

    def menu(self, response: VoiceResponse, menu: rt.Menu, state: CallState, speaker: _Speaker, language: str) -> None:
        messages = self.flow.messages
        if state.event == EVENT_SILENCE:
            speaker.say(response, self._texts(messages.no_input, language))
        elif state.event == EVENT_INVALID:
            speaker.say(response, self._texts(messages.invalid, language))
            if state.invalids == 1:
                speaker.say(response, self.keys_message(menu, language))
        last_try = (state.event == EVENT_SILENCE and state.silences == menu.max_silence - 1) or (
            state.event == EVENT_INVALID and state.invalids == menu.max_invalid - 1
        )
        if last_try:
            speaker.say(response, self._texts(messages.last_try, language))
        gather = response.gather(
            input="dtmf speech",
            action=_url(PATH_INPUT, state),
            method="POST",
            timeout=menu.timeout,
            speech_timeout=self.flow.speech_timeout,
            num_digits=1,
            language=language,
            hints=", ".join(self.hints(menu)),
        )
        first_try = not state.event
        speaker.say(gather, self._texts(menu.prompt if first_try else menu.short_prompt, language))
        # Twilio goes on here when the caller gives nothing: never let the call run out of verbs.
        response.redirect(_url(PATH_SILENCE, state), method="POST")

    def keys_message(self, menu: rt.Menu, language: str) -> rt.Speech:
        keys = [c.key for c in menu.choices]
        listed = keys[0] if len(keys) == 1 else ", ".join(keys[:-1]) + " or " + keys[-1]
        template = menu_keys_template(self.flow, language)
        return rt.Speech((template.replace("{keys}", listed),))

    @staticmethod
    def hints(menu: rt.Menu) -> list[str]:
        words = [w for c in menu.choices for w in c.words]
        return words + ["repeat", "helpline", "slower"]


def menu_keys_template(flow: rt.Flow, language: str) -> str:
    return flow.messages.keys.get(language) or flow.messages.keys[flow.language]


def standalone_fallback(flow: rt.Flow) -> str:
    """A static TwiML document for a Twilio TwiML Bin: works with every server of the line down.

    It cannot call back into the line, so it names no action URL: it says the helpline
    number, connects, and if that fails says the number again and tries once more.
    """
    renderer = Renderer(flow, cache_size=1)
    language = flow.language
    speaker = _Speaker(flow, language, slow=False)
    helpline = flow.node(rt.HELPLINE_NODE)
    assert isinstance(helpline, rt.Transfer) and helpline.prompt is not None
    response = VoiceResponse()
    speaker.say(response, renderer._texts(flow.messages.danger, language))
    speaker.say(response, renderer._texts(helpline.prompt, language))
    for attempt in range(2):
        dial = response.dial(timeout=helpline.ring_seconds, answer_on_bridge=True)
        dial.number(helpline.target.e164)
        speaker.say(response, renderer._texts(flow.messages.after_call, language))
        if attempt == 0:
            response.pause(length=2)
    response.hangup()
    return str(response)
