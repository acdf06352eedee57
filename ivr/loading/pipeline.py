"""The one loading pipeline: file -> text -> positioned data -> document model -> checks ->
runtime flow.

``load_flow_file`` and ``load_flow_text`` never raise for anything an operator can write:
they return the runtime flow, or ``None`` with every problem found, each at its line and
column. Every flow the line takes goes through here: the watcher's and the console's in a
child process with limits (:mod:`ivr.loading.isolated` runs these same functions there),
the command line's and the tests' in the process itself.

``allowed`` is what the line's settings allow a flow beyond the checks
(:mod:`ivr.definition.allowed`: the hosts its recordings may come from, the numbers it may
dial): whoever loads a flow for the line passes it here, as the checks below read no
settings. Without it, only the line's own recordings/ play, and any number may be dialled.
"""

from __future__ import annotations

import gc
import hashlib
import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path as FsPath

from pydantic import ValidationError

from ivr.definition.allowed import UNSET, Allowed
from ivr.definition.formats import CURRENT_FORMAT, read_as_current
from ivr.definition.model import FlowDocument
from ivr.definition.problems import Problem, error, has_errors
from ivr.definition.shape import shape_problems
from ivr.definition.source import SourceDocument, parse_yaml
from ivr.inspect.context import Context
from ivr.inspect.rules import check_document, check_flow
from ivr.platform import in_letters
from ivr.runtime import flow as rt
from ivr.runtime.compile import compile_flow

#: Flow files larger than this are refused before parsing.
MAX_FILE_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class LoadResult:
    flow: rt.Flow | None
    problems: list[Problem] = field(default_factory=list)
    version: str = ""
    #: False when the file could not be read at all (missing, unreadable, not UTF-8).
    readable: bool = True
    #: The text that was checked (what a "last good copy" must save, not the file as it is now).
    text: str = field(default="", repr=False)
    #: The flow format the text is written in (:mod:`ivr.definition.formats`): an older one
    #: is read as the current one, and ``ivr check`` says how to upgrade the file.
    format: int = CURRENT_FORMAT

    @classmethod
    def refused(cls, message: str, fix: str = "", *, code: str) -> LoadResult:
        """A flow refused before it could be read as a flow at all (at line 1, column 1):
        missing, unreadable, too large, or too costly to check."""
        return cls(None, [error(1, 1, message, fix, code=code)], readable=False)

    @property
    def ok(self) -> bool:
        return self.flow is not None

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


def flow_version(text: str) -> str:
    """A short hash of the file's content: the same file is the same version everywhere.

    Written in letters only (like the call ids in the logs), so that the number filter on
    every log line never mistakes a version for a phone number. A text with half of a
    surrogate pair in it (which no file can hold, but a program can send) has a version
    too: the loader refuses it with the character's place, instead of failing here."""
    return in_letters(hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:10])


def _check_the_rest(
    exc: ValidationError | None, source: SourceDocument, base: FsPath | None, allowed: Allowed
) -> list[Problem]:
    """With some nodes or numbers wrong in shape, check all the others too, so that an
    operator sees every mistake in one run. Mistakes outside nodes and numbers (in
    'line:', or a missing section) leave too little to check."""
    broken: dict[str, set[str]] = {"nodes": set(), "numbers": set()}
    locations = [err["loc"] for err in exc.errors()] if exc is not None else []
    locations += list(source.empty)
    for loc in locations:
        if len(loc) < 2 or loc[0] not in broken:
            return []
        broken[str(loc[0])].add(str(loc[1]))
    data = dict(source.data)
    for section, names in broken.items():
        if isinstance(data.get(section), dict):
            data[section] = {k: v for k, v in data[section].items() if k not in names}
    try:
        document = FlowDocument.model_validate(data)
    except ValidationError:
        return []
    context = Context(document, source, base, frozenset(broken["nodes"]), frozenset(broken["numbers"]), allowed=allowed)
    return check_document(context)


def load_flow_text(text: str, base: FsPath | None = None, *, allowed: Allowed = UNSET) -> LoadResult:
    """Load flow text; ``base`` is the folder whose recordings/ its recordings are in, and
    ``allowed`` what the line's settings allow it (:mod:`ivr.definition.allowed`)."""
    with _no_cyclic_gc():
        result = _load(text, base, allowed)
    return LoadResult(result.flow, result.problems, result.version, result.readable, text, result.format)


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Loading makes hundreds of thousands of small objects and no cycles worth collecting:
    the cyclic collector would rescan them all again and again (a large flow loads several
    times faster without it). Reference counting still frees everything as usual."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load(text: str, base: FsPath | None, allowed: Allowed) -> LoadResult:
    version = flow_version(text)
    source, problems = parse_yaml(text)
    if source is None:
        return LoadResult(None, problems, version)
    if not isinstance(source.data, dict):
        return LoadResult(
            None,
            [error(1, 1, "a flow file is a mapping with 'line:', 'numbers:' and 'nodes:'", code="not-a-mapping")],
            version,
        )
    written_in, unreadable = read_as_current(source)
    if unreadable:  # a format this line does not know: nothing in it can be checked
        return LoadResult(None, unreadable, version, format=written_in)
    result = _checked(source, base, allowed, version)
    return LoadResult(result.flow, result.problems, version, format=written_in)


def _checked(source: SourceDocument, base: FsPath | None, allowed: Allowed, version: str) -> LoadResult:
    empty = source.empty_problems()
    try:
        document = FlowDocument.model_validate(source.data)
    except ValidationError as exc:
        return LoadResult(
            None,
            sorted(empty + shape_problems(exc, source) + _check_the_rest(exc, source, base, allowed)),
            version,
        )
    if empty:
        return LoadResult(None, sorted(empty + _check_the_rest(None, source, base, allowed)), version)
    context = Context(document, source, base, allowed=allowed)
    problems = check_document(context)
    if has_errors(problems):
        return LoadResult(None, sorted(problems), version)
    context.flow = compile_flow(document, version, base, context.reviews())
    problems += check_flow(context)
    return LoadResult(context.flow, sorted(problems), version)


def read_regular_file(path: FsPath, limit: int) -> bytes | None:
    """At most ``limit`` bytes of a regular file, or ``None`` for anything else.

    Opened without blocking, so a pipe (a FIFO saved over the flow file) cannot hang the
    reader, and checked with ``fstat`` on the open file, so what is read is what was checked.
    A 3 GB file, or /dev/zero, costs ``limit`` bytes of memory, not all of it.
    """
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        chunks = []
        left = limit
        while left > 0:
            chunk = os.read(descriptor, min(left, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(descriptor)


#: Most often a first run, in a folder with no flow yet: the package writes one.
_NEW_LINE_HINT = "check its name and folder; to start a new line, 'ivr init' writes the default flow here"


def load_flow_file(path: str | FsPath, *, allowed: Allowed = UNSET) -> LoadResult:
    """Read and load a flow file; a file that cannot be read is a problem, not an exception.
    ``allowed``: as for :func:`load_flow_text`."""
    path = FsPath(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES + 1)
        if raw is None:
            return LoadResult.refused(
                "this is not a regular file (a pipe, a device or a folder)",
                "save the flow as a plain text file",
                code="unreadable",
            )
        if len(raw) > MAX_FILE_BYTES:
            return too_large("file")
        text = raw.decode("utf-8")
    except FileNotFoundError:
        return LoadResult.refused("the file does not exist", _NEW_LINE_HINT, code="unreadable")
    except OSError as exc:
        return LoadResult.refused(f"the file cannot be read: {exc.strerror}", code="unreadable")
    except UnicodeDecodeError as exc:
        return LoadResult.refused(
            f"the file is not UTF-8 text (byte {exc.start})", "save it as UTF-8 in your editor", code="encoding"
        )
    return load_flow_text(text.removeprefix("\ufeff"), path.parent, allowed=allowed)


def is_too_large(text: str) -> bool:
    """Whether ``text`` is over :data:`MAX_FILE_BYTES` as a file: the same limit for a file
    on disk and for a text an operator sends."""
    return len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES


def too_large(what: str) -> LoadResult:
    """The refusal of a ``what`` ("file", "flow") over :data:`MAX_FILE_BYTES`."""
    return LoadResult.refused(f"the {what} is larger than {MAX_FILE_BYTES // 1024 // 1024} MB", code="too-big")
