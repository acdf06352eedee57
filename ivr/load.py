"""Loading a flow: text -> positioned data -> document model -> checks -> runtime flow.

``load_flow_text`` never raises for anything an operator can write: it returns the
runtime flow, or ``None`` with every problem found, each at its line and column.
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
from typing import Any

from pydantic import ValidationError

from ivr.definition.model import NODE_TYPES, FlowDocument, known_field_names
from ivr.definition.problems import Problem, did_you_mean, error, has_errors
from ivr.definition.source import Path, SourceDocument, parse_yaml
from ivr.inspect.checks import check_document
from ivr.inspect.lints import lint_flow
from ivr.inspect.listening import lint_listening
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
    every log line never mistakes a version for a phone number."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10].translate(_HEX_TO_LETTERS)


_HEX_TO_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def _data_path(loc: tuple[Any, ...], data: Any) -> Path:
    """Map a pydantic error location onto the document's data, dropping union/tag names."""
    path: list[str | int] = []
    current = data
    for part in loc:
        in_mapping = isinstance(current, dict) and part in current
        in_list = isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current)
        if in_mapping or in_list:
            path.append(part)
            current = current[part]
    return tuple(path)


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


_FIELDS = known_field_names()


def _shape_problems(exc: ValidationError, source: SourceDocument) -> list[Problem]:
    problems: dict[tuple[Path, str], Problem] = {}
    for err in exc.errors():
        kind = err["type"]
        value = err.get("input")
        # For "text or one text per language" and "name or {go: ...}" unions, keep the
        # complaint about the branch whose shape the operator actually wrote.
        if kind == "string_type" and isinstance(value, (dict, list)):
            continue
        if kind in ("dict_type", "model_type", "model_attributes_type") and isinstance(value, str):
            continue
        path = _data_path(err["loc"], source.data)
        where = ".".join(str(p) for p in path) or "the file"
        name = str(err["loc"][-1]) if err["loc"] else ""
        key = False
        hint = ""
        if kind == "extra_forbidden":
            message = f"unknown field {name!r}"
            hint = did_you_mean(name, _FIELDS) or "remove it, or check the spelling"
            key = True
        elif kind == "missing":
            message = f"{where} needs a {name!r} field"
            key = True
        elif value is None and kind.endswith("_type"):
            message = f"{where} is empty"
            hint = "write a value after the colon, or remove the line"
            key = True
        elif kind == "union_tag_not_found":
            message = f"node {path[-1]!r} needs a 'type:' ({', '.join(NODE_TYPES)})"
            key = True
        elif kind == "union_tag_invalid":
            tag = str(err.get("ctx", {}).get("tag", ""))
            message = f"{tag!r} is not a kind of node"
            hint = did_you_mean(tag, NODE_TYPES) or f"use one of: {', '.join(NODE_TYPES)}"
            path = path + ("type",)
        elif kind in ("int_parsing", "int_type", "int_from_float"):
            message = f"{where} must be a whole number, not {_describe(value)}"
        elif kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
            message = f"{where} is {value}: {err['msg'].lower()}"
        elif kind in ("string_type", "dict_type", "model_type", "model_attributes_type", "list_type"):
            wanted = {"string_type": "a text", "list_type": "a list", "dict_type": "a mapping of names to texts"}.get(
                kind, "a mapping of fields"
            )
            message = f"{where} must be {wanted}, not {_describe(value)}"
        elif kind == "literal_error":
            message = f"{where}: {err['msg']}"
        else:
            message = f"{where}: {err['msg']}"
        at = source.position(path, key=key)
        problems.setdefault((path, message), error(at.line, at.column, message, hint, code=kind))
    return sorted(problems.values())


def _check_the_rest(exc: ValidationError | None, source: SourceDocument, base: FsPath | None) -> list[Problem]:
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
    return check_document(document, source, broken["nodes"], broken["numbers"], base)


def _empty_problems(source: SourceDocument) -> list[Problem]:
    """A field written with nothing after it is a mistake even where it may be left out."""
    problems = []
    for path in source.empty:
        at = source.position(path, key=True)
        name = ".".join(str(p) for p in path)
        problems.append(
            error(
                at.line,
                at.column,
                f"{name} is empty",
                "write a value after the colon, or remove the line",
                code="empty-value",
            )
        )
    return problems


def load_flow_text(text: str, base: FsPath | None = None) -> LoadResult:
    """Load flow text; ``base`` is the folder whose recordings/ its recordings are in."""
    with _no_cyclic_gc():
        result = _load(text, base)
    return LoadResult(result.flow, _once_each(result.problems), result.version, result.readable, text)


def _once_each(problems: list[Problem]) -> list[Problem]:
    """Each thing wrong once: two checks that notice the same mistake (an empty value is
    both a shape error and an empty field) must not show an operator the same line twice."""
    seen: dict[tuple[int, int, str, str], Problem] = {}
    for problem in problems:
        seen.setdefault((problem.line, problem.column, problem.severity.value, problem.message), problem)
    return sorted(seen.values())


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


def _load(text: str, base: FsPath | None) -> LoadResult:
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
    empty = _empty_problems(source)
    try:
        document = FlowDocument.model_validate(source.data)
    except ValidationError as exc:
        shape = set(empty + _shape_problems(exc, source))
        return LoadResult(None, sorted(shape | set(_check_the_rest(exc, source, base))), version)
    if empty:
        return LoadResult(None, sorted(set(empty) | set(_check_the_rest(None, source, base))), version)
    problems = check_document(document, source, base=base)
    if has_errors(problems):
        return LoadResult(None, sorted(problems), version)
    flow = compile_flow(document, version)
    declared = {code: language.words_per_minute for code, language in document.line.languages.items()}
    problems += lint_flow(flow, source, base, declared)
    problems += lint_listening(flow, source)
    return LoadResult(flow, sorted(problems), version)


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


def load_flow_file(path: str | FsPath) -> LoadResult:
    """Read and load a flow file; a file that cannot be read is a problem, not an exception."""
    path = FsPath(path)
    try:
        raw = read_regular_file(path, MAX_FILE_BYTES + 1)
        if raw is None:
            return LoadResult(
                None,
                [
                    error(
                        1,
                        1,
                        "this is not a regular file (a pipe, a device or a folder)",
                        "save the flow as a plain text file",
                        code="unreadable",
                    )
                ],  # fmt: skip
                readable=False,
            )
        if len(raw) > MAX_FILE_BYTES:
            return LoadResult(
                None,
                [error(1, 1, f"the file is larger than {MAX_FILE_BYTES // 1024 // 1024} MB", code="too-big")],
                readable=False,
            )
        text = raw.decode("utf-8")
    except FileNotFoundError:
        return LoadResult(None, [error(1, 1, "the file does not exist", code="unreadable")], readable=False)
    except OSError as exc:
        return LoadResult(
            None, [error(1, 1, f"the file cannot be read: {exc.strerror}", code="unreadable")], readable=False
        )
    except UnicodeDecodeError as exc:
        return LoadResult(
            None,
            [
                error(
                    1,
                    1,
                    f"the file is not UTF-8 text (byte {exc.start})",
                    "save it as UTF-8 in your editor",
                    code="encoding",
                )
            ],
            readable=False,
        )
    return load_flow_text(text.removeprefix("\ufeff"), path.parent)
