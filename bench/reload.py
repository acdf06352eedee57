"""Reload benchmark: what callers notice while the line restarts its workers or loads new code.

    .venv/bin/python bench/reload.py [--mode hup|upgrade|both] [--callers 4] [--seconds 20]

1. Starts the line as the Procfile starts it (tests/line_fleet.py's FleetServer: the
   Procfile's command, gunicorn.conf.py, ``WEB_CONCURRENCY`` workers, a SQLite database).
2. Plays one caller alone for a few seconds: the idle figures.
3. Plays ``--callers`` callers at once, each following whole calls with signed requests
   as Twilio sends them (bench/load.py's random answers; a failed request is followed by
   the number's fallback URL, as Twilio does), for ``--seconds``.
4. Half way through, either sends the master SIGHUP (``hup``: new workers, same code) or
   runs deploy/upgrade-line (``upgrade``: gunicorn's USR2 binary upgrade, new code).
5. Prints, for idle, before, during (from the signal until the last old worker has
   exited, plus a second) and after: requests, failed requests, fallbacks, p50, p99, max.

A failed request is one with no answer or an HTTP error; a fallback is one Twilio could
not use (failed, or not TwiML). Target: none of either, and p99 under 1 s throughout.
Traffic goes only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))  # the fleet tests' server and Twilio

from line_fleet import Balancer, FleetServer, TwilioThroughBalancer, free_port  # noqa: E402
from support import PUBLIC, TOKEN  # noqa: E402

from bench.load import play_call  # noqa: E402
from ivr.tools.simulator import SimulatedCall  # noqa: E402


@dataclass(frozen=True)
class Sent:
    at: float  # time.monotonic() when sent
    seconds: float
    failed: bool


class TimedBalancer(Balancer):
    """The fleet tests' balancer, in front of one server, timing every request."""

    def __init__(self, url: str) -> None:
        super().__init__([url])
        self.sent: list[Sent] = []

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        start = time.monotonic()
        status, text = super().post(path, body, headers)
        self.sent.append(Sent(start, time.monotonic() - start, status == 0 or status >= 400))
        return status, text


def play_callers(twilio: TwilioThroughBalancer, callers: int, seconds: float, seed: int) -> list[str]:
    """``callers`` threads each playing whole calls, one after another, for ``seconds``;
    returns what went wrong in calls that broke (an exception in the simulated call)."""
    stop = time.monotonic() + seconds
    broken: list[str] = []

    def caller(number: int) -> None:
        rng = random.Random(seed + number)
        while time.monotonic() < stop:
            call = SimulatedCall(twilio, PUBLIC, TOKEN, caller=f"+4477009{rng.randrange(10**5):05d}")
            try:
                play_call(call, rng)
            except Exception as exc:  # noqa: BLE001 (counted and shown, never hidden)
                broken.append(f"{type(exc).__name__}: {exc}")

    threads = [threading.Thread(target=caller, args=(n,)) for n in range(callers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return broken


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return Path(f"/proc/{pid}").exists() and "Z" not in Path(f"/proc/{pid}/stat").read_text().split()[2]


def wait_gone(pids: list[int], limit: float = 30.0) -> float:
    """When the last of ``pids`` had exited (time.monotonic())."""
    deadline = time.monotonic() + limit
    while any(alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    return time.monotonic()


def reload_line(server: FleetServer, mode: str) -> tuple[float, float, int | None]:
    """Reload ``server`` the ``mode`` way: (sent at, old processes gone at, new master or None)."""
    master = server.process.pid
    old_workers = children(master)
    sent = time.monotonic()
    if mode == "hup":
        os.kill(master, signal.SIGHUP)
        return sent, wait_gone(old_workers), None
    done = subprocess.run(
        ["sh", str(ROOT / "deploy" / "upgrade-line"), str(master)], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"deploy/upgrade-line failed: {done.stderr.strip()}")
    new_master = int(re.search(r"new master (\d+)", done.stdout).group(1))  # type: ignore[union-attr]
    server.process.wait(timeout=30)
    return sent, wait_gone(old_workers), new_master


def p99(sent: list[Sent]) -> float:
    times = sorted(s.seconds for s in sent)
    return times[min(len(times) - 1, int(len(times) * 0.99))]


def figures(sent: list[Sent]) -> str:
    if not sent:
        return "no requests"
    times = sorted(s.seconds * 1000 for s in sent)
    failed = sum(s.failed for s in sent)
    return (
        f"{len(sent):6d} requests  {failed:3d} failed  p50 {statistics.median(times):7.1f} ms  "
        f"p99 {p99(sent) * 1000:7.1f} ms  max {times[-1]:7.1f} ms"
    )


def run(mode: str, args: argparse.Namespace, work: Path) -> bool:
    """One server, one reload; prints the figures; whether the target was met."""
    server = FleetServer(
        work / mode, free_port(), f"sqlite:///{work / mode}.sqlite3", WEB_CONCURRENCY=str(args.workers)
    )
    new_master = None
    try:
        server.wait_until_serving(timeout=60)
        balancer = TimedBalancer(server.url)
        twilio = TwilioThroughBalancer(balancer)
        broken = play_callers(twilio, 1, args.idle_seconds, args.seed)
        idle = list(balancer.sent)
        balancer.sent.clear()
        load_started = time.monotonic()
        outcome: dict[str, object] = {}
        callers = threading.Thread(
            target=lambda: outcome.update(broken=play_callers(twilio, args.callers, args.seconds, args.seed + 100))
        )
        callers.start()
        time.sleep(args.seconds / 2)
        signalled, gone, new_master = reload_line(server, mode)
        callers.join()
        broken += outcome.get("broken", [])  # type: ignore[arg-type]
        during_end = gone + 1.0
        warm = [s for s in balancer.sent if s.at >= load_started + 1.0]  # the first second warms connections
        phases = {
            "idle (1 caller)": idle,
            "before": [s for s in warm if s.at < signalled],
            "during": [s for s in balancer.sent if signalled <= s.at < during_end],
            "after": [s for s in balancer.sent if s.at >= during_end],
        }
        print(f"\n{mode}: {args.callers} callers, {args.workers} workers")
        print(f"  the old processes were gone {gone - signalled:.1f} s after the signal")
        for name, sent in phases.items():
            print(f"  {name:16s} {figures(sent)}")
        print(f"  fallbacks Twilio would have requested: {len(twilio.fallbacks)}  broken calls: {len(broken)}")
        for why in sorted(set(twilio.fallbacks + broken))[:5]:
            print(f"    {why}")
        worst = max(p99(sent) for sent in phases.values() if sent)
        failed = sum(s.failed for s in balancer.sent) + len(twilio.fallbacks) + len(broken)
        return failed == 0 and worst < 1.0
    finally:
        if new_master is not None:
            os.kill(new_master, signal.SIGTERM)
            wait_gone([new_master])
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=["hup", "upgrade", "both"], default="both")
    parser.add_argument("--callers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--idle-seconds", type=float, default=3.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    modes = ["hup", "upgrade"] if args.mode == "both" else [args.mode]
    with tempfile.TemporaryDirectory(prefix="ivr-reload-") as folder:
        met = [run(mode, args, Path(folder)) for mode in modes]
    print("\ntarget (0 failed, p99 under 1 s):", "met" if all(met) else "NOT met")
    sys.exit(0 if all(met) else 1)


if __name__ == "__main__":
    main()
