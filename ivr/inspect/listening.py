"""Checks of what menus listen for, and of how long callers wait for a person.

Warnings, not errors: a flow with them still works, but callers will be misunderstood or
kept waiting. They read the compiled flow (what the webhooks act on) and point at the words
or settings to change.

- the same word or phrase for two choices of one menu, or for a choice and a built-in
  action (helpline, repeat, slower, danger) that goes somewhere else: a caller saying it
  is asked again, never routed;
- a pronoun or a yes/no word as a choice word on its own: callers say them in every sentence;
- a word that normalisation leaves empty: it can never match;
- a language name the language menu's recogniser cannot return (another script);
- a call that keeps a caller from the helpline longer than the line promises
  (see :mod:`ivr.runtime.caller_time`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ivr.definition.builtins import HELPLINE_NODE, is_builtin_node
from ivr.definition.languages import TOO_COMMON, family
from ivr.definition.problems import Problem
from ivr.definition.source import Path
from ivr.inspect.context import Context
from ivr.runtime import caller_time
from ivr.runtime import flow as rt
from ivr.runtime.normalise import fold, normalise, strip_accents
from ivr.runtime.speech.meanings import DANGER, REPEAT, SLOWER

CODES = (
    "word-for-two-choices",
    "too-common-word",
    "unmatchable-word",
    "unhearable-language-name",
    "slow-to-helpline",
    "wait-unmeasured",
)

#: Which candidates (choices, built-in actions) each normalised phrase belongs to.
#: The line's own actions are named as the speech model names them.
CHOICE, HELPLINE = "choice", "helpline"


@dataclass(frozen=True)
class Candidate:
    """What a word is listed for: a choice (with its key), or one of the line's own actions."""

    kind: str
    key: str = ""


#: Which candidates (choices, built-in actions) each normalised phrase belongs to.
Owners = dict[tuple[str, ...], list[Candidate]]

_KIND_NAMES = {
    HELPLINE: "the helpline (0)",
    REPEAT: "repeat (*)",
    SLOWER: "slower speech (8)",
    DANGER: "the danger advice",
}


def _script(text: str) -> set[str]:
    """The scripts of a text's letters: LATIN, ARABIC..."""
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


def check(context: Context) -> Iterator[Problem]:
    flow = context.flow
    assert flow is not None, "what menus listen for is read from the compiled flow"
    shared: dict[str, Owners] = {}  # the built-in words' owners, worked out once per language
    for name, node in flow.nodes.items():
        if isinstance(node, rt.Menu) and not is_builtin_node(name):
            yield from _menu_words(context, flow, name, node, shared)
    yield from _language_names(context, flow)
    yield from _waiting_times(context, flow)


def _target_of(flow: rt.Flow, menu: rt.Menu, candidate: Candidate) -> str:
    if candidate.kind == CHOICE:
        choice = menu.choice_for_key(candidate.key)
        return choice.target if choice else ""
    if candidate.kind == DANGER:
        return flow.danger_node or ""
    return {HELPLINE: HELPLINE_NODE}.get(candidate.kind, candidate.kind)


def _menu_words(
    context: Context, flow: rt.Flow, name: str, menu: rt.Menu, shared_owners: dict[str, Owners]
) -> Iterator[Problem]:
    for code in menu.listens:
        common = TOO_COMMON.get(family(code), frozenset())
        owners = _owners(code, {Candidate(CHOICE, c.key): c.words_in(code) for c in menu.choices})
        if code not in shared_owners:
            language = flow.language_of(code)
            builtin = {
                Candidate(HELPLINE): language.helpline_words,
                Candidate(REPEAT): language.repeat_words,
                Candidate(SLOWER): language.slower_words,
            }
            if flow.danger_node:
                builtin[Candidate(DANGER)] = language.danger_words
            shared_owners[code] = _owners(code, builtin)
        shared = shared_owners[code]
        for choice in menu.choices:
            words_path: Path = ("nodes", name, "choices", choice.key, "words", code)
            if words_path not in context.source.values:
                words_path = words_path[:-1]  # one list for the line's only language
            for index, word in enumerate(choice.words_in(code)):
                path = (*words_path, index)
                normalised = normalise(word, code)
                if not normalised:
                    yield context.warning(path, f"{word!r} ({code}) can never match: nothing is left of it to "
                                          "compare", "use letters or digits a caller would say",
                                          code="unmatchable-word")  # fmt: skip
                    continue
                if strip_accents(" ".join(normalised)) in common:
                    yield context.warning(path, f"{word!r} ({code}) is said in almost every sentence, so it picks "
                                          f"choice {choice.key} by mistake", "use a word that names the choice",
                                          code="too-common-word")  # fmt: skip
                here = Candidate(CHOICE, choice.key)
                others = [c for c in owners.get(normalised, []) + shared.get(normalised, []) if c != here]
                for other in others:
                    if _target_of(flow, menu, other) == choice.target:
                        continue  # the same destination: no harm
                    what = f"choice {other.key}" if other.kind == CHOICE else _KIND_NAMES[other.kind]
                    if other.kind == CHOICE and other.key < choice.key:
                        continue  # reported once, at the first choice
                    yield context.warning(path, f"{word!r} ({code}) is a word for choice {choice.key} and for {what}: "
                                          "a caller saying it is asked again", "keep each word for one choice",
                                          code="word-for-two-choices")  # fmt: skip


def _language_names(context: Context, flow: rt.Flow) -> Iterator[Problem]:
    if not any(isinstance(n, rt.LanguageMenu) for n in flow.nodes.values()):
        return
    recogniser = flow.languages[flow.language]
    expected = _script("english") if family(recogniser.code) != "ar" else _script("عربي")
    for code, language in flow.languages.items():
        path: Path = ("line", "languages", code, "words")
        for word in language.names:
            if fold(word) == fold(language.name) or not (_script(fold(word)) - expected):
                continue
            yield context.warning(path, f"{word!r} cannot be heard at the language menu: its speech recogniser "
                                  f"({recogniser.speech}) writes only {', '.join(sorted(expected)).lower()} letters",
                                  "write the name as that recogniser would, e.g. 'arabic' or 'arabi'",
                                  code="unhearable-language-name")  # fmt: skip


def _waiting_times(context: Context, flow: rt.Flow) -> Iterator[Problem]:
    try:
        missed = caller_time.missed_targets(flow)
    except Exception as exc:  # a lint must never stop a flow (or the line) from loading
        yield context.warning(("line", "start"), f"the time callers wait for the helpline could not be measured "
                              f"({exc})", "run bench/caller_time.py to see where the call goes wrong",
                              code="wait-unmeasured")  # fmt: skip
        return
    for code, scenario, seconds, target in missed:
        yield context.warning(("line", "start"), f"a caller who {caller_time.SCENARIOS[scenario]} waits about "
                              f"{seconds:.0f} s for the helpline in {code} (the line promises {target:.0f} s)",
                              "shorten the texts before the first menu, offer 0 earlier, or lower the time-outs",
                              code="slow-to-helpline")  # fmt: skip


def _owners(code: str, lists: dict[Candidate, Iterable[str]]) -> Owners:
    """Which candidates each phrase (normalised as a caller's words are) belongs to."""
    owners: Owners = {}
    for candidate, words in lists.items():
        for word in words:
            phrase = normalise(word, code)
            if phrase and candidate not in owners.setdefault(phrase, []):
                owners[phrase].append(candidate)
    return owners
