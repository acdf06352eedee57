"""Loading a changed flow file in a child process, with a time and a memory limit.

A worker that serves calls must never be the process that chokes on a file: a parser bug
that crashes, a file that takes minutes or eats gigabytes. The worker's background
watcher asks a fresh Python process to load the file; that process limits its own
memory, is killed when it runs out of time, and hands back the checked result (pickled:
it is the line's own code talking to itself). A crash, a time-out or running out of
memory is just a refusal, reported like any other problem with the file.

    python -m ivr.serve.isolated_load FILE        (what the watcher runs, through run_child)
    python -m ivr.serve.isolated_load - FOLDER    (a draft's text on stdin, media in FOLDER)

An operator's draft typed in the console is checked the same way (:func:`check_text_isolated`),
and the console compares texts the same way (:func:`run_child`, :mod:`ivr.console.comparing`).
Every child runs at a lower CPU priority than the process that asked (:data:`NICENESS`), with
its memory limit set before it imports anything: on a machine shared with callers, a check
takes only the CPU that the calls leave.
"""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

from ivr.definition.problems import error
from ivr.load import MAX_FILE_BYTES, LoadResult, load_flow_file, load_flow_text

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


class ChildFailed(Exception):
    """A child process that gave no answer: the message says why, in an operator's words."""


def load_isolated(path: Path, time_limit: float | None = None, memory_limit: int | None = None) -> LoadResult:
    """The same result as :func:`ivr.load.load_flow_file`, computed in a child process
    (limits: :data:`TIME_LIMIT_SECONDS` and :data:`MEMORY_LIMIT_BYTES` unless given)."""
    return _load(["ivr.serve.isolated_load", str(path)], None, time_limit, memory_limit)


def check_text_isolated(
    text: str, media_folder: Path, time_limit: float | None = None, memory_limit: int | None = None
) -> LoadResult:
    """The same result as :func:`ivr.load.load_flow_text` for ``text`` (media paths relative
    to ``media_folder``), computed in a child process with the same limits as a file."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return _refusal(f"the flow is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    return _load(["ivr.serve.isolated_load", "-", str(media_folder)], text.encode("utf-8"), time_limit, memory_limit)


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
        if b"MemoryError" in done.stderr:
            raise ChildFailed("ran out of memory")
        if done.returncode < 0:
            raise ChildFailed(f"crashed (signal {-done.returncode})")
        raise ChildFailed(f"stopped with exit status {done.returncode}")
    try:
        return pickle.loads(done.stdout)  # noqa: S301 (our own child process's answer)
    except Exception:
        raise ChildFailed("gave an answer that could not be read") from None


def _refusal(why: str) -> LoadResult:
    return LoadResult(
        None,
        [error(1, 1, why, "check the file with 'ivr check'; a flow needs a few hundred KB at most", code="too-costly")],
        readable=False,
    )


def main(argv: list[str]) -> int:
    """The child's side (started by :func:`run_child`, which has set its limits)."""
    if argv[0] == "-":
        result = load_flow_text(sys.stdin.buffer.read().decode("utf-8", errors="replace"), Path(argv[1]))
    else:
        result = load_flow_file(Path(argv[0]))
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
