"""Operators at work against callers: does anything done in the console slow a call?

    .venv/bin/python bench/operators_vs_callers.py [--seconds 25] [--callers 4] [--checks 16]

1. Starts the line as the Procfile does: its ``web:`` master (the callers) and its
   ``console:`` master (the operators), each with the Procfile's command, on one SQLite
   database and one flow file.
2. **Idle:** ``--callers`` callers call non-stop for ``--seconds`` seconds, each following
   whole calls with signed requests as Twilio does (a language, the menu, a choice, the
   helpline, a finished transfer; or silence until the line transfers).
3. **Busy:** the same callers again, while 3 operators, logged in to the console, send
   ``--checks`` concurrent live checks of a 1.2 MB draft (spread over the 3) and open the
   page of what it changes, again and again until the time is up.
4. Prints, for each phase: callers' requests, failed requests (an error, a refused
   connection, a non-200 answer, or over Twilio's 15 s), p50 and p99 latency; and the
   operators' steps by answer (200 checked, 429 asked to wait, anything else).

Targets (issue 24): 0 failed; callers' p99 at most 1.0 s and at most 2x the idle p99.
Both phases run in the same run on the same machine, so the ratio is fair on a shared one.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import multiprocessing
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.flow_size import generate  # noqa: E402
from bench.load import free_port  # noqa: E402
from ivr.tools.simulator import SimulatedCall  # noqa: E402
from ivr.tools.transports import http_transport  # noqa: E402

TOKEN = "bench-operators-token"
SECRET_KEY = "bench-operators-secret-" + "7" * 32
PASSWORD = "quiet lantern orbit ferry plum"
OPERATORS = ("alice", "bob", "carol")
TWILIO_TIMEOUT = 15.0


# -- the servers, as the Procfile starts them ---------------------------------------------------
def procfile(name: str) -> list[str]:
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith(f"{name}:"):
            return shlex.split(line.removeprefix(f"{name}:"))
    raise RuntimeError(f"the Procfile has no {name}: command")


def start(name: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = procfile(name)
    command[0] = str(Path(sys.executable).with_name(command[0]))
    if "--bind" in command:
        command[command.index("--bind") + 1] = f"127.0.0.1:{port}"
    out = log.open("w")
    process = subprocess.Popen(
        command, cwd=ROOT, env={**env, "GUNICORN_BIND": f"127.0.0.1:{port}"}, stdout=out, stderr=out
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the {name} server stopped; see {log}")
        if _status(port, "GET", "/health")[0] == 200:
            time.sleep(1.0)  # every worker up
            return process
        time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"the {name} server did not start; see {log}")


def _status(port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), response.getheaders()
    except OSError:
        return 0, b"", []
    finally:
        connection.close()


# -- callers ---------------------------------------------------------------------------------
class Timings:
    def __init__(self) -> None:
        self.seconds: list[float] = []
        self.failed = 0
        self.calls = 0
        self._lock = threading.Lock()

    def transport(self):  # type: ignore[no-untyped-def]
        post = http_transport(timeout=TWILIO_TIMEOUT)

        def timed(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
            started = time.perf_counter()
            try:
                status, body = post(url, params, headers)
            except OSError:
                status, body = 0, ""
            took = time.perf_counter() - started
            with self._lock:
                self.seconds.append(took)
                if status != 200 or took > TWILIO_TIMEOUT or "<Response" not in body:
                    self.failed += 1
            return status, body

        return timed


def caller(number: int, line_url: str, timings: Timings, until: float) -> None:
    """Whole calls, one after another, until ``until``: two shapes of call in turn."""
    for shape in itertools.cycle((0, 1)):
        if time.monotonic() >= until:
            return
        call = SimulatedCall(timings.transport(), line_url, TOKEN)
        try:
            call.start(language="en-GB" if number % 2 else "")
            if shape == 0:
                call.press("1")
                call.press("0")
            for _ in range(8):
                if call.waiting_for != "gather":
                    break
                call.silence()
            if call.waiting_for == "dial":
                call.dial_result("completed")
        except Exception:
            with timings._lock:
                timings.failed += 1
        with timings._lock:
            timings.calls += 1


def run_callers(count: int, line_url: str, seconds: float) -> Timings:
    timings = Timings()
    until = time.monotonic() + seconds
    threads = [threading.Thread(target=caller, args=(n, line_url, timings, until)) for n in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return timings


# -- operators ---------------------------------------------------------------------------------
class Operator:
    """A browser logged in to the console: its cookie and CSRF token."""

    def __init__(self, port: int, name: str) -> None:
        self.port = port
        status, page, headers = _status(port, "GET", "/console/login")
        self.cookie = _cookie(headers)
        token = re.search(rb'name="csrf" value="([^"]+)"', page).group(1).decode()
        form = f"name={name}&password={PASSWORD.replace(' ', '+')}&csrf={token}".encode()
        status, _, headers = _status(
            port, "POST", "/console/login", form,
            {"Content-Type": "application/x-www-form-urlencoded", "Cookie": self.cookie},
        )  # fmt: skip
        if status != 302:
            raise RuntimeError(f"{name} could not log in ({status})")
        self.cookie = _cookie(headers) or self.cookie
        _, page, _ = _status(port, "GET", "/console/edit", headers={"Cookie": self.cookie})
        self.csrf = re.search(rb'data-csrf="([^"]+)"', page).group(1).decode()

    def check(self, body: bytes) -> str:
        """The editor's live check of a whole text, already JSON (``{"text": …}``): its status,
        and for a 200 whether the text was checked or stopped at the time limit."""
        headers = {"Content-Type": "application/json", "Cookie": self.cookie, "X-CSRF-Token": self.csrf}
        status, answer, _ = _status(self.port, "POST", "/console/edit/check", body, headers)
        if status == 200 and b"took longer than" in answer:
            return "200 stopped at the time limit"
        return f"{status} checked" if status == 200 else str(status)

    def changes(self) -> int:
        return _status(self.port, "GET", "/console/edit/changes", headers={"Cookie": self.cookie})[0]


def _cookie(headers: list[tuple[str, str]]) -> str:
    for name, value in headers:
        if name.lower() == "set-cookie" and value.startswith("ivr_console="):
            return value.split(";", 1)[0]
    return ""


def run_operators(operators: list[Operator], checks: int, draft: str, until: float) -> Counter:
    """``checks`` concurrent streams of live checks, each followed by a look at the changes."""
    answers: Counter = Counter()
    lock = threading.Lock()
    body = json.dumps({"text": draft}).encode()

    def work(n: int) -> None:
        operator = operators[n % len(operators)]
        for edit in itertools.count():
            if time.monotonic() >= until:
                return
            text = body.replace(b"Generated", f"Generated {n}-{edit}".encode(), 1)  # a new text each time
            check, changes = operator.check(text), operator.changes()
            with lock:
                answers[f"check {check}"] += 1
                answers[f"changes {changes}"] += 1
            if check == "429" or changes == 429:
                time.sleep(0.5)  # what the editor does when asked to wait (less than it is told)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(checks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def _one_check_timed(operator: Operator, draft: str) -> tuple[str, float]:
    """One check of the draft with no calls and no other operator: what it costs alone."""
    started = time.perf_counter()
    answer = operator.check(json.dumps({"text": draft.replace("Generated", "Generated alone", 1)}).encode())
    return answer, time.perf_counter() - started


def summary(timings: Timings) -> tuple[int, int, float, float]:
    ordered = sorted(timings.seconds)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return len(ordered), timings.failed, statistics.median(ordered), p99


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=25.0)
    parser.add_argument("--callers", type=int, default=4)
    parser.add_argument("--checks", type=int, default=16)
    args = parser.parse_args()

    from ivr.console.accounts import add_operator
    from ivr.database import Database

    work = Path(tempfile.mkdtemp(prefix="ivr-operators-"))
    shutil.copy(ROOT / "call_flows.yaml", work / "call_flows.yaml")
    database = work / "ivr.sqlite3"
    engine = Database(f"sqlite:///{database}").engine
    for name in OPERATORS:
        add_operator(engine, name, PASSWORD)
    engine.dispose()
    line_port, console_port = free_port(), free_port()
    env = {
        "PATH": "/usr/bin:/bin",
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_FLOW_FILE": str(work / "call_flows.yaml"),
        "IVR_DATABASE_FILE": str(database),
        "IVR_ALLOWED_HOSTS": f"127.0.0.1:{line_port},127.0.0.1:{console_port}",
        "IVR_SECRET_KEY": SECRET_KEY,
        "IVR_DEV": "1",  # the console's cookie without Secure: this bench talks plain HTTP on loopback
    }
    draft = generate(6_000)
    servers = [
        start("web", line_port, env, work / "line.log"),
        start("console", console_port, env, work / "console.log"),
    ]
    line_url = f"http://127.0.0.1:{line_port}"
    try:
        operators = [Operator(console_port, name) for name in OPERATORS]
        run_callers(args.callers, line_url, 3)  # warm-up
        alone = _one_check_timed(operators[0], draft)
        idle = run_callers(args.callers, line_url, args.seconds)
        # The operators in a process of their own: their threads sending megabytes must not
        # hold this process's interpreter while it times the callers' requests.
        until = time.monotonic() + args.seconds
        results: multiprocessing.Queue = multiprocessing.get_context("fork").Queue()
        busy_operators = multiprocessing.get_context("fork").Process(
            target=lambda: results.put(run_operators(operators, args.checks, draft, until))
        )
        busy_operators.start()
        time.sleep(0.5)  # the operators' first checks are running
        busy = run_callers(args.callers, line_url, args.seconds - 0.5)
        answers: Counter = results.get(timeout=120)
        busy_operators.join()
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)

    print(
        f"{args.callers} callers for {args.seconds:g} s a phase; {len(OPERATORS)} operators sending {args.checks} "
        f"concurrent live checks of a {len(draft.encode()) / 1e6:.1f} MB draft and opening its changes; "
        f"the Procfile's two masters on 127.0.0.1; {shutil.os.cpu_count()} cores"
    )
    print(f"{'phase':<16} {'calls':>6} {'requests':>9} {'failed':>7} {'p50 ms':>8} {'p99 ms':>8}")
    for name, timings in (("console idle", idle), ("operators busy", busy)):
        count, failed, p50, p99 = summary(timings)
        print(f"{name:<16} {timings.calls:>6} {count:>9} {failed:>7} {p50 * 1000:>8.1f} {p99 * 1000:>8.1f}")
    _, idle_failed, _, idle_p99 = summary(idle)
    _, busy_failed, _, busy_p99 = summary(busy)
    print(f"one check of the draft with no calls and no other operator: {alone[1]:.1f} s ({alone[0]})")
    print("operators' steps under the callers' load: " + ", ".join(f"{k}: {v}" for k, v in sorted(answers.items())))
    ratio = busy_p99 / idle_p99
    met = busy_failed == 0 and busy_p99 <= 1.0 and ratio <= 2.0
    print(
        f"callers' p99 with operators busy / idle: {ratio:.2f}x; failed {busy_failed}; "
        f"target 0 failed, p99 <= 1.0 s and <= 2x idle: {'met' if met else 'NOT met'}"
    )


if __name__ == "__main__":
    main()
