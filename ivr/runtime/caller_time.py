"""How long a caller waits before the helpline rings, measured on the TwiML the line returns.

Four callers, in every language of a flow (the figures the line promises, issue 26):

- ``a`` presses 0 as soon as it is offered in their language: an English caller at the
  language menu's first sentence, anyone else once they have picked their language (they
  pick it as soon as it is offered);
- ``b`` already knows the line and presses 0 at once;
- ``c`` stays silent from the start;
- ``d`` picks their language as soon as it is offered, then stays silent; counted from the
  key that chose the language;
- ``e`` calls their language's own number (``/voice?l=pl-PL``: the language menu is
  skipped) and presses 0 as soon as it is offered. No target: it shows what a number of its
  own (printed on a leaflet in that language) saves a caller, against ``a``.

A language with no voice has its option said by the first language's voice until its name is
recorded (:meth:`_Call.own_option` knows it by its words); until every text is recorded, its
caller is put straight through on their key, so ``a`` and ``d`` end at that transfer. The
targets are for voiced languages (:func:`missed_targets`).

The call is played through the real engine and renderer, verb by verb (as
:mod:`ivr.runtime.twiml_reading` reads them), the way Twilio would play it; only the clock
is pluggable: :func:`estimated_seconds` (a speaking rate per language,
for ``ivr check``) or a speech engine (``bench/caller_time.py`` uses espeak-ng). Every
document Twilio fetches adds :data:`FETCH_SECONDS`, and the transfer :data:`TRANSFER_SETUP_SECONDS`
before the caller hears ringing: see README, "What a caller gets", for where they come from.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from urllib.parse import urlsplit

from ivr.runtime import engine
from ivr.runtime import flow as rt
from ivr.runtime import twiml_reading as read
from ivr.runtime.state import CallState
from ivr.runtime.twilio import PATH_INPUT, PATH_NODE, PATH_SILENCE
from ivr.runtime.twiml import Renderer

#: Seconds to say one <Say> (SSML included) in a language.
Clock = Callable[[read.Say, rt.Language], float]

SCENARIOS = {
    "a": "presses 0 as soon as it is offered",
    "b": "already knows, presses 0 at once",
    "c": "stays silent from the start",
    "d": "picks a language, then stays silent (counted from that key)",
    "e": "calls their language's own number, presses 0 as soon as it is offered",
}
#: What the line promises at a careful voice's pace (:data:`CAREFUL_WPM`), seconds until the
#: helpline rings, per scenario: (English, any voiced language). Issue 26.
TARGETS = {"a": (15.0, 22.0), "c": (40.0, 40.0), "d": (45.0, 45.0)}
#: The pace the targets hold at: a careful voice, slower than espeak-ng's default 175.
CAREFUL_WPM = 150
#: The pace :data:`CHARACTERS_PER_SECOND` was measured at.
MEASURED_WPM = 175
#: Seconds from a caller's key (or the call's start) until the next words begin: Twilio
#: requests the next document and starts speaking it. An assumption (README, "What a caller
#: gets"): the line answers in milliseconds (p99 under 50 ms, "Benchmarks"); the rest is the
#: request's trip from Twilio and back, and the voice's start.
FETCH_SECONDS = 0.5
#: Seconds from the <Dial> until the caller hears ringing (answerOnBridge passes the far end's
#: ringing on): the post-dial delay of a UK fixed line. An assumption (README).
TRANSFER_SETUP_SECONDS = 3.0
MAX_STEPS = 60
#: "0" said as a key ("press 0"), not a digit of a number said digit by digit ("0 8 0 0").
_KEY_ZERO = re.compile(r"(?<!\d )(?<!\d)0(?!\d)(?! \d)")
_SENTENCE_END = re.compile(r"[.!?。؟]")
LINE_NUMBER = "+441110000000"  # any E.164 number: the To of a simulated call

#: Characters a second that Twilio's voices (and espeak-ng at 175 words a minute) speak,
#: by language; measured with espeak-ng on the default flow's texts (bench/caller_time.py).
CHARACTERS_PER_SECOND = {"en": 14.1, "pl": 11.1, "ro": 11.8, "vi": 14.6, "ar": 8.4}
DEFAULT_CPS = 13.0


def spoken_text(say: read.Say) -> str:
    """The characters of a <Say>'s words, with runs of spaces as one (what a rate counts)."""
    return " ".join(say.characters.split())


def estimated_seconds(say: read.Say, language: rt.Language, wpm: int = CAREFUL_WPM) -> float:
    """Characters over a speaking rate at ``wpm``; slow parts take half as long again, breaks add theirs."""
    cps = CHARACTERS_PER_SECOND.get(language.code.split("-")[0].lower(), DEFAULT_CPS) * wpm / MEASURED_WPM
    seconds = 0.0
    for piece in say.spoken:
        if isinstance(piece, read.Break):
            seconds += piece.seconds
        else:
            slower = math.prod(1.5 if rate == "slow" else (1.25 if rate.endswith("%") else 1.0) for rate in piece.rates)
            seconds += len(piece.text) / cps * slower
    return seconds


class _Call:
    """One simulated caller, timing the call until the helpline's <Dial>."""

    def __init__(
        self, flow: rt.Flow, renderer: Renderer, clock: Clock, language: str, scenario: str, allowance: bool = True
    ) -> None:
        self.flow = flow
        self.renderer = renderer
        self.clock = clock
        self.language = flow.languages[language]
        self.scenario = scenario
        self.allowance = allowance
        self.seconds = 0.0
        self.chose_at = 0.0  # when the caller picked their language (scenario d counts from it)
        self.gathers = 0

    def run(self) -> float:
        state = engine.start(self.flow, self.language.code if self.scenario == "e" else "")
        for _ in range(MAX_STEPS):
            self.seconds += FETCH_SECONDS if self.allowance else 0.0
            verbs = read.read(self.renderer.render(state, LINE_NUMBER))
            state_or_result = self.play(verbs, state)
            if isinstance(state_or_result, float):
                return state_or_result
            state = state_or_result
        return math.inf

    def play(self, verbs: tuple[read.Verb, ...], state: CallState) -> CallState | float:
        for verb in verbs:
            if isinstance(verb, read.Say | read.Play | read.Pause):
                self.seconds += self.duration(verb)
            elif isinstance(verb, read.Gather):
                pressed = self.gather(verb)
                if pressed is not None:
                    return pressed
            elif isinstance(verb, read.Dial):
                if verb.number != self.flow.helpline.e164:
                    return math.inf
                setup = TRANSFER_SETUP_SECONDS if self.allowance else 0.0
                return self.seconds + setup - (self.chose_at if self.scenario == "d" else 0.0)
            elif isinstance(verb, read.Redirect):
                return self.follow(verb.url, "")
            elif isinstance(verb, read.Hangup):
                return math.inf
        return math.inf

    def duration(self, verb: read.Say | read.Play | read.Pause) -> float:
        if isinstance(verb, read.Pause):
            return float(verb.length)
        if isinstance(verb, read.Play):
            return 5.0  # a recording: its real length is checked by the recordings check
        return self.clock(verb, self.voice_of(verb))

    def voice_of(self, say: read.Say) -> rt.Language:
        """The language a <Say> is spoken in (the language menu says each option in its own)."""
        for lang in self.flow.languages.values():
            if say.voice == (lang.voice or "") and say.language == lang.say_language:
                return lang
        return self.language

    def gather(self, gather: read.Gather) -> CallState | None:
        """Play a <Gather>'s words; return the next state if the caller pressed a key."""
        first = self.gathers == 0
        self.gathers += 1
        if self.scenario == "b" and first:
            return self.follow(gather.action, "0")
        for verb in gather.verbs:
            seconds = self.duration(verb)
            voice = self.voice_of(verb) if isinstance(verb, read.Say) else self.language
            text = spoken_text(verb) if isinstance(verb, read.Say) else ""
            own_option = first and self.own_option(verb)
            offer = _KEY_ZERO.search(text) if self.scenario in ("a", "e") and voice is self.language else None
            if offer and not own_option:
                end = _SENTENCE_END.search(text, offer.end())
                upto = end.end() if end else len(text)
                self.seconds += seconds * upto / max(len(text), 1)
                return self.follow(gather.action, "0")
            if self.scenario in ("a", "d") and own_option:
                self.seconds += seconds  # their own language's option, said in it
                self.chose_at = self.seconds
                # its key; a language with no key is chosen by saying its name
                key = self.language.key
                return self.follow(gather.action, key, "" if key else self.language.names[0])
            self.seconds += seconds
        self.seconds += float(gather.timeout)
        return None

    def own_option(self, verb: read.Verb) -> bool:
        """Whether ``verb`` is the caller's own language's option at the language menu: said
        in its voice with its key, or — a language with no voice — its words as written."""
        if not isinstance(verb, read.Say):
            return False
        words = spoken_text(verb).replace(".", " ").split()
        if self.language.voice is None:
            return " ".join(words) == " ".join(self.language.choose.plain.replace(".", " ").split())
        return self.voice_of(verb) is self.language and (self.language.key or self.language.names[0]) in [
            w.strip(",:?").lower() if not self.language.key else w for w in words
        ]

    def follow(self, url: str, digits: str, speech: str = "") -> CallState:
        parts = urlsplit(url)
        state = CallState.from_query_string(parts.query, default_node=self.flow.start)
        if parts.path == PATH_INPUT:
            return engine.on_input(self.flow, state, digits, speech).state
        if parts.path == PATH_SILENCE:
            return engine.on_silence(self.flow, state).state
        if parts.path == PATH_NODE:
            return state
        raise ValueError(f"the line sent the call to {url!r}, which a timed call cannot follow")


def seconds_to_helpline(
    flow: rt.Flow, language: str, scenario: str, clock: Clock = estimated_seconds, allowance: bool = True
) -> float:
    """Seconds until the helpline rings for one caller, or infinity if it never does; with
    ``allowance``, the fixed time for document fetches and the transfer's set-up included."""
    return _Call(flow, Renderer(flow, cache_size=64), clock, language, scenario, allowance).run()


def table(flow: rt.Flow, clock: Clock = estimated_seconds, allowance: bool = True) -> dict[str, dict[str, float]]:
    """Every scenario in every language: ``{language: {scenario: seconds}}``."""
    renderer = Renderer(flow, cache_size=256)
    return {
        code: {s: _Call(flow, renderer, clock, code, s, allowance).run() for s in SCENARIOS} for code in flow.languages
    }


def missed_targets(flow: rt.Flow, clock: Clock = estimated_seconds) -> list[tuple[str, str, float, float]]:
    """(language, scenario, seconds, target) for every figure over what the line promises, at
    the careful pace, allowance included."""
    missed = []
    for code, figures in table(flow, clock).items():
        if flow.languages[code].voice is None:
            continue  # no voice: spoken from recordings, or straight to the helpline (the targets are for voices)
        for scenario, (english, other) in TARGETS.items():
            target = english if code.startswith("en") else other
            if figures[scenario] > target:
                missed.append((code, scenario, figures[scenario], target))
    return missed
