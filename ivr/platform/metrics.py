"""What the line counts for Prometheus: requests, latency, transfers, quick exits, spoken
answers, refused reloads and lost statistics, with the official ``prometheus_client``.

One :class:`LineMetrics` per app, made by the app factory and handed to what counts (the
webhooks, the flow store, the statistics writer): no module-level metric objects, so two
apps in one process (the tests, the console's draft line) never count into each other.

Under gunicorn each worker is a process of its own, so a scrape that one worker answers
would show only its share. gunicorn.conf.py therefore sets ``PROMETHEUS_MULTIPROC_DIR``
before any worker starts; ``prometheus_client`` then keeps every value in a file per
worker there, and :meth:`LineMetrics.exposition` adds them up, the library's documented
multiprocess mode. The library reads the variable when it is first imported, so it is
imported here, inside methods, never at this module's import.

No metric is labelled with anything about a caller or a call: the labels are the line's
own handler names, HTTP status codes, the flow's names for its numbers and its language
codes, what the line did with a spoken answer (never the words), and Twilio's dial
statuses, each from a closed set, so a forged request cannot make a new series.
"""

from __future__ import annotations

import os
import time
from typing import Any

#: The environment variable ``prometheus_client`` reads for its multiprocess mode.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
#: Latency buckets (seconds): the line answers in milliseconds; Twilio waits 15 s at most.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0)
#: What a transfer's result label may be: connected, or why not (Twilio's DialCallStatus).
TRANSFER_RESULTS = frozenset({"connected", "busy", "no-answer", "failed", "canceled"})
#: The result label of a dial status outside :data:`TRANSFER_RESULTS` (or none sent).
OTHER = "other"
#: Why statistics events were lost (the writer's two ways).
DROPPED_QUEUE_FULL = "queue-full"
DROPPED_REFUSED = "refused-by-database"


def multiprocess_mode() -> bool:
    """Whether values are kept in files shared by the workers (set by gunicorn.conf.py)."""
    return bool(os.environ.get(MULTIPROCESS_DIR))


class LineMetrics:
    """The line's Prometheus metrics, and their text for a scrape."""

    def __init__(self, multiprocess: bool | None = None) -> None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        self.multiprocess = multiprocess_mode() if multiprocess is None else multiprocess
        # Multiprocess: the values live in the shared files and a scrape reads those, so the
        # metrics join no registry (joining one would count them twice, the library warns).
        self.registry = CollectorRegistry()
        joined = None if self.multiprocess else self.registry
        self.requests = Counter(
            "ivr_webhook_requests",
            "Webhook requests answered, by handler and HTTP status",
            ["handler", "status"],
            registry=joined,
        )
        self.latency = Histogram(
            "ivr_webhook_request_seconds",
            "Time to answer a webhook request, by handler",
            ["handler"],
            buckets=LATENCY_BUCKETS,
            registry=joined,
        )
        self.transfers = Counter(
            "ivr_transfers",
            "Transfers that ended, by the flow's name for the number and the result",
            ["destination", "result"],
            registry=joined,
        )
        self.quick_exits = Counter(
            "ivr_quick_exits", "Calls ended at once by the caller's quick-exit key", registry=joined
        )
        self.spoken_answers = Counter(
            "ivr_spoken_answers",
            "Spoken answers at menus, by the flow's language code and what the line did with them",
            ["language", "result"],
            registry=joined,
        )
        self.reloads_refused = Counter(
            "ivr_flow_reloads_refused",
            "Changed flows (file or published revision) refused by the checks: the last good flow kept serving",
            registry=joined,
        )
        self.stats_dropped = Counter(
            "ivr_stats_events_dropped",
            "Call statistics events lost, by why",
            ["reason"],
            registry=joined,
        )
        # labels() takes a lock and builds a key; the hot path looks its children up here.
        self._request_children: dict[tuple[str, str], Any] = {}
        self._latency_children: dict[str, Any] = {}

    # -- counting --------------------------------------------------------------------------
    def request_answered(self, handler: str, status: str, started: float) -> None:
        """One webhook request: ``handler`` from the line's routes, ``status`` its code,
        ``started`` its :func:`time.perf_counter` at arrival."""
        elapsed = time.perf_counter() - started
        key = (handler, status)
        counter = self._request_children.get(key)
        if counter is None:
            counter = self._request_children[key] = self.requests.labels(handler, status)
        counter.inc()
        histogram = self._latency_children.get(handler)
        if histogram is None:
            histogram = self._latency_children[handler] = self.latency.labels(handler)
        histogram.observe(elapsed)

    def transfer_ended(self, destination: str, dial_status: str, connected: bool) -> None:
        result = "connected" if connected else dial_status if dial_status in TRANSFER_RESULTS else OTHER
        self.transfers.labels(destination, result).inc()

    def quick_exit(self) -> None:
        self.quick_exits.inc()

    def spoken_answer(self, language: str, result: str) -> None:
        """One spoken answer: ``language`` one of the flow's codes (or :data:`OTHER`),
        ``result`` one of :data:`ivr.stats.spoken.RESULTS`' names; the caller names neither."""
        self.spoken_answers.labels(language, result).inc()

    def reload_refused(self) -> None:
        self.reloads_refused.inc()

    def stats_events_dropped(self, reason: str, count: int = 1) -> None:
        self.stats_dropped.labels(reason).inc(count)

    # -- scraping ----------------------------------------------------------------------------
    def exposition(self) -> tuple[bytes, str]:
        """The metrics in Prometheus's text format (every worker's, in multiprocess mode),
        and their content type."""
        from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

        return generate_latest(self.scrape_registry()), CONTENT_TYPE_LATEST

    def scrape_registry(self) -> Any:
        if not self.multiprocess:
            return self.registry
        return multiprocess_registry()


def multiprocess_registry() -> Any:
    """A registry that reads every worker's files (a new one per scrape, as the library's
    documentation does): also what gunicorn.conf.py serves on ``IVR_METRICS_BIND``."""
    from prometheus_client import CollectorRegistry
    from prometheus_client.multiprocess import MultiProcessCollector

    registry = CollectorRegistry()
    MultiProcessCollector(registry)
    return registry
