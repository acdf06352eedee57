"""What a text changes against the live flow, worked out in a child process with limits.

Comparing two flows means diffing their texts, rendering every text in every language of
both and marking the words that change (:func:`ivr.console.draft_flows.heard_changes`): for
a large draft that is seconds of CPU and, shown whole, tens of megabytes of HTML. So the
comparison runs like a check: in a child process at a lower priority, killed after its time limit
(:func:`ivr.loading.isolated.run_child`), under the console's per-operator and
per-server limits (:mod:`ivr.console.limits`); and what it hands back is capped at
:data:`SHOWN_LINES` changed lines and :data:`SHOWN_PLACES` places, with the number left out.

    python -m ivr.console.comparing FOLDER [ALLOWED]    (pickled (before, after) texts on stdin)
"""

from __future__ import annotations

import pickle
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from ivr.console.draft_flows import DiffLine, HeardLanguage, heard_changes, text_diff
from ivr.definition.allowed import UNSET, Allowed
from ivr.loading import ChildFailed, load_flow_text, run_child
from ivr.runtime.twiml import Renderer
from ivr.serve.store import LiveFlow

#: At most this many lines of the text's diff are shown (the rest are counted).
SHOWN_LINES = 1_000
#: At most this many places where callers would hear something else, over all languages.
SHOWN_PLACES = 200
#: A comparison's own memory limit (the child's address space).
MEMORY_LIMIT_BYTES = 1024**3


@dataclass(frozen=True)
class Comparison:
    lines: list[DiffLine] = field(default_factory=list)
    lines_left_out: int = 0
    #: Per language, the places that change; None when the text has errors (nothing to render).
    heard: list[HeardLanguage] | None = None
    heard_cut: bool = False  # more places change than were shown
    #: Why nothing could be compared ("" when it could).
    failed: str = ""


def compare_isolated(
    before: str, after: str, media_folder: Path, time_limit: float, allowed: Allowed = UNSET
) -> Comparison:
    """:func:`compare` of the two texts, in a child process; a comparison that fails or
    takes too long says so instead of raising."""
    given = pickle.dumps((before, after), protocol=pickle.HIGHEST_PROTOCOL)
    command = ["ivr.console.comparing", str(media_folder), allowed.to_argument()]
    try:
        result = run_child(command, given, time_limit, MEMORY_LIMIT_BYTES)
    except ChildFailed as exc:
        return Comparison(failed=f"Comparing the texts {exc}.")
    if not isinstance(result, Comparison):
        return Comparison(failed="Comparing the texts gave an answer that could not be read.")
    return result


def compare(before: str, after: str, media_folder: Path, allowed: Allowed = UNSET) -> Comparison:
    """The capped diff of ``after`` against ``before``, and what callers would hear differently."""
    every_line = text_diff(before, after)
    changed = [d for d in every_line if d.kind in ("added", "removed")]
    left_out = max(0, len(changed) - SHOWN_LINES)
    lines = every_line
    if left_out:
        last = changed[SHOWN_LINES - 1]
        lines = every_line[: every_line.index(last) + 1]
    was, now = _served(before, media_folder, allowed), _served(after, media_folder, allowed)
    if now is None:
        return Comparison(lines, left_out)
    heard = heard_changes(was, now, limit=SHOWN_PLACES)
    shown = sum(len(language.changes) for language in heard)
    return Comparison(lines, left_out, heard, heard_cut=shown >= SHOWN_PLACES)


def _served(text: str, media_folder: Path, allowed: Allowed) -> LiveFlow | None:
    result = load_flow_text(text, media_folder, allowed=allowed)
    if result.flow is None or result.errors:
        return None
    return LiveFlow(result.flow, Renderer(result.flow), "compared", time.time(), text)


def main(argv: list[str]) -> int:
    # Run as a script this module is __main__: its classes are pickled by their real name,
    # which the parent can import.
    from ivr.console.comparing import compare as compare_here

    before, after = pickle.loads(sys.stdin.buffer.read())  # noqa: S301 (our own parent's texts)
    allowed = Allowed.from_argument(argv[1] if len(argv) > 1 else "")
    comparison = compare_here(before, after, Path(argv[0]), allowed)
    sys.stdout.buffer.write(pickle.dumps(comparison, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
