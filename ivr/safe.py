"""The line's last resort: TwiML that needs no flow file, no cache and no state.

Used when anything goes wrong (an exception, a node that no longer exists, no valid
flow at all) and behind ``/voice/fallback``, Twilio's "primary handler fails" URL.
Everything here is built once, at import of constants only; nothing can fail at
request time.
"""

from __future__ import annotations

from twilio.twiml.voice_response import VoiceResponse

#: The Modern Slavery & Exploitation Helpline (../shared/facts.md): free, 24/7, interpreters.
HELPLINE_E164 = "+448000121700"
VOICE = "Polly.Amy"
LANGUAGE = "en-GB"

PATH_FALLBACK = "/voice/fallback"
PATH_FALLBACK_DIALED = "/voice/fallback/dialed"


def _say_helpline_twice(response: VoiceResponse, before: str, after: str) -> None:
    say = response.say(voice=VOICE, language=LANGUAGE)
    say.append(before)
    for time in range(2):
        slow = say.prosody(rate="slow")
        slow.append("oh eight hundred")
        slow.break_(time="400ms")
        slow.append("oh one two one")
        slow.break_(time="400ms")
        slow.append("seven hundred")
        say.break_(time="800ms" if time == 0 else "300ms")
    say.append(after)


def _safe_twiml() -> str:
    response = VoiceResponse()
    _say_helpline_twice(
        response,
        "Sorry, this line has a problem. If you are in danger now, hang up and dial 9 9 9. "
        "The Modern Slavery Helpline is free and open 24 hours a day, on ",
        ". I will connect you to it now.",
    )
    dial = response.dial(action=PATH_FALLBACK_DIALED, method="POST", timeout=30, answer_on_bridge=True)
    dial.number(HELPLINE_E164)
    return str(response)


def _after_dial_twiml(connected: bool) -> str:
    response = VoiceResponse()
    if connected:
        _say_helpline_twice(response, "If you need help again, the Modern Slavery Helpline is on ", ". Goodbye.")
        response.hangup()
        return str(response)
    _say_helpline_twice(
        response,
        "Sorry, the helpline did not answer. Please call it yourself at any time, on ",
        ". To report something anonymously, you can call Crimestoppers on oh eight hundred, five five five, "
        "one one one. I will try the helpline again now.",
    )
    response.pause(length=2)
    response.redirect(PATH_FALLBACK, method="POST")
    return str(response)


#: Built once: serving these can only fail if the process itself is broken.
SAFE_TWIML = _safe_twiml()
AFTER_DIAL_CONNECTED = _after_dial_twiml(connected=True)
AFTER_DIAL_NOT_CONNECTED = _after_dial_twiml(connected=False)
