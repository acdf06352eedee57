"""A phone call without a phone: plays Twilio's part against the line's webhooks.

It signs each request as Twilio does, sends Twilio's documented parameters, and
follows the TwiML it gets back verb by verb (``<Say>``, ``<Gather>``, ``<Redirect>``,
``<Dial>``, ``<Hangup>``) until the line waits for the caller. The same class drives
the real server over HTTP (``ivr call``), the app in-process (``ivr simulate``) and
the tests, so what they show is what a phone would get.
"""

from __future__ import annotations

import copy
import secrets
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urljoin

from twilio.request_validator import RequestValidator

#: Sends a signed POST: (absolute URL, form parameters, headers) -> (status code, body).
Transport = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]

MAX_REDIRECTS = 50
#: A <Gather> that waits this long or less after its words is the line listening for keys
#: *during* them (a message, the words before a transfer): by default the simulated caller
#: lets the words play and goes on, and can still press during them (:meth:`press_during`).
LISTENING_WHILE_SPEAKING = 1


@dataclass(frozen=True)
class Heard:
    """One thing that happened on the call, in order."""

    kind: str  # "say", "pause", "play", "dial", "hangup", "error"
    text: str = ""
    attrs: dict[str, str] = field(default_factory=dict)


class CallEnded(Exception):
    """The call is over; input can no longer be given."""


@dataclass
class _Waiting:
    kind: str  # "gather" or "dial"
    element: ET.Element
    rest: list[ET.Element]
    url: str
    heard: tuple[Heard, ...] = ()  # what its words said


def _while_speaking(gather: ET.Element) -> bool:
    try:
        return int(gather.get("timeout", "5")) <= LISTENING_WHILE_SPEAKING
    except ValueError:
        return False


class SimulatedCall:
    def __init__(
        self,
        transport: Transport,
        base_url: str,
        auth_token: str,
        *,
        caller: str = "+447700900123",
        called: str = "+441234567890",
        extra_params: dict[str, str] | None = None,
        stop_while_speaking: bool = False,
    ) -> None:
        self.transport = transport
        self.base_url = base_url.rstrip("/")
        self.validator = RequestValidator(auth_token)
        self.call_sid = "CA" + secrets.token_hex(16)
        self.caller = caller
        self.called = called
        self.extra_params = extra_params or {}  # sent with every request, e.g. to mark a test call
        #: Stop at every <Gather>, even one that only listens for keys during words (to try
        #: every key at every moment); by default the caller lets such words play.
        self.stop_while_speaking = stop_while_speaking
        #: The keys-during-words gathers the caller let pass since its last answer.
        self.passed: list[_Waiting] = []
        self.heard: list[Heard] = []
        self.requests: list[tuple[str, dict[str, str], int]] = []
        self.waiting: _Waiting | None = None
        self.ended = False
        self.hung_up_by_line = False
        self.ran_out_of_verbs = False

    # -- what the caller does --------------------------------------------------------------
    def start(self, language: str = "") -> list[Heard]:
        """Call the line; ``language`` is what a number configured as ``/voice?l=pl-PL`` would start in."""
        query = f"?l={language}" if language else ""
        return self._request(self.base_url + "/voice" + query, {})

    def press(self, key: str) -> list[Heard]:
        return self._answer_gather({"Digits": key})

    def press_during(self, key: str, containing: str = "") -> list[Heard]:
        """Press a key while the line was saying something it let play since the caller's
        last answer: the last such words, or the first that contain ``containing``."""
        for waiting in self.passed if containing else reversed(self.passed):
            if not containing or any(containing in h.text for h in waiting.heard):
                self.waiting = None
                self.ended = False
                action = waiting.element.get("action") or waiting.url
                return self._request(urljoin(waiting.url, action), {"Digits": key})
        raise CallEnded(f"the line said nothing containing {containing!r} that listened for keys")

    def say(self, words: str, confidence: str = "0.9") -> list[Heard]:
        return self._answer_gather({"SpeechResult": words, "Confidence": confidence})

    def silence(self) -> list[Heard]:
        """Say and press nothing until the line gives up waiting."""
        waiting = self._need("gather")
        self.waiting = None
        return self._run(waiting.rest, waiting.url)

    def dial_result(self, status: str = "completed", duration: str = "60") -> list[Heard]:
        """How the transfer the line made ended: completed, busy, no-answer, failed, canceled."""
        waiting = self._need("dial")
        self.waiting = None
        action = waiting.element.get("action")
        if not action:
            return self._run(waiting.rest, waiting.url)
        params = {"DialCallStatus": status, "DialCallSid": "CA" + secrets.token_hex(16)}
        if status in ("completed", "answered"):
            params["DialCallDuration"] = duration
        return self._request(urljoin(waiting.url, action), params)

    def hangup(self) -> None:
        self.ended = True
        self.waiting = None

    def fork(self) -> SimulatedCall:
        """An identical call at the same point, to try another answer (the line keeps no state)."""
        twin = copy.copy(self)
        twin.heard = list(self.heard)
        twin.requests = list(self.requests)
        twin.passed = list(self.passed)
        return twin

    # -- where the call is -----------------------------------------------------------------
    @property
    def waiting_for(self) -> str:
        """ "gather" (keys or speech), "dial" (a transfer is ringing) or "" (the call is over)."""
        return "" if self.ended or self.waiting is None else self.waiting.kind

    @property
    def dialled_number(self) -> str:
        if self.waiting is None or self.waiting.kind != "dial":
            return ""
        return _dialled(self.waiting.element)

    # -- Twilio's part ---------------------------------------------------------------------
    def _need(self, kind: str) -> _Waiting:
        if self.ended or self.waiting is None:
            raise CallEnded("the call has ended")
        if self.waiting.kind != kind:
            raise CallEnded(f"the line is waiting for {self.waiting.kind}, not {kind}")
        return self.waiting

    def _answer_gather(self, params: dict[str, str]) -> list[Heard]:
        waiting = self._need("gather")
        self.waiting = None
        action = waiting.element.get("action") or waiting.url
        return self._request(urljoin(waiting.url, action), params)

    def _params(self, extra: dict[str, str]) -> dict[str, str]:
        params = {
            "CallSid": self.call_sid,
            "AccountSid": "AC" + "0" * 32,
            "From": self.caller,
            "To": self.called,
            "Caller": self.caller,
            "Called": self.called,
            "CallStatus": "in-progress",
            "Direction": "inbound",
            "ApiVersion": "2010-04-01",
            "FromCountry": "GB",
            "ToCountry": "GB",
        }
        params.update(self.extra_params)
        params.update(extra)
        return params

    def _request(self, url: str, extra: dict[str, str], depth: int = 0) -> list[Heard]:
        if depth == 0:
            self.passed = []
        params = self._params(extra)
        headers = {"X-Twilio-Signature": self.validator.compute_signature(url, params)}
        status, body = self.transport(url, params, headers)
        self.requests.append((url, extra, status))
        if status != 200:
            self.ended = True
            heard = Heard("error", f"HTTP {status}: Twilio would play its application error and hang up")
            self.heard.append(heard)
            return [heard]
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            self.ended = True
            heard = Heard("error", f"invalid TwiML ({exc})")
            self.heard.append(heard)
            return [heard]
        return self._run(list(root), url, depth)

    def _run(self, verbs: list[ET.Element], url: str, depth: int = 0) -> list[Heard]:
        start = len(self.heard)
        for i, verb in enumerate(verbs):
            heard = _heard(verb)
            if heard is not None:
                self.heard.append(heard)
            elif verb.tag == "Gather":
                words = tuple(h for h in map(_heard, verb) if h is not None)
                self.heard.extend(words)
                waiting = _Waiting("gather", verb, verbs[i + 1 :], url, words)
                if _while_speaking(verb) and not self.stop_while_speaking:
                    self.passed.append(waiting)
                    continue
                self.waiting = waiting
                return self.heard[start:]
            elif verb.tag == "Dial":
                self.heard.append(Heard("dial", _dialled(verb), dict(verb.attrib)))
                self.waiting = _Waiting("dial", verb, verbs[i + 1 :], url)
                return self.heard[start:]
            elif verb.tag == "Redirect":
                if depth >= MAX_REDIRECTS:
                    self.heard.append(Heard("error", "too many redirects in a row"))
                    self.ended = True
                    return self.heard[start:]
                self._request(urljoin(url, (verb.text or "").strip()), {}, depth + 1)
                return self.heard[start:]
            elif verb.tag in ("Hangup", "Reject"):
                self.heard.append(Heard("hangup"))
                self.ended = True
                self.hung_up_by_line = True
                return self.heard[start:]
        # No verb left: Twilio ends the call.
        self.ended = True
        self.ran_out_of_verbs = True
        return self.heard[start:]


def _heard(verb: ET.Element) -> Heard | None:
    """What the caller hears of a verb that only speaks or plays (also inside <Gather>)."""
    if verb.tag == "Say":
        return Heard("say", _text(verb), dict(verb.attrib))
    if verb.tag == "Play":
        return Heard("play", (verb.text or "").strip(), dict(verb.attrib))
    if verb.tag == "Pause":
        return Heard("pause", verb.get("length", "1"))
    return None


def _dialled(dial: ET.Element) -> str:
    number = dial.find("Number")
    return (number.text if number is not None else dial.text or "").strip()


def _spoken(element: ET.Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(" … " if child.tag == "break" else _spoken(child))
        parts.append(child.tail or "")
    return " ".join(parts)


def _text(element: ET.Element) -> str:
    """What a <Say> speaks, with SSML taken out and each pause shown as "…"."""
    text = " ".join(_spoken(element).split())
    while "… …" in text:
        text = text.replace("… …", "…")
    for mark in (".", ",", "?", "!"):
        text = text.replace(" " + mark, mark)
    return text


def flask_transport(app) -> Transport:  # type: ignore[no-untyped-def]
    """Send the call's requests to a Flask app in this process (no server, no network)."""
    client = app.test_client()

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = client.post(url, data=params, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    return post


def http_transport(timeout: float = 15.0) -> Transport:
    """Send the call's requests to a running server, as Twilio would."""
    import urllib.error
    import urllib.parse
    import urllib.request

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(params).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (our own server)
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    return post
