"""Checks of the example phrases operators write for a menu's choices.

The line learns each language's speech model from the project's corpus, the flow's words
and these phrases. A phrase on which the line, its model learning from everything else,
would not act at once for its choice (it takes it for another, asks, or does not understand
it) is a phrase callers will be misunderstood on: it looks like what callers say for
that other choice, or the choice has too few phrases like it. Found by cross-validation:
the operators' phrases of a language are split in (at most) five parts, the model learns
without one part and is asked about each phrase of it. Warnings, not errors: the flow still
goes live, and the phrase still teaches the model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context
from ivr.runtime import flow as rt
from ivr.runtime.speech import meanings as m
from ivr.runtime.speech.corpus import menu_of
from ivr.runtime.speech.listening import CONFIRM, DANGER, EMPTY, GO, UNCLEAR, Decision, decide
from ivr.runtime.speech.meanings import Example
from ivr.runtime.speech.training import learned

CODES = ("example-confused",)
FOLDS = 5


def check(context: Context) -> Iterator[Problem]:
    flow = context.flow
    assert flow is not None, "example phrases are checked against the compiled flow"
    for code, language in flow.languages.items():
        phrases = [
            (name, menu, choice, index, text)
            for name, menu in flow.nodes.items()
            if isinstance(menu, rt.Menu)
            for choice in menu.choices
            for index, text in enumerate(choice.examples.get(code, ()))
        ]
        if not phrases:
            continue
        base = list(_everything_but_phrases(flow, code, language))
        folds = min(FOLDS, len(phrases))
        for fold in range(folds):
            learning = base + [
                Example(text, choice.meaning, menu_of(name))
                for i, (name, _, choice, _, text) in enumerate(phrases)
                if i % folds != fold
            ]
            model = learned(code, learning, m.CorpusPart(code), keep=False)
            for position, (name, menu, choice, index, text) in enumerate(phrases):
                if position % folds != fold or code not in menu.listens:
                    continue
                decision = decide(replace(menu.listens[code], model=model), text)
                if decision.action == GO and decision.key == choice.key:
                    continue
                chances = dict(decision.probabilities)
                yield context.warning(
                    _path(context, name, choice.key, code, index),
                    f"{text!r} ({code}) is an example for choice {choice.key}, but the line, learning from "
                    f"everything else, would {_would(decision, menu)} ({chances.get(choice.meaning, 0.0):.0%} "
                    f"for choice {choice.key})",
                    f"write it as callers would say choice {choice.key}, add more examples like it, or remove it "
                    f"('ivr understand \"{text}\" --menu {name} --language {code}' shows why)",
                    code="example-confused",
                )


def _would(decision: Decision, menu: rt.Menu) -> str:
    """What the line would do, in an operator's words."""
    if decision.action == DANGER:
        return "give the danger advice"
    if decision.action in (UNCLEAR, EMPTY):
        return "not understand it"
    other = menu.choice_for_key(decision.key)
    named = f"choice {decision.key}" if other else m.OWN_NAMES.get(decision.meaning, f"key {decision.key}")
    return f"ask whether the caller wants {named}" if decision.action == CONFIRM else f"take it for {named}"


def _everything_but_phrases(flow: rt.Flow, code: str, language: rt.Language) -> Iterator[Example]:
    """What the language's model learns from besides the corpus, except the operators' example phrases."""
    for name, menu in flow.nodes.items():
        if isinstance(menu, rt.Menu):
            for choice in menu.choices:
                meaning = choice.meaning or m.NODE + choice.target
                yield from m.phrase_examples({meaning: choice.words_in(code)}, menu_of(name))
    yield from m.phrase_examples(
        {m.PERSON: language.helpline_words, m.REPEAT: language.repeat_words, m.SLOWER: language.slower_words}
    )
    if flow.danger_node:
        yield from m.phrase_examples({m.DANGER: language.danger_words})


def _path(context: Context, menu: str, key: str, code: str, index: int) -> Path:
    by_language: Path = ("nodes", menu, "choices", key, "examples", code, index)
    return (
        by_language if by_language[:-1] in context.source.values else ("nodes", menu, "choices", key, "examples", index)
    )
