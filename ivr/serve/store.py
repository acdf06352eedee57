"""The flow the line is serving, and the rule that only a checked flow goes live.

Each worker process holds its own :class:`FlowStore`. A background thread of that worker
looks at the flow file every ``reload_seconds`` and takes a changed file only when it
passes every check; callers never wait for a check (the request path only reads the live
flow). A changed file is loaded in a child process with a time and memory limit
(:mod:`ivr.loading.isolated`), so a file that would crash the parser, or take minutes or
gigabytes to check, is refused like any other bad file. A file that is being written
(changed in the last moment), empty, deleted, or wrong in any way is refused, logged once
with its problems, and the last good flow keeps serving.

Every flow that goes live is also saved beside the flow file as its *last good copy*,
so a worker that starts while the file is broken (a restart, a replaced worker) serves
the same last good flow as the others. Only with no good flow anywhere does the
built-in safe flow connect every caller to the helpline.

Revisions published to the line's database (:mod:`ivr.publishing.revisions`) win over the file: the
watcher asks the database for the newest revision's version at most every
``poll_seconds`` (one small query), and a new one goes live by the same rules (loaded in the
child process, refused if it fails any check). Its text is kept beside the flow file as the
*revision copy*, which a worker serves at start without asking the database, so a database
that cannot be reached never stops calls. With no revision ever published, the file serves.

Recordings uploaded in the console for a language with no voice (:mod:`ivr.definition.recorded`)
change what callers hear without changing the flow's text: the watcher also looks at the
recordings/ folders, and when they changed it loads the live text again, by the same rules.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from ivr.database import Database
from ivr.definition.allowed import UNSET, Allowed
from ivr.loading import LoadResult
from ivr.platform import LineMetrics
from ivr.runtime import flow as rt
from ivr.runtime.twiml import Renderer
from ivr.serve.copies import (
    builtin_safe_flow,
    last_good_path,
    load_or_refuse,
    load_text_beside,
    revision_copy_path,
    save_copy,
)
from ivr.serve.revision_watch import POLL_SECONDS, RevisionWatch

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
    text: str = ""  # the text it was loaded from ("" for the built-in safe flow): the console edits it


class FlowStore:
    def __init__(
        self,
        path: str | os.PathLike[str],
        reload_seconds: float = 2.0,
        isolated: bool = True,
        database: Database | None = None,
        poll_seconds: float = POLL_SECONDS,
        metrics: LineMetrics | None = None,
        allowed: Allowed = UNSET,
    ) -> None:
        """``reload_seconds`` < 0: never reload. ``isolated``: load changed files in a child
        process (what a serving line does; ``ivr check`` and the tests may load in-process).
        ``database``: where published revisions are; polled by the watcher, never here.
        ``allowed``: what the line's settings allow a flow (recordings' hosts, numbers to
        dial), for every load: the file, its copies and revisions are checked alike."""
        self.path = Path(path)
        self.allowed = allowed
        self.last_good = last_good_path(self.path)
        self.revision_copy = revision_copy_path(self.path)
        self.database = database
        self.metrics = metrics
        self._revisions = RevisionWatch(database, poll_seconds) if database is not None else None
        self._said_revisions_win = False
        self.reload_seconds = reload_seconds
        self.isolated = isolated
        self._lock = threading.Lock()
        self._watcher: threading.Thread | None = None
        self._watcher_pid = 0
        self._stop = threading.Event()
        self._refused_version: str | None = None
        #: When the watcher last looked for a new flow (time.time()); 0: not yet. /health shows it.
        self.last_check = 0.0
        self._seen = self._stat()
        self._recordings_seen = self._recordings_stat()
        if database is not None and self.revision_copy.exists():
            saved = load_or_refuse(self.revision_copy, allowed=allowed)
            if saved.flow is not None:
                self.last_result = saved
                self._live = self._go_live(saved, str(self.revision_copy), self.revision_copy)
                self._say_revisions_win()
                return
        self.last_result: LoadResult = load_or_refuse(self.path, allowed=allowed)
        if self.last_result.flow is not None:
            self._live = self._go_live(self.last_result, str(self.path))
            return
        self._refused_version = self.last_result.version
        saved = load_or_refuse(self.last_good, allowed=allowed) if self.last_good.exists() else None
        if saved is not None and saved.flow is not None:
            self._live = LiveFlow(saved.flow, Renderer(saved.flow), str(self.last_good), time.time(), saved.text)
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

    def _recordings_stat(self) -> tuple[tuple[str, int], ...]:
        """The recordings/ folder and each folder in it, with when each last changed: an
        upload, a replaced or a removed file changes its folder's (files move into place)."""
        folder = self.path.parent / "recordings"
        try:
            folders = [folder, *(entry for entry in folder.iterdir() if entry.is_dir())]
            return tuple(sorted((entry.name, entry.stat().st_mtime_ns) for entry in folders))
        except OSError:
            return ()

    def _check_recordings(self) -> bool:
        """Load the live text again when the recordings changed (an upload in the console)."""
        seen = self._recordings_stat()
        if seen == self._recordings_seen or not self._live.text:
            return False
        self._recordings_seen = seen
        result = self._load_text(self._live.text)
        if result.flow is None:
            self._log_refused(result, "recordings changed, but the flow no longer loads: the live flow keeps serving")
            return False
        copy = self.revision_copy if self.serving_revisions else self.last_good
        self._live = self._go_live(result, self._live.source, copy)
        return True

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
        """Look at once, then every ``reload_seconds``: a worker that starts (or serves its
        first call) after a revision was published catches up now, not an interval later."""
        interval = max(self.reload_seconds, 0.05)
        while True:
            try:
                self.check_now()
            except Exception:  # the watcher must outlive any surprise
                log.exception("flow reload failed; keeping the live flow")
            if self._stop.wait(interval):
                return

    def stop(self) -> None:
        """Stop the watcher (tests, and the console's throwaway stores)."""
        self._stop.set()

    def check_now(self) -> bool:
        """Look at the file once and take it if it changed, settled and passes every check.
        Returns whether a new flow went live. Safe to call from any thread."""
        with self._lock:
            try:
                return self._check()
            finally:
                self.last_check = time.time()

    @property
    def database_answers(self) -> bool | None:
        """Whether the database answered the watcher's last look (None: the line has none).
        Read from the watcher's own polls, so asking costs no query."""
        return None if self._revisions is None else not self._revisions.down

    @property
    def serving_revisions(self) -> bool:
        """Whether published revisions (not the file) decide what is live."""
        return self._said_revisions_win

    def _check(self) -> bool:
        changed = False
        if self._revisions is not None and self._revisions.due():
            changed = self._check_database(self._revisions)
        if not self.serving_revisions:
            changed = self._check_file() or changed
        return self._check_recordings() or changed

    def _check_database(self, revisions: RevisionWatch) -> bool:
        """Take the newest revision if it is new and passes every check. A database that
        cannot be reached is logged once (:mod:`ivr.serve.revision_watch`), and the live
        flow keeps serving."""
        revision = revisions.new_revision()
        if revision is None:
            return False
        if self.serving_revisions and revision.version == self._live.flow.version:
            return False
        result = self._load_text(revision.text)
        self.last_result = result
        if result.flow is None:
            self._log_refused(result, f"published revision {revision.number} refused: the last good flow keeps serving")
            return False
        self._live = self._go_live(result, f"revision {revision.number} ({revision.version})", self.revision_copy)
        self._say_revisions_win()
        return True

    def _load_text(self, text: str) -> LoadResult:
        return load_text_beside(self.path, text, self.isolated, self.allowed)

    def _say_revisions_win(self) -> None:
        if not self._said_revisions_win:
            self._said_revisions_win = True
            log.warning(
                "published revisions decide the live flow from now on; edits of the flow file are not served "
                "(publish them with 'ivr publish')",
                extra={"fields": {"event": "revisions-win", "file": str(self.path)}},
            )

    def _check_file(self) -> bool:
        seen = self._stat()
        if seen == self._seen:
            return False
        if seen is not None and time.time() - seen[0] / 1e9 < SETTLE_SECONDS:
            return False  # still being written: look again next time
        self._seen = seen
        result = load_or_refuse(self.path, self.isolated, self.allowed)
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

    def _go_live(self, result: LoadResult, source: str, copy: Path | None = None) -> LiveFlow:
        assert result.flow is not None
        live = LiveFlow(result.flow, Renderer(result.flow), source, time.time(), result.text)
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
        save_copy(result.text, copy or self.last_good)
        return live

    def _log_refused(self, result: LoadResult, message: str) -> None:
        if self.metrics is not None:
            self.metrics.reload_refused()
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
