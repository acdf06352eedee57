"""A phone call without a phone: plays Twilio's part against the line's webhooks.

It signs each request as Twilio does, sends Twilio's documented parameters, and
follows the TwiML it gets back verb by verb (``<Say>``, ``<Gather>``, ``<Redirect>``,
``<Dial>``, ``<Hangup>``, read by :mod:`ivr.runtime.twiml_reading`) until the line waits
for the caller. The same class drives the real server over HTTP (``ivr call``), the app
in-process (``ivr simulate``) and the tests, so what they show is what a phone would get.
"""

from __future__ import annotations

import copy
import secrets
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urljoin

from twilio.request_validator import RequestValidator

from ivr.runtime import twilio as tw
from ivr.runtime import twiml_reading as read
from ivr.runtime.state import LANGUAGE_PARAM
from ivr.tools.heard import Heard, heard_of, while_speaking
from ivr.tools.transports import Transport, flask_transport, http_transport

#: What the tools and tests use: the call, and what it hears and is sent through.
__all__ = ["CallEnded", "Heard", "SimulatedCall", "Transport", "Waiting", "flask_transport", "http_transport"]

MAX_REDIRECTS = 50


class CallEnded(Exception):
    """The call is over; input can no longer be given."""


@dataclass
class Waiting:
    """A verb the call stopped at: a <Gather> (for keys or words) or a <Dial> (a transfer
    ringing), the verbs after it, and the URL whose answer held it (its actions are
    relative to that)."""

    kind: str  # "gather" or "dial"
    verb: read.Gather | read.Dial
    rest: tuple[read.Verb, ...]
    url: str
    heard: tuple[Heard, ...] = ()  # what its words said

    @property
    def element(self) -> ET.Element:
        """The verb as the line wrote it (its attributes, its SSML)."""
        return self.verb.element


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
        self.passed: list[Waiting] = []
        self.heard: list[Heard] = []
        self.requests: list[tuple[str, dict[str, str], int]] = []
        self.waiting: Waiting | None = None
        self.ended = False
        self.hung_up_by_line = False
        self.ran_out_of_verbs = False

    # -- what the caller does --------------------------------------------------------------
    def start(self, language: str = "") -> list[Heard]:
        """Call the line; ``language`` is what a number configured as ``/voice?l=pl-PL`` would start in."""
        query = f"?{LANGUAGE_PARAM}={language}" if language else ""
        return self._request(self.base_url + tw.MOUNT + query, {})

    def press(self, key: str) -> list[Heard]:
        return self._answer_gather({tw.DIGITS: key})

    def press_during(self, key: str, containing: str = "") -> list[Heard]:
        """Press a key while the line was saying something it let play since the caller's
        last answer: the last such words, or the first that contain ``containing``."""
        for waiting in self.passed if containing else reversed(self.passed):
            if not containing or any(containing in h.text for h in waiting.heard):
                self.waiting = None
                self.ended = False
                return self._request(urljoin(waiting.url, waiting.verb.action or waiting.url), {tw.DIGITS: key})
        raise CallEnded(f"the line said nothing containing {containing!r} that listened for keys")

    def say(self, words: str, confidence: str = "0.9") -> list[Heard]:
        return self._answer_gather({tw.SPEECH_RESULT: words, tw.CONFIDENCE: confidence})

    def silence(self) -> list[Heard]:
        """Say and press nothing until the line gives up waiting: Twilio goes on with the next
        verb or, for a <Gather actionOnEmptyResult="true">, requests its action with no input."""
        waiting = self._need("gather")
        self.waiting = None
        if isinstance(waiting.verb, read.Gather) and waiting.verb.action_on_empty_result:
            return self._request(urljoin(waiting.url, waiting.verb.action or waiting.url), {})
        return self._run(waiting.rest, waiting.url)

    def dial_result(self, status: str = tw.DIAL_COMPLETED, duration: str = "60") -> list[Heard]:
        """How the transfer the line made ended: completed, busy, no-answer, failed, canceled."""
        waiting = self._need("dial")
        self.waiting = None
        if not waiting.verb.action:
            return self._run(waiting.rest, waiting.url)
        params = {tw.DIAL_CALL_STATUS: status, tw.DIAL_CALL_SID: "CA" + secrets.token_hex(16)}
        if status in tw.DIAL_CONNECTED:
            params[tw.DIAL_CALL_DURATION] = duration
        return self._request(urljoin(waiting.url, waiting.verb.action), params)

    def adviser_hears(self) -> list[Heard]:
        """What whoever answers the ringing transfer hears before the call is bridged: Twilio
        requests its ``<Number url>`` (by its ``method``, POST by default) and plays that TwiML
        to them alone. Nothing when the number has no ``url``; an "error" when the answer is
        not TwiML. The caller's call goes on waiting for :meth:`dial_result`."""
        waiting = self._need("dial")
        if not isinstance(waiting.verb, read.Dial) or not waiting.verb.number_url:
            return []
        whisper_url = urljoin(waiting.url, waiting.verb.number_url)
        status, body = self.transport(*self.signed_request(whisper_url, {}))
        self.requests.append((whisper_url, {}, status))
        if status != 200:
            return [Heard("error", f"HTTP {status}: the whisper failed")]
        try:
            verbs = read.read(body)
        except read.NotTwiML as exc:
            return [Heard("error", f"invalid TwiML ({exc})")]
        return [heard for heard in map(heard_of, verbs) if heard is not None]

    def hangup(self) -> None:
        self.ended = True
        self.waiting = None

    def status_callback(self, status: str = tw.CALL_COMPLETED, duration: str = "60") -> int:
        """Twilio's status callback once the call has ended (``CallStatus``, ``CallDuration``
        in seconds); the HTTP status of the answer, which Twilio does not follow."""
        url = self.base_url + tw.PATH_STATUS
        status_code, _ = self.transport(*self.signed_request(url, {tw.CALL_STATUS: status, tw.CALL_DURATION: duration}))
        return status_code

    def fallback(self, error_code: str = "11200") -> list[Heard]:
        """What Twilio does when the line's URL failed (an error, a time-out, a worker that
        died): it requests the number's fallback URL and follows that answer instead."""
        self.waiting = None
        self.ended = False
        return self._request(self.base_url + tw.PATH_FALLBACK, {tw.ERROR_CODE: error_code})

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
        if self.waiting is None or not isinstance(self.waiting.verb, read.Dial):
            return ""
        return self.waiting.verb.number

    def position(self) -> str:
        """Where the call waits, saved as one TwiML document: the words the line let play
        since the caller's last answer, then what it waits on and every verb after it;
        "" when the call is over. :meth:`resume` picks the call up again from it, in any
        process: like the line, a call needs nothing kept on a server."""
        if self.waiting is None or self.ended:
            return ""
        document = ET.Element("Response")
        document.extend([passed.element for passed in self.passed])
        document.append(self.waiting.element)
        document.extend(verb.element for verb in self.waiting.rest)
        return ET.tostring(document, encoding="unicode")

    @classmethod
    def resume(
        cls,
        transport: Transport,
        base_url: str,
        auth_token: str,
        call_sid: str,
        position: str,
        extra_params: dict[str, str] | None = None,
    ) -> SimulatedCall:
        """The call whose :meth:`position` this is, waiting where it waited (what it heard
        before is not kept). Raises ``ValueError`` for a text that is not a TwiML document."""
        try:
            verbs = read.read(position)
        except read.NotTwiML as exc:
            raise ValueError(f"not a saved position of a call: {exc}") from exc
        call = cls(transport, base_url, auth_token, extra_params=extra_params)
        call.call_sid = call_sid
        call._run(verbs, call.base_url + tw.MOUNT)
        call.heard = []
        return call

    def signed_request(self, url: str, extra: dict[str, str]) -> tuple[str, dict[str, str], dict[str, str]]:
        """The request Twilio would send to ``url`` at this point of the call: the URL, its
        parameters (Twilio's own for this call, then ``extra``) and the signature header."""
        params = self._params(extra)
        return url, params, {tw.SIGNATURE_HEADER: self.validator.compute_signature(url, params)}

    # -- Twilio's part ---------------------------------------------------------------------
    def _need(self, kind: str) -> Waiting:
        if self.ended or self.waiting is None:
            raise CallEnded("the call has ended")
        if self.waiting.kind != kind:
            raise CallEnded(f"the line is waiting for {self.waiting.kind}, not {kind}")
        return self.waiting

    def _answer_gather(self, params: dict[str, str]) -> list[Heard]:
        waiting = self._need("gather")
        self.waiting = None
        return self._request(urljoin(waiting.url, waiting.verb.action or waiting.url), params)

    def _params(self, extra: dict[str, str]) -> dict[str, str]:
        params = tw.inbound_call_params(self.call_sid, self.caller, self.called)
        params.update(self.extra_params)
        params.update(extra)
        return params

    def _request(self, url: str, extra: dict[str, str], depth: int = 0) -> list[Heard]:
        if depth == 0:
            self.passed = []
        status, body = self.transport(*self.signed_request(url, extra))
        self.requests.append((url, extra, status))
        if status != 200:
            self.ended = True
            heard = Heard("error", f"HTTP {status}: Twilio would play its application error and hang up")
            self.heard.append(heard)
            return [heard]
        try:
            verbs = read.read(body)
        except read.NotTwiML as exc:
            self.ended = True
            heard = Heard("error", f"invalid TwiML ({exc})")
            self.heard.append(heard)
            return [heard]
        return self._run(verbs, url, depth)

    def _run(self, verbs: tuple[read.Verb, ...], url: str, depth: int = 0) -> list[Heard]:
        start = len(self.heard)
        for i, verb in enumerate(verbs):
            heard = heard_of(verb)
            if heard is not None:
                self.heard.append(heard)
            elif isinstance(verb, read.Gather):
                words = tuple(h for h in map(heard_of, verb.verbs) if h is not None)
                self.heard.extend(words)
                waiting = Waiting("gather", verb, verbs[i + 1 :], url, words)
                if while_speaking(verb) and not self.stop_while_speaking:
                    self.passed.append(waiting)
                    continue
                self.waiting = waiting
                return self.heard[start:]
            elif isinstance(verb, read.Dial):
                self.heard.append(Heard("dial", verb.number, dict(verb.element.attrib)))
                self.waiting = Waiting("dial", verb, verbs[i + 1 :], url)
                return self.heard[start:]
            elif isinstance(verb, read.Redirect):
                if depth >= MAX_REDIRECTS:
                    self.heard.append(Heard("error", "too many redirects in a row"))
                    self.ended = True
                    return self.heard[start:]
                self._request(urljoin(url, verb.url), {}, depth + 1)
                return self.heard[start:]
            elif isinstance(verb, read.Hangup | read.Reject):
                self.heard.append(Heard("hangup"))
                self.ended = True
                self.hung_up_by_line = True
                return self.heard[start:]
        # No verb left: Twilio ends the call.
        self.ended = True
        self.ran_out_of_verbs = True
        return self.heard[start:]
