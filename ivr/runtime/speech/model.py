"""A learned speech model, as the line uses it: what an utterance probably means, and why.

The model is linear (a logistic regression for each meaning, over the TF-IDF weights of
:func:`ivr.runtime.speech.features.features`), learned by scikit-learn when a flow is
loaded (:mod:`ivr.runtime.speech.training`). Here it is only arrays: the line computes the
probabilities itself, with numpy, so a worker never imports scikit-learn and one answer
costs a few hundred microseconds.

A menu weighs its meanings against each other: the probabilities are a softmax of the
scores of the meanings it offers. Each meaning's own yes-or-no (the logistic function of
its score) was measured too, by cross-validation on the corpus's training part: among the
answers the line would be surest of, the softmax is wrong less often (at most 2 % wrong for
the surest 47 % of answers, against 34 %), because a meaning another menu offers no longer
takes a share.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from ivr.runtime.normalise import normalise, strip_accents
from ivr.runtime.speech.features import at_menu, features


@dataclass(frozen=True, eq=False)
class SpeechModel:
    """One language's model: the meanings it knows, and a weight per feature and meaning."""

    language: str
    meanings: tuple[str, ...]
    #: Row of each known feature in ``weights`` and ``idf``.
    rows: Mapping[str, int]
    idf: np.ndarray  # (features,)
    weights: np.ndarray  # (features, meanings)
    intercept: np.ndarray  # (meanings,)
    #: A digest of what it learned from: the same digest is the same model.
    digest: str = ""

    def _vector(self, text: str, menu: str = "") -> tuple[list[int], np.ndarray]:
        """The utterance's known features (rows) and their TF-IDF weights, as scikit-learn's
        ``TfidfVectorizer(sublinear_tf=True)`` computes them."""
        counts: dict[int, int] = {}
        known = self.rows
        for feature in features(text, self.language, menu):
            row = known.get(feature)
            if row is not None:
                counts[row] = counts.get(row, 0) + 1
        if not counts:
            return [], np.zeros(0)
        rows = list(counts)
        values = np.fromiter((1.0 + math.log(n) if n > 1 else 1.0 for n in counts.values()), float, len(rows))
        values *= self.idf[rows]
        return rows, values / math.sqrt(values @ values)

    def scores(self, text: str, menu: str = "") -> np.ndarray:
        """The raw score of each meaning for ``text`` said at ``menu`` (the corpus's name for it)."""
        rows, values = self._vector(text, menu)
        if not rows:
            return self.intercept.astype(float)
        return self.intercept + values @ self.weights[rows]

    def probabilities(self, text: str, among: Sequence[str] | None = None, menu: str = "") -> dict[str, float]:
        """How likely each meaning (or each of ``among``, the meanings a menu offers, that the
        model knows) is for ``text`` said at ``menu``, against the others: they add up to 1."""
        return self.shares(self.scores(text, menu), among)

    def shares(self, scores: np.ndarray, among: Sequence[str] | None = None) -> dict[str, float]:
        """:meth:`probabilities` from scores already computed."""
        columns = self._columns
        chosen = [meaning for meaning in (self.meanings if among is None else among) if meaning in columns]
        if not chosen:
            return {}
        picked = scores[[columns[meaning] for meaning in chosen]]
        shares = np.exp(picked - picked.max())
        shares /= shares.sum()
        return dict(zip(chosen, shares.tolist(), strict=True))

    def alone(self, scores: np.ndarray, meaning: str) -> float:
        """How likely ``meaning`` is on its own (its yes-or-no, shared with no other meaning),
        from scores already computed; 0 for a meaning the model does not know. The line judges
        danger so: a caller in danger who also asks for a person is still in danger, however
        sure the model is that they asked for a person."""
        column = self._columns.get(meaning)
        if column is None:
            return 0.0
        return float(1.0 / (1.0 + math.exp(-min(50.0, max(-50.0, float(scores[column]))))))

    @functools.cached_property
    def _columns(self) -> dict[str, int]:
        return {meaning: column for column, meaning in enumerate(self.meanings)}

    def weighed(self, text: str, meaning: str, top: int = 6, menu: str = "") -> list[tuple[str, float]]:
        """The words of ``text`` (and pairs of words) that counted most for ``meaning``
        against the other meanings: what an operator reads to see why the line decided as it
        did. A word's weight is that of all its parts (its letters' pieces and itself)."""
        rows, values = self._vector(text, menu)
        if not rows or meaning not in self.meanings:
            return []
        column = self.meanings.index(meaning)
        block = self.weights[rows]
        against = (block.sum(axis=1) - block[:, column]) / max(1, len(self.meanings) - 1)
        pull = dict(zip(rows, values * (block[:, column] - against), strict=True))
        totals: dict[str, float] = {}
        for word in dict.fromkeys(normalise(text, self.language)):
            parts = {self.rows.get(f) for f in at_menu(word, self.language, menu)}
            totals[word] = sum(pull.get(row, 0.0) for row in parts if row is not None)
        words = normalise(text, self.language)
        for first, second in zip(words, words[1:], strict=False):
            row = self.rows.get(f"p {strip_accents(first)} {strip_accents(second)}")
            if row is not None:
                totals[f"{first} {second}"] = pull.get(row, 0.0)
        ranked = sorted(totals.items(), key=lambda item: -abs(item[1]))[:top]
        return [(name, round(float(weight), 2)) for name, weight in ranked if weight]
