"""``GET /metrics``: the line's Prometheus metrics (:mod:`ivr.platform.metrics`), for a Prometheus
server that sends the bearer token ``IVR_METRICS_TOKEN``.

Without a token set, there is no ``/metrics`` (404): the counts say how busy the line is
and how often the helpline is unreachable, which is nobody's business on the internet.
The other way to scrape, with no token, is a private port the gunicorn master serves
(``IVR_METRICS_BIND``, gunicorn.conf.py).
"""

from __future__ import annotations

import hmac

from flask import Flask, Response, request

from ivr.platform import LineMetrics


def init_app(app: Flask, metrics: LineMetrics, token: str) -> None:
    if not token:
        return
    expected = f"Bearer {token}".encode()

    def scrape() -> Response:
        given = request.headers.get("Authorization", "").encode()
        if not hmac.compare_digest(given, expected):
            return Response(
                "Send the metrics token: Authorization: Bearer <IVR_METRICS_TOKEN>\n",
                401,
                {"WWW-Authenticate": 'Bearer realm="metrics"', "Content-Type": "text/plain; charset=utf-8"},
            )
        body, content_type = metrics.exposition()
        return Response(body, 200, {"Content-Type": content_type, "Cache-Control": "no-store"})

    app.add_url_rule("/metrics", "metrics", scrape)
