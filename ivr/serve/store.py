"""The flow the line is serving, and the rule that only a checked flow goes live.

Each worker process holds its own :class:`FlowStore`. A background thread of that worker
looks at the flow file every ``reload_seconds`` and takes a changed file only when it
passes every check; callers never wait for a check (the request path only reads the live
flow). A changed file is loaded in a child process with a time and memory limit
(:mod:`ivr.serve.isolated_load`), so a file that would crash the parser, or take minutes or
gigabytes to check, is refused like any other bad file. A file that is being written
(changed in the last moment), empty, deleted, or wrong in any way is refused, logged once
with its problems, and the last good flow keeps serving.

Every flow that goes live is also saved beside the flow file as its *last good copy*,
so a worker that starts while the file is broken (a restart, a replaced worker) serves
the same last good flow as the others. Only with no good flow anywhere does the
built-in safe flow connect every caller to the helpline.
"""

from __future__ import annotations

import logging
import os
import tempfile
import threading
import time
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ivr.definition.problems import error
from ivr.load import LoadResult, load_flow_file, load_flow_text
from ivr.runtime import flow as rt
from ivr.runtime.twiml import Renderer
from ivr.serve.isolated_load import load_isolated

log = logging.getLogger("ivr.flow")

#: A file changed more recently than this may still be being written: wait for it to settle.
SETTLE_SECONDS = 0.5
BUILTIN = "built-in safe flow"


@dataclass(frozen=True)
class LiveFlow:
    flow: rt.Flow
    renderer: Renderer
    source: str  # the file it came from, its last good copy, or BUILTIN
    since: float  # when it went live (time.time())


def builtin_safe_flow() -> rt.Flow:
    """The flow served when no flow file has ever passed its checks."""
    text = resources.files("ivr.serve").joinpath("last_resort_flow.yaml").read_text("utf-8")
    result = load_flow_text(text)
    assert result.flow is not None, [p.format("last_resort_flow.yaml") for p in result.problems]
    return result.flow


def _load_or_refuse(path: Path, isolated: bool = False) -> LoadResult:
    """Load a flow file; a bug that raises while loading refuses the file, never the line."""
    try:
        return load_isolated(path) if isolated else load_flow_file(path)
    except Exception as exc:
        log.exception("loading the flow failed", extra={"fields": {"event": "flow-load-error", "file": str(path)}})
        return LoadResult(None, [error(1, 1, f"the line could not load this file ({type(exc).__name__})",
                                       "report it: this is a bug in the line, not in the file", code="load-bug")],
                          readable=False)  # fmt: skip


def last_good_path(flow_file: Path) -> Path:
    return flow_file.with_name(f".{flow_file.name}.last-good")


class FlowStore:
    def __init__(self, path: str | os.PathLike[str], reload_seconds: float = 2.0, isolated: bool = True) -> None:
        """``reload_seconds`` < 0: never reload. ``isolated``: load changed files in a child
        process (what a serving line does; ``ivr check`` and the tests may load in-process)."""
        self.path = Path(path)
        self.last_good = last_good_path(self.path)
        self.reload_seconds = reload_seconds
        self.isolated = isolated
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._watcher_pid = 0
        self._stop = threading.Event()
        self._refused_version: str | None = None
        self._seen = self._stat()
        self.last_result: LoadResult = _load_or_refuse(self.path)
        if self.last_result.flow is not None:
            self._live = self._go_live(self.last_result, str(self.path))
            return
        self._refused_version = self.last_result.version
        saved = _load_or_refuse(self.last_good) if self.last_good.exists() else None
        if saved is not None and saved.flow is not None:
            self._live = LiveFlow(saved.flow, Renderer(saved.flow), str(self.last_good), time.time())
            self._log_refused(self.last_result, "flow file refused at start: serving its last good copy")
        else:
            flow = builtin_safe_flow()
            self._live = LiveFlow(flow, Renderer(flow), BUILTIN, time.time())
            self._log_refused(self.last_result, "no valid flow at start: serving the built-in safe flow")

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_mtime_ns, st.st_size, st.st_ino)

    @property
    def live(self) -> LiveFlow:
        """The flow to serve now: a plain read. The first use in a process starts its watcher."""
        if self.reload_seconds >= 0 and self._watcher_pid != os.getpid():
            self._start_watcher()
        return self._live

    def _start_watcher(self) -> None:
        with self._lock:
            if self._watcher_pid == os.getpid():
                return
            # After a fork the parent's thread is gone: each worker process starts its own.
            self._watcher_pid = os.getpid()
            self._watcher = threading.Thread(target=self._watch, name="ivr-flow-watcher", daemon=True)
            self._watcher.start()

    def _watch(self) -> None:
        interval = max(self.reload_seconds, 0.05)
        while not self._stop.wait(interval):
            try:
                self.check_now()
            except Exception:  # the watcher must outlive any surprise
                log.exception("flow reload failed; keeping the live flow")

    def stop(self) -> None:
        """Stop the watcher (tests, and the console's throwaway stores)."""
        self._stop.set()

    def check_now(self) -> bool:
        """Look at the file once and take it if it changed, settled and passes every check.
        Returns whether a new flow went live. Safe to call from any thread."""
        with self._lock:
            return self._check()

    def _check(self) -> bool:
        seen = self._stat()
        if seen == self._seen:
            return False
        if seen is not None and time.time() - seen[0] / 1e9 < SETTLE_SECONDS:
            return False  # still being written: look again next time
        self._seen = seen
        result = _load_or_refuse(self.path, self.isolated)
        self.last_result = result
        if result.flow is None:
            if result.version != self._refused_version:
                self._refused_version = result.version
                self._log_refused(result, "flow file refused: the last good flow keeps serving")
            return False
        self._refused_version = None
        if result.flow.version == self._live.flow.version:
            return False
        self._live = self._go_live(result, str(self.path))
        return True

    def _go_live(self, result: LoadResult, source: str) -> LiveFlow:
        assert result.flow is not None
        live = LiveFlow(result.flow, Renderer(result.flow), source, time.time())
        log.info("flow live", extra={"fields": {"event": "flow-live", "version": result.flow.version, "file": source}})
        if result.warnings:
            log.warning(
                "flow has warnings",
                extra={
                    "fields": {
                        "event": "flow-warnings",
                        "version": result.version,
                        "problems": [p.format(source) for p in result.warnings][:50],
                    }
                },
            )
        self._save_last_good(result.text)
        return live

    def _save_last_good(self, text: str) -> None:
        """Keep a copy of the text that just went live, written whole or not at all."""
        try:
            data = text.encode("utf-8")
            if self.last_good.exists() and self.last_good.read_bytes() == data:
                return
            handle, temporary = tempfile.mkstemp(dir=self.last_good.parent, prefix=self.last_good.name)
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(temporary, self.last_good)
        except OSError as exc:
            log.warning(
                "cannot save the last good copy of the flow",
                extra={"fields": {"event": "last-good-not-saved", "reason": exc.strerror}},
            )

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
