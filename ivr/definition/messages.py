"""The line's own messages: what every flow says without writing it, and what it may
write instead. Part of the flow file's format (:mod:`ivr.definition.model`)."""

from __future__ import annotations

from pydantic import Field

from ivr.definition.values import Strict, Text


class Messages(Strict):
    """What the line says by itself at every menu. Each can be one text per language."""

    danger: Text = Field(
        "If you are in danger now, hang up and dial 9 9 9.",
        description="Said first by the TwiML for a Twilio TwiML Bin (ivr fallback-twiml).",
    )
    no_input: Text = "Sorry, I did not hear a choice."
    invalid: Text = "Sorry, that is not one of the choices."
    keys: Text = Field(
        "You can press {keys}. Press star to hear the choices again, or press 0 for the helpline.",
        description="Said after the first mistake at a menu; {keys} lists the menu's keys.",
    )
    last_try: Text = "If I do not hear a choice, I will connect you to the helpline."
    to_helpline: Text = Field(
        "I will connect you to the Modern Slavery Helpline now. It is free and confidential. "
        "If the call drops, the number is {helpline}.",
        description="Said before every transfer to the helpline that the line makes by itself.",
    )
    no_answer: Text = Field(
        "Sorry, nobody answered. The number is {number}. You can call it yourself at any time.",
        description="Said when a transfer rang and nobody answered; {number} is that transfer's number.",
    )
    busy: Text = Field(
        "Sorry, that line is busy. The number is {number}. You can call it yourself at any time.",
        description="Said when a transfer found the line busy; {number} is that transfer's number.",
    )
    failed: Text = Field(
        "Sorry, the call did not go through. The number is {number}. You can call it yourself at any time.",
        description="Said when a transfer could not be made; {number} is that transfer's number.",
    )
    connecting: Text = Field(
        "Connecting you to {name}.",
        description="Said before the line dials the other number offered after a failed transfer.",
    )
    fallback_retry: Text = Field(
        "If you were not connected, the helpline number is {helpline}. I will try once more now. "
        "If you have finished your call, you can hang up.",
        description="TwiML Bin (ivr fallback-twiml) only: said after its first transfer, which it cannot "
        "tell finished from failed, before it tries once more.",
    )
    fallback_end: Text = Field(
        "If you still need help, the Modern Slavery Helpline is free and open 24 hours a day, on {helpline}.",
        description="TwiML Bin only: said after its second transfer, before the call ends.",
    )
    not_understood: Text = Field(
        "Sorry, I did not catch that.",
        description="Said when a spoken answer was unclear or could mean two choices; the keys follow.",
    )
    offer_person: Text = Field(
        "To talk to a person now, press 0.",
        description="Said after an unclear spoken answer, before the menu's choices: a person first.",
    )
    sounds_like: Text = Field(
        "It sounds like you want {choice}.",
        description="Asked when the line is not sure what a caller said; {choice} is the choice's 'means'.",
    )
    sounds_like_key: Text = Field(
        "It sounds like you want choice {key}.",
        description="The same, for a choice without 'means'; {key} is its key.",
    )
    confirm_keys: Text = Field(
        "If that is right, press 1 or say yes. If not, press 2 or say no. To talk to a person, press 0.",
        description="Said after 'It sounds like…'.",
    )
    try_again: Text = "To try again, press 1."
    other_number: Text = Field(
        "To call {other_name} instead, press 2.",
        description="{other_name} is the other number offered after a failed transfer.",
    )
    after_call: Text = Field(
        "Thank you for calling. If you need help again, the Modern Slavery Helpline number is {helpline}. Goodbye.",
        description="Said if the caller is still on the line after a transfer ends.",
    )
