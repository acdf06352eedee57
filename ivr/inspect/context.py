"""What every rule reads: one flow's document, where each value was written, and the
facts several rules need, each worked out once.

A rule never positions a problem itself: it names the path of the value to edit and the
context turns it into a line and column (see :meth:`Context.error`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from ivr.definition.allowed import UNSET, Allowed
from ivr.definition.audio import AudioError, audio_seconds
from ivr.definition.model import FlowDocument
from ivr.definition.phone import NumberError, PhoneNumber, parse_number
from ivr.definition.problems import Problem, did_you_mean, error, warning
from ivr.definition.reviews import LanguageReview, language_reviews
from ivr.definition.source import Path, SourceDocument
from ivr.runtime import flow as rt

#: How many names "did you mean" may compare in one check, all suggestions together.
MAX_SUGGESTIONS = 50_000


@dataclass
class Context:
    """One run of the checks over one flow.

    ``broken_nodes`` and ``broken_numbers`` were left out of ``document`` because they are
    already wrong in shape: references to them are not reported again, and reachability is
    not judged without them. ``base`` is the flow file's folder, where its recordings/ are
    (``None`` for a text with no file). ``allowed`` is what the line's settings allow
    beyond the checks (:mod:`ivr.definition.allowed`: recordings' hosts, numbers to dial),
    handed in by whoever loads the flow: this layer reads no settings. ``flow`` is the compiled flow, for the
    rules that measure what callers hear; it exists only once the document had no errors.
    """

    document: FlowDocument
    source: SourceDocument
    base: FsPath | None = None
    broken_nodes: frozenset[str] = frozenset()
    broken_numbers: frozenset[str] = frozenset()
    flow: rt.Flow | None = None
    allowed: Allowed = UNSET
    #: "Did you mean" compares a name with every other: worth it for the mistakes an
    #: operator reads, not for thousands of them in a generated or broken file (a budget
    #: of comparisons, so the same file always gets the same hints).
    suggestions_left: int = MAX_SUGGESTIONS
    _numbers: dict[str, PhoneNumber | NumberError] = field(default_factory=dict, init=False, repr=False)
    _recordings: dict[FsPath, float | str] = field(default_factory=dict, init=False, repr=False)
    _reviews: dict[str, LanguageReview] | None = field(default=None, init=False, repr=False)

    @property
    def languages(self) -> tuple[str, ...]:
        """The line's language codes: those it declares, else its one language."""
        line = self.document.line
        return tuple(line.languages) or (line.language,)

    def reviews(self) -> dict[str, LanguageReview]:
        """Each language's review state, worked out once per run (the lints, the text lints
        and the compiler all read it)."""
        if self._reviews is None:
            self._reviews = language_reviews(self.document)
        return self._reviews

    # -- problems ----------------------------------------------------------------------------
    def error(self, path: Path, message: str, hint: str = "", *, code: str, key: bool = False) -> Problem:
        """An error at the value written at ``path`` (at its key with ``key``), or the closest
        place above it that was written."""
        at = self.source.position(path, key=key)
        return error(at.line, at.column, message, hint, code=code)

    def warning(self, path: Path, message: str, hint: str = "", *, code: str, key: bool = False) -> Problem:
        at = self.source.position(path, key=key)
        return warning(at.line, at.column, message, hint, code=code)

    def error_in_text(self, path: Path, needle: str, occurrence: int, message: str, hint: str, *, code: str) -> Problem:
        """An error at the ``occurrence``-th ``needle`` inside the text at ``path``."""
        at = self.source.find_in_value(path, needle, occurrence) or self.source.position(path)
        return error(at.line, at.column, message, hint, code=code)

    def did_you_mean(self, word: str, choices: Iterable[str] | Callable[[], Iterable[str]]) -> str:
        """A close name, while the budget lasts; ``choices`` may be a function, called only then."""
        if self.suggestions_left <= 0:
            return ""
        names = [n for n in (choices() if callable(choices) else choices) if abs(len(n) - len(word)) <= 3]
        self.suggestions_left -= max(1, len(names))
        return did_you_mean(word, names)

    # -- facts shared by rules -----------------------------------------------------------------
    def parsed_number(self, name: str) -> PhoneNumber | NumberError:
        """The flow's number ``name`` parsed, or why it cannot be (parsed once per run)."""
        if name not in self._numbers:
            try:
                self._numbers[name] = parse_number(self.document.numbers[name].number)
            except NumberError as exc:
                self._numbers[name] = exc
        return self._numbers[name]

    def recording_seconds(self, play: str) -> float:
        """The length of a recording under the flow's folder, measured once per run however
        many texts play it; raise :class:`AudioError` if it is not one. Needs ``base``."""
        assert self.base is not None, "recordings are measured only for a flow read from a file"
        real = (self.base / play).resolve()
        if real not in self._recordings:
            try:
                self._recordings[real] = audio_seconds(self.base / play)
            except AudioError as exc:
                self._recordings[real] = str(exc)
        measured = self._recordings[real]
        if isinstance(measured, str):
            raise AudioError(measured)
        return measured
