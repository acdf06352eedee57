"""Checking an operator's draft, and comparing it with the live flow, for the console.

An operator's text is checked in a child process with a time and a memory limit and a lower
CPU priority (:func:`ivr.loading.isolated.check_text_isolated`), and compared the same way
(:mod:`ivr.console.comparing`), under the console's per-operator and per-server limits
(:mod:`ivr.console.limits`): nothing typed in a browser may take the machine from callers.
Each worker keeps the last few results by version, so typing, comparing and a call on the
draft check each text once.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from flask import Flask

from ivr.console.comparing import Comparison, compare_isolated
from ivr.console.limits import StepLimits
from ivr.definition.allowed import UNSET, Allowed
from ivr.loading import LoadResult, check_text_isolated, flow_version
from ivr.runtime.twiml import Renderer
from ivr.serve.store import LiveFlow

#: How long a heavy step waits for a free slot before the operator is asked to try again.
STEP_WAIT_SECONDS = 5.0
#: Results kept per worker: an operator's last few texts.
KEPT_RESULTS = 8
#: A check or comparison that takes longer than this is stopped, and the operator told.
STEP_SECONDS = 10.0


@dataclass(frozen=True)
class CheckedDraft:
    result: LoadResult
    live: LiveFlow | None  # what a call on the draft is served from; None when it has errors

    @property
    def version(self) -> str:
        return self.result.version or flow_version(self.result.text)


class DraftChecker:
    """Checks drafts in a child process, under the console's limits, and keeps the last
    few results by version: typing, comparing and a call on the draft check each text once."""

    def __init__(
        self,
        media_folder: Path,
        limits: StepLimits | None = None,
        time_limit: float = STEP_SECONDS,
        kept: int = KEPT_RESULTS,
        allowed: Allowed = UNSET,
    ) -> None:
        """``limits``: None for no per-server limit (a single-user tool). ``allowed``: what the
        line's settings allow a flow: a draft is held to what the line is."""
        self.media_folder = media_folder
        self.allowed = allowed
        self.limits = limits
        self.time_limit = time_limit
        self.kept = kept
        self._results: OrderedDict[str, CheckedDraft] = OrderedDict()
        self._comparisons: OrderedDict[tuple[str, str], Comparison] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, text: str, operator: str) -> CheckedDraft:
        """``text`` checked, from the kept results or in a child process; raises
        :class:`~ivr.console.limits.ConsoleBusy` when the limits refuse a new check."""
        version = flow_version(text)
        with self._lock:
            found = self._results.get(version)
            if found is not None and found.result.text == text:
                self._results.move_to_end(version)
                return found
        with self._within_limits(operator):
            result = check_text_isolated(text, self.media_folder, time_limit=self.time_limit, allowed=self.allowed)
        result = replace(result, text=text, version=result.version or version)
        flow = result.flow if not result.errors else None
        served = None if flow is None else LiveFlow(flow, Renderer(flow), "draft", time.time(), text)
        checked = CheckedDraft(result, served)
        self._keep(self._results, version, checked)
        return checked

    def compare(self, before: str, after: str, operator: str) -> Comparison:
        """What ``after`` changes against ``before`` (:mod:`ivr.console.comparing`), kept like checks."""
        key = (flow_version(before), flow_version(after))
        with self._lock:
            found = self._comparisons.get(key)
            if found is not None:
                self._comparisons.move_to_end(key)
                return found
        with self._within_limits(operator):
            comparison = compare_isolated(before, after, self.media_folder, self.time_limit, self.allowed)
        if not comparison.failed:
            self._keep(self._comparisons, key, comparison)
        return comparison

    def _within_limits(self, operator: str):  # type: ignore[no-untyped-def]
        """A server slot; the operator's own turn is taken for the whole request (:mod:`ivr.console.refusals`)."""
        return self.limits.server_slot() if self.limits is not None else nullcontext()

    def _keep(self, kept: OrderedDict, key: object, value: object) -> None:  # type: ignore[type-arg]
        with self._lock:
            kept[key] = value
            while len(kept) > self.kept:
                kept.popitem(last=False)


def init_app(app: Flask) -> None:
    """Each worker's checker of drafts, with media paths relative to the flow file's folder,
    under limits shared by every console worker serving this flow file on this machine."""
    settings = app.config["IVR_SETTINGS"]
    limits = StepLimits.for_flow_file(settings.flow_file, settings.console_steps, STEP_WAIT_SECONDS)
    folder = Path(settings.flow_file).resolve().parent
    app.extensions["ivr.drafts"] = DraftChecker(
        folder, limits, settings.console_step_seconds, allowed=app.config["IVR_ALLOWED"]
    )
