"""Turning a checked flow document into the runtime model of :mod:`ivr.flow`.

Runs only on documents that passed every check, so a missing name here is a bug,
not an operator's mistake. Everything a call needs is resolved once here: texts per
language with their numbers ready to speak, retries per menu, and the line's own
nodes (the helpline transfer, what to do when a transfer is not answered).

Where a text has no version in a language (only the language menu's own texts, which
are said before a language is chosen), the line's first language is used: that is the
one fallback at run time, and it is explicit here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from ivr.definition.builtins import (
    KEYS_MARK,
    NOT_CONNECTED_PREFIXES,
    TRANSFER_PREFIX,
    normalise_words,
)
from ivr.definition.model import (
    Choice,
    FlowDocument,
    LanguageNode,
    MenuNode,
    MessageNode,
    Number,
    Recording,
    Text,
    TransferNode,
)
from ivr.definition.phone import parse_number, spoken_groups_en
from ivr.definition.texts import PLACEHOLDER
from ivr.runtime import flow as rt
from ivr.runtime import understand

RECORDINGS_URL = "/recordings/"


def recording_url(play: str) -> str:
    """Where Twilio fetches a recording: the line serves the flow's recordings/ folder."""
    if play.startswith("https://"):
        return play
    return RECORDINGS_URL + play.removeprefix("recordings/").lstrip("/")


def as_languages(text: Text, language: str) -> dict[str, str | Recording]:
    return dict(text) if isinstance(text, Mapping) else {language: text}


class _Compiler:
    def __init__(self, document: FlowDocument, version: str) -> None:
        self.doc = document
        self.version = version
        self.language = document.line.language
        self.codes = tuple(document.line.languages) or (self.language,)
        self.nodes: dict[str, rt.Node] = {}
        self._spoken: dict[tuple[str, str], rt.SpokenNumber] = {}
        self._no_answer_prompts: dict[
            tuple[str, str | None, str], tuple[dict[str, rt.Speech], dict[str, rt.Speech]]
        ] = {}
        self._targets: dict[str, rt.DialTarget] = {}
        self.recordings: set[str] = set()
        self._vocabularies: dict[tuple[object, ...], understand.Vocabulary] = {}
        self._builtin_vocabularies: dict[str, understand.Vocabulary] = {}

    # -- texts -----------------------------------------------------------------------------
    def spoken_number(self, name: str, language: str) -> rt.SpokenNumber:
        key = (name, language)
        if key not in self._spoken:
            self._spoken[key] = self._spoken_number(name, language)
        return self._spoken[key]

    def _spoken_number(self, name: str, language: str) -> rt.SpokenNumber:
        number: Number = self.doc.numbers[name]
        if number.say is not None:
            said = as_languages(number.say, self.language)
            text = said.get(language, said[self.language])
            if isinstance(text, str):
                return rt.SpokenNumber(tuple(g.strip() for g in text.split(",") if g.strip()))
        parsed = parse_number(number.number)
        if language.startswith("en"):
            return rt.SpokenNumber(spoken_groups_en(parsed))
        # Digits one by one, which every voice reads in its own language.
        return rt.SpokenNumber(tuple(" ".join(group) for group in parsed.groups))

    def speech(
        self, text: str | Recording, language: str, fill: Mapping[str, rt.Speech] | None = None, once: bool = False
    ) -> rt.Speech:
        if isinstance(text, Recording):
            url = recording_url(text.play)
            if url.startswith(RECORDINGS_URL):
                self.recordings.add(url.removeprefix(RECORDINGS_URL))
            return rt.Speech((rt.Recording(url),))
        segments: list[rt.Segment] = []
        position = 0
        for match in PLACEHOLDER.finditer(text):
            segments.append(text[position : match.start()])
            name = match.group(1).strip()
            if fill and name in fill:
                segments.extend(fill[name].segments)
            else:
                number = self.doc.line.helpline if name == "helpline" else name
                spoken = self.spoken_number(number, language)
                segments.append(replace(spoken, times=1) if once else spoken)
            position = match.end()
        segments.append(text[position:])
        return rt.Speech(tuple(s for s in segments if s != ""))

    def texts(
        self, text: Text, fill: Mapping[str, Mapping[str, rt.Speech]] | None = None, once: bool = False
    ) -> dict[str, rt.Speech]:
        """One :class:`Speech` for every language of the line; ``once``: numbers said once."""
        by_language = as_languages(text, self.language)
        result = {}
        for code in self.codes:
            value = by_language.get(code, by_language.get(self.language))
            if value is None:
                value = next(iter(by_language.values()))
            filled = {key: texts.get(code) or texts[self.language] for key, texts in (fill or {}).items()}
            result[code] = self.speech(value, code, filled, once)
        return result

    def join(self, *parts: Mapping[str, rt.Speech]) -> dict[str, rt.Speech]:
        """Texts said one after the other, per language."""
        result = {}
        for code in self.codes:
            segments: list[rt.Segment] = []
            for part in parts:
                if segments:
                    segments.append(" ")
                segments.extend(part[code].segments)
            result[code] = rt.Speech(tuple(segments))
        return result

    def words(self, words: list[str] | dict[str, list[str]]) -> dict[str, tuple[str, ...]]:
        by_language = words if isinstance(words, Mapping) else {self.language: words}
        return {code: tuple(normalise_words(values)) for code, values in by_language.items()}

    # -- languages -------------------------------------------------------------------------
    def languages(self) -> dict[str, rt.Language]:
        line = self.doc.line
        if not line.languages:
            return {
                self.language: rt.Language(
                    self.language,
                    self.language,
                    "1",
                    rt.Speech(()),
                    line.voice,
                    self.language,
                    self.language,
                    True,
                    (),
                    rt.WORDS_REPEAT,
                    rt.WORDS_HELPLINE,
                    rt.WORDS_SLOWER,
                    rt.WORDS_DANGER,
                )
            }
        result = {}
        for code, lang in line.languages.items():
            builtin = lang.builtin_words
            english = code.startswith("en")
            result[code] = rt.Language(
                code=code,
                name=lang.name,
                key=lang.key,
                choose=self.speech(lang.choose, code),
                voice=lang.voice,
                say_language=lang.say_language or code,
                speech=lang.speech or (code if lang.voice else None),
                reviewed=lang.reviewed,
                names=tuple(normalise_words(lang.words + [lang.name])),
                repeat_words=tuple(normalise_words(builtin.repeat)) if builtin else rt.WORDS_REPEAT * english,
                helpline_words=tuple(normalise_words(builtin.helpline)) if builtin else rt.WORDS_HELPLINE * english,
                slower_words=tuple(normalise_words(builtin.slower)) if builtin else rt.WORDS_SLOWER * english,
                danger_words=tuple(normalise_words(builtin.danger)) if builtin else rt.WORDS_DANGER * english,
            )
        return result

    # -- numbers and nodes -----------------------------------------------------------------
    def target(self, name: str) -> rt.DialTarget:
        if name not in self._targets:
            self._targets[name] = self._target(name)
        return self._targets[name]

    def _target(self, name: str) -> rt.DialTarget:
        number = self.doc.numbers[name]
        e164 = parse_number(number.number).e164
        assert e164 is not None, f"{name} passed the checks but cannot be dialled"
        spoken = {code: rt.Speech((self.spoken_number(name, code),)) for code in self.codes}
        return rt.DialTarget(name, e164, self.texts(number.name), spoken, number.show_caller_number)

    def compile(self) -> rt.Flow:
        line = self.doc.line
        messages = line.messages
        self.langs = self.languages()
        for name, node in self.doc.nodes.items():
            if isinstance(node, MenuNode):
                self.nodes[name] = self.menu(name, node)
            elif isinstance(node, MessageNode):
                assert node.next is not None
                self.nodes[name] = rt.Message(name, self.texts(node.say), node.next, label=node.stats_label or "")
            elif isinstance(node, TransferNode):
                prompt = self.texts(node.say, once=True) if node.say else None
                self.nodes[name] = self.transfer(name, node.to, prompt, node.if_no_answer, node.ring_seconds)
            elif isinstance(node, LanguageNode):
                self.nodes[name] = self.language_menu(name, node)
        helpline = self.target(line.helpline)
        self.nodes[rt.HELPLINE_NODE] = self.transfer(
            rt.HELPLINE_NODE, line.helpline, self.texts(messages.to_helpline, once=True), None, 30
        )
        self.nodes[rt.AFTER_CALL_NODE] = rt.End(rt.AFTER_CALL_NODE, self.texts(messages.after_call))
        self.nodes[rt.QUICK_EXIT_NODE] = rt.End(rt.QUICK_EXIT_NODE, None)
        return rt.Flow(
            name=line.name,
            version=self.version,
            language=self.language,
            speech_timeout=line.speech_timeout,
            start=line.start,
            helpline=helpline,
            messages=rt.Messages(
                danger=self.texts(messages.danger),
                no_input=self.texts(messages.no_input),
                invalid=self.texts(messages.invalid),
                # Numbers in it are spoken like in every text; {keys} stays, for each menu to fill.
                keys=self.texts(messages.keys, {"keys": {code: rt.Speech((KEYS_MARK,)) for code in self.codes}}),
                last_try=self.texts(messages.last_try),
                after_call=self.texts(messages.after_call),
                not_understood=self.texts(messages.not_understood),
                fallback_retry=self.texts(messages.fallback_retry),
                fallback_end=self.texts(messages.fallback_end),
            ),
            languages=self.langs,
            nodes=dict(self.nodes),
            danger_node=line.danger,
            speech_confidence=line.speech_confidence,
            recordings=frozenset(self.recordings),
        )

    # -- what menus listen for -------------------------------------------------------------
    def listens(self, code: str, choices: Mapping[str, Iterable[str]]) -> understand.Vocabulary:
        """A menu's vocabulary in one language: its choices, then what every menu understands.
        Menus that listen for the same words share one (the line's own menus all do)."""
        key = (code, tuple((k, tuple(words)) for k, words in choices.items()))
        if key not in self._vocabularies:
            self._vocabularies[key] = self._listens(code, choices)
        return self._vocabularies[key]

    def _listens(self, code: str, choices: Mapping[str, Iterable[str]]) -> understand.Vocabulary:
        lists: dict[understand.Candidate, Iterable[str]] = {
            understand.Candidate(understand.CHOICE, key): words for key, words in choices.items()
        }
        return understand.vocabulary(code, lists, self.builtin_listening(code))

    def builtin_listening(self, code: str) -> understand.Vocabulary:
        """What every menu understands in a language, built once and shared by its menus."""
        if code not in self._builtin_vocabularies:
            lang = self.langs[code]
            lists: dict[understand.Candidate, Iterable[str]] = {
                understand.Candidate(understand.HELPLINE): lang.helpline_words,
                understand.Candidate(understand.REPEAT): lang.repeat_words,
                understand.Candidate(understand.SLOWER): lang.slower_words,
            }
            if self.doc.line.danger:
                lists[understand.Candidate(understand.DANGER)] = lang.danger_words
            self._builtin_vocabularies[code] = understand.vocabulary(code, lists)
        return self._builtin_vocabularies[code]

    def menu(self, name: str, node: MenuNode) -> rt.Menu:
        retries = node.retries or self.doc.line.retries
        choices = []
        for key, choice in node.choices.items():
            if isinstance(choice, Choice):
                choices.append(rt.Choice(key, choice.go, self.words(choice.words)))
            else:
                choices.append(rt.Choice(key, choice))
        return self.make_menu(
            name,
            self.texts(node.say),
            self.texts(node.say_short) if node.say_short else None,
            choices,
            retries.silence,
            retries.invalid,
            node.timeout or self.doc.line.timeout,
        )

    def make_menu(
        self,
        name: str,
        prompt: dict[str, rt.Speech],
        short_prompt: dict[str, rt.Speech] | None,
        choices: list[rt.Choice],
        max_silence: int,
        max_invalid: int,
        timeout: int,
    ) -> rt.Menu:
        ordered = tuple(sorted(choices, key=lambda c: c.key))
        listens = {code: self.listens(code, {c.key: c.words_in(code) for c in ordered}) for code in self.codes}
        return rt.Menu(
            name, prompt, short_prompt or prompt, ordered, max_silence, max_invalid, timeout, listens=listens
        )

    def language_menu(self, name: str, node: LanguageNode) -> rt.LanguageMenu:
        retries = node.retries or self.doc.line.retries

        def first_language(text: Text | None) -> rt.Speech | None:
            return self.texts(text)[self.language] if text is not None else None

        # The language menu listens in the line's first language, for every language's name.
        options = {lang.key: lang.names for lang in self.langs.values()}
        return rt.LanguageMenu(
            name,
            first_language(node.say),
            first_language(node.say_after),
            node.next,
            retries.silence,
            retries.invalid,
            node.timeout or self.doc.line.timeout,
            listens={self.language: self.listens(self.language, options)},
        )

    # -- transfers and what follows one that did not connect -------------------------------
    def transfer(
        self, name: str, to: str, prompt: dict[str, rt.Speech] | None, if_no_answer: str | None, ring_seconds: int
    ) -> rt.Transfer:
        if if_no_answer:
            after = {status: if_no_answer for status in NOT_CONNECTED_PREFIXES}
        else:
            after = {status: self.not_connected_menu(name, to, status) for status in NOT_CONNECTED_PREFIXES}
        return rt.Transfer(name, prompt, self.target(to), after, ring_seconds)

    def not_connected_menu(self, transfer_name: str, to: str, status: str) -> str:
        """The line's own menu after a transfer that did not connect: say what happened and the
        number (twice), offer to try again or the other number, and never hang up."""
        name = NOT_CONNECTED_PREFIXES[status] + transfer_name
        if name in self.nodes:
            return name
        choices = [rt.Choice("1", transfer_name)]
        other = self.other_number(to)
        if other is not None:
            other_node = TRANSFER_PREFIX + other
            choices.append(rt.Choice("2", other_node))
            if other_node not in self.nodes:
                messages = self.doc.line.messages
                other_name = self.texts(self.doc.numbers[other].name)
                announce = self.texts(messages.connecting, {"name": other_name})
                placeholder = rt.Transfer(other_node, announce, self.target(other), {}, 30)
                self.nodes[other_node] = placeholder  # while its own menus are made
                # Its own menus offer the first number back.
                self.nodes[other_node] = self.transfer(other_node, other, announce, None, 30)
        line = self.doc.line
        prompt, short = self.not_connected_prompts(to, other, status)
        self.nodes[name] = self.make_menu(
            name, prompt, short, choices, line.retries.silence, line.retries.invalid, line.timeout
        )
        return name

    def not_connected_prompts(
        self, to: str, other: str | None, status: str
    ) -> tuple[dict[str, rt.Speech], dict[str, rt.Speech]]:
        """What happened with the number (first try), then the choices; retries say only these."""
        key = (to, other, status)
        if key not in self._no_answer_prompts:
            messages = self.doc.line.messages
            number = {code: rt.Speech((self.spoken_number(to, code),)) for code in self.codes}
            what = {"busy": messages.busy, "no-answer": messages.no_answer, "failed": messages.failed}[status]
            offers = [self.texts(messages.try_again)]
            if other is not None:
                other_name = self.texts(self.doc.numbers[other].name)
                offers.append(self.texts(messages.other_number, {"other_name": other_name}))
            self._no_answer_prompts[key] = (
                self.join(self.texts(what, {"number": number}), *offers),
                self.join(*offers),
            )
        return self._no_answer_prompts[key]

    def other_number(self, to: str) -> str | None:
        """The number to offer when ``to`` did not answer: the helpline, or if that was the
        helpline, the first other number the line may dial."""
        helpline = self.doc.line.helpline
        if to != helpline:
            return helpline
        for name, number in self.doc.numbers.items():
            if name != to and parse_number(number.number).dialable:
                return name
        return None


def compile_flow(document: FlowDocument, version: str) -> rt.Flow:
    return _Compiler(document, version).compile()
