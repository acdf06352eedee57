"""Loading a changed flow file in a child process, with a time and a memory limit.

A worker that serves calls must never be the process that chokes on a file: a parser bug
that crashes, a file that takes minutes or eats gigabytes. The worker's background
watcher asks a fresh Python process to load the file; that process limits its own
memory, is killed when it runs out of time, and hands back the checked result (pickled:
it is the line's own code talking to itself). A crash, a time-out or running out of
memory is just a refusal, reported like any other problem with the file.

    python -m ivr.serve.isolated_load FILE MEMORY_BYTES         (what the watcher runs)
    python -m ivr.serve.isolated_load - MEMORY_BYTES FOLDER     (a draft's text on stdin, media in FOLDER)
    python -m ivr.serve.isolated_load --media-hosts HOST,HOST -- ...   (IVR_MEDIA_HOSTS, when set)

The child reads no settings: the hosts whose recordings the flow may play come on its
command line, from the worker's own settings.

An operator's draft typed in the console is checked the same way (:func:`check_text_isolated`):
the console's requests are served by the same workers as the calls.
"""

from __future__ import annotations

import argparse
import pickle
import resource
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from ivr.definition.problems import error
from ivr.load import MAX_FILE_BYTES, LoadResult, load_flow_file, load_flow_text

TIME_LIMIT_SECONDS = 30.0
MEMORY_LIMIT_BYTES = 2 * 1024**3


def load_isolated(
    path: Path,
    time_limit: float | None = None,
    memory_limit: int | None = None,
    *,
    media_hosts: Iterable[str] = (),
) -> LoadResult:
    """The same result as :func:`ivr.load.load_flow_file`, computed in a child process
    (limits: :data:`TIME_LIMIT_SECONDS` and :data:`MEMORY_LIMIT_BYTES` unless given)."""
    time_limit = time_limit or TIME_LIMIT_SECONDS
    memory_limit = memory_limit or MEMORY_LIMIT_BYTES
    command = [*_child(media_hosts), str(path), str(memory_limit)]
    return _run(command, None, time_limit)


def check_text_isolated(
    text: str,
    media_folder: Path,
    time_limit: float | None = None,
    memory_limit: int | None = None,
    *,
    media_hosts: Iterable[str] = (),
) -> LoadResult:
    """The same result as :func:`ivr.load.load_flow_text` for ``text`` (media paths relative
    to ``media_folder``), computed in a child process with the same limits as a file."""
    if len(text.encode("utf-8")) > MAX_FILE_BYTES:
        return _refusal(f"the flow is larger than {MAX_FILE_BYTES // 1024 // 1024} MB")
    memory_limit = memory_limit or MEMORY_LIMIT_BYTES
    command = [*_child(media_hosts), "-", str(memory_limit), str(media_folder)]
    return _run(command, text.encode("utf-8"), time_limit or TIME_LIMIT_SECONDS)


def _child(media_hosts: Iterable[str]) -> list[str]:
    """The child's command up to its positional arguments (after ``--``: a file name that
    starts with - is still a file name)."""
    hosts = ",".join(media_hosts)
    return [sys.executable, "-m", "ivr.serve.isolated_load", *(["--media-hosts", hosts] if hosts else []), "--"]


def _run(command: list[str], given: bytes | None, time_limit: float) -> LoadResult:
    try:
        done = subprocess.run(command, input=given, capture_output=True, timeout=time_limit, check=False)
    except subprocess.TimeoutExpired:
        return _refusal(f"checking the file took longer than {time_limit:.0f} s")
    except OSError as exc:
        return _refusal(f"the checker could not be started ({exc.strerror})")
    if done.returncode != 0:
        if done.returncode < 0 or b"MemoryError" in done.stderr:
            reason = "ran out of memory" if b"MemoryError" in done.stderr else f"crashed (signal {-done.returncode})"
            return _refusal(f"checking the file {reason}")
        return _refusal(f"the checker stopped with exit status {done.returncode}")
    try:
        result = pickle.loads(done.stdout)  # noqa: S301 (our own child process's answer)
    except Exception:
        return _refusal("the checker's answer could not be read")
    if not isinstance(result, LoadResult):
        return _refusal("the checker's answer could not be read")
    return result


def _refusal(why: str) -> LoadResult:
    return LoadResult(
        None,
        [error(1, 1, why, "check the file with 'ivr check'; a flow needs a few hundred KB at most", code="too-costly")],
        readable=False,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m ivr.serve.isolated_load")
    parser.add_argument("file", help="the flow file, or - for a text on stdin")
    parser.add_argument("memory", type=int, help="the memory limit in bytes")
    parser.add_argument("folder", nargs="?", type=Path, help="with -: the folder whose recordings/ it plays")
    parser.add_argument("--media-hosts", default="", help="hosts its https recordings may come from, by commas")
    given = parser.parse_args(argv)
    resource.setrlimit(resource.RLIMIT_AS, (given.memory, given.memory))
    hosts = [h for h in given.media_hosts.split(",") if h]
    if given.file == "-":
        text = sys.stdin.buffer.read().decode("utf-8", errors="replace")
        result = load_flow_text(text, given.folder, media_hosts=hosts)
    else:
        result = load_flow_file(Path(given.file), media_hosts=hosts)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
