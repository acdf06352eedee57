"""What recording call statistics costs a webhook request.

    .venv/bin/python bench/stats_cost.py

Serves the same signed requests (recorded from simulated calls) in-process, once with
statistics off and once with them on (SQLite, written by the background thread), and
prints the median time per request of each and the ratio. Target: recording adds no
noticeable time to a request (the caller's TwiML comes first; the write happens later).
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import TOKEN, record_calls  # noqa: E402
from ivr import create_app  # noqa: E402

ROUNDS = 5


def per_request_microseconds(app, recorded) -> float:  # type: ignore[no-untyped-def]
    timings = []
    for r in recorded:
        path, _, query = r.path.partition("?")
        body = r.body.encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_X_TWILIO_SIGNATURE": r.signature,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.errors": sys.stderr,
        }
        started = time.perf_counter()
        b"".join(app(environ, lambda status, headers: None))
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


def main() -> None:
    recorded = record_calls(200, "http://127.0.0.1:8000")
    with tempfile.TemporaryDirectory() as folder:
        apps = {
            "statistics off": create_app(
                {
                    "TWILIO_AUTH_TOKEN": TOKEN,
                    "IVR_FLOW_FILE": str(ROOT / "call_flows.yaml"),
                    "IVR_LOG_LEVEL": "WARNING",
                    "IVR_STATS": False,
                    "IVR_ALLOWED_HOSTS": "127.0.0.1:8000",
                },
                environ={},
            ),
            "statistics on": create_app(
                {
                    "TWILIO_AUTH_TOKEN": TOKEN,
                    "IVR_FLOW_FILE": str(ROOT / "call_flows.yaml"),
                    "IVR_LOG_LEVEL": "WARNING",
                    "IVR_DATABASE_FILE": f"{folder}/s.sqlite3",
                    "IVR_ALLOWED_HOSTS": "127.0.0.1:8000",
                },
                environ={},
            ),
        }
        results: dict[str, list[float]] = {name: [] for name in apps}
        for _ in range(ROUNDS):  # alternately, so a noisy moment hits both
            for name, app in apps.items():
                results[name].append(per_request_microseconds(app, recorded))
        apps["statistics on"].extensions["ivr"].recorder.flush()
        off, on = (statistics.median(results[name]) for name in apps)
        print(f"{len(recorded)} signed requests, {ROUNDS} rounds, median time per request:")
        print(f"  statistics off: {off:6.1f} us")
        print(f"  statistics on:  {on:6.1f} us   ({on / off:.2f}x; events written by a background thread)")


if __name__ == "__main__":
    main()
