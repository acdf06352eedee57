"""Twilio's voice protocol as the line speaks it: its paths, parameters and statuses, and
what Twilio accepts (the number a transfer may show, the most words one <Say> takes).

The line's TwiML names these paths, the webhooks answer them, the simulator requests
them and the statistics keep only these statuses, so each is written here once. Twilio's
own names (parameters, statuses) are as its documentation spells them: "TwiML voice
webhooks" (request parameters), "TwiML Voice: <Dial>" (``DialCallStatus``, linked in
docs/sources.md) and "Call resource" (``CallStatus``).
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus

# -- paths ----------------------------------------------------------------------------------
#: Where the webhooks are mounted: the number's "a call comes in" URL (``/voice?l=pl-PL``
#: starts a call in that language). Every other path below is under it.
MOUNT = "/voice"
PATH_NODE = MOUNT + "/node"  # a chain of messages goes on in a new request
PATH_INPUT = MOUNT + "/input"  # a <Gather> heard a key or words
PATH_SILENCE = MOUNT + "/silence"  # a <Gather> heard nothing
PATH_DIALED = MOUNT + "/dialed"  # a <Dial> ended
PATH_STATUS = MOUNT + "/status"  # the number's status callback: the call ended
#: The adviser answered a helpline transfer: what they hear before the call is bridged
#: (``<Number url>``, :mod:`ivr.runtime.whisper`).
PATH_WHISPER = MOUNT + "/whisper"
#: The number's "primary handler fails" URL, and the fallback's own action URLs: they need
#: no flow and no call state (docs/safety.md rule 4).
PATH_FALLBACK = MOUNT + "/fallback"
PATH_FALLBACK_DIALED = PATH_FALLBACK + "/dialed"
PATH_FALLBACK_KEY = PATH_FALLBACK + "/key"


def under_mount(path: str) -> str:
    """A path as the webhooks see it once mounted: ``/voice/input`` -> ``/input``."""
    return path[len(MOUNT) :]


# -- request parameters -----------------------------------------------------------------------
CALL_SID = "CallSid"
ACCOUNT_SID = "AccountSid"
FROM = "From"
TO = "To"
CALLER = "Caller"
CALLED = "Called"
CALL_STATUS = "CallStatus"
DIRECTION = "Direction"
DIGITS = "Digits"
SPEECH_RESULT = "SpeechResult"
CONFIDENCE = "Confidence"
DIAL_CALL_STATUS = "DialCallStatus"
DIAL_CALL_SID = "DialCallSid"
DIAL_CALL_DURATION = "DialCallDuration"
CALL_DURATION = "CallDuration"
ERROR_CODE = "ErrorCode"
#: Not Twilio's: the line's own mark on the console's test calls, which the statistics leave
#: out. Only the console can send it in a signed request (it holds the auth token).
TEST_CALL_PARAM = "IvrConsoleTest"
#: Parameters Twilio sends at most once in a request. Its signature sorts the values of a
#: name, so a request that repeats one could be a signed request replayed with them reordered.
SENT_ONCE = (
    CALL_SID, ACCOUNT_SID, FROM, TO, CALLER, CALLED, CALL_STATUS, DIRECTION, DIGITS, SPEECH_RESULT,
    CONFIDENCE, DIAL_CALL_STATUS, DIAL_CALL_SID, DIAL_CALL_DURATION, CALL_DURATION, ERROR_CODE, TEST_CALL_PARAM,
)  # fmt: skip


def inbound_call_params(call_sid: str, caller: str, called: str) -> dict[str, str]:
    """What Twilio sends with every request of a call to the line (a simulated call sends
    the same, so that the line cannot tell it from a phone's)."""
    return {
        CALL_SID: call_sid,
        ACCOUNT_SID: "AC" + "0" * 32,
        FROM: caller,
        TO: called,
        CALLER: caller,
        CALLED: called,
        CALL_STATUS: CALL_IN_PROGRESS,
        DIRECTION: "inbound",
        "ApiVersion": "2010-04-01",
        "FromCountry": "GB",
        "ToCountry": "GB",
    }


#: The header that carries Twilio's signature, and its name in a WSGI environ.
SIGNATURE_HEADER = "X-Twilio-Signature"
SIGNATURE_ENVIRON = "HTTP_X_TWILIO_SIGNATURE"

# -- statuses ---------------------------------------------------------------------------------
#: ``CallStatus`` values. A status callback with one of :data:`CALL_ENDED` is the call's end.
CALL_IN_PROGRESS = "in-progress"
CALL_COMPLETED = "completed"
CALL_ENDED = frozenset({CALL_COMPLETED, "busy", "failed", "no-answer", "canceled"})
CALL_STATUSES = frozenset({"queued", "initiated", "ringing", CALL_IN_PROGRESS, *CALL_ENDED})
#: ``DialCallStatus`` values, and those that mean the caller talked to someone.
DIAL_COMPLETED = "completed"
DIAL_BUSY = "busy"
DIAL_NO_ANSWER = "no-answer"
DIAL_FAILED = "failed"
DIAL_CONNECTED = frozenset({DIAL_COMPLETED, "answered"})
DIAL_STATUSES = frozenset({*DIAL_CONNECTED, DIAL_BUSY, DIAL_NO_ANSWER, DIAL_FAILED, "canceled"})
#: How a transfer may end when a person tries the line (the console's buttons, ``ivr call``):
#: each end a flow's ``if_not_connected`` can follow, and the one where it connects.
DIAL_RESULTS = (DIAL_COMPLETED, DIAL_BUSY, DIAL_NO_ANSWER, DIAL_FAILED)


# -- what Twilio accepts ------------------------------------------------------------------------
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def line_number(to: str) -> str:
    """The line's own number as a transfer shows it (the call's ``To``), or "" if ``To`` is
    not a phone number (a SIP or client call), when Twilio's default applies."""
    return to if _E164.fullmatch(to) else ""


#: The most text one <Say> takes, by the voice's maker (Twilio, error 13521 "<Say> element
#: character limits exceeded"): Amazon Polly voices 3,000 (SSML tags not counted), Google
#: voices 5,000 (tags, spaces and new lines counted), the basic voices (man, woman, alice)
#: 4,096. Twilio counts "UTF-8 single byte characters", so a letter outside plain English
#: counts as its UTF-8 bytes: two for most Arabic or Polish letters, up to three for Vietnamese.
SAY_LIMITS = {"Polly": 3000, "Google": 5000}
BASIC_SAY_LIMIT = 4096


def say_limit(voice: str | None) -> tuple[str, int]:
    """The voice's maker as an operator knows it, and the most one <Say> in its voice takes."""
    maker = (voice or "").split(".")[0]
    if maker in SAY_LIMITS:
        return f"{maker} voices", SAY_LIMITS[maker]
    return "basic voices", BASIC_SAY_LIMIT


# -- the body and query encoding --------------------------------------------------------------
def parse_pairs(text: str) -> list[tuple[str, str]]:
    """The name-value pairs of an ``application/x-www-form-urlencoded`` text (a POST body
    decoded as UTF-8, or a raw query string), in order: what
    ``urllib.parse.parse_qsl(text, keep_blank_values=True)`` gives, which a test checks.

    The one parser of the line's requests: every webhook request goes through it twice
    (the body, the query), so it decodes only what has something to decode.
    """
    pairs = []
    for pair in text.split("&"):
        if not pair:
            continue
        name, _, value = pair.partition("=")
        if "%" in name or "+" in name:
            name = unquote_plus(name)
        if "%" in value or "+" in value:
            value = unquote_plus(value)
        pairs.append((name, value))
    return pairs
