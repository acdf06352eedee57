"""The learned speech model: what the line computes is what scikit-learn learned, learning is
deterministic, the cache gives back the same model, and the decision order puts safety first
whatever the model says (issue 25)."""

from __future__ import annotations

import functools

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from support import DEFAULT_FLOW

from ivr.loading import load_flow_file
from ivr.runtime.speech import listening, training
from ivr.runtime.speech import meanings as m
from ivr.runtime.speech.features import features
from ivr.runtime.speech.meanings import Example
from ivr.runtime.speech.policy import Thresholds

EXAMPLES = [
    Example("i want the police", "police"),
    Example("police please nobody is hurt", "police"),
    Example("call the police for me", "police"),
    Example("i want to talk to someone", m.PERSON),
    Example("a real person please", m.PERSON),
    Example("can i speak to an adviser", m.PERSON),
    Example("he has a knife", m.DANGER),
    Example("they locked us in", m.DANGER),
    Example("he will kill me", m.DANGER),
    Example("the weather tomorrow", m.NOTHING),
    Example("hello hello", m.NOTHING),
]
SAID = ["police", "i want to talk to the police", "zzz", "he has a gun", "talk to a person", "ąę ğ 🙂"]


@pytest.fixture
def own_cache(tmp_path, monkeypatch):
    """Each test its own cache folder (the line's is in the system's temporary folder)."""
    monkeypatch.setattr(training.tempfile, "tempdir", str(tmp_path))
    monkeypatch.delenv("IVR_SPEECH_CACHE", raising=False)
    training._learned.cache_clear()


def test_the_line_computes_the_scores_scikit_learn_would():
    model = training.learn("en-GB", EXAMPLES)
    vectorizer = TfidfVectorizer(analyzer=functools.partial(features, language="en-GB"), sublinear_tf=True)
    vectorizer.fit(sorted({e.text for e in EXAMPLES}))
    assert model.rows == vectorizer.vocabulary_
    for text in SAID:
        expected = vectorizer.transform([text]).toarray()[0] @ model.weights + model.intercept
        assert np.allclose(model.scores(text), expected), text


def test_learning_the_same_examples_gives_the_same_model():
    first, second = training.learn("en-GB", EXAMPLES), training.learn("en-GB", list(reversed(EXAMPLES)))
    assert first.meanings == second.meanings and first.rows == second.rows
    assert np.array_equal(first.weights, second.weights) and np.array_equal(first.intercept, second.intercept)


def test_a_learned_model_is_kept_on_disk_and_read_back_the_same(own_cache, tmp_path):
    learned = training.learned("en-GB", EXAMPLES)
    [kept] = (tmp_path / training.cache_folder().name).glob("*.npz")
    assert kept.name == f"{training.digest('en-GB', EXAMPLES)}.npz"
    training._learned.cache_clear()
    again = training.learned("en-GB", EXAMPLES)
    assert again is not learned
    for text in SAID:
        assert again.probabilities(text) == learned.probabilities(text)


@pytest.mark.parametrize("damage", ["not a model", "empty", "cut in half", "another shape"])
def test_a_damaged_cache_file_is_removed_and_the_model_learned_again(own_cache, damage):
    training.learned("en-GB", EXAMPLES)
    [kept] = training.cache_folder().glob("*.npz")
    whole = kept.read_bytes()
    if damage == "another shape":
        other = training.learn("en-GB", EXAMPLES[:6])
        training._write(kept, other)
    else:
        kept.write_bytes({"not a model": b"not a model", "empty": b"", "cut in half": whole[: len(whole) // 2]}[damage])
    training._learned.cache_clear()
    model = training.learned("en-GB", EXAMPLES)
    assert model.meanings == ("danger", "nothing", "person", "police")
    assert kept.read_bytes() == whole  # learned again, and kept again


def test_a_cache_folder_others_may_write_to_is_refused(tmp_path, monkeypatch):
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)
    monkeypatch.setenv("IVR_SPEECH_CACHE", str(shared))
    with pytest.raises(PermissionError, match="only it may write to"):
        training.cache_folder()


def test_the_cache_keeps_only_the_newest_models(own_cache, monkeypatch):
    monkeypatch.setattr(training, "KEPT", 2)
    for size in (5, 6, 7):
        training.learned("en-GB", EXAMPLES[:size] + EXAMPLES[8:])
    assert len(list(training.cache_folder().glob("*.npz"))) == 2


def listener() -> listening.Listener:
    offered = {"police": "3", m.PERSON: "0", m.DANGER: listening.DANGER, m.NOTHING: ""}
    return listening.Listener("en-GB", training.learn("en-GB", EXAMPLES), offered, frozenset({"3", "0"}))


@pytest.mark.parametrize(
    "said, action, key",
    [
        ("", listening.EMPTY, ""),
        ("   ", listening.EMPTY, ""),
        ("nine nine nine", listening.DANGER, ""),  # before the model: the police would be likelier
        ("call the police, one one two", listening.DANGER, ""),
        ("three", listening.GO, "3"),  # a key said in words, offered
        ("number two", listening.UNCLEAR, ""),  # a key the menu does not offer: the model, which knows nothing
        ("nine", listening.UNCLEAR, ""),  # never the quick exit
    ],
)
def test_numbers_and_keys_are_decided_before_the_model(said, action, key):
    decision = listening.decide(listener(), said)
    assert (decision.action, decision.key) == (action, key)


def test_the_thresholds_decide_between_acting_asking_and_asking_again():
    hearing = listener()
    weighed = listening.weigh(hearing, "i want the police")
    police = dict(weighed.probabilities)["police"]
    assert weighed.probabilities[0][0] == "police"

    def at(**changes: float) -> str:
        values = {"danger_at": 0.99, "danger_doubt": 0.98, "sure": 0.9, "unsure": 0.1} | changes
        return listening.apply(hearing, weighed, Thresholds(**values)).action

    assert at(sure=police) == listening.GO
    assert at(sure=police + 0.01) == listening.CONFIRM
    assert at(sure=police + 0.02, unsure=police + 0.01) == listening.UNCLEAR
    assert at(sure=police, danger_doubt=0.0) == listening.CONFIRM  # some danger: never straight to the police
    assert at(danger_at=0.0) == listening.DANGER


@pytest.mark.parametrize(
    "said",
    [
        "a" * 10_000,
        "🙂" * 3_000,
        "help\x00\x07\x1b[31m me \u202e\ufeff",
        "police الشرطة полиция 警察 cảnh sát",
        " ".join(["nine"] * 2_000),
    ],
)
def test_any_text_gets_a_decision_at_every_menu_of_the_default_flow(said):
    flow = load_flow_file(DEFAULT_FLOW).flow
    for node in flow.nodes.values():
        for hearing in getattr(node, "listens", {}).values():
            assert listening.decide(hearing, said).action in (
                listening.GO, listening.CONFIRM, listening.DANGER, listening.UNCLEAR, listening.EMPTY
            )  # fmt: skip
