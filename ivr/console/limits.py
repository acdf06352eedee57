"""How much of a server the console's heavy steps may take, so that callers never notice them.

Checking a draft and comparing it with the live flow cost whole seconds of CPU for a large
text. The line's callers are served by workers of their own (Procfile: the console is a
second gunicorn master), but both share the machine's cores. So every heavy step is bounded:

* **by size**: a draft larger than :data:`ivr.publishing.drafts.MAX_DRAFT_BYTES` is refused (413)
  before anything reads it;
* **per operator**: one heavy step at a time; a second one while the first runs is refused
  at once (429), so one browser cannot queue sixteen;
* **per server**: at most ``slots`` heavy steps at once across all the console's workers on
  this machine. A step waits up to ``wait_seconds`` for a free slot, then is refused (429)
  with a time to try again. The slots are lock files in ``folder``: the kernel frees a
  slot when the process holding it dies, so a killed worker never leaks one;
* **in time and memory**: the step itself runs in a child process at a lower CPU priority
  (:mod:`ivr.loading.isolated`), killed when it takes longer than its time limit, and
  the operator is told.

Every refusal says what happened and what to do, in the operator's words.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

#: How often a step waiting for a slot looks again.
POLL_SECONDS = 0.05


class ConsoleBusy(Exception):
    """A heavy step refused for now: HTTP 429, with ``retry_after`` seconds to wait."""

    status = 429

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class StepLimits:
    """The console's limits on one server; ``folder`` is shared by its workers (one per
    line: two lines on one machine each have their own)."""

    folder: Path
    slots: int = 1
    wait_seconds: float = 5.0

    @classmethod
    def for_flow_file(cls, flow_file: str | os.PathLike[str], slots: int, wait_seconds: float) -> StepLimits:
        """Limits shared by every console worker serving ``flow_file`` on this machine."""
        key = hashlib.sha256(str(Path(flow_file).resolve()).encode()).hexdigest()[:16]
        return cls(Path(tempfile.gettempdir()) / f"ivr-console-{key}", slots, wait_seconds)

    @contextmanager
    def step(self, operator: str) -> Iterator[None]:
        """Hold ``operator``'s turn and a server slot while the block runs, or raise
        :class:`ConsoleBusy`."""
        with self.operator_turn(operator), self.server_slot():
            yield

    @contextmanager
    def operator_turn(self, operator: str) -> Iterator[None]:
        """``operator``'s one heavy request at a time, or :class:`ConsoleBusy` at once. The
        console takes it before reading the request's body, so a refusal costs nothing."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        own = hashlib.sha256(operator.encode()).hexdigest()[:16]
        with _held(self.folder / f"operator-{own}.lock") as mine:
            if not mine:
                raise ConsoleBusy(
                    "Your last check or comparison is still running. Wait for it to finish, then try again.", 2
                )
            yield

    @contextmanager
    def server_slot(self) -> Iterator[None]:
        """One of the server's slots for the block, waiting up to ``wait_seconds`` for one,
        or :class:`ConsoleBusy`."""
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        with self._slot() as slot:
            if not slot:
                raise ConsoleBusy(
                    "The console is busy checking other operators' drafts. Your text is kept: "
                    "try again in a few seconds.",
                    5,
                )
            yield

    @contextmanager
    def _slot(self) -> Iterator[bool]:
        deadline = time.monotonic() + self.wait_seconds
        while True:
            for number in range(self.slots):
                with _held(self.folder / f"slot-{number}.lock") as free:
                    if free:
                        yield True
                        return
            if time.monotonic() >= deadline:
                yield False
                return
            time.sleep(POLL_SECONDS)


@contextmanager
def _held(path: Path) -> Iterator[bool]:
    """An exclusive lock on ``path`` if nobody holds it now (True), else False at once.
    Each call opens the file anew, so two threads of one process exclude each other too."""
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            yield False
            return
        yield True
    finally:
        os.close(descriptor)  # closing releases the lock
