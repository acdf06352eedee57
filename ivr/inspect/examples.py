"""Checks of the example phrases operators write for a menu's choices.

The line learns each language's speech model from the project's corpus, the flow's words
and these phrases. A phrase the model, learning from everything else, takes for another
choice is a phrase callers will be misunderstood on: it looks like what callers say for
that other choice, or the choice has too few phrases like it. Found by cross-validation:
the operators' phrases of a language are split in (at most) five parts, the model learns
without one part and is asked about each phrase of it. Warnings, not errors: the flow still
goes live, and the phrase still teaches the model.
"""

from __future__ import annotations

from collections.abc import Iterator

from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context
from ivr.runtime import flow as rt
from ivr.runtime.speech import meanings as m
from ivr.runtime.speech.training import Example, learned

CODES = ("example-confused",)
_BUILTIN_NAMES = {m.PERSON: "the helpline (0)", m.REPEAT: "repeat (*)", m.SLOWER: "slower speech (8)"}
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
            learning = base + [Example(t, c.meaning) for i, (_, _, c, _, t) in enumerate(phrases) if i % folds != fold]
            model = learned(code, learning, m.CorpusPart(code), keep=False)
            for position, (name, menu, choice, index, text) in enumerate(phrases):
                if position % folds != fold:
                    continue
                offered = [c.meaning for c in menu.choices] + [m.PERSON, m.REPEAT, m.SLOWER, m.NOTHING]
                chances = model.probabilities(text, offered)
                if not chances:
                    continue
                best = max(chances, key=lambda meaning: chances[meaning])
                if best == choice.meaning:
                    continue
                other = next((c for c in menu.choices if c.meaning == best), None)
                what = f"choice {other.key}" if other else _BUILTIN_NAMES.get(best, "nothing at all")
                yield context.warning(
                    _path(context, name, choice.key, code, index),
                    f"{text!r} ({code}) is an example for choice {choice.key}, but the line, learning from "
                    f"everything else, takes it for {what} ({chances[best]:.0%} against "
                    f"{chances.get(choice.meaning, 0.0):.0%})",
                    f"write it as callers would say choice {choice.key}, add more examples like it, or remove it "
                    f"('ivr understand \"{text}\" --menu {name} --language {code}' shows why)",
                    code="example-confused",
                )


def _everything_but_phrases(flow: rt.Flow, code: str, language: rt.Language) -> Iterator[Example]:
    """What the language's model learns from besides the corpus, except the operators' example phrases."""
    for menu in flow.nodes.values():
        if isinstance(menu, rt.Menu):
            for choice in menu.choices:
                yield from m.phrase_examples({choice.meaning or m.NODE + choice.target: choice.words_in(code)})
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
