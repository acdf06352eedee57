"""Reading a flow file for the translators' commands, and writing it back safely.

Translators' commands work on a flow that is not finished yet (a new English text with no
Polish one is an error ``ivr check`` reports, and exactly what a translator fills in), so
they need the flow's format to be right, not every check to pass.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path as FsPath

from pydantic import ValidationError

from ivr.definition.formats import read_as_current
from ivr.definition.model import FlowDocument
from ivr.definition.reviews import Translatable
from ivr.definition.source import Position, SourceDocument, parse_yaml

BOM = "\ufeff"


class FlowNotReadable(ValueError):
    """The flow cannot be used by these commands; the message says what to do."""


def parse_document(text: str, name: str = "the flow file") -> tuple[SourceDocument, FlowDocument]:
    """The flow text's positioned data and its document model."""
    source, problems = parse_yaml(text.removeprefix(BOM))
    if source is None or not isinstance(source.data, dict):
        raise FlowNotReadable(f"{name} is not a flow file YAML can read: run 'ivr check {name}'")
    # The document is read as the line reads it (an older format as the current one); the
    # source keeps the data as written, which edits of the text are compared with.
    as_read = dataclasses.replace(source)
    _, unreadable_format = read_as_current(as_read)
    if unreadable_format:
        raise FlowNotReadable(f"{name}: {unreadable_format[0].message}; {unreadable_format[0].hint}")
    try:
        return source, FlowDocument.model_validate(as_read.data)
    except ValidationError:
        raise FlowNotReadable(f"{name} has errors in its format: run 'ivr check {name}' and fix them first") from None


def written_at(source: SourceDocument, item: Translatable) -> Position:
    """Where a text is written in the file: translators' files and ``reviews:`` list texts
    in this order, the order an operator reads the flow."""
    return source.position(item.path[:-1])


def read_text(path: FsPath) -> str:
    """The file's text as written (its line endings kept)."""
    try:
        with open(path, encoding="utf-8", newline="") as file:
            return file.read()
    except FileNotFoundError:
        raise FlowNotReadable(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowNotReadable(f"{path} cannot be read: {exc}") from None


def write_atomically(path: FsPath, text: str, expected: str) -> None:
    """Replace the file with ``text`` in one step: readers (the running line reloads the
    flow when it changes) see the old file or the new one, never half of one. Refuses if
    the file is no longer ``expected``: someone saved it meanwhile."""
    if read_text(path) != expected:
        raise FlowNotReadable(f"{path} changed while this command ran: nothing was written; run it again")
    mode = os.stat(path).st_mode & 0o7777
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
