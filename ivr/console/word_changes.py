"""Which words of a sentence change: the before with the removed words marked, the after
with the added ones, so that a reviewer reads two long paragraphs side by side and sees
at once the word that differs instead of comparing them by eye.

Words are compared whole, each with its punctuation ("helpline." and "helpline" differ),
as :class:`difflib.SequenceMatcher` finds the longest runs that stay the same. Letters
within a word are not compared: a changed ending in Polish or Arabic reads better as the
whole word before and after than as a scatter of marked letters.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

#: A word with its punctuation, and the spaces after it.
_WORD = re.compile(r"\S+\s*")


@dataclass(frozen=True)
class Marked:
    kind: str  # "same", "removed" (only in the before) or "added" (only in the after)
    text: str


def marked_words(before: str, after: str) -> tuple[tuple[Marked, ...], tuple[Marked, ...]]:
    """``before`` with its removed words marked, and ``after`` with its added words marked;
    the spaces between words are never marked, and each side joined gives its text back
    (but for spaces before the first word)."""
    old, new = _WORD.findall(before), _WORD.findall(after)
    old_words, new_words = [w.rstrip() for w in old], [w.rstrip() for w in new]
    was: list[Marked] = []
    now: list[Marked] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old_words, new_words, autojunk=False).get_opcodes():
        if tag == "equal":
            _add(was, "same", "".join(old[i1:i2]))
            _add(now, "same", "".join(new[j1:j2]))
            continue
        _add(was, "removed", "".join(old[i1:i2]))
        _add(now, "added", "".join(new[j1:j2]))
    return tuple(was), tuple(now)


def _add(marks: list[Marked], kind: str, text: str) -> None:
    """Add a run of words; its trailing spaces stay unmarked, and runs of a kind join."""
    if not text:
        return
    words = text.rstrip()
    for piece_kind, piece in ((kind, words), ("same", text[len(words) :])):
        if not piece:
            continue
        if marks and marks[-1].kind == piece_kind:
            marks[-1] = Marked(piece_kind, marks[-1].text + piece)
        else:
            marks.append(Marked(piece_kind, piece))
