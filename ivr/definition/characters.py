"""Characters no text of a flow may hold: invisible control characters and non-characters.

Every word the line says goes to Twilio inside TwiML, which is XML 1.0, and XML 1.0
forbids NUL, U+0001 to U+0008, U+000B, U+000C, U+000E to U+001F, the surrogates U+D800
to U+DFFF, U+FFFE and U+FFFF. One of them in one text makes every document that says the
text unreadable to Twilio: the caller goes to the fallback, or is cut off. Nobody can see
these characters in an editor; they arrive pasted from another program, or typed as an
escape in a double-quoted text.

YAML already refuses most of them written as they are (and a few more: DEL and the C1
controls, U+007F to U+009F), but only at the first, and without saying what to do; and it
makes them itself from escapes in double-quoted texts (``"\\x07"``, ``"\\0"``,
``"\\uFFFE"``). Both are found here, each at the place an operator must edit, whatever the
text is for: every scalar of the file is checked, so no text can reach a caller with one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from ivr.definition.lines import line_and_column
from ivr.definition.problems import Problem, error

CODE = "control-character"

#: What XML 1.0 forbids (its production ``Char``): no TwiML may hold these.
NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: What YAML cannot read written as it is (YAML 1.1's printable characters): everything XML
#: forbids, and DEL and the C1 control characters, which XML allows but no text needs.
NOT_IN_YAML = re.compile("[^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: At most this many are reported one by one (a file full of them is one mistake, not thousands).
MAX_REPORTED = 20

#: One escape of a double-quoted YAML text: the hexadecimal ones, or a backslash and one character.
_ESCAPE = re.compile(r"\\(x[0-9A-Fa-f]{2}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)", re.DOTALL)
#: The one-letter escapes that make a character XML forbids.
_LETTER_ESCAPES = {"0": "\x00", "a": "\x07", "b": "\x08", "v": "\x0b", "f": "\x0c", "e": "\x1b"}


def describe(character: str) -> str:
    """The character as an operator can look it up: its code point, and what kind it is."""
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "half of a surrogate pair"
    elif code in (0xFFFE, 0xFFFF):
        kind = "a non-character"
    else:
        kind = "a control character"
    return f"U+{code:04X} ({kind})"


def written_problems(text: str) -> list[Problem]:
    """Every character YAML cannot read, at its line and column (1-based), as written."""
    return [
        error(*line_and_column(text, match.start()),
              f"{describe(match.group())} is written here: an invisible character no flow may hold",
              "delete it; most editors do not show it, so if the words around it were pasted from "
              "another program, retype them", code="control-character")
        for match in NOT_IN_YAML.finditer(text)
    ]  # fmt: skip


def blanked(text: str) -> str:
    """The text with every character YAML cannot read made a space: the same lines and
    columns, so the rest of the file can still be read and checked in the same run."""
    return NOT_IN_YAML.sub(" ", text)


def escaped_problems(text: str, start: int, end: int, value: str) -> list[Problem]:
    """The escapes in ``text[start:end]`` (one scalar as written) that make a character
    XML forbids in its ``value``, each at its backslash; or, if the character was not made
    by an escape, one problem at the scalar's start."""
    found = NOT_IN_XML.search(value)
    if found is None:
        return []
    by_escapes = [
        error(*line_and_column(text, start + offset),
              f'"{written}" makes {describe(character)}, which TwiML cannot carry',
              "delete it: every call that reached this text would break (Twilio could not read the "
              "line's answer)", code="control-character")
        for offset, written, character in _escapes(text[start:end])
        if NOT_IN_XML.fullmatch(character)
    ]  # fmt: skip
    return by_escapes or [
        error(*line_and_column(text, start), f"this text holds {describe(found.group())}, which TwiML cannot carry",
              "retype the text without it: every call that reached this text would break", code="control-character")
    ]  # fmt: skip


def capped(problems: list[Problem]) -> list[Problem]:
    """The first :data:`MAX_REPORTED` of these problems (sorted) one by one, and the rest of
    this code as one; problems of other codes are all kept."""
    ours = sorted(p for p in problems if p.code == CODE)
    if len(ours) <= MAX_REPORTED:
        return sorted(problems)
    first_left_out = ours[MAX_REPORTED]
    rest = error(
        first_left_out.line,
        first_left_out.column,
        f"{len(ours) - MAX_REPORTED} more characters like these from here on",
        "a file full of them is not text: open it in a text editor, or copy its words into a new file",
        code="control-character",
    )
    return sorted([p for p in problems if p.code != CODE] + ours[:MAX_REPORTED] + [rest])


def _escapes(written: str) -> Iterator[tuple[int, str, str]]:
    """Each escape of a double-quoted scalar as written: its offset, its text, the character it makes."""
    for match in _ESCAPE.finditer(written):
        code = match.group(1)
        if len(code) > 1:
            number = int(code[1:], 16)
            character = chr(number) if number <= 0x10FFFF else ""
        else:
            character = _LETTER_ESCAPES.get(code, "")
        yield match.start(), match.group(), character
