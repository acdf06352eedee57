"""Load benchmark: the line under its production server against a bare Flask baseline.

    .venv/bin/python bench/load.py [--connections 50] [--seconds 20] [--calls 400]

1. Records whole simulated calls against the live flow (signed POSTs, following the
   TwiML: menu choices, speech, silence, wrong keys, busy and finished transfers), so the
   load is made of the requests Twilio would really send.
2. Starts the line with gunicorn exactly as the Procfile does (gunicorn.conf.py: its
   workers, threads and JSON logs with the number filter; signature checks on), and
   replays those requests with wrk at N concurrent connections.
3. Starts a bare Flask app that answers every request with the same TwiML bytes, under
   the same gunicorn settings, and replays the same requests against it.
4. Prints requests per second, p50/p95/p99 latency, failed requests and the peak memory
   of each worker for both, the line's figures as ratios of the baseline's, and what that
   means in concurrent calls for one server.

Needs wrk (Debian: apt-get install wrk). Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr import create_app  # noqa: E402
from ivr.tools.simulator import SimulatedCall, flask_transport  # noqa: E402

TOKEN = "bench-token-not-a-secret"
SECONDS_BETWEEN_REQUESTS_OF_A_CALL = 15
#: What the simulated callers say when the line listens for speech.
CALLER_WORDS = ["victim", "report", "police", "repeat", "helpline", "I don't know", "polish", "english"]


@dataclass(frozen=True)
class Recorded:
    path: str
    signature: str
    body: str


def record_calls(calls: int, base_url: str, seed: int = 7) -> list[Recorded]:
    """Whole calls through the line, answered at random as callers might, request by request."""
    from urllib.parse import urlencode, urlsplit

    app = create_app(
        {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_STATS": False,
            "IVR_FLOW_FILE": str(ROOT / "call_flows.yaml"),
            "IVR_LOG_LEVEL": "WARNING",
            "IVR_RELOAD_SECONDS": -1,
            "IVR_ALLOWED_HOSTS": urlsplit(base_url).netloc,
        },
        environ={},
    )
    inner = flask_transport(app)
    recorded: list[Recorded] = []

    def transport(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        recorded.append(Recorded(path, headers["X-Twilio-Signature"], urlencode(params)))
        return inner(url, params, headers)

    rng = random.Random(seed)
    for _ in range(calls):
        play_call(SimulatedCall(transport, base_url, TOKEN, caller=f"+4477009{rng.randrange(10**5):05d}"), rng)
    return recorded


def play_call(call: SimulatedCall, rng: random.Random, steps: int = 12) -> None:
    """Start ``call`` and answer at random, as callers might: choices, silence, wrong keys,
    speech, and busy or finished transfers, for at most ``steps`` answers."""
    call.start()
    for _step in range(steps):
        if call.waiting_for == "dial":
            call.dial_result(rng.choice(["completed", "busy", "no-answer", "failed", "completed"]))
        elif call.waiting_for == "gather":
            roll = rng.random()
            if roll < 0.55:
                call.press(rng.choice("12341234*08"))
            elif roll < 0.7:
                call.silence()
            elif roll < 0.85:
                call.press(rng.choice("67#"))  # not a choice
            else:
                call.say(rng.choice(CALLER_WORDS))
        else:
            break


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(module: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    out = log.open("w")
    process = subprocess.Popen(
        [str(gunicorn), "--config", str(ROOT / "gunicorn.conf.py"), module],
        cwd=ROOT,
        env={**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}"},
        stdout=out,
        stderr=out,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            time.sleep(1.5)  # let every worker load the app
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{module} did not start; see {log}")


def worker_peak_rss_kib(master: int) -> list[int]:
    """Peak resident memory (VmHWM) of each worker process of a gunicorn master."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    peaks = []
    for pid in children:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                peaks.append(int(line.split()[1]))
    return peaks


def run_wrk(port: int, requests_file: Path, connections: int, seconds: int) -> dict:
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(ROOT / "bench" / "replay.lua"),
            f"http://127.0.0.1:{port}",
            "--",
            str(requests_file),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    return figures


def measure(name: str, module: str, env: dict[str, str], requests_file: Path, port: int, args, work: Path) -> dict:
    server = start_server(module, port, env, work / f"{name}.log")
    try:
        run_wrk(port, requests_file, args.connections, 3)  # warm-up: caches, connections
        figures = run_wrk(port, requests_file, args.connections, args.seconds)
        figures["peak_rss_mib"] = [round(kib / 1024, 1) for kib in worker_peak_rss_kib(server.pid)]
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=20)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--calls", type=int, default=400, help="recorded calls whose requests are replayed")
    parser.add_argument(
        "--rounds",
        type=int,
        default=2,
        help="baseline and line measured alternately, this many times each; the median round is reported",
    )
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        sys.exit("bench/load.py needs wrk: apt-get install wrk")

    work = Path(tempfile.mkdtemp(prefix="ivr-bench-"))
    port_line, port_base = free_port(), free_port()
    recorded = record_calls(args.calls, f"http://127.0.0.1:{port_line}")
    requests_file = work / "requests.tsv"
    requests_file.write_text("".join(f"{r.path}\t{r.signature}\t{r.body}\n" for r in recorded))
    # The baseline answers with the TwiML of the line's busiest state: the main menu.
    twiml_file = work / "twiml.xml"
    app = create_app(
        {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_LOG_LEVEL": "WARNING", "IVR_STATS": False, "IVR_ALLOWED_HOSTS": "127.0.0.1"},
        environ={},
    )
    from ivr.runtime.state import CallState

    twiml_file.write_text(app.extensions["ivr"].store.live.renderer.render(CallState("main_menu", "en-GB")))
    # The baseline's requests are signed for its own port; it does not check them anyway.
    base_requests = work / "requests-base.tsv"
    base_requests.write_text(requests_file.read_text())

    common = {"WEB_CONCURRENCY": os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() * 2))}
    line_env = {
        **common,
        "IVR_DATABASE_FILE": str(work / "stats.sqlite3"),  # statistics on, as in production
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_FLOW_FILE": str(ROOT / "call_flows.yaml"),
        "IVR_PUBLIC_URL": "",
        "IVR_ALLOWED_HOSTS": f"127.0.0.1:{port_line}",
    }
    base_env = {**common, "BENCH_TWIML_FILE": str(twiml_file)}
    print(
        f"{len(recorded)} signed requests recorded from {args.calls} simulated calls; "
        f"{args.connections} connections, {args.seconds} s each, {common['WEB_CONCURRENCY']} gunicorn workers, "
        f"{os.cpu_count()} cores"
    )
    bases, lines = [], []
    for _ in range(args.rounds):  # alternately, so a noisy moment on a shared machine hits both
        bases.append(measure("baseline", "bench.baseline_app:app", base_env, base_requests, port_base, args, work))
        lines.append(measure("line", "app:line()", line_env, requests_file, port_line, args, work))
    base = sorted(bases, key=lambda f: f["rps"])[(len(bases) - 1) // 2]
    line = sorted(lines, key=lambda f: f["rps"])[(len(lines) - 1) // 2]
    for i, (b, ln) in enumerate(zip(bases, lines, strict=True), start=1):
        print(
            f"round {i}: baseline {b['rps']:.0f} req/s p99 {b['p99_us'] / 1000:.1f} ms; "
            f"line {ln['rps']:.0f} req/s p99 {ln['p99_us'] / 1000:.1f} ms"
        )

    def row(name: str, f: dict) -> str:
        return (
            f"{name:<9} {f['rps']:>9.0f} {f['p50_us'] / 1000:>8.2f} {f['p95_us'] / 1000:>8.2f} "
            f"{f['p99_us'] / 1000:>8.2f} {f['non_2xx'] + f['socket_errors']:>7d}   {f['peak_rss_mib']}"
        )

    print("\nmedian rounds:")
    print(f"{'':<9} {'req/s':>9} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'failed':>7}   peak RSS per worker (MiB)")
    print(row("baseline", base))
    print(row("line", line))
    throughput = line["rps"] / base["rps"]
    p99 = line["p99_us"] / base["p99_us"]
    print(
        f"\nline / baseline: throughput {throughput:.2f}x (target >= 0.9), p99 {p99:.2f}x (target <= 1.3), "
        f"failed requests {line['non_2xx'] + line['socket_errors']} (target 0)"
    )
    calls = line["rps"] * SECONDS_BETWEEN_REQUESTS_OF_A_CALL
    print(
        f"One server like this one carries about {calls:,.0f} concurrent calls "
        f"(at one webhook request every {SECONDS_BETWEEN_REQUESTS_OF_A_CALL} s per call)."
    )
    print(f"Logs and recorded requests: {work}")


if __name__ == "__main__":
    main()
