"""The line's last resort (docs/safety.md rule 4): TwiML that needs no flow file, no cache and no state.

Used when anything goes wrong (an exception, a node that no longer exists, no valid
flow at all) and behind ``/voice/fallback``, Twilio's "primary handler fails" URL.
Everything here is built once, at import of constants only; nothing can fail at
request time.
"""

from __future__ import annotations

from functools import lru_cache

from twilio.twiml.voice_response import Gather, VoiceResponse

from ivr.definition.limits import RING_SECONDS
from ivr.definition.phone import CRIMESTOPPERS, HELPLINE, parse_number, spoken_groups_en
from ivr.runtime.twilio import PATH_FALLBACK, PATH_FALLBACK_DIALED, PATH_FALLBACK_KEY, line_number

#: The Modern Slavery & Exploitation Helpline (:data:`ivr.definition.phone.HELPLINE`) as
#: Twilio dials it, and as it is said (read slowly, group by group).
HELPLINE_E164 = str(parse_number(HELPLINE).e164)
HELPLINE_SAID = spoken_groups_en(parse_number(HELPLINE))
VOICE = "Polly.Amy"
LANGUAGE = "en-GB"
#: The query parameter that marks a key pressed after a finished transfer (``?done=1``).
AFTER_A_CALL_PARAM = "done"


def _listening(response: VoiceResponse, after_a_call: bool = False) -> Gather:
    """Keys count during the words too: 9 ends the call; before a transfer any other key
    connects at once, after a finished one only 0 does (any other ends the call, as the
    line's own goodbye does)."""
    action = PATH_FALLBACK_KEY + (f"?{AFTER_A_CALL_PARAM}=1" if after_a_call else "")
    return response.gather(action=action, method="POST", input="dtmf", num_digits=1, timeout=1, finish_on_key="")


def _dial(response: VoiceResponse, caller_id: str) -> None:
    """Dial the helpline showing the line's own number (never the caller's: docs/safety.md
    rule 7) when it is known."""
    options: dict[str, object] = {"timeout": RING_SECONDS, "answer_on_bridge": True}
    if line_number(caller_id):
        options["caller_id"] = caller_id
    response.dial(action=PATH_FALLBACK_DIALED, method="POST", **options).number(HELPLINE_E164)


def _say_helpline_twice(response: VoiceResponse | Gather, before: str, after: str) -> None:
    say = response.say(voice=VOICE, language=LANGUAGE)
    say.append(before)
    for time in range(2):
        slow = say.prosody(rate="slow")
        for number, group in enumerate(HELPLINE_SAID):
            if number:
                slow.break_(time="400ms")
            slow.append(group)
        say.break_(time="800ms" if time == 0 else "300ms")
    say.append(after)


def _safe_twiml(caller_id: str = "") -> str:
    response = VoiceResponse()
    _say_helpline_twice(
        _listening(response),
        "Sorry, this line has a problem. If you are in danger now, hang up and dial 9 9 9. "
        "The Modern Slavery Helpline is free and open 24 hours a day, on ",
        ". I will connect you to it now.",
    )
    _dial(response, caller_id)
    return str(response)


@lru_cache(maxsize=64)
def safe_twiml(caller_id: str) -> bytes:
    """The safe TwiML for a call to the line's number ``caller_id`` (the request's ``To``)."""
    return _safe_twiml(caller_id).encode()


@lru_cache(maxsize=64)
def dial_now(caller_id: str) -> bytes:
    """Connect to the helpline at once: a key was pressed during the fallback's words."""
    response = VoiceResponse()
    _dial(response, caller_id)
    return str(response).encode()


def _after_dial_twiml(connected: bool) -> str:
    response = VoiceResponse()
    if connected:
        _say_helpline_twice(
            _listening(response, after_a_call=True),
            "If you need help again, the Modern Slavery Helpline is on ",
            ". Goodbye.",
        )
        response.hangup()
        return str(response)
    _say_helpline_twice(
        _listening(response),
        "Sorry, the call to the helpline did not go through. Please call it yourself at any time, on ",
        f". To report something anonymously, you can call Crimestoppers on "
        f"{', '.join(spoken_groups_en(parse_number(CRIMESTOPPERS)))}. I will try the helpline again now.",
    )
    response.pause(length=2)
    response.redirect(PATH_FALLBACK, method="POST")
    return str(response)


#: Built once: serving these can only fail if the process itself is broken.
SAFE_TWIML = _safe_twiml()
AFTER_DIAL_CONNECTED = _after_dial_twiml(connected=True)
AFTER_DIAL_NOT_CONNECTED = _after_dial_twiml(connected=False)


def _quick_exit() -> str:
    response = VoiceResponse()
    response.hangup()
    return str(response)


QUICK_EXIT = _quick_exit()
