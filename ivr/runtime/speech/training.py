"""Learning a speech model from examples, once per set of examples.

Training uses scikit-learn (TF-IDF over :func:`~ivr.runtime.speech.features.features`, then a
logistic regression for each meaning), is deterministic (the same examples give the same
weights on every machine), and never runs on a caller's request: a flow's models are learned
when the flow is loaded or checked. The result is kept twice, by a digest of what it learned
from:

- in the process, so checking and then serving one flow learns once;
- on disk (:func:`cache_folder`), as plain arrays (never pickles), so the next load, another
  worker or the console's check on the same machine reads it in milliseconds.
"""

from __future__ import annotations

import functools
import hashlib
import os
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from ivr.runtime.speech.features import features
from ivr.runtime.speech.model import SpeechModel

#: Changes when features or learning change: a model learned otherwise is another model.
RECIPE = "normalised/features-2-4+words+pairs/tfidf-sublinear/one-vs-rest-sgd-log-1e-4-10/v4"
#: How much the model is held back from fitting its examples too closely (scikit-learn's
#: ``alpha``), and how many passes it makes over them: stochastic gradient descent learns a
#: language in a few tenths of a second where an exact solver took seconds, and understood
#: as much in cross-validation on the training part (bench/understanding.py --tune). Seeded,
#: so the same examples always give the same weights.
HOLD_BACK = 1e-4
PASSES = 10


@dataclass(frozen=True, order=True)
class Example:
    """Something a caller might say, and what it means."""

    text: str
    meaning: str


def digest(language: str, examples: Sequence[Example], among: str = "") -> str:
    """What a model learned from, in 20 letters: the recipe, the language, every example, and
    ``among``, what names the rest of what it learned from (the corpus, by its version)."""
    h = hashlib.sha256(f"{RECIPE}\0{language}\0{among}\0".encode())
    for example in sorted(set(examples)):
        h.update(f"{example.text}\0{example.meaning}\n".encode())
    return h.hexdigest()[:20]


def cache_folder() -> Path:
    """Where learned models are kept between loads: a folder of this user's only."""
    folder = Path(tempfile.gettempdir()) / f"ivr-speech-models-{os.getuid()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    if folder.stat().st_uid != os.getuid() or folder.is_symlink():
        raise PermissionError(f"{folder} belongs to another user: remove it, or run the line as its owner")
    return folder


class Source(Protocol):
    """More examples to learn from, named: the corpus (``name`` says which part, of which
    version), read only when the model is not already in the cache."""

    def name(self) -> str: ...

    def examples(self) -> Iterable[Example]: ...


def learned(language: str, examples: Sequence[Example], more: Source | None = None) -> SpeechModel:
    """The model of ``examples`` and ``more``: from this process's memory, the disk cache,
    or learned now."""
    return _learned(language, tuple(sorted(set(examples))), more)


@functools.lru_cache(maxsize=32)
def _learned(language: str, examples: tuple[Example, ...], more: Source | None) -> SpeechModel:
    key = digest(language, examples, more.name() if more is not None else "")
    try:
        folder: Path | None = cache_folder()
    except OSError:
        folder = None
    if folder is not None:
        found = _read(folder / f"{key}.npz", language, key)
        if found is not None:
            return found
    everything = [*examples, *(more.examples() if more is not None else ())]
    model = learn(language, everything, key)
    if folder is not None:
        _write(folder / f"{key}.npz", model)
    return model


def learn(language: str, examples: Sequence[Example], key: str = "") -> SpeechModel:
    """Learn a model now (scikit-learn, imported here only: serving workers never need it).

    One yes-or-no model per meaning ("would a careful operator accept this meaning for what
    was said?"), because the corpus labels each utterance with *every* place an operator
    would accept: "is it free?" is both information and a person. A model that had to share
    one probability among the accepted places would be unsure of every such answer; this
    one is sure of both."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier

    accepted: dict[str, set[str]] = {}
    for example in examples:
        accepted.setdefault(example.text, set()).add(example.meaning)
    texts = sorted(accepted)
    meanings = sorted({e.meaning for e in examples})
    if len(meanings) < 2:
        raise ValueError(f"a speech model needs examples of two meanings or more, not {meanings}")
    vectorizer = TfidfVectorizer(
        analyzer=functools.partial(features, language=language), sublinear_tf=True, dtype=np.float64
    )
    matrix = vectorizer.fit_transform(texts)
    weights = np.zeros((matrix.shape[1], len(meanings)))
    intercept = np.zeros(len(meanings))
    for column, meaning in enumerate(meanings):
        answers = np.array([meaning in accepted[text] for text in texts])
        if answers.all():
            intercept[column] = 10.0
            continue
        classifier = SGDClassifier(loss="log_loss", alpha=HOLD_BACK, max_iter=PASSES, tol=None, random_state=0)
        classifier.fit(matrix, answers)
        weights[:, column] = classifier.coef_[0]
        intercept[column] = classifier.intercept_[0]
    return SpeechModel(
        language,
        tuple(meanings),
        {str(name): int(row) for name, row in vectorizer.vocabulary_.items()},
        np.asarray(vectorizer.idf_, dtype=np.float64),
        np.ascontiguousarray(weights, dtype=np.float64),
        intercept,
        key or digest(language, examples),
    )


def _write(path: Path, model: SpeechModel) -> None:
    names = [""] * len(model.rows)
    for name, row in model.rows.items():
        names[row] = name
    partial = path.with_suffix(f".{os.getpid()}.part")
    try:
        with partial.open("wb") as out:
            np.savez(
                out,
                meanings=np.array(model.meanings, dtype=str),
                names=np.array(names, dtype=str),
                idf=model.idf,
                weights=model.weights,
                intercept=model.intercept,
            )
        partial.replace(path)
    except OSError:
        partial.unlink(missing_ok=True)


def _read(path: Path, language: str, key: str) -> SpeechModel | None:
    try:
        with np.load(path, allow_pickle=False) as saved:
            names = [str(n) for n in saved["names"]]
            return SpeechModel(
                language,
                tuple(str(m) for m in saved["meanings"]),
                {name: row for row, name in enumerate(names)},
                saved["idf"].copy(),
                saved["weights"].copy(),
                saved["intercept"].copy(),
                key,
            )
    except (OSError, ValueError, KeyError):
        return None
