"""The runtime model of a checked flow: the only thing the webhooks, the simulator and the
picture read. Built by :func:`ivr.compile.compile_flow` from a document that passed every
check; immutable, so one flow version can be shared by every request and cached against.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Union

from ivr.definition.builtins import (  # noqa: F401 (the runtime model's names for them)
    AFTER_CALL_NODE,
    HELPLINE_NODE,
    KEY_HELPLINE,
    KEY_QUICK_EXIT,
    KEY_REPEAT,
    KEY_SLOWER,
    KEYS_MARK,
    QUICK_EXIT_NODE,
    RESERVED_KEYS,
    WORDS_DANGER,
    WORDS_HELPLINE,
    WORDS_REPEAT,
    WORDS_SLOWER,
)
from ivr.runtime.understand import Vocabulary


@dataclass(frozen=True)
class SpokenNumber:
    """A number inside a text: said slowly, group by group; twice, except just before a
    transfer to it, where once is enough and a second time only keeps the caller waiting."""

    groups: tuple[str, ...]  # the words of each group, e.g. ("oh eight hundred", ...)
    times: int = 2


@dataclass(frozen=True)
class Recording:
    """A recorded prompt, played instead of spoken (``url`` as Twilio fetches it)."""

    url: str
    seconds: float | None = None


Segment = Union[str, SpokenNumber, Recording]


@dataclass(frozen=True)
class Speech:
    """A text in one language, with its numbers ready to be said."""

    segments: tuple[Segment, ...]

    @property
    def plain(self) -> str:
        """The text as a person would read it (numbers once, groups separated by commas)."""
        parts = []
        for s in self.segments:
            if isinstance(s, str):
                parts.append(s)
            elif isinstance(s, SpokenNumber):
                parts.append(", ".join(s.groups))
            else:
                parts.append(f"[recording {s.url}]")
        return "".join(parts)


#: One :class:`Speech` per language code; the line's language is always present.
Texts = Mapping[str, Speech]


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    key: str
    choose: Speech  # its option at the language menu, in itself
    voice: str | None  # None: recordings only
    say_language: str
    speech: str | None  # speech recognition language; None: keys only
    reviewed: bool
    names: tuple[str, ...]  # what a caller may say to pick it
    repeat_words: tuple[str, ...]
    helpline_words: tuple[str, ...]
    slower_words: tuple[str, ...]
    danger_words: tuple[str, ...] = ()

    @property
    def ssml(self) -> bool:
        """Whether its voice understands SSML (prosody, break) inside <Say>."""
        return bool(self.voice) and self.voice.startswith(("Polly.", "Google."))


@dataclass(frozen=True)
class DialTarget:
    key: str  # its name in the flow's numbers
    e164: str
    name: Texts
    spoken: Texts
    #: Whether the destination sees the caller's own number. Off unless the flow says so:
    #: every transfer shows the line's own number (the call's ``To``).
    shows_caller_number: bool = False


@dataclass(frozen=True)
class Choice:
    key: str
    target: str
    words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # per language

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
    listens: Mapping[str, Vocabulary] = field(default_factory=dict)

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
    listens: Mapping[str, Vocabulary] = field(default_factory=dict)


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
    keys: Texts  # with KEYS_MARK where each menu's keys are said
    last_try: Texts
    after_call: Texts
    not_understood: Texts
    fallback_retry: Texts
    fallback_end: Texts


@dataclass(frozen=True)
class Flow:
    name: str
    version: str  # short hash of the file's content
    language: str  # the line's first language
    speech_timeout: int
    start: str
    helpline: DialTarget
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

    def language_of(self, code: str) -> Language:
        """The call's language, or the line's own for a code the flow does not offer."""
        return self.languages.get(code) or self.languages[self.language]
