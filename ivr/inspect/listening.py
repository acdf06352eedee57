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
  (see :mod:`ivr.caller_time`).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping

from ivr.definition.languages import TOO_COMMON, family
from ivr.definition.problems import Problem, warning
from ivr.definition.source import Path, SourceDocument
from ivr.runtime import caller_time, understand
from ivr.runtime import flow as rt

_KIND_NAMES = {
    understand.HELPLINE: "the helpline (0)",
    understand.REPEAT: "repeat (*)",
    understand.SLOWER: "slower speech (8)",
    understand.DANGER: "the danger advice",
}


def _script(text: str) -> set[str]:
    """The scripts of a text's letters: LATIN, ARABIC..."""
    return {unicodedata.name(c, "?").split()[0] for c in text if c.isalpha()}


class _Lints:
    def __init__(self, flow: rt.Flow, source: SourceDocument) -> None:
        self.flow = flow
        self.source = source
        self.problems: list[Problem] = []
        self._shared: dict[int, dict[tuple[str, ...], list[understand.Candidate]]] = {}

    def warn(self, path: Path, message: str, hint: str, code: str) -> None:
        while path and path not in self.source.values and len(path) > 1:
            path = path[:-1]
        at = self.source.position(path)
        self.problems.append(warning(at.line, at.column, message, hint, code))

    def run(self) -> list[Problem]:
        for name, node in self.flow.nodes.items():
            if isinstance(node, rt.Menu) and not name.startswith("_"):
                self.menu_words(name, node)
        self.language_names()
        self.waiting_times()
        return self.problems

    def target_of(self, menu: rt.Menu, candidate: understand.Candidate) -> str:
        if candidate.kind == understand.CHOICE:
            choice = menu.choice_for_key(candidate.key)
            return choice.target if choice else ""
        if candidate.kind == understand.DANGER:
            return self.flow.danger_node or ""
        return {understand.HELPLINE: rt.HELPLINE_NODE}.get(candidate.kind, candidate.kind)

    def shared_owners(
        self, vocabulary: understand.Vocabulary | None
    ) -> dict[tuple[str, ...], list[understand.Candidate]]:
        """The built-in words' owners, worked out once per shared vocabulary."""
        if vocabulary is None:
            return {}
        if id(vocabulary) not in self._shared:
            self._shared[id(vocabulary)] = _owners(vocabulary.candidates)
        return self._shared[id(vocabulary)]

    def menu_words(self, name: str, menu: rt.Menu) -> None:
        for code, vocabulary in menu.listens.items():
            common = TOO_COMMON.get(family(code), frozenset())
            owners = _owners(vocabulary.candidates)
            shared = self.shared_owners(vocabulary.shared)
            for choice in menu.choices:
                words_path: Path = ("nodes", name, "choices", choice.key, "words", code)
                if words_path not in self.source.values:
                    words_path = words_path[:-1]  # one list for the line's only language
                for index, word in enumerate(choice.words_in(code)):
                    path = (*words_path, index)
                    normalised = understand.normalise(word, code)
                    if not normalised:
                        self.warn(path, f"{word!r} ({code}) can never match: nothing is left of it to compare",
                                  "use letters or digits a caller would say", "unmatchable-word")  # fmt: skip
                        continue
                    if understand.strip_accents(" ".join(normalised)) in common:
                        self.warn(path, f"{word!r} ({code}) is said in almost every sentence, so it picks "
                                  f"choice {choice.key} by mistake", "use a word that names the choice",
                                  "too-common-word")  # fmt: skip
                    here = understand.Candidate(understand.CHOICE, choice.key)
                    others = [c for c in owners.get(normalised, []) + shared.get(normalised, []) if c != here]
                    for other in others:
                        if self.target_of(menu, other) == choice.target:
                            continue  # the same destination: no harm
                        what = f"choice {other.key}" if other.kind == understand.CHOICE else _KIND_NAMES[other.kind]
                        if other.kind == understand.CHOICE and other.key < choice.key:
                            continue  # reported once, at the first choice
                        self.warn(path, f"{word!r} ({code}) is a word for choice {choice.key} and for {what}: "
                                  "a caller saying it is asked again", "keep each word for one choice",
                                  "word-for-two-choices")  # fmt: skip

    def language_names(self) -> None:
        menus = [n for n in self.flow.nodes.values() if isinstance(n, rt.LanguageMenu)]
        if not menus:
            return
        recogniser = self.flow.languages[self.flow.language]
        expected = _script("english") if family(recogniser.code) != "ar" else _script("عربي")
        for code, language in self.flow.languages.items():
            path: Path = ("line", "languages", code, "words")
            for word in language.names:
                if understand.fold(word) == understand.fold(language.name) or not (
                    _script(understand.fold(word)) - expected
                ):
                    continue
                self.warn(path, f"{word!r} cannot be heard at the language menu: its speech recogniser "
                          f"({recogniser.speech}) writes only {', '.join(sorted(expected)).lower()} letters",
                          "write the name as that recogniser would, e.g. 'arabic' or 'arabi'",
                          "unhearable-language-name")  # fmt: skip

    def waiting_times(self) -> None:
        try:
            missed = caller_time.missed_targets(self.flow)
        except Exception as exc:  # a lint must never stop a flow (or the line) from loading
            self.warn(("line", "start"), f"the time callers wait for the helpline could not be measured ({exc})",
                      "run bench/caller_time.py to see where the call goes wrong", "slow-to-helpline")  # fmt: skip
            return
        for code, scenario, seconds, target in missed:
            self.warn(("line", "start"), f"a caller who {caller_time.SCENARIOS[scenario]} waits about "
                      f"{seconds:.0f} s for the helpline in {code} (the line promises {target:.0f} s)",
                      "shorten the texts before the first menu, offer 0 earlier, or lower the time-outs",
                      "slow-to-helpline")  # fmt: skip


def _owners(
    candidates: Mapping[understand.Candidate, tuple[tuple[str, ...], ...]],
) -> dict[tuple[str, ...], list[understand.Candidate]]:
    owners: dict[tuple[str, ...], list[understand.Candidate]] = {}
    for candidate, phrases in candidates.items():
        for phrase in phrases:
            owners.setdefault(phrase, []).append(candidate)
    return owners


def lint_listening(flow: rt.Flow, source: SourceDocument) -> list[Problem]:
    return _Lints(flow, source).run()
