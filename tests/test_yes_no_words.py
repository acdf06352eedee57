"""The words that answer the confirming question ("It sounds like you want …"), held to
what the comparison with a caller's words needs: written as ``fold`` writes a recogniser's
text, never both yes and no, never the flow's own "what?", and in every language offered."""

from __future__ import annotations

from support import DEFAULT_FLOW

from ivr.definition.languages import NO_WORDS, YES_WORDS, family
from ivr.loading import load_flow_file
from ivr.runtime.normalise import fold


def test_every_yes_and_no_word_is_written_as_fold_writes_what_a_caller_said():
    # An entry fold would change (Arabic "لأ" becomes "لا") could never meet a folded utterance.
    unfolded = [
        (table, language, word)
        for table, words in (("yes", YES_WORDS), ("no", NO_WORDS))
        for language, listed in words.items()
        for word in sorted(listed)
        if fold(word) != word
    ]
    assert unfolded == []


def test_no_word_means_both_yes_and_no():
    assert {language: YES_WORDS[language] & NO_WORDS.get(language, frozenset()) for language in YES_WORDS} == {
        language: frozenset() for language in YES_WORDS
    }


def test_a_caller_asking_what_is_never_taken_for_yes_or_no():
    # Egyptian "إيه؟" is "what?": the flow repeats for it, so it cannot also confirm a choice.
    heard = _languages_heard()
    clashes = {}
    for code, language in heard.items():
        repeat = {fold(word) for word in language.repeat_words}
        answers = YES_WORDS[family(code)] | NO_WORDS[family(code)]
        clashes[code] = sorted(repeat & answers)
    assert clashes == {code: [] for code in heard}


def test_every_language_the_line_offers_has_words_for_yes_and_no():
    offered = {family(code) for code in _languages_heard()}
    assert (offered - YES_WORDS.keys(), offered - NO_WORDS.keys()) == (set(), set())


def _languages_heard():
    """The languages the line listens to speech in: Albanian, Tigrinya and Somali have no voice
    and no recogniser (keys only), so they are never asked "yes or no"."""
    flow = load_flow_file(DEFAULT_FLOW).flow
    return {code: language for code, language in flow.languages.items() if language.speech is not None}
