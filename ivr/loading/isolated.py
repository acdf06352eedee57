"""The loading pipeline (:mod:`ivr.loading.pipeline`, its very functions) run in a child
process, with a time and a memory limit.

A worker that serves calls must never be the process that chokes on a file: a parser bug
that crashes, a file that takes minutes or eats gigabytes. The worker's background
watcher asks a fresh Python process to load the file; that process limits its own
memory, is killed when it runs out of time, and hands back the checked result (pickled:
it is the line's own code talking to itself). A crash, a time-out or running out of
memory is just a refusal, reported like any other problem with the file.

    python -m ivr.loading.isolated [--allowed JSON] -- FILE      (what the watcher runs)
    python -m ivr.loading.isolated [--allowed JSON] -- - FOLDER  (a draft's text on stdin)

Both through :func:`run_child`, which sets the child's priority and memory limit. The child
reads no settings: what the line's settings allow a flow (recordings' hosts, numbers to
dial: :mod:`ivr.definition.allowed`) comes on its command line, from the worker's settings.

An operator's draft typed in the console is checked the same way (:func:`check_text_isolated`),
and the console compares texts the same way (:func:`run_child`, :mod:`ivr.console.comparing`).
Every child runs at a lower CPU priority than the process that asked (:data:`NICENESS`), with
its memory limit set before it imports anything: on a machine shared with callers, a check
takes only the CPU that the calls leave.
"""

from __future__ import annotations

import argparse
import pickle
import subprocess
import sys
from pathlib import Path

from ivr.definition.allowed import UNSET, Allowed
from ivr.loading.pipeline import LoadResult, is_too_large, load_flow_file, load_flow_text, too_large

TIME_LIMIT_SECONDS = 30.0
MEMORY_LIMIT_BYTES = 2 * 1024**3
#: How much lower a child's CPU priority is than its parent's (``nice``).
NICENESS = 10
#: Run in the child before anything is imported: its priority and memory limit, then the module.
_CHILD_START = (
    "import os, resource, runpy, sys; "
    "os.nice(int(sys.argv[1])); "
    "memory = int(sys.argv[2]); resource.setrlimit(resource.RLIMIT_AS, (memory, memory)); "
    "sys.argv = sys.argv[3:]; runpy.run_module(sys.argv[0], run_name='__main__', alter_sys=True)"
)


#: What a child under its memory limit writes when it runs out: Python's own error, or the
#: loader's when a library cannot even be mapped into what is left.
_OUT_OF_MEMORY = (b"MemoryError", b"failed to map segment from shared object", b"Cannot allocate memory")


class ChildFailed(Exception):
    """A child process that gave no answer: the message says why, in an operator's words."""


def load_isolated(
    path: Path,
    time_limit: float | None = None,
    memory_limit: int | None = None,
    *,
    allowed: Allowed = UNSET,
) -> LoadResult:
    """The same result as :func:`ivr.loading.pipeline.load_flow_file`, computed in a child process
    (limits: :data:`TIME_LIMIT_SECONDS` and :data:`MEMORY_LIMIT_BYTES` unless given)."""
    return _load([*_child(allowed), str(path)], None, time_limit, memory_limit)


def check_text_isolated(
    text: str,
    media_folder: Path,
    time_limit: float | None = None,
    memory_limit: int | None = None,
    *,
    allowed: Allowed = UNSET,
) -> LoadResult:
    """The same result as :func:`ivr.loading.pipeline.load_flow_text` for ``text`` (media paths relative
    to ``media_folder``), computed in a child process with the same limits as a file."""
    if is_too_large(text):  # refused here, as the child would: no process started for it
        return too_large("flow")
    command = [*_child(allowed), "-", str(media_folder)]
    return _load(command, text.encode("utf-8"), time_limit, memory_limit)


def _child(allowed: Allowed) -> list[str]:
    """The child's module and options, up to its positional arguments (after ``--``: a file
    name that starts with - is still a file name)."""
    return ["ivr.loading.isolated", "--allowed", allowed.to_argument(), "--"]


def _load(command: list[str], given: bytes | None, time_limit: float | None, memory_limit: int | None) -> LoadResult:
    limit = time_limit or TIME_LIMIT_SECONDS
    try:
        result = run_child(command, given, limit, memory_limit or MEMORY_LIMIT_BYTES)
    except ChildFailed as exc:
        return _refusal(f"checking the file {exc}")
    if not isinstance(result, LoadResult):
        return _refusal("checking the file gave an answer that could not be read")
    return result


def run_child(command: list[str], given: bytes | None, time_limit: float, memory_limit: int) -> object:
    """``python -m command[0] command[1:]`` in a child process at a lower priority, with
    ``given`` on its standard input; what it wrote (pickled) to its standard output. Raises
    :class:`ChildFailed` when it took longer than ``time_limit`` seconds (it is killed), ran
    out of memory, crashed or answered nothing readable."""
    argv = [sys.executable, "-c", _CHILD_START, str(NICENESS), str(memory_limit), *command]
    try:
        done = subprocess.run(argv, input=given, capture_output=True, timeout=time_limit, check=False)
    except subprocess.TimeoutExpired:
        raise ChildFailed(f"took longer than {time_limit:.0f} s, so it was stopped") from None
    except OSError as exc:
        raise ChildFailed(f"could not be started ({exc.strerror})") from None
    if done.returncode != 0:
        if any(sign in done.stderr for sign in _OUT_OF_MEMORY):
            raise ChildFailed("ran out of memory")
        if done.returncode < 0:
            raise ChildFailed(f"crashed (signal {-done.returncode})")
        raise ChildFailed(f"stopped with exit status {done.returncode}")
    try:
        return pickle.loads(done.stdout)  # noqa: S301 (our own child process's answer)
    except Exception:
        raise ChildFailed("gave an answer that could not be read") from None


def _refusal(why: str) -> LoadResult:
    fix = "check the file with 'ivr check'; a flow needs a few hundred KB at most"
    return LoadResult.refused(why, fix, code="too-costly")


def main(argv: list[str]) -> int:
    """The child's side (started by :func:`run_child`, which has set its limits)."""
    parser = argparse.ArgumentParser(prog="python -m ivr.loading.isolated")
    parser.add_argument("file", help="the flow file, or - for a text on stdin")
    parser.add_argument("folder", nargs="?", type=Path, help="with -: the folder whose recordings/ it plays")
    parser.add_argument("--allowed", default="", help="what the line's settings allow (Allowed.to_argument)")
    given = parser.parse_args(argv)
    allowed = Allowed.from_argument(given.allowed)
    if given.file == "-":
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        result = load_flow_text(text, given.folder, allowed=allowed)
    else:
        result = load_flow_file(Path(given.file), allowed=allowed)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
