"""TwiML read back: what a caller hears and can do, verb by verb, as Twilio plays it.

The line writes TwiML (:mod:`ivr.runtime.twiml`); three tools read it back: the simulator
follows a call through it, caller-time counts its seconds and the console shows its words.
They read it here, once, so that all three agree with each other and with Twilio on what a
document means: which attributes a verb has, and what each is when the document leaves it
out (Twilio's documented defaults: "TwiML Voice: <Gather>", "<Dial>", "<Pause>", "<Record>",
linked in docs/sources.md). Each verb keeps the element it was read from, for a tool that
must show or save the document whole (the simulator's saved position, a speech engine fed
the SSML).

What each reader makes of a verb is its own job: the words a caller hears
(:mod:`ivr.tools.heard`), the seconds they take (:mod:`ivr.runtime.caller_time`), where a
call goes next (:mod:`ivr.tools.simulator`).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

#: Twilio's defaults for what a document leaves out.
GATHER_TIMEOUT = 5  # seconds of silence before a <Gather> gives up
GATHER_FINISH_ON_KEY = "#"
PAUSE_LENGTH = 1  # seconds
DIAL_TIMEOUT = 30  # seconds a <Dial> rings
RECORD_TIMEOUT = 5  # seconds of silence that end a recording
RECORD_MAX_LENGTH = 3600
RECORD_FINISH_ON_KEY = "1234567890*#"


class NotTwiML(ValueError):
    """The text is not an XML document, so Twilio could not read it (it would play its
    application error, or request the number's fallback URL)."""


@dataclass(frozen=True)
class _Read:
    """What every verb keeps: the element it was read from (not compared: two verbs that say
    and do the same are equal however they were written)."""

    element: ET.Element = field(repr=False, compare=False, kw_only=True)


@dataclass(frozen=True)
class Words:
    """Words of a <Say>, and the SSML speaking rates around them (outermost first)."""

    text: str
    rates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Break:
    """An SSML ``<break>`` inside a <Say>: a silence of ``seconds``."""

    seconds: float


@dataclass(frozen=True)
class Say(_Read):
    """Words said in ``voice`` and ``language`` ("": Twilio's default voice and language)."""

    voice: str
    language: str
    #: The words and breaks in the order they are said: every piece of text, however short.
    spoken: tuple[Words | Break, ...]

    @property
    def characters(self) -> str:
        """Every character of its words run together, SSML taken out (what a speaking rate counts)."""
        return "".join(piece.text for piece in self.spoken if isinstance(piece, Words))


@dataclass(frozen=True)
class Play(_Read):
    """Plays the recording at ``url``, ``loop`` times (0: over and over, until the call moves
    on). Nested in a <Gather>, a key stops it, as it stops words."""

    url: str
    loop: int


@dataclass(frozen=True)
class Pause(_Read):
    """Silence for ``length`` seconds (keys pressed during it are lost, outside a <Gather>)."""

    length: int


@dataclass(frozen=True)
class Gather(_Read):
    """Listens for keys (and words, with ``speech`` in ``input``) while its verbs play and
    ``timeout`` seconds after. With none, Twilio does not request ``action`` (unless
    ``action_on_empty_result``): the call goes on with the next verb of the document."""

    action: str  # "": the URL of the document itself
    method: str
    input: str
    timeout: int
    num_digits: int | None  # None: until finish_on_key or the timeout
    finish_on_key: str
    language: str
    hints: str
    speech_timeout: str
    action_on_empty_result: bool
    verbs: tuple[Say | Play | Pause, ...]


@dataclass(frozen=True)
class Dial(_Read):
    """Rings ``number`` for ``timeout`` seconds, showing ``caller_id`` ("": the caller's own).
    When it ends Twilio requests ``action``, or with none goes on with the next verb."""

    number: str
    number_url: str  # what the person answering hears first ("": nothing)
    number_method: str
    action: str
    method: str
    timeout: int
    caller_id: str
    answer_on_bridge: bool


@dataclass(frozen=True)
class Redirect(_Read):
    """Twilio requests ``url`` and follows its document instead: verbs after it never run."""

    url: str
    method: str


@dataclass(frozen=True)
class Hangup(_Read):
    """Ends the call."""


@dataclass(frozen=True)
class Reject(_Read):
    """Refuses the call unanswered: the caller hears it is not in service, or busy."""


@dataclass(frozen=True)
class Record(_Read):
    """Records the caller until ``timeout`` seconds of silence, a key of ``finish_on_key`` or
    ``max_length`` seconds. The line never records a caller; read so that nothing mistakes it."""

    action: str
    method: str
    timeout: int
    max_length: int
    finish_on_key: str
    play_beep: bool


@dataclass(frozen=True)
class Other(_Read):
    """A verb the line never writes (``<Enqueue>``, ``<Connect>``, ...): read, not followed."""

    tag: str


Verb = Say | Play | Pause | Gather | Dial | Redirect | Hangup | Reject | Record | Other


def read(document: str | bytes) -> tuple[Verb, ...]:
    """The verbs of a TwiML document, in order. Raises :class:`NotTwiML` for a text that is
    not XML, with what the parser found wrong."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError as exc:
        raise NotTwiML(str(exc)) from exc
    return read_verbs(root)


def read_verbs(elements: ET.Element | list[ET.Element]) -> tuple[Verb, ...]:
    """The verbs of elements already parsed: a ``<Response>``'s children, or a list of verbs."""
    return tuple(read_verb(element) for element in elements)


def read_verb(element: ET.Element) -> Verb:
    """One verb, with Twilio's default for each attribute it leaves out."""
    get = element.get
    if element.tag == "Say":
        return Say(get("voice", ""), get("language", ""), tuple(_spoken(element, ())), element=element)
    if element.tag == "Play":
        return Play((element.text or "").strip(), _whole(get("loop"), 1), element=element)
    if element.tag == "Pause":
        return Pause(_whole(get("length"), PAUSE_LENGTH), element=element)
    if element.tag == "Gather":
        said = tuple(verb for verb in read_verbs(element) if isinstance(verb, Say | Play | Pause))
        return Gather(
            get("action", ""), get("method", "POST"), get("input", "dtmf"), _whole(get("timeout"), GATHER_TIMEOUT),
            _whole(get("numDigits"), 0) or None, get("finishOnKey", GATHER_FINISH_ON_KEY),
            get("language", "en-US"), get("hints", ""), get("speechTimeout", ""),
            get("actionOnEmptyResult", "false") == "true", said, element=element,
        )  # fmt: skip
    if element.tag == "Dial":
        number = element.find("Number")
        dialled = number.text if number is not None else element.text
        return Dial(
            (dialled or "").strip(), number.get("url", "") if number is not None else "",
            number.get("method", "POST") if number is not None else "POST", get("action", ""), get("method", "POST"),
            _whole(get("timeout"), DIAL_TIMEOUT), get("callerId", ""), get("answerOnBridge", "false") == "true",
            element=element,
        )  # fmt: skip
    if element.tag == "Redirect":
        return Redirect((element.text or "").strip(), get("method", "POST"), element=element)
    if element.tag == "Hangup":
        return Hangup(element=element)
    if element.tag == "Reject":
        return Reject(element=element)
    if element.tag == "Record":
        return Record(
            get("action", ""), get("method", "POST"), _whole(get("timeout"), RECORD_TIMEOUT),
            _whole(get("maxLength"), RECORD_MAX_LENGTH), get("finishOnKey", RECORD_FINISH_ON_KEY),
            get("playBeep", "true") != "false", element=element,
        )  # fmt: skip
    return Other(element.tag, element=element)


def _spoken(element: ET.Element, rates: tuple[str, ...]) -> list[Words | Break]:
    """The text and breaks of an SSML element in order, each piece with the rates around it."""
    pieces: list[Words | Break] = [Words(element.text, rates)] if element.text else []
    for child in element:
        if child.tag == "break":
            pieces.append(Break(_seconds(child.get("time", "0ms"))))
        else:
            rate = child.get("rate", "")
            pieces += _spoken(child, rates + (rate,) if rate else rates)
        if child.tail:
            pieces.append(Words(child.tail, rates))
    return pieces


def _seconds(time: str) -> float:
    """An SSML time ("700ms", "1s") in seconds; 0 for one Twilio would not understand."""
    try:
        if time.endswith("ms"):
            return float(time.removesuffix("ms") or 0) / 1000
        return float(time.removesuffix("s") or 0)
    except ValueError:
        return 0.0


def _whole(value: str | None, default: int) -> int:
    """A whole number attribute, or Twilio's default when it is missing or not a number."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default
