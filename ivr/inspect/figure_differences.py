"""How a translation's numbers and keys differ from its source's (:mod:`ivr.inspect.figures`
reads them): each one added, left out or changed, and keys named in another order, with
whether the difference can mislead a caller. Read by ``ivr check``
(:mod:`ivr.inspect.same_numbers`) and by ``ivr translations import``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from ivr.inspect.figures import Figure, Kind


@dataclass(frozen=True)
class Difference:
    """One way a translation's figures differ from its source's."""

    #: "added", "dropped", "changed" or "order".
    how: str
    source: Figure | None
    translation: Figure | None
    #: For "order": the keys as the source and the translation say them.
    orders: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())

    @property
    def harmful(self) -> bool:
        """A caller misled about an emergency number, a phone number or a key: the flow must not
        go live. A plain number ("24 hours") added or changed is a warning."""
        kinds = {f.kind for f in (self.source, self.translation) if f is not None}
        return self.how == "order" or bool(kinds - {Kind.NUMBER})

    def describe(self, first: str) -> str:
        """What differs, in an operator's words (``first``: the source's language)."""
        if self.how == "order":
            source, translation = (", ".join(keys) for keys in self.orders)
            return f"names the keys in another order ({translation}) than the {first} text ({source})"
        if self.how == "added":
            assert self.translation is not None
            return f"says {self.translation.describe()}, which the {first} text does not"
        if self.how == "dropped":
            assert self.source is not None
            return f"leaves out {self.source.describe()}, which the {first} text says"
        assert self.source is not None and self.translation is not None
        return f"says {self.translation.describe()} where the {first} text says {self.source.describe()}"


def differences(source: Iterable[Figure], translation: Iterable[Figure]) -> list[Difference]:
    """How the translation's figures differ from the source's: each one added, left out or
    changed (a left-out and an added figure of the same kind, in the order said), then keys
    said in another order. A plain number only left out is not a difference: "24 hours a day"
    may well be "around the clock"."""
    said, wanted = list(translation), list(source)
    extra = Counter((f.kind, f.value) for f in said) - Counter((f.kind, f.value) for f in wanted)
    missing = Counter((f.kind, f.value) for f in wanted) - Counter((f.kind, f.value) for f in said)
    added = _take(said, extra)
    dropped = _take(wanted, missing)
    result: list[Difference] = []
    for figure in added:
        partner = next((d for d in dropped if d.kind is figure.kind), None)
        if partner is not None:
            dropped.remove(partner)
            result.append(Difference("changed", partner, figure))
        else:
            result.append(Difference("added", None, figure))
    result += [Difference("dropped", figure, None) for figure in dropped if figure.kind is not Kind.NUMBER]
    if not result:
        keys = (tuple(_key_name(f) for f in wanted if f.kind is Kind.KEY),
                tuple(_key_name(f) for f in said if f.kind is Kind.KEY))  # fmt: skip
        if keys[0] != keys[1]:
            result.append(Difference("order", None, None, keys))
    return result


def _key_name(figure: Figure) -> str:
    return "star" if figure.value == "*" else figure.value


def _take(figures_: list[Figure], counts: Counter[tuple[Kind, str]]) -> list[Figure]:
    """The figures counted in ``counts``, the last ones said of each (a repeated one added at the end)."""
    left = Counter(counts)
    taken: list[Figure] = []
    for figure in reversed(figures_):
        if left[(figure.kind, figure.value)] > 0:
            left[(figure.kind, figure.value)] -= 1
            taken.append(figure)
    return sorted(taken, key=lambda f: f.start)


def summary(found: Iterable[Difference], first: str) -> str:
    """Every difference in one sentence, as a sign-off records what a reviewer accepted."""
    return "; ".join(d.describe(first) for d in found)
