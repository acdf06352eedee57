"""Carrying one operator's change onto a flow text that changed since they started.

Two operators edit the same flow: Ann starts a draft from revision 3, Bob publishes revision
4, and Ann's draft, published as it is, would quietly undo Bob's change. Publishing refuses
it (:mod:`ivr.publishing.revisions`); this is the way forward it offers: take what Ann changed between
revision 3 and her draft, and make the same change to revision 4.

A three-way merge of lines, as ``diff3`` does it: the places where neither text changed the
base line up the three texts; between them, a part only one side changed takes that side's
lines, a part both changed alike takes them once, and a part both changed differently is a
*conflict*, which is never guessed at: the operator is shown both and decides. Written here
on :mod:`difflib` (the standard library) rather than with a package: the merge libraries on
PyPI are GPL-licensed or pull in a version-control system, and this is eighty lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher
from itertools import pairwise


@dataclass(frozen=True)
class Conflict:
    """A part of the base that both sides changed differently. ``line``: where it starts in
    the *other* text (the live flow, 1-based), so the operator can find it there."""

    line: int
    base: tuple[str, ...]
    mine: tuple[str, ...]
    theirs: tuple[str, ...]


@dataclass(frozen=True)
class Carried:
    """``text``: the other text with my change made to it; only meaningful without conflicts."""

    text: str
    conflicts: tuple[Conflict, ...]


def carry(base: str, mine: str, theirs: str) -> Carried:
    """What ``mine`` changed from ``base``, made to ``theirs`` (which also changed from ``base``)."""
    b, m, t = base.splitlines(keepends=True), mine.splitlines(keepends=True), theirs.splitlines(keepends=True)
    out: list[str] = []
    conflicts: list[Conflict] = []
    at_b = at_m = at_t = 0
    for sync_b, sync_m, sync_t, length in _unchanged_by_both(b, m, t):
        old, ours, other = b[at_b:sync_b], m[at_m:sync_m], t[at_t:sync_t]
        if ours in (old, other):
            out += other
        elif other == old:
            out += ours
        elif (side_by_side := _apart(old, ours, other)) is not None:
            out += side_by_side
        else:
            conflicts.append(Conflict(at_t + 1, tuple(old), tuple(ours), tuple(other)))
            out += other
        out += b[sync_b : sync_b + length]
        at_b, at_m, at_t = sync_b + length, sync_m + length, sync_t + length
    return Carried("".join(out), tuple(conflicts))


def _apart(old: list[str], ours: list[str], other: list[str]) -> list[str] | None:
    """Both changes made to ``old`` when they touch different lines of it (say, the Polish
    line changed on one side and the Romanian line under it on the other, which ``diff3``
    would call a conflict); None when they overlap, or insert at the same place."""
    edits = sorted(_edits(old, ours) + _edits(old, other))
    for before, after in pairwise(edits):
        if after[0] < before[1] or after[0] == before[0]:
            return None
    out: list[str] = []
    at = 0
    for start, end, lines in edits:
        out += old[at:start] + lines
        at = end
    return out + old[at:]


def _edits(old: list[str], new: list[str]) -> list[tuple[int, int, list[str]]]:
    """What ``new`` changed in ``old``: (start, end, lines written instead), in ``old``'s lines."""
    opcodes = SequenceMatcher(None, old, new, autojunk=False).get_opcodes()
    return [(i1, i2, new[j1:j2]) for tag, i1, i2, j1, j2 in opcodes if tag != "equal"]


def _unchanged_by_both(b: list[str], m: list[str], t: list[str]) -> list[tuple[int, int, int, int]]:
    """Runs of base lines that both other texts kept, as (base, mine, theirs, length), ending
    with an empty run at the three ends so the last changed part is handled like the others."""
    ours = SequenceMatcher(None, b, m, autojunk=False).get_matching_blocks()
    other = SequenceMatcher(None, b, t, autojunk=False).get_matching_blocks()
    runs: list[tuple[int, int, int, int]] = []
    i = j = 0
    while i < len(ours) and j < len(other):
        start = max(ours[i].a, other[j].a)
        end = min(ours[i].a + ours[i].size, other[j].a + other[j].size)
        if start < end:
            runs.append((start, ours[i].b + start - ours[i].a, other[j].b + start - other[j].a, end - start))
        if ours[i].a + ours[i].size < other[j].a + other[j].size:
            i += 1
        else:
            j += 1
    runs.append((len(b), len(m), len(t), 0))
    return runs
