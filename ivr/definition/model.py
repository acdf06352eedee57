"""The flow file's format, as pydantic models.

This is the *document* model: what an operator may write in ``call_flows.yaml``
and what each field means (the descriptions become the JSON Schema an editor
shows). It is checked further by :mod:`ivr.inspect.rules` and turned into the runtime
model of :mod:`ivr.runtime.flow`, which is all the webhooks ever read. Its bounds and
defaults come from :mod:`ivr.definition.limits`.
"""

from __future__ import annotations

from typing import Annotated, Literal, Union

from pydantic import ConfigDict, Field

from ivr.definition import limits
from ivr.definition.formats import CURRENT_FORMAT
from ivr.definition.messages import Messages
from ivr.definition.values import Recording, Strict, Text, Words

__all__ = ["Messages", "Recording", "Text", "Words"]  # the values a flow's fields hold


class Retries(Strict):
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


class BuiltinWords(Strict):
    """What callers may say, in one language, for what every menu understands."""

    repeat: list[str] = Field(description="Words for * (hear it again).")
    helpline: list[str] = Field(description="Words for 0 (the helpline).")
    slower: list[str] = Field(description="Words for 8 (slower speech).")
    danger: list[str] = Field(
        default_factory=list,
        description="Words meaning danger or emergency: from any menu they go to the line's danger node.",
    )


class Language(Strict):
    """A language the line offers, declared once."""

    name: str = Field(description="The language's name in itself, e.g. Polski.")
    key: str | None = Field(
        None,
        description="The key that picks it at the language menu, 1 to 8 (0, * and 9 are built in there; 8 is "
        "slower speech only at the other menus). None: no key: callers say its name, or call a number of its own.",
    )
    choose: Union[str, Recording] = Field(
        description="Its option at the language menu, in itself, e.g. 'Po polsku, naciśnij 2.'"
    )
    voice: str | None = Field(None, description="Twilio voice, e.g. Polly.Ewa. None: recordings only.")
    say_language: str | None = Field(None, description="<Say language>, if not the language code (Polly.Zeina: arb).")
    speech: str | None = Field(None, description="Speech recognition language, if not the language code.")
    words: list[str] = Field(
        default_factory=list, description="What a caller may say to pick it, e.g. [polski, polish]."
    )
    builtin_words: BuiltinWords | None = Field(None, description="Words for repeat, helpline and slower in it.")
    words_per_minute: int | None = Field(None, ge=60, le=400, description="Speaking rate, for the length checks.")


class Line(Strict):
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
    timeout: int = Field(
        limits.DEFAULT_TIMEOUT,
        ge=limits.LOWEST_TIMEOUT,
        le=limits.LONGEST_TIMEOUT,
        description="Seconds to wait for a key before re-prompting.",
    )
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


class Number(Strict):
    """A phone number, defined once and referred to by its name."""

    number: str = Field(description="Grouped as people say it, e.g. 0800 0121 700.")
    name: Text = Field(description="What callers hear it called, e.g. 'the Modern Slavery Helpline'.")
    say: Text | None = Field(None, description="How to say the number, if not the digits as grouped.")
    show_caller_number: bool = Field(
        False,
        description="Only if this destination needs it: show it the caller's own number. Otherwise every "
        "transfer shows the line's number. Never for an anonymous line such as Crimestoppers.",
    )


class Choice(Strict):
    go: str = Field(description="The node this choice leads to.")
    words: Words = Field(
        default_factory=list, description="Words a caller may say for this choice, as a list or one list per language."
    )
    examples: Words = Field(
        default_factory=list,
        description="Whole things a caller might say for this choice, as a list or one list per language. "
        "The line learns from them, with what callers said in the project's corpus.",
    )
    means: Text | None = Field(
        None,
        description="What this choice is, in a few words, for 'It sounds like you want …' "
        "(e.g. 'to report anonymously'). Without it the line names the key.",
    )


class MenuNode(Strict):
    """Says a prompt and waits for a key or a spoken word."""

    type: Literal["menu"]
    say: Text = Field(description="The full prompt, naming every choice.")
    say_short: Text | None = Field(None, description="A shorter prompt for the second and later tries.")
    choices: dict[str, Union[Choice, str]] = Field(
        description="'key: node', or 'key: {go: node, words: [...]}'. 0 (helpline) and * (repeat) are built in."
    )
    retries: Retries | None = None
    timeout: int | None = Field(None, ge=limits.LOWEST_TIMEOUT, le=limits.LONGEST_TIMEOUT)


class MessageNode(Strict):
    """Says something, then goes on to the next node."""

    type: Literal["message"]
    say: Text
    next: str | None = Field(None, description="Where the call goes after the message. Required.")
    stats_label: str | None = Field(
        None, description="How the statistics count a call that reaches this message, e.g. 'told to dial 999'."
    )


class TransferNode(Strict):
    """Connects the caller to a number."""

    type: Literal["transfer"]
    to: str = Field(description="The number (from 'numbers') to connect to.")
    say: Text | None = Field(None, description="Said before connecting.")
    if_no_answer: str | None = Field(
        None,
        description="Node for busy, no answer or failure. Default: say the number, offer to try again "
        "or another number.",
    )
    ring_seconds: int = Field(
        limits.RING_SECONDS, ge=limits.SHORTEST_RING, le=limits.LONGEST_RING, description="How long to let it ring."
    )


class LanguageNode(Strict):
    """The language menu: each language's option said in that language, then on to 'next'."""

    type: Literal["language"]
    say: Text | None = Field(None, description="Said first, in the line's language.")
    say_after: Text | None = Field(None, description="Said after the options, in the line's language.")
    next: str = Field(description="Where the call goes once a language is chosen.")
    retries: Retries | None = None
    timeout: int | None = Field(None, ge=limits.LOWEST_TIMEOUT, le=limits.LONGEST_TIMEOUT)


Node = Annotated[Union[MenuNode, MessageNode, TransferNode, LanguageNode], Field(discriminator="type")]


class SignOff(Strict):
    """A reviewer's sign-off of one text in one language (see :mod:`ivr.definition.reviews`).

    It holds short hashes of the two texts it vouches for, so an edit to either voids it
    without anyone having to remember to remove it."""

    by: str = Field(min_length=1, description="Who reviewed the text, e.g. Anna Nowak.")
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$", description="When, e.g. 2026-11-20.")
    source: str = Field(min_length=1, description="Hash of the first-language text that was reviewed.")
    text: str = Field(min_length=1, description="Hash of the translation that was reviewed.")
    accepted: str | None = Field(
        None,
        description="How the translation's numbers or keys differ from its source's, which the reviewer "
        "checked and accepted ('ivr translations import --accept'), e.g. 'says the phone number 0800 123 "
        "4567, which the en-GB text does not'.",
    )


class FlowDocument(Strict):
    """A whole ``call_flows.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, title="Call flow")

    version: Literal[CURRENT_FORMAT] = Field(  # type: ignore[valid-type]
        CURRENT_FORMAT,
        description="The flow format this file is written in (README, 'Flow format versions'). A file without it "
        "is format 1, which the line still reads; 'ivr flow upgrade FILE' brings a file up to date.",
    )
    line: Line
    numbers: dict[str, Number]
    nodes: dict[str, Node]
    reviews: dict[str, dict[str, SignOff]] = Field(
        default_factory=dict,
        description="Sign-offs by language, then by text (e.g. nodes.welcome.say), written by "
        "'ivr translations import --reviewer'. An edit to the text or to its source voids one.",
    )


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
        SignOff,
    )
    for model in models:
        names.update(model.model_fields)
    return names
