"""How the line says a text: :class:`Speaker` writes it as ``<Say>`` and ``<Play>`` verbs.

Every document the line serves says its words through one :class:`Speaker` (the call's
TwiML, the standalone fallback, the console's view of what callers hear), so a number or
the slow pace sounds the same wherever it is said.
"""

from __future__ import annotations

import re

from twilio.twiml.voice_response import Gather, Say, VoiceResponse

from ivr.runtime import flow as rt

NUMBER_RATE = "slow"
SLOW_RATE = "80%"
_SENTENCE_END = re.compile(r"(?<=[.!?。؟])\s+")

Parent = VoiceResponse | Gather


def _append_text(element: Say, text: str) -> None:
    """Add text to an element; twilio's TwiML keeps only the last of two strings in a row."""
    if element.verbs and isinstance(element.verbs[-1], str):
        element.verbs[-1] += text
    else:
        element.append(text)


class Speaker:
    """Writes :class:`~ivr.runtime.flow.Speech` as ``<Say>`` and ``<Play>`` verbs for one language and pace.

    Numbers are said slowly, group by group, twice. Slow speech adds a pause after each
    sentence: SSML ``prosody`` and ``break`` where the voice understands them, separate
    ``<Say>`` verbs with ``<Pause>`` between them where it does not.
    """

    def __init__(self, language: rt.Language, slow: bool) -> None:
        self.language = language
        self.slow = slow

    def say(self, parent: Parent, speech: rt.Speech) -> None:
        say: Say | None = None
        for segment in speech.segments:
            if isinstance(segment, rt.Recording):
                parent.play(segment.url)
                say = None
                continue
            if self.language.voice is None:
                continue  # recordings only: the checker made sure there is one
            if say is None:
                say = self._new_say(parent)
            if isinstance(segment, rt.SpokenNumber):
                self._number(say, segment)
            elif self.slow and not self.language.ssml:
                for i, sentence in enumerate(_SENTENCE_END.split(segment)):
                    if i:
                        parent.pause(length=1)
                        say = self._new_say(parent)
                    _append_text(say, sentence + " ")
            else:
                self._text(say, segment)

    def _new_say(self, parent: Parent) -> Say:
        say = parent.say(voice=self.language.voice, language=self.language.say_language)
        return say.prosody(rate=SLOW_RATE) if (self.slow and self.language.ssml) else say

    def _text(self, body: Say, text: str) -> None:
        if not (self.slow and self.language.ssml):
            _append_text(body, text)
            return
        sentences = _SENTENCE_END.split(text)
        for i, sentence in enumerate(sentences):
            _append_text(body, sentence)
            if i < len(sentences) - 1:
                body.break_(time="700ms")
            elif text.endswith(" "):
                _append_text(body, " ")

    def _number(self, body: Say, number: rt.SpokenNumber) -> None:
        if self.language.ssml:
            for time in range(number.times):
                slow = body.prosody(rate=NUMBER_RATE)
                for i, group in enumerate(number.groups):
                    if i:
                        slow.break_(time="400ms")
                    slow.append(group)
                body.break_(time="800ms" if time < number.times - 1 else "300ms")
        else:
            groups = ". ".join(number.groups)
            _append_text(body, " " + " ... ".join([f"{groups}."] * number.times) + " ")
