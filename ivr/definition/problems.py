"""Problems found in a flow file, as data.

Detection and rendering are kept apart (as yamllint does): the loader and the
checks produce :class:`Problem` values; the CLI, the logs and the console
decide how to show them.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a flow, pointing at the place an operator must edit.

    ``line`` and ``column`` are 1-based, like every editor shows them.
    """

    line: int
    column: int
    severity: Severity
    message: str
    hint: str = ""
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, filename: str) -> str:
        """The compiler convention editors understand: ``file:line:col: error: message``."""
        text = f"{filename}:{self.line}:{self.column}: {self.severity.value}: {self.message}"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


def error(line: int, column: int, message: str, hint: str = "", code: str = "") -> Problem:
    return Problem(line, column, Severity.ERROR, message, hint, code)


def warning(line: int, column: int, message: str, hint: str = "", code: str = "") -> Problem:
    return Problem(line, column, Severity.WARNING, message, hint, code)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known name, or an empty string when none is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else ""


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
