"""The flow the line is serving, and the rule that only a checked flow goes live.

Each worker process holds its own :class:`FlowStore`. It looks at the flow file at most
every ``reload_seconds`` (on the request path: no thread, nothing shared between
workers) and takes a changed file only when it passes every check. A file that is
being written (changed in the last moment), empty, deleted, or wrong in any way is
refused, logged once with its problems, and the last good flow keeps serving. With no
good flow at all, the built-in safe flow connects every caller to the helpline.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from . import flow as rt
from .loader import LoadResult, load_flow_file, load_flow_text
from .twiml import Renderer

log = logging.getLogger("ivr.flow")

#: A file changed more recently than this may still be being written: wait for it to settle.
SETTLE_SECONDS = 0.5


@dataclass(frozen=True)
class LiveFlow:
    flow: rt.Flow
    renderer: Renderer
    source: str  # the file it came from, or "built-in safe flow"
    since: float  # when it went live (time.time())


def builtin_safe_flow() -> rt.Flow:
    """The flow served when no flow file has ever passed its checks."""
    text = resources.files("ivr").joinpath("safe_flow.yaml").read_text("utf-8")
    result = load_flow_text(text)
    assert result.flow is not None, [p.format("safe_flow.yaml") for p in result.problems]
    return result.flow


class FlowStore:
    def __init__(self, path: str | os.PathLike[str], reload_seconds: float = 2.0) -> None:
        self.path = Path(path)
        self.reload_seconds = reload_seconds
        self._lock = threading.Lock()
        self._next_check = 0.0
        self._seen: tuple[int, int, int] | None = None  # (mtime_ns, size, inode) last looked at
        self._refused_version: str | None = None
        self.last_result: LoadResult | None = None
        result = load_flow_file(self.path)
        self.last_result = result
        self._seen = self._stat()
        if result.flow is not None:
            self._live = self._make_live(result.flow, str(self.path))
            log.info(
                "flow live",
                extra={"fields": {"event": "flow-live", "version": result.flow.version, "file": str(self.path)}},
            )
            self._log_warnings(result)
        else:
            self._live = self._make_live(builtin_safe_flow(), "built-in safe flow")
            self._log_refused(result, "no valid flow at start: serving the built-in safe flow")

    @staticmethod
    def _make_live(flow: rt.Flow, source: str) -> LiveFlow:
        return LiveFlow(flow, Renderer(flow), source, time.time())

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    @property
    def live(self) -> LiveFlow:
        """The flow to serve now; cheap on the request path (a clock read most of the time)."""
        now = time.monotonic()
        if self.reload_seconds >= 0 and now >= self._next_check and self._lock.acquire(blocking=False):
            try:
                self._next_check = now + self.reload_seconds
                self._maybe_reload()
            except Exception:  # reloading must never break a call
                log.exception("flow reload failed; keeping the live flow")
            finally:
                self._lock.release()
        return self._live

    def _maybe_reload(self) -> None:
        seen = self._stat()
        if seen == self._seen:
            return
        if seen is not None and time.time() - seen[0] / 1e9 < SETTLE_SECONDS:
            self._next_check = time.monotonic() + SETTLE_SECONDS  # still being written: look again soon
            return
        self._seen = seen
        result = load_flow_file(self.path)
        self.last_result = result
        if result.flow is None:
            if result.version != self._refused_version:
                self._refused_version = result.version
                self._log_refused(result, "flow file refused: the last good flow keeps serving")
            return
        if result.flow.version == self._live.flow.version:
            return
        self._live = self._make_live(result.flow, str(self.path))
        log.info(
            "flow live",
            extra={"fields": {"event": "flow-live", "version": result.flow.version, "file": str(self.path)}},
        )
        self._log_warnings(result)

    def _log_refused(self, result: LoadResult, message: str) -> None:
        log.error(
            message,
            extra={
                "fields": {
                    "event": "flow-refused",
                    "file": str(self.path),
                    "version": result.version,
                    "live_version": self._live.flow.version if hasattr(self, "_live") else None,
                    "problems": [p.format(str(self.path)) for p in result.errors][:50],
                }
            },
        )

    def _log_warnings(self, result: LoadResult) -> None:
        if result.warnings:
            log.warning(
                "flow has warnings",
                extra={
                    "fields": {
                        "event": "flow-warnings",
                        "version": result.version,
                        "problems": [p.format(str(self.path)) for p in result.warnings][:50],
                    }
                },
            )
