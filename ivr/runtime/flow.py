"""The runtime model of a checked flow: the only thing the webhooks, the simulator and the
picture read. Built by :func:`ivr.runtime.compile.compile_flow` from a document that passed
every check; immutable, so one flow version can be shared by every request and cached against.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar, Union

from ivr.definition.builtins import (  # noqa: F401 (the runtime model's names for them)
    AFTER_CALL_NODE,
    HELPLINE_NODE,
    KEY_HELPLINE,
    KEY_QUICK_EXIT,
    KEY_REPEAT,
    KEY_SLOWER,
    QUICK_EXIT_NODE,
    RESERVED_KEYS,
    WORDS_DANGER,
    WORDS_HELPLINE,
    WORDS_REPEAT,
    WORDS_SLOWER,
)
from ivr.runtime.speech.listening import Listener
from ivr.runtime.spoken import (  # noqa: F401 (the runtime model's names for them)
    KeysMessage,
    Recording,
    Segment,
    Speech,
    SpokenNumber,
    Texts,
    list_keys,
)

T = TypeVar("T")


def in_language(versions: Mapping[str, T], code: str, first: str) -> T:
    """The version of a text (or of anything kept per language) for a call in ``code``, or
    the line's ``first`` language's where there is none in ``code``.

    This is the line's one language fallback. The checker makes every text exist in every
    language the line offers, so it is taken only for what is written in the first language
    alone (the language menu's texts, a number's ``say``) and for a call in a language the
    flow no longer offers (one that began before a reload removed it)."""
    found = versions.get(code)
    return versions[first] if found is None else found


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    key: str  # "" when it has no key: chosen by its name only
    choose: Speech  # its option at the language menu, in itself
    voice: str | None  # None: recordings only
    say_language: str
    speech: str | None  # speech recognition language; None: keys only
    #: (texts a native speaker has signed off, texts to sign off); (0, 0) for the line's
    #: first language, whose texts are the source (see :mod:`ivr.definition.reviews`).
    review: tuple[int, int]
    names: tuple[str, ...]  # what a caller may say to pick it
    repeat_words: tuple[str, ...]
    helpline_words: tuple[str, ...]
    slower_words: tuple[str, ...]
    danger_words: tuple[str, ...] = ()
    #: Whether callers who choose it hear it: a voice, or a recording of every text. A
    #: language still being recorded puts its callers straight through to the helpline.
    ready: bool = True

    @property
    def reviewed(self) -> bool:
        """Whether every text in it is signed off (the source language always is)."""
        return self.review[0] == self.review[1]

    @property
    def ssml(self) -> bool:
        """Whether its voice understands SSML (prosody, break) inside <Say>."""
        return bool(self.voice) and self.voice.startswith(("Polly.", "Google."))


@dataclass(frozen=True)
class DialTarget:
    key: str  # its name in the flow's numbers
    e164: str
    name: Texts
    #: Whether the destination sees the caller's own number. Off unless the flow says so:
    #: every transfer shows the line's own number (the call's ``To``).
    shows_caller_number: bool = False


@dataclass(frozen=True)
class Choice:
    key: str
    target: str
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # per language
    #: What a caller saying this choice means (:mod:`ivr.runtime.speech.meanings`).
    meaning: str = ""
    #: Its example phrases per language (learned from, with ``words``).
    examples: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    #: "It sounds like you want …" for this choice, per language, confirming keys included.
    confirm: Texts = field(default_factory=dict)
    #: What the choice is, in a few words per language (the flow's ``means``): the adviser's
    #: whisper says the English one (:mod:`ivr.runtime.whisper`).
    means: Texts = field(default_factory=dict)

    def words_in(self, language: str) -> tuple[str, ...]:
        return self.words.get(language, ())


@dataclass(frozen=True)
class Menu:
    name: str
    prompt: Texts
    short_prompt: Texts
    choices: tuple[Choice, ...]
    max_silence: int
    max_invalid: int
    timeout: int
    kind: str = "menu"
    #: What the menu listens for, per language: its choices and the built-in actions.
    listens: Mapping[str, Listener] = field(default_factory=dict)
    #: Its ``<Gather hints>`` per language, made at compile time (:mod:`ivr.runtime.speech.hints`).
    hints: Mapping[str, str] = field(default_factory=dict)

    def choice_for_key(self, key: str) -> Choice | None:
        return next((c for c in self.choices if c.key == key), None)


@dataclass(frozen=True)
class LanguageMenu:
    """Picks the call's language, then goes on to ``next`` in it."""

    name: str
    intro: Speech | None  # in the line's language
    outro: Speech | None
    next: str
    max_silence: int
    max_invalid: int
    timeout: int
    kind: str = "language"
    listens: Mapping[str, Listener] = field(default_factory=dict)
    #: Its ``<Gather hints>``, in the line's first language (the one it listens in).
    hints: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Message:
    name: str
    prompt: Texts
    next: str
    kind: str = "message"
    label: str = ""  # how the statistics count a call that reaches it


@dataclass(frozen=True)
class Transfer:
    """Says who the call goes to (keys listened for), then dials.

    ``if_not_connected`` names where each Twilio ``DialCallStatus`` that is not a
    conversation goes: ``busy``, ``no-answer`` and ``failed`` (``canceled`` counts as failed).
    """

    name: str
    prompt: Texts | None
    target: DialTarget
    if_not_connected: Mapping[str, str]
    ring_seconds: int
    kind: str = "transfer"

    def after(self, status: str) -> str:
        return self.if_not_connected.get(status) or self.if_not_connected["failed"]


@dataclass(frozen=True)
class End:
    """The end of a call: only the line makes these (after a finished transfer, and the
    quick exit). A flow file cannot hang up on a caller."""

    name: str
    prompt: Texts | None
    kind: str = "end"


Node = Union[Menu, LanguageMenu, Message, Transfer, End]
Waiting = (Menu, LanguageMenu)  # nodes that wait for the caller


@dataclass(frozen=True)
class Messages:
    danger: Texts
    no_input: Texts
    invalid: Texts
    keys: Mapping[str, KeysMessage]  # per language, like every text
    last_try: Texts
    after_call: Texts
    not_understood: Texts
    offer_person: Texts
    fallback_retry: Texts
    fallback_end: Texts


@dataclass(frozen=True)
class Flow:
    name: str
    version: str  # short hash of the file's content
    language: str  # the line's first language
    speech_timeout: int
    start: str
    messages: Messages
    languages: Mapping[str, Language]
    nodes: Mapping[str, Node] = field(default_factory=dict)
    #: Where words meaning danger (and 999 in any form) go from every menu; None: nowhere.
    danger_node: str | None = None
    #: Spoken answers with a lower recogniser ``Confidence`` are asked again, never acted on.
    speech_confidence: float = 0.0
    #: The recordings the flow plays, as names under recordings/: all the line serves there.
    recordings: frozenset[str] = frozenset()

    def node(self, name: str) -> Node | None:
        return self.nodes.get(name)

    @property
    def helpline(self) -> DialTarget:
        """The helpline, as the line's own transfer to it dials it."""
        node = self.nodes[HELPLINE_NODE]
        assert isinstance(node, Transfer), "the compiler makes the helpline node a transfer"
        return node.target

    def in_language(self, versions: Mapping[str, T], code: str) -> T:
        """A text (or anything kept per language) for a call in ``code``: :func:`in_language`."""
        return in_language(versions, code, self.language)

    def language_of(self, code: str) -> Language:
        """The call's language, or the line's own for a code the flow does not offer."""
        return in_language(self.languages, code, self.language)

    def keys_message(self, keys: Sequence[str], code: str) -> Speech:
        """The "keys" message for a menu with these keys, in the call's language."""
        return self.in_language(self.messages.keys, code).said_with(keys, code)
