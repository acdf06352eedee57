"""What each menu listens for, compiled once per flow: the learned models and their listeners.

For each language of the line, one model learns from the corpus and from this flow (every
choice's words and example phrases, the language's built-in words), cached by what it
learned from (:mod:`ivr.runtime.speech.training`): a flow whose words did not change loads
its models from the cache. The language menu has its own model, of every language's names
and of what callers said at the corpus's language menu, in any language.

Each menu then gets a :class:`~ivr.runtime.speech.listening.Listener` per language: the
model, and which of its keys each meaning stands for.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import replace

from ivr.definition.model import Choice, FlowDocument, LanguageNode, MenuNode, MessageNode, TransferNode
from ivr.runtime import flow as rt
from ivr.runtime.compile_texts import TextCompiler
from ivr.runtime.normalise import normalise
from ivr.runtime.speech import corpus
from ivr.runtime.speech import meanings as m
from ivr.runtime.speech.listening import DANGER, Listener
from ivr.runtime.speech.meanings import Example
from ivr.runtime.speech.model import SpeechModel
from ivr.runtime.speech.training import learned

#: The keys every menu understands, and what each means.
BUILTIN_KEYS = {m.PERSON: rt.KEY_HELPLINE, m.REPEAT: rt.KEY_REPEAT, m.SLOWER: rt.KEY_SLOWER}


class SpeechCompiler:
    def __init__(
        self,
        document: FlowDocument,
        text: TextCompiler,
        languages: Mapping[str, rt.Language],
        learn_from: Sequence[corpus.Utterance] | None = None,
    ) -> None:
        self.doc = document
        self.learn_from = None if learn_from is None else tuple(learn_from)
        self.text = text
        self.langs = languages
        self.first = document.line.language
        self._models: dict[str, SpeechModel | None] = {}
        self._language_menu_model: SpeechModel | None = None
        #: The messages that bring a caller to each menu from elsewhere: a choice of the menu
        #: going back to one means "again" ("hear the advice again"), while a message only
        #: its own menu leads to ("more ways to get help") is a choice of its own.
        referrers: dict[str, set[str]] = {}
        for name, node in document.nodes.items():
            for target in _targets(node):
                referrers.setdefault(target, set()).add(name)
        self._before: dict[str, set[str]] = {}
        for name, node in document.nodes.items():
            if isinstance(node, MessageNode) and node.next and referrers.get(name, set()) - {node.next}:
                self._before.setdefault(node.next, set()).add(name)

    # -- meanings ---------------------------------------------------------------------------
    def meaning(self, menu: str, target: str) -> str:
        """What a choice of ``menu`` going to ``target`` means (see :mod:`ivr.runtime.speech.meanings`)."""
        if target in self._before.get(menu, ()):
            return m.AGAIN
        node = self.doc.nodes.get(target)
        if target == rt.HELPLINE_NODE or (isinstance(node, TransferNode) and node.to == self.doc.line.helpline):
            return m.PERSON
        if target == self.doc.line.danger:
            return m.DANGER
        return m.NODE + target

    # -- models -----------------------------------------------------------------------------
    def model(self, code: str) -> SpeechModel | None:
        """The language's model, learned (or read from the cache) the first time it is asked for."""
        if code not in self._models and self.langs[code].speech is None:
            self._models[code] = None  # keys only (no voice, so no recogniser): nothing to learn or read
        if code not in self._models:
            examples = list(self._examples(code))
            part = m.CorpusPart(code, utterances=self.learn_from)
            self._models[code] = learned(code, examples, part) if _enough(examples, part) else None
        return self._models[code]

    def _examples(self, code: str) -> Iterator[Example]:
        """The flow's own examples in a language (the corpus's come from :class:`~.meanings.CorpusPart`)."""
        for name, node in self.doc.nodes.items():
            if not isinstance(node, MenuNode):
                continue
            for choice in node.choices.values():
                if isinstance(choice, Choice):
                    meaning = self.meaning(name, choice.go)
                    said = [*self.text.words(choice.words).get(code, ()), *_phrases(choice.examples, code, self.first)]
                    yield from m.phrase_examples({meaning: said}, corpus.menu_of(name))
        lang = self.langs[code]
        yield from m.phrase_examples(
            {m.PERSON: lang.helpline_words, m.REPEAT: lang.repeat_words, m.SLOWER: lang.slower_words}
        )
        if self.doc.line.danger:
            yield from m.phrase_examples({m.DANGER: lang.danger_words})

    def language_menu_model(self) -> SpeechModel | None:
        """The language menu's model: every language's names, and what callers said at the
        corpus's language menu in every language (a caller may answer in their own)."""
        if self._language_menu_model is None:
            examples: list[Example] = []
            for code, lang in self.langs.items():
                examples += m.phrase_examples({m.LANGUAGE + code: [*lang.names, lang.name]})
            examples += m.phrase_examples({m.PERSON: self.langs[self.first].helpline_words})
            part = m.CorpusPart(menu="choose_language", utterances=self.learn_from)
            self._language_menu_model = learned("languages", examples, part)
        return self._language_menu_model

    # -- listeners ---------------------------------------------------------------------------
    def listener(self, code: str, menu: str, choices: Iterable[rt.Choice]) -> Listener:
        """What ``menu`` listens for in one language: its choices' meanings, then the line's own."""
        choices = tuple(choices)
        offered: dict[str, str] = {}
        for choice in choices:
            offered.setdefault(choice.meaning or m.NODE + choice.target, choice.key)
        lang = self.langs[code]
        builtin = [(lang.helpline_words, rt.KEY_HELPLINE), (lang.repeat_words, rt.KEY_REPEAT)]
        builtin += [(lang.slower_words, rt.KEY_SLOWER)]
        if self.doc.line.danger:
            builtin.append((lang.danger_words, DANGER))
        listener = self._listener(code, self.model(code), offered, _unambiguous(choices, code, builtin))
        return replace(listener, menu=corpus.menu_of(menu))

    def language_listener(self) -> Listener:
        # A language with no key is chosen by its name alone: its code stands for its key.
        offered = {m.LANGUAGE + code: lang.key or code for code, lang in self.langs.items()}
        # A built-in meaning whose key chooses a language here (8, slower) is not offered: "slower"
        # must not choose Polish.
        builtin = {meaning: key for meaning, key in BUILTIN_KEYS.items() if key not in offered.values()}
        listener = self._listener(self.first, self.language_menu_model(), offered, builtin=builtin)
        return replace(listener, also_in=tuple(code for code in self.langs if code != self.first))

    def _listener(
        self,
        code: str,
        model: SpeechModel | None,
        offered: dict[str, str],
        words: Mapping[str, str] | None = None,
        builtin: Mapping[str, str] = BUILTIN_KEYS,
    ) -> Listener:
        keys = frozenset(offered.values()) | frozenset(builtin.values())
        for meaning, key in builtin.items():
            offered.setdefault(meaning, key)
        if self.doc.line.danger:
            offered.setdefault(m.DANGER, DANGER)
        offered.setdefault(m.NOTHING, "")
        return Listener(code, model, offered, keys, words or {})


def _phrases(phrases: list[str] | dict[str, list[str]], code: str, first: str) -> list[str]:
    """A choice's example phrases in one language (a plain list is in the line's first language)."""
    if isinstance(phrases, Mapping):
        return list(phrases.get(code, ()))
    return list(phrases) if code == first else []


def _targets(node: object) -> Iterator[str]:
    """The nodes a node of the document sends a caller to."""
    if isinstance(node, MenuNode):
        for choice in node.choices.values():
            yield choice.go if isinstance(choice, Choice) else choice
    elif isinstance(node, MessageNode) and node.next or isinstance(node, LanguageNode):
        yield node.next
    elif isinstance(node, TransferNode) and node.if_no_answer:
        yield node.if_no_answer


def _enough(examples: list[Example], part: m.CorpusPart) -> bool:
    """Whether there is something to learn: two meanings or more, the corpus's included
    (which is only read when the flow's own examples have fewer: a language it lacks)."""
    return len({e.meaning for e in examples}) >= 2 or len({e.meaning for e in part.examples()}) >= 2


def _unambiguous(choices: Iterable[rt.Choice], code: str, builtin: list[tuple[tuple[str, ...], str]]) -> dict[str, str]:
    """The flow's words, normalised as a caller's answer is, each with the one key it names:
    a word written for two different keys names neither (``ivr check`` warns about it)."""
    keys_of: dict[str, set[str]] = {}
    listed = [(c.words_in(code), c.key) for c in choices] + builtin
    for words, key in listed:
        for word in words:
            keys_of.setdefault(" ".join(normalise(word, code)), set()).add(key)
    return {said: next(iter(keys)) for said, keys in keys_of.items() if said and len(keys) == 1}
