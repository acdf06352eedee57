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

import contextlib
import functools
import hashlib
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import Protocol

import numpy as np

from ivr.definition import languages as languages_module
from ivr.runtime import normalise as normalise_module
from ivr.runtime.speech import features as features_module
from ivr.runtime.speech.features import features
from ivr.runtime.speech.meanings import DANGER, Example
from ivr.runtime.speech.model import SpeechModel

#: Changes when features or learning change: a model learned otherwise is another model.
RECIPE = "normalised/features-2-4+words+pairs+menu-words/tfidf-sublinear/one-vs-rest-sgd-log-3e-5-danger-1e-4-10/v5"
#: How much the model is held back from fitting its examples too closely (scikit-learn's
#: ``alpha``), and how many passes it makes over them: stochastic gradient descent learns a
#: language in a few tenths of a second where an exact solver (a softmax regression) took
#: over ten times as long and put the right meaning first no more often in cross-validation
#: on the training part (83.6 % against 83.2 %). Of 1e-4, 3e-5 and 1e-5, 3e-5 put the right
#: meaning first most often (79.8 %, 83.2 %, 83.1 % before the menu's words were features).
#: Seeded, so the same examples always give the same weights.
HOLD_BACK = 3e-5
#: Danger is learned held back more: its probability (judged on its own, see
#: :meth:`~ivr.runtime.speech.model.SpeechModel.alone`) then rises sooner for words like those
#: of someone in danger, and the line errs towards the danger advice. In cross-validation on
#: the training part, with the thresholds chosen for each, 1e-4 sent 2 callers in danger
#: elsewhere (of 5,757 answers) where 3e-5 sent 4.
DANGER_HOLD_BACK = 1e-4
PASSES = 10
#: How many learned models the disk cache keeps (about 3 MB each).
KEPT = 64


def digest(language: str, examples: Sequence[Example], among: str = "") -> str:
    """What a model learned from, in 20 letters: the recipe (and the code that makes its
    features), the language, every example, and ``among``, what names the rest of what it
    learned from (the corpus, by its version)."""
    h = hashlib.sha256(f"{RECIPE}\0{_code()}\0{language}\0{among}\0".encode())
    for example in sorted(set(examples)):
        h.update(f"{example.text}\0{example.meaning}\0{example.menu}\n".encode())
    return h.hexdigest()[:20]


def cache_folder() -> Path:
    """Where learned models are kept between loads: ``IVR_SPEECH_CACHE`` when set (the
    systemd unit sets a folder that survives restarts and is shared by the line and its
    console), else a folder of this user's in the temporary folder. Refused if another user
    owns it or others may write to it: a model read from it decides where calls go."""
    configured = os.environ.get("IVR_SPEECH_CACHE", "")
    folder = Path(configured) if configured else Path(tempfile.gettempdir()) / f"ivr-speech-models-{os.getuid()}"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    status = folder.lstat()
    if not stat.S_ISDIR(status.st_mode) or status.st_uid != os.getuid() or status.st_mode & 0o022:
        raise PermissionError(
            f"{folder} is not a folder of this user's that only it may write to: "
            "remove it, or run the line as its owner"
        )
    return folder


@functools.cache
def _code() -> str:
    """A digest of what turns an utterance into features (this package's feature code, the
    normalisation, the language tables) and of scikit-learn's version: an upgrade that
    changes any of them learns its models again instead of reading ones that no longer fit."""
    h = hashlib.sha256()
    for module in (features_module, normalise_module, languages_module):
        h.update(Path(module.__file__ or "").read_bytes())
    with contextlib.suppress(metadata.PackageNotFoundError):
        h.update(metadata.version("scikit-learn").encode())
    return h.hexdigest()[:16]


class Source(Protocol):
    """More examples to learn from, named: the corpus (``name`` says which part, of which
    version), read only when the model is not already in the cache."""

    def name(self) -> str: ...

    def examples(self) -> Iterable[Example]: ...


def learned(
    language: str, examples: Sequence[Example], more: Source | None = None, *, keep: bool = True
) -> SpeechModel:
    """The model of ``examples`` and ``more``: from this process's memory, the disk cache,
    or learned now. ``keep=False``: not written to the disk cache (a check's passing model)."""
    return _learned(language, tuple(sorted(set(examples))), more, keep)


@functools.lru_cache(maxsize=32)
def _learned(language: str, examples: tuple[Example, ...], more: Source | None, keep: bool) -> SpeechModel:
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
    if folder is not None and keep:
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

    accepted: dict[tuple[str, str], set[str]] = {}
    for example in examples:
        accepted.setdefault((example.menu, example.text), set()).add(example.meaning)
    said = sorted(accepted)  # (menu, text)
    meanings = sorted({e.meaning for e in examples})
    if len(meanings) < 2:
        raise ValueError(f"a speech model needs examples of two meanings or more, not {meanings}")
    vectorizer = TfidfVectorizer(
        analyzer=functools.partial(_features_at_menu, language=language), sublinear_tf=True, dtype=np.float64
    )
    matrix = vectorizer.fit_transform(said)
    weights = np.zeros((matrix.shape[1], len(meanings)))
    intercept = np.zeros(len(meanings))
    column_of = {meaning: column for column, meaning in enumerate(meanings)}
    accepts = np.zeros((len(said), len(meanings)), dtype=bool)  # said × meaning: accepted there
    for row, each in enumerate(said):
        accepts[row, [column_of[meaning] for meaning in accepted[each]]] = True
    for column, meaning in enumerate(meanings):
        answers = accepts[:, column]
        if answers.all():
            intercept[column] = 10.0
            continue
        held_back = DANGER_HOLD_BACK if meaning == DANGER else HOLD_BACK
        classifier = SGDClassifier(loss="log_loss", alpha=held_back, max_iter=PASSES, tol=None, random_state=0)
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


def _features_at_menu(said: tuple[str, str], language: str) -> list[str]:
    """scikit-learn's analyser: one example, given as (menu, text)."""
    menu, text = said
    return features(text, language, menu)


def _write(path: Path, model: SpeechModel) -> None:
    names = [""] * len(model.rows)
    for name, row in model.rows.items():
        names[row] = name
    try:
        out = tempfile.NamedTemporaryFile(dir=path.parent, suffix=".part", delete=False)  # noqa: SIM115
    except OSError:
        return
    try:
        with out:
            np.savez(
                out,
                meanings=np.array(model.meanings, dtype=str),
                names=np.array(names, dtype=str),
                idf=model.idf,
                weights=model.weights,
                intercept=model.intercept,
                digest=np.array(model.digest, dtype=str),
            )
        Path(out.name).replace(path)
    except OSError:
        Path(out.name).unlink(missing_ok=True)
        return
    _prune(path.parent)


def _prune(folder: Path) -> None:
    """Keep the :data:`KEPT` newest models: every edit of a flow's words learns a new one."""
    try:
        kept = sorted(folder.glob("*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[KEPT:]:
            old.unlink(missing_ok=True)
    except OSError:
        pass


def _read(path: Path, language: str, key: str) -> SpeechModel | None:
    """The model kept at ``path``, or ``None`` (and the file removed) if it is missing,
    damaged or not a model's shape: it is then learned again, never used half-read."""
    try:
        with path.open("rb") as handle, np.load(handle, allow_pickle=False) as saved:
            if str(saved["digest"]) != key:  # another model's file under this name
                raise ValueError(path)
            names = [str(n) for n in saved["names"]]
            meanings = tuple(str(m) for m in saved["meanings"])
            idf, weights, intercept = saved["idf"].copy(), saved["weights"].copy(), saved["intercept"].copy()
    except FileNotFoundError:
        return None
    except Exception:  # a truncated or foreign file: EOFError, BadZipFile, ValueError...
        path.unlink(missing_ok=True)
        return None
    shaped = weights.shape == (len(names), len(meanings)) and idf.shape == (len(names),)
    if (
        not shaped
        or intercept.shape != (len(meanings),)
        or not all(np.isfinite(a).all() for a in (idf, weights, intercept))
    ):
        path.unlink(missing_ok=True)
        return None
    return SpeechModel(language, meanings, {name: row for row, name in enumerate(names)}, idf, weights, intercept, key)
