"""The flow file's format, as pydantic models.

This is the *document* model: what an operator may write in ``call_flows.yaml``
and what each field means (the descriptions become the JSON Schema an editor
shows). It is checked further by :mod:`ivr.checks` and turned into the runtime
model of :mod:`ivr.flow`, which is all the webhooks ever read.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import BaseModel, ConfigDict, Field


class Recording(BaseModel):
    """A recorded prompt, for a language Twilio's voices cannot speak."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    play: str = Field(description="An audio file (WAV or MP3) under the flow's recordings/ folder, or an https URL.")


#: A text for callers: plain text in the line's language, or one text (or recording) per
#: language (``{en-GB: ..., pl-PL: ..., sq-AL: {play: recordings/sq/welcome.mp3}}``).
#: ``{name}`` inside a text says the phone number called ``name`` slowly, grouped and
#: twice; ``{helpline}`` is always the line's helpline.
Text = Annotated[
    Union[str, dict[str, Union[str, Recording]]],
    Field(description="Text for callers, or one text or {play: file} per language. {number_name} speaks a number."),
]

#: Words a caller may say: a list in the line's language, or one list per language.
Words = Union[list[str], dict[str, list[str]]]


class _Strict(BaseModel):
    """Unknown fields are errors: a misspelt field must never be silently ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Retries(_Strict):
    silence: int = Field(
        3,
        ge=1,
        le=10,
        description="Tries when the caller says and presses nothing, before the call goes to the helpline.",
    )
    invalid: int = Field(
        3,
        ge=1,
        le=10,
        description="Tries when the caller picks something that is not a choice, before the call goes to the helpline.",
    )


class Messages(_Strict):
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
    try_again: Text = "To try again, press 1."
    other_number: Text = Field(
        "To call {other_name} instead, press 2.",
        description="{other_name} is the other number offered after a failed transfer.",
    )
    after_call: Text = Field(
        "Thank you for calling. If you need help again, the Modern Slavery Helpline number is {helpline}. Goodbye.",
        description="Said if the caller is still on the line after a transfer ends.",
    )


class BuiltinWords(_Strict):
    """What callers may say, in one language, for what every menu understands."""

    repeat: list[str] = Field(description="Words for * (hear it again).")
    helpline: list[str] = Field(description="Words for 0 (the helpline).")
    slower: list[str] = Field(description="Words for 8 (slower speech).")
    danger: list[str] = Field(
        default_factory=list,
        description="Words meaning danger or emergency: from any menu they go to the line's danger node.",
    )


class Language(_Strict):
    """A language the line offers, declared once."""

    name: str = Field(description="The language's name in itself, e.g. Polski.")
    key: str = Field(description="The key that picks it at the language menu.")
    choose: Union[str, Recording] = Field(
        description="Its option at the language menu, in itself, e.g. 'Po polsku, naciśnij 2.'"
    )
    voice: str | None = Field(None, description="Twilio voice, e.g. Polly.Ewa. None: recordings only.")
    say_language: str | None = Field(None, description="<Say language>, if not the language code (Polly.Zeina: arb).")
    speech: str | None = Field(None, description="Speech recognition language, if not the language code.")
    reviewed: bool = Field(False, description="True only once a native speaker has reviewed every text in it.")
    words: list[str] = Field(
        default_factory=list, description="What a caller may say to pick it, e.g. [polski, polish]."
    )
    builtin_words: BuiltinWords | None = Field(None, description="Words for repeat, helpline and slower in it.")
    words_per_minute: int | None = Field(None, ge=60, le=400, description="Speaking rate, for the length checks.")


class Line(_Strict):
    """Settings for the whole line."""

    name: str = Field(description="The line's name, for operators.")
    start: str = Field(description="The node a call starts at.")
    helpline: str = Field(description="The number (from 'numbers') that every failure, silence and 0 leads to.")
    language: str = Field(
        "en-GB",
        description="The line's first language: plain texts are in it, and every other language falls back to it.",
    )
    voice: str = Field("Polly.Amy", description="Twilio voice for the line's language when 'languages' is not given.")
    languages: dict[str, Language] = Field(
        default_factory=dict,
        description="The languages the line offers, by code (en-GB, pl-PL...). Leave out for a line in one language.",
    )
    timeout: int = Field(10, ge=1, le=60, description="Seconds to wait for a key before re-prompting.")
    speech_timeout: int = Field(3, ge=1, le=10, description="Seconds of silence that end a spoken answer.")
    danger: str | None = Field(
        None,
        description="The node with the danger advice: words meaning danger, and 999 said in any form, "
        "go there from every menu.",
    )
    speech_confidence: float = Field(
        0.4,
        ge=0.0,
        le=1.0,
        description="Spoken answers the recogniser is less sure of (its Confidence, 0 to 1) are asked again.",
    )
    retries: Retries = Field(default_factory=Retries)
    messages: Messages = Field(default_factory=Messages)


class Number(_Strict):
    """A phone number, defined once and referred to by its name."""

    number: str = Field(description="Grouped as people say it, e.g. 0800 0121 700.")
    name: Text = Field(description="What callers hear it called, e.g. 'the Modern Slavery Helpline'.")
    say: Text | None = Field(None, description="How to say the number, if not the digits as grouped.")
    show_caller_number: bool = Field(
        False,
        description="Only if this destination needs it: show it the caller's own number. Otherwise every "
        "transfer shows the line's number. Never for an anonymous line such as Crimestoppers.",
    )


class Choice(_Strict):
    go: str = Field(description="The node this choice leads to.")
    words: Words = Field(
        default_factory=list, description="Words a caller may say for this choice, as a list or one list per language."
    )


class MenuNode(_Strict):
    """Says a prompt and waits for a key or a spoken word."""

    type: Literal["menu"]
    say: Text = Field(description="The full prompt, naming every choice.")
    say_short: Text | None = Field(None, description="A shorter prompt for the second and later tries.")
    choices: dict[str, Union[Choice, str]] = Field(
        description="'key: node', or 'key: {go: node, words: [...]}'. 0 (helpline) and * (repeat) are built in."
    )
    retries: Retries | None = None
    timeout: int | None = Field(None, ge=1, le=60)


class MessageNode(_Strict):
    """Says something, then goes on to the next node."""

    type: Literal["message"]
    say: Text
    next: str | None = Field(None, description="Where the call goes after the message. Required.")
    stats_label: str | None = Field(
        None, description="How the statistics count a call that reaches this message, e.g. 'told to dial 999'."
    )


class TransferNode(_Strict):
    """Connects the caller to a number."""

    type: Literal["transfer"]
    to: str = Field(description="The number (from 'numbers') to connect to.")
    say: Text | None = Field(None, description="Said before connecting.")
    if_no_answer: str | None = Field(
        None,
        description="Node for busy, no answer or failure. Default: say the number, offer to try again "
        "or another number.",
    )
    ring_seconds: int = Field(30, ge=5, le=120, description="How long to let it ring.")


class LanguageNode(_Strict):
    """The language menu: each language's option said in that language, then on to 'next'."""

    type: Literal["language"]
    say: Text | None = Field(None, description="Said first, in the line's language.")
    say_after: Text | None = Field(None, description="Said after the options, in the line's language.")
    next: str = Field(description="Where the call goes once a language is chosen.")
    retries: Retries | None = None
    timeout: int | None = Field(None, ge=1, le=60)


Node = Annotated[Union[MenuNode, MessageNode, TransferNode, LanguageNode], Field(discriminator="type")]


class FlowDocument(_Strict):
    """A whole ``call_flows.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Call flow")

    line: Line
    numbers: dict[str, Number]
    nodes: dict[str, Node]


NODE_TYPES = ("menu", "message", "transfer", "language")


def known_field_names() -> set[str]:
    """Every field name of the format, for "did you mean" on a misspelt one."""
    names: set[str] = set()
    models = (
        FlowDocument,
        Line,
        Retries,
        Messages,
        Number,
        Choice,
        MenuNode,
        MessageNode,
        TransferNode,
        LanguageNode,
        Language,
        BuiltinWords,
        Recording,
    )
    for model in models:
        names.update(model.model_fields)
    return names
