"""Carrying one operator's change onto a flow text that changed since they started."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from ivr.definition.three_way import Conflict, carry

BASE = "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n"


def test_changes_to_different_lines_are_both_kept():
    mine = BASE.replace("b: 2", "b: two")
    theirs = BASE.replace("e: 5", "e: five").replace("a: 1\n", "")
    carried = carry(BASE, mine, theirs)
    assert carried.text == "b: two\nc: 3\nd: 4\ne: five\n"
    assert carried.conflicts == ()


def test_lines_added_at_the_end_by_me_follow_the_other_change():
    carried = carry(BASE, BASE + "f: 6\n", BASE.replace("c: 3", "c: three"))
    assert carried.text == "a: 1\nb: 2\nc: three\nd: 4\ne: 5\nf: 6\n"
    assert carried.conflicts == ()


def test_the_same_change_made_by_both_is_made_once():
    both = BASE.replace("c: 3", "c: three")
    assert carry(BASE, both, both).text == both
    assert carry(BASE, both, both).conflicts == ()


def test_different_changes_to_the_same_line_are_a_conflict_and_the_other_lines_are_kept_there():
    mine = BASE.replace("c: 3", "c: mine").replace("a: 1", "a: one")
    theirs = BASE.replace("c: 3", "c: theirs")
    carried = carry(BASE, mine, theirs)
    assert carried.text == "a: one\nb: 2\nc: theirs\nd: 4\ne: 5\n"
    assert carried.conflicts == (Conflict(3, ("c: 3\n",), ("c: mine\n",), ("c: theirs\n",)),)


lines = st.lists(st.sampled_from(["a\n", "b\n", "c\n", "d\n", "  x: 1\n", "\n"]), max_size=12).map("".join)


@given(lines, lines)
def test_when_only_one_side_changed_carrying_gives_that_side(base, other):
    assert carry(base, other, base).text == other
    assert carry(base, base, other).text == other
    assert carry(base, other, base).conflicts == carry(base, base, other).conflicts == ()


def test_changes_to_neighbouring_lines_are_both_kept():
    """A translator changes the Polish line, another operator the Romanian line under it."""
    base = "  pl-PL: Dzień dobry.\n  ro-RO: Bună ziua.\n"
    mine = "  pl-PL: Dzień dobry!\n  ro-RO: Bună ziua.\n"
    theirs = "  pl-PL: Dzień dobry.\n  ro-RO: Bună ziua!\n"
    assert carry(base, mine, theirs).text == "  pl-PL: Dzień dobry!\n  ro-RO: Bună ziua!\n"
    assert carry(base, mine, theirs).conflicts == ()
