"""Turning a checked flow document into the runtime model of :mod:`ivr.flow`.

Runs only on documents that passed every check, so a missing name here is a bug,
not an operator's mistake. Everything a call needs is resolved once here: texts per
language with their numbers ready to speak, retries per menu, and the line's own
nodes (the helpline transfer, what to do when a transfer is not answered).
"""

from __future__ import annotations

from collections.abc import Mapping

from . import flow as rt
from .checks import PLACEHOLDER
from .model import Choice, FlowDocument, MenuNode, MessageNode, Number, Text, TransferNode
from .numbers import parse_number, spoken_groups_en

NO_ANSWER_PREFIX = "_no_answer:"
TRANSFER_PREFIX = "_transfer:"


def _as_languages(text: Text, language: str) -> dict[str, str]:
    return dict(text) if isinstance(text, Mapping) else {language: text}


class _Compiler:
    def __init__(self, document: FlowDocument, version: str) -> None:
        self.doc = document
        self.version = version
        self.language = document.line.language
        self.nodes: dict[str, rt.Node] = {}

    # -- texts -----------------------------------------------------------------------------
    def spoken_number(self, name: str, language: str) -> rt.SpokenNumber:
        number: Number = self.doc.numbers[name]
        if number.say is not None:
            said = _as_languages(number.say, self.language)
            text = said.get(language, said[self.language])
            return rt.SpokenNumber(tuple(g.strip() for g in text.split(",") if g.strip()))
        parsed = parse_number(number.number)
        if language.startswith("en"):
            return rt.SpokenNumber(spoken_groups_en(parsed))
        return rt.SpokenNumber(tuple(" ".join(group) for group in parsed.groups))

    def speech(self, text: str, language: str, fill: Mapping[str, rt.Speech] | None = None) -> rt.Speech:
        segments: list[rt.Segment] = []
        position = 0
        for match in PLACEHOLDER.finditer(text):
            segments.append(text[position : match.start()])
            name = match.group(1).strip()
            if fill and name in fill:
                segments.extend(fill[name].segments)
            else:
                segments.append(self.spoken_number(self.doc.line.helpline if name == "helpline" else name, language))
            position = match.end()
        segments.append(text[position:])
        return rt.Speech(tuple(s for s in segments if s != ""))

    def texts(self, text: Text, fill_for: object = None) -> dict[str, rt.Speech]:
        by_language = _as_languages(text, self.language)
        return {lang: self.speech(value, lang, self.fill(fill_for, lang)) for lang, value in by_language.items()}

    def fill(self, fill_for: object, language: str) -> dict[str, rt.Speech] | None:
        if not isinstance(fill_for, dict):
            return None
        return {key: value[language] if language in value else value[self.language] for key, value in fill_for.items()}

    def join(self, *parts: Mapping[str, rt.Speech]) -> dict[str, rt.Speech]:
        """Texts said one after the other, per language (the line's language fills gaps)."""
        languages = {lang for part in parts for lang in part}
        result = {}
        for lang in languages:
            segments: list[rt.Segment] = []
            for part in parts:
                speech = part.get(lang, part[self.language])
                if segments:
                    segments.append(" ")
                segments.extend(speech.segments)
            result[lang] = rt.Speech(tuple(segments))
        return result

    # -- numbers and nodes -----------------------------------------------------------------
    def target(self, name: str) -> rt.DialTarget:
        number = self.doc.numbers[name]
        e164 = parse_number(number.number).e164
        assert e164 is not None, f"{name} passed the checks but cannot be dialled"
        spoken = {
            lang: rt.Speech((self.spoken_number(name, lang),)) for lang in _as_languages(number.name, self.language)
        }
        return rt.DialTarget(name, e164, self.texts(number.name), spoken)

    def compile(self) -> rt.Flow:
        line = self.doc.line
        messages = line.messages
        for name, node in self.doc.nodes.items():
            if isinstance(node, MenuNode):
                self.nodes[name] = self.menu(name, node)
            elif isinstance(node, MessageNode):
                assert node.next is not None
                self.nodes[name] = rt.Message(name, self.texts(node.say), node.next)
            elif isinstance(node, TransferNode):
                self.nodes[name] = self.transfer(
                    name, node.to, self.texts(node.say) if node.say else None, node.if_no_answer, node.ring_seconds
                )
        helpline = self.target(line.helpline)
        self.nodes[rt.HELPLINE_NODE] = self.transfer(
            rt.HELPLINE_NODE, line.helpline, self.texts(messages.to_helpline), None, 30
        )
        self.nodes[rt.AFTER_CALL_NODE] = rt.End(rt.AFTER_CALL_NODE, self.texts(messages.after_call))
        self.nodes[rt.QUICK_EXIT_NODE] = rt.End(rt.QUICK_EXIT_NODE, None)
        keys = _as_languages(messages.keys, self.language)
        return rt.Flow(
            name=line.name,
            version=self.version,
            language=self.language,
            voice=line.voice,
            speech_timeout=line.speech_timeout,
            start=line.start,
            helpline=helpline,
            messages=rt.Messages(
                danger=self.texts(messages.danger),
                no_input=self.texts(messages.no_input),
                invalid=self.texts(messages.invalid),
                keys=keys,
                last_try=self.texts(messages.last_try),
                after_call=self.texts(messages.after_call),
            ),
            nodes=dict(self.nodes),
        )

    def menu(self, name: str, node: MenuNode) -> rt.Menu:
        retries = node.retries or self.doc.line.retries
        choices = []
        for key, choice in node.choices.items():
            if isinstance(choice, Choice):
                words = tuple(" ".join(w.lower().split()) for w in choice.words)
                choices.append(rt.Choice(key, choice.go, words))
            else:
                choices.append(rt.Choice(key, choice))
        prompt = self.texts(node.say)
        return rt.Menu(
            name,
            prompt,
            self.texts(node.say_short) if node.say_short else prompt,
            tuple(sorted(choices, key=lambda c: c.key)),
            retries.silence,
            retries.invalid,
            node.timeout or self.doc.line.timeout,
        )

    def transfer(
        self, name: str, to: str, prompt: dict[str, rt.Speech] | None, if_no_answer: str | None, ring_seconds: int
    ) -> rt.Transfer:
        return rt.Transfer(name, prompt, self.target(to), if_no_answer or self.no_answer_menu(name, to), ring_seconds)

    def no_answer_menu(self, transfer_name: str, to: str) -> str:
        """The line's own menu after a transfer that nobody answered: say the number, offer
        to try again or another number, and never hang up."""
        name = NO_ANSWER_PREFIX + transfer_name
        if name in self.nodes:
            return name
        messages = self.doc.line.messages
        number = {lang: rt.Speech((self.spoken_number(to, lang),)) for lang in self.languages_of(messages)}
        parts = [self.texts(messages.no_answer, {"number": number}), self.texts(messages.try_again)]
        choices = [rt.Choice("1", transfer_name, ("try again", "again please", "yes"))]
        other = self.other_number(to)
        if other is not None:
            other_name = self.texts(self.doc.numbers[other].name)
            parts.append(self.texts(messages.other_number, {"other_name": other_name}))
            other_node = TRANSFER_PREFIX + other
            choices.append(rt.Choice("2", other_node, ("other", "instead")))
            if other_node not in self.nodes:
                self.nodes[other_node] = rt.Transfer(other_node, None, self.target(other), "", 30)
                # Its own no-answer menu offers the first number back.
                self.nodes[other_node] = rt.Transfer(
                    other_node, None, self.target(other), self.no_answer_menu(other_node, other), 30
                )
        prompt = self.join(*parts)
        menu = rt.Menu(
            name,
            prompt,
            prompt,
            tuple(choices),
            self.doc.line.retries.silence,
            self.doc.line.retries.invalid,
            self.doc.line.timeout,
        )
        self.nodes[name] = menu
        return name

    def languages_of(self, messages: object) -> set[str]:
        languages = {self.language}
        for field_name in type(messages).model_fields:  # type: ignore[attr-defined]
            value = getattr(messages, field_name)
            if isinstance(value, Mapping):
                languages.update(value)
        return languages

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
