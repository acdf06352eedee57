"""Turning a checked flow document into the runtime model of :mod:`ivr.runtime.flow`.

Runs only on documents that passed every check, so a missing name here is a bug,
not an operator's mistake. Everything a call needs is resolved once here: texts per
language with their numbers ready to speak (:mod:`ivr.runtime.compile_texts`), retries
per menu, what each menu listens for, and the line's own nodes (the helpline transfer,
and what to do when a transfer is not answered: :mod:`ivr.runtime.compile_transfers`).

Where a text has no version in a language (only the language menu's own texts, which
are said before a language is chosen), the line's first language is used: that is the
one fallback at run time, :func:`ivr.runtime.flow.in_language`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from ivr.definition import recorded
from ivr.definition.builtins import normalise_words
from ivr.definition.limits import RING_SECONDS
from ivr.definition.model import (
    Choice,
    FlowDocument,
    LanguageNode,
    MenuNode,
    MessageNode,
    Text,
    TransferNode,
)
from ivr.definition.reviews import LanguageReview, language_reviews
from ivr.runtime import flow as rt
from ivr.runtime.compile_speech import SpeechCompiler
from ivr.runtime.compile_texts import TextCompiler
from ivr.runtime.compile_transfers import TransferCompiler
from ivr.runtime.speech import hints
from ivr.runtime.speech.corpus import Utterance


class _Compiler:
    def __init__(
        self,
        document: FlowDocument,
        version: str,
        base: Path | None,
        reviews: Mapping[str, LanguageReview] | None = None,
        learn_from: Sequence[Utterance] | None = None,
        said: hints.SaidTable | None = None,
    ) -> None:
        # Uploaded recordings in place, for the languages with no voice (their review state
        # stays with the document as written: ``reviews`` when given).
        self.written = document
        self.doc = recorded.with_recordings(document, base)
        self.version = version
        self.reviews = reviews
        self.learn_from = learn_from
        self.language = document.line.language
        self.codes = tuple(document.line.languages) or (self.language,)
        self.nodes: dict[str, rt.Node] = {}
        self.text = TextCompiler(self.doc, base)
        self.transfers = TransferCompiler(self.doc, self.text, self.nodes, self.make_menu)
        self.said = hints.shipped() if said is None else said

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
        reviews = self.reviews if self.reviews is not None else language_reviews(self.written)
        for code, lang in line.languages.items():
            builtin = lang.builtin_words
            english = code.startswith("en")
            result[code] = rt.Language(
                code=code,
                name=lang.name,
                key=lang.key or "",
                choose=self.text.speech(lang.choose, code),
                voice=lang.voice,
                say_language=lang.say_language or code,
                speech=lang.speech or (code if lang.voice else None),
                review=reviews[code].progress if code in reviews else (0, 0),
                names=tuple(normalise_words(lang.words + [lang.name])),
                repeat_words=tuple(normalise_words(builtin.repeat)) if builtin else rt.WORDS_REPEAT * english,
                helpline_words=tuple(normalise_words(builtin.helpline)) if builtin else rt.WORDS_HELPLINE * english,
                slower_words=tuple(normalise_words(builtin.slower)) if builtin else rt.WORDS_SLOWER * english,
                danger_words=tuple(normalise_words(builtin.danger)) if builtin else rt.WORDS_DANGER * english,
                ready=recorded.ready(self.doc, code),
            )
        return result

    # -- the flow --------------------------------------------------------------------------
    def compile(self) -> rt.Flow:
        line = self.doc.line
        messages = line.messages
        texts = self.text.texts
        self.langs = self.languages()
        self.speech = SpeechCompiler(self.doc, self.text, self.langs, self.learn_from)
        for name, node in self.doc.nodes.items():
            if isinstance(node, MenuNode):
                self.nodes[name] = self.menu(name, node)
            elif isinstance(node, MessageNode):
                assert node.next is not None
                self.nodes[name] = rt.Message(name, texts(node.say), node.next, label=node.stats_label or "")
            elif isinstance(node, TransferNode):
                prompt = texts(node.say, once=True) if node.say else None
                self.nodes[name] = self.transfers.transfer(name, node.to, prompt, node.if_no_answer, node.ring_seconds)
            elif isinstance(node, LanguageNode):
                self.nodes[name] = self.language_menu(name, node)
        self.nodes[rt.HELPLINE_NODE] = self.transfers.transfer(
            rt.HELPLINE_NODE, line.helpline, texts(messages.to_helpline, once=True), None, RING_SECONDS
        )
        self.nodes[rt.AFTER_CALL_NODE] = rt.End(rt.AFTER_CALL_NODE, texts(messages.after_call))
        self.nodes[rt.QUICK_EXIT_NODE] = rt.End(rt.QUICK_EXIT_NODE, None)
        return rt.Flow(
            name=line.name,
            version=self.version,
            language=self.language,
            speech_timeout=line.speech_timeout,
            start=line.start,
            messages=rt.Messages(
                danger=texts(messages.danger),
                no_input=texts(messages.no_input),
                invalid=texts(messages.invalid),
                keys=self.text.keys_message(messages.keys),
                last_try=texts(messages.last_try),
                after_call=texts(messages.after_call),
                not_understood=texts(messages.not_understood),
                offer_person=texts(messages.offer_person),
                fallback_retry=texts(messages.fallback_retry),
                fallback_end=texts(messages.fallback_end),
            ),
            languages=self.langs,
            nodes=dict(self.nodes),
            danger_node=line.danger,
            speech_confidence=line.speech_confidence,
            recordings=frozenset(self.text.recordings),
        )

    # -- menus -----------------------------------------------------------------------------
    def menu(self, name: str, node: MenuNode) -> rt.Menu:
        retries = node.retries or self.doc.line.retries
        choices = []
        examples: dict[str, list[str]] = {}
        for key, choice in node.choices.items():
            if isinstance(choice, Choice):
                choices.append(
                    rt.Choice(
                        key,
                        choice.go,
                        self.text.words(choice.words),
                        self.speech.meaning(name, choice.go),
                        self.text.words(choice.examples),
                        self.confirming(key, choice.means),
                        self.text.texts(choice.means) if choice.means is not None else {},
                    )
                )
                for code, phrases in self.text.words(choice.examples).items():
                    examples.setdefault(code, []).extend(phrases)
            else:
                choices.append(rt.Choice(key, choice, meaning=self.speech.meaning(name, choice)))
        return self.make_menu(
            name,
            self.text.texts(node.say),
            self.text.texts(node.say_short) if node.say_short else None,
            choices,
            retries.silence,
            retries.invalid,
            node.timeout or self.doc.line.timeout,
            examples,
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
        examples: Mapping[str, Sequence[str]] | None = None,
    ) -> rt.Menu:
        confirmed = (c if c.confirm else replace(c, confirm=self.confirming(c.key, None)) for c in choices)
        ordered = tuple(sorted(confirmed, key=lambda c: c.key))
        listens = {code: self.speech.listener(code, name, ordered) for code in self.codes}
        menu_hints = {
            code: hints.hints_for(
                self.said,
                name,
                code,
                [*(w for c in ordered for w in c.words_in(code)), *self.builtin_words(code)],
                (examples or {}).get(code, ()),
            )
            for code in self.codes
            if self.langs[code].speech
        }
        return rt.Menu(
            name,
            prompt,
            short_prompt or prompt,
            ordered,
            max_silence,
            max_invalid,
            timeout,
            listens=listens,
            hints=menu_hints,
        )

    def confirming(self, key: str, means: Text | None) -> dict[str, rt.Speech]:
        """ "It sounds like you want …" for one choice, then how to answer, per language."""
        messages = self.doc.line.messages
        if means is not None:
            sounds_like = self.text.texts(messages.sounds_like, {"choice": self.text.texts(means)})
        else:
            sounds_like = self.text.texts(messages.sounds_like_key, {"key": self.text.texts(key)})
        return self.text.join(sounds_like, self.text.texts(messages.confirm_keys))

    def builtin_words(self, code: str) -> list[str]:
        """What every menu understands in a language, as hints: the helpline first, then
        danger (when the flow has somewhere to send it), then repeat and slower."""
        lang = self.langs[code]
        danger = lang.danger_words if self.doc.line.danger else ()
        return [*lang.helpline_words, *danger, *lang.repeat_words, *lang.slower_words]

    def language_menu(self, name: str, node: LanguageNode) -> rt.LanguageMenu:
        retries = node.retries or self.doc.line.retries

        def first_language(text: Text | None) -> rt.Speech | None:
            return self.text.texts(text)[self.language] if text is not None else None

        # The language menu listens for every language's name, in any language.
        names = [word for lang in self.langs.values() for word in lang.names]
        written = [*names, *self.builtin_words(self.language)]
        language_hints = hints.hints_for(self.said, name, self.language, written, (), self.codes)
        return rt.LanguageMenu(
            name,
            first_language(node.say),
            first_language(node.say_after),
            node.next,
            retries.silence,
            retries.invalid,
            node.timeout or self.doc.line.timeout,
            listens={self.language: self.speech.language_listener()},
            hints={self.language: language_hints} if self.langs[self.language].speech else {},
        )


def compile_flow(
    document: FlowDocument,
    version: str,
    base: Path | None = None,
    reviews: Mapping[str, LanguageReview] | None = None,
    learn_from: Sequence[Utterance] | None = None,
    said: hints.SaidTable | None = None,
) -> rt.Flow:
    """The runtime flow of a document that passed every check; ``base`` is the folder whose
    recordings/ it plays, when known (the recordings' lengths are measured then);
    ``reviews``: the document's review state when the caller has it already (the checks do);
    ``learn_from``: the corpus utterances its speech models learn from (the corpus's training
    part unless a benchmark measures on another split); ``said``: what callers say at each
    menu, for the menus' speech hints (:func:`ivr.runtime.speech.hints.shipped` unless given)."""
    return _Compiler(document, version, base, reviews, learn_from, said).compile()
