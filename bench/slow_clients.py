"""Slow clients (slowloris) against the line: gunicorn alone, then nginx in front of it.

    .venv/bin/python bench/slow_clients.py [--slow 200] [--kind body] [--seconds 20] [--rate 5]

1. Starts the line with gunicorn as the Procfile does (gunicorn.conf.py: its workers and
   threads, signature checks and JSON logs on), IVR_PUBLIC_URL=https://line.example.org.
2. Sends signed webhook requests (POST /voice with CallSid, From, To, as Twilio does) at a
   steady rate, each on a new connection, each given Twilio's 15 s: first on a quiet line,
   then while N slow connections hold on. A slow connection sends its headers with
   ``Content-Length: 60000`` and then one byte of body every 2 s (``--kind body``, the
   finding of issue 11), or sends its headers one byte every 2 s and never ends them
   (``--kind headers``); one that the server closes is opened again. They come from 50
   loopback addresses (127.0.0.2 to 127.0.0.51, ``--addresses``), as an attack from several
   machines would; the signed requests come from 127.0.0.1.
3. Does the same with nginx in front of gunicorn: ``deploy/nginx.conf`` as shipped, with
   only its listen addresses, certificate (made here, self-signed) and upstream port
   replaced, run as a throwaway nginx (its own prefix, pid and logs in a temporary folder,
   loopback ports only) — requests and slow clients over TLS to nginx, as in production.
4. Prints, for both, p50 and p99 of the signed requests (a request that failed counts
   with the time it took, 15 s for one that got no answer) and the failures, quiet and
   under the slow load, and nginx + gunicorn against gunicorn alone under the slow load.

Target: with 200 slow connections, nginx + gunicorn keeps the signed requests' p99 under
1 s, with no failure. Needs Debian's nginx and openssl; traffic goes only to loopback.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import math
import os
import secrets
import select
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "deploy" / "nginx.conf"
TOKEN = "bench-token-not-a-secret"
PUBLIC_HOST = "line.example.org"
PUBLIC_URL = f"https://{PUBLIC_HOST}"
TWILIO_TIMEOUT = 15.0  # Twilio gives up on a webhook after 15 s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def nginx_binary() -> str | None:
    """Debian's nginx, also for a user whose PATH has no /usr/sbin."""
    for candidate in (shutil.which("nginx"), "/usr/sbin/nginx"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def missing_tools() -> list[str]:
    """What running nginx here needs and this machine lacks (Debian package names)."""
    missing = [] if nginx_binary() else ["nginx"]
    return missing + ([] if shutil.which("openssl") else ["openssl"])


# -- where requests go -----------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """A server on loopback, and how to speak to it: plain HTTP, or TLS as to line.example.org."""

    port: int
    host_header: str
    tls: ssl.SSLContext | None = None

    def connect(self, timeout: float, source: str | None = None) -> socket.socket:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # as http.client does
            if source:
                sock.bind((source, 0))
            sock.connect(("127.0.0.1", self.port))
            if self.tls is not None:
                return self.tls.wrap_socket(sock, server_hostname=PUBLIC_HOST)
            return sock
        except BaseException:
            sock.close()
            raise


class _Connection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__("127.0.0.1", target.port, timeout=timeout)
        self._target = target

    def connect(self) -> None:
        self.sock = self._target.connect(self.timeout)


def post(
    target: Target, path: str, body: bytes, headers: dict[str, str], timeout: float = TWILIO_TIMEOUT
) -> tuple[int, bytes]:
    """One POST on a new connection: (status, body)."""
    connection = _Connection(target, timeout)
    try:
        connection.request(
            "POST",
            path,
            body,
            {"Host": target.host_header, "Content-Type": "application/x-www-form-urlencoded", **headers},
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def signed_post(
    target: Target,
    token: str,
    path: str = "/voice",
    params: dict[str, str] | None = None,
    headers: dict[str, str] | None = None,
    timeout: float = TWILIO_TIMEOUT,
) -> tuple[int, bytes]:
    """A webhook request as Twilio sends it: signed over the public URL and the parameters."""
    from twilio.request_validator import RequestValidator

    if params is None:
        params = {"CallSid": "CA" + secrets.token_hex(16), "From": "+447700900456", "To": "+441234567890"}
    signature = RequestValidator(token).compute_signature(PUBLIC_URL + path, params)
    return post(target, path, urlencode(params).encode(), {"X-Twilio-Signature": signature, **(headers or {})}, timeout)


# -- gunicorn and nginx ----------------------------------------------------------------------
class Gunicorn:
    """The line under gunicorn as the Procfile runs it, on a loopback port."""

    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.port = free_port()
        self.log_file = work / f"gunicorn-{self.port}.log"
        workers = int(env.get("WEB_CONCURRENCY") or os.environ.get("WEB_CONCURRENCY") or (os.cpu_count() or 1) * 2)
        log = self.log_file.open("w")
        self.process = subprocess.Popen(
            [str(Path(sys.executable).with_name("gunicorn")), "--config", "gunicorn.conf.py", "app:line()"],
            cwd=ROOT,
            env={**os.environ, **env, "WEB_CONCURRENCY": str(workers), "GUNICORN_BIND": f"127.0.0.1:{self.port}"},
            stdout=log,
            stderr=log,
        )
        log.close()
        deadline = time.monotonic() + 30
        while self.log_file.read_text().count('"worker ready"') < workers:  # every worker is ready (gunicorn.conf.py)
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"gunicorn did not start; see {self.log_file}")
            time.sleep(0.1)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def make_certificate(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for line.example.org (for the throwaway nginx only)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        + ["-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", f"/CN={PUBLIC_HOST}"]
        + ["-addext", f"subjectAltName=DNS:{PUBLIC_HOST}"],
        check=True,
        capture_output=True,
    )
    return cert, key


def render_site(
    text: str,
    *,
    https_port: int,
    http_port: int,
    upstream_port: int,
    console_port: int,
    cert: Path,
    key: Path,
    logs: Path,
):
    """deploy/nginx.conf with what only a real host has replaced: addresses, certificate, log."""
    replacements = {
        "server 127.0.0.1:8000;": f"server 127.0.0.1:{upstream_port};",
        "server 127.0.0.1:8001;": f"server 127.0.0.1:{console_port};",
        "listen 443 ssl;": f"listen 127.0.0.1:{https_port} ssl;",
        "listen [::]:443 ssl;": "",
        "listen 80;": f"listen 127.0.0.1:{http_port};",
        "listen [::]:80;": "",
        f"/etc/letsencrypt/live/{PUBLIC_HOST}/fullchain.pem": str(cert),
        f"/etc/letsencrypt/live/{PUBLIC_HOST}/privkey.pem": str(key),
        "/var/log/nginx/ivr-access.log": str(logs / "ivr-access.log"),
    }
    for old, new in replacements.items():
        if text.count(old) != 1:
            raise ValueError(f"{SITE} no longer has {old!r} exactly once: update bench/slow_clients.py")
        text = text.replace(old, new)
    return text


class Nginx:
    """deploy/nginx.conf run by a throwaway nginx: its own prefix, pid and logs, loopback only."""

    def __init__(
        self, directory: Path, upstream_port: int, worker_processes: str = "1", console_port: int | None = None
    ) -> None:
        """``upstream_port``: the line's gunicorn (Procfile web:); ``console_port``: the
        console's (Procfile console:), or nothing there: the line's port, which answers 404."""
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (Debian: apt-get install nginx)")
        (directory / "temp").mkdir(parents=True, exist_ok=True)
        self.directory = directory
        cert, key = make_certificate(directory)
        self.https_port, self.http_port = free_port(), free_port()
        (directory / "site.conf").write_text(
            render_site(
                SITE.read_text(),
                https_port=self.https_port,
                http_port=self.http_port,
                upstream_port=upstream_port,
                console_port=console_port or upstream_port,
                cert=cert,
                key=key,
                logs=directory,
            )
        )
        temp = "\n".join(
            f"    {kind}_temp_path {directory}/temp/{kind};"
            for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
        )
        # As root, nginx's workers would become "nobody", who cannot enter a private
        # temporary folder; this throwaway nginx keeps the user it was started by.
        user = "user root root;\n" if os.geteuid() == 0 else ""
        (directory / "nginx.conf").write_text(
            f"{user}worker_processes {worker_processes};\n"
            f"pid {directory}/nginx.pid;\n"
            f"error_log {directory}/error.log warn;\n"
            "events { worker_connections 768; }\n"  # Debian's /etc/nginx/nginx.conf
            "http {\n"
            "    default_type application/octet-stream;\n"
            f"    access_log {directory}/access.log;\n"
            f"{temp}\n"
            f"    include {directory}/site.conf;\n"
            "}\n"
        )
        self.log_file = directory / "nginx.out"
        conf, errors = directory / "nginx.conf", directory / "error.log"
        command = [binary, "-p", f"{directory}/", "-c", str(conf), "-e", str(errors)]
        check = subprocess.run([*command, "-t"], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx refused the configuration:\n{check.stderr}")
        log = self.log_file.open("w")
        self.process = subprocess.Popen([*command, "-g", "daemon off;"], stdout=log, stderr=log)
        log.close()
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.https_port), timeout=0.2).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError(f"nginx did not start; see {self.log_file} and {directory}/error.log") from None
                time.sleep(0.05)
        tls = ssl.create_default_context(cafile=str(cert))
        tls.verify_flags &= ~ssl.VERIFY_X509_STRICT
        self.target = Target(self.https_port, PUBLIC_HOST, tls)

    def workers_memory_mib(self) -> float:
        """The resident memory of nginx's worker processes, together."""
        total_kib = 0
        for pid in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total_kib += int(line.split()[1])
        return total_kib / 1024

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)  # fast shutdown
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# -- the slow clients ------------------------------------------------------------------------
class _Slow:
    __slots__ = ("sock", "dribble")

    def __init__(self, sock: socket.socket, dribble: itertools.cycle) -> None:
        self.sock = sock
        self.dribble = dribble


class SlowClients:
    """``count`` connections that each send one byte every ``interval`` seconds, and never finish.

    ``kind="body"``: whole headers with ``Content-Length: 60000``, then the body byte by
    byte. ``kind="headers"``: the request line, then headers byte by byte, without end.
    A connection the server answers or closes is counted (``answered``) and opened again.
    """

    def __init__(
        self, target: Target, count: int, kind: str = "body", interval: float = 2.0, addresses: int = 50
    ) -> None:
        if kind not in ("body", "headers", "both"):
            raise ValueError(f"kind must be body, headers or both, not {kind!r}")
        self.target = target
        self.interval = interval
        self.kinds = [("body", "headers")[i % 2] if kind == "both" else kind for i in range(count)]
        self.sources = [f"127.0.0.{2 + i % addresses}" for i in range(count)]
        self.slots: list[_Slow | None] = [None] * count
        self.answered = 0
        self.failed_connects = 0
        self.rounds = 0
        self._stop = threading.Event()
        self._round_done = threading.Condition()
        self._thread = threading.Thread(target=self._run, name="slow-clients", daemon=True)

    def _open(self, i: int) -> _Slow | None:
        host = self.target.host_header
        if self.kinds[i] == "body":
            opening = (
                f"POST /voice HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                "Content-Length: 60000\r\n\r\n"
            ).encode()
            dribble = itertools.cycle(b"a")
        else:
            opening = f"POST /voice HTTP/1.1\r\nHost: {host}\r\n".encode()
            dribble = itertools.cycle(b"X-Slow: a\r\n")
        try:
            sock = self.target.connect(timeout=5, source=self.sources[i])
            sock.sendall(opening)
        except OSError:
            self.failed_connects += 1
            return None
        return _Slow(sock, dribble)

    def start(self) -> SlowClients:
        for i in range(len(self.slots)):
            self.slots[i] = self._open(i)
        self._thread.start()
        return self

    @property
    def open(self) -> int:
        return sum(slot is not None for slot in self.slots)

    def wait_rounds(self, rounds: int, timeout: float = 60) -> None:
        """Until every connection has sent ``rounds`` more bytes (or been opened again)."""
        with self._round_done:
            goal = self.rounds + rounds
            if not self._round_done.wait_for(lambda: self.rounds >= goal, timeout):
                raise TimeoutError("the slow clients did not keep up")

    def _answered_or_closed(self, slot: _Slow) -> bool:
        """Did the server send something (an error) or close? TLS may only bring a session ticket."""
        slot.sock.setblocking(False)
        try:
            slot.sock.recv(4096)
            return True  # an answer, or b"" for a closed connection: either way it is over
        except (ssl.SSLWantReadError, BlockingIOError):
            return False
        except OSError:
            return True
        finally:
            slot.sock.settimeout(5)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            poller = select.poll()
            for slot in self.slots:
                if slot is not None:
                    poller.register(slot.sock, select.POLLIN)
            readable = {fd for fd, _ in poller.poll(0)}
            for i, slot in enumerate(self.slots):
                if self._stop.is_set():
                    return
                if slot is not None:
                    over = slot.sock.fileno() in readable and self._answered_or_closed(slot)
                    if not over:
                        try:
                            slot.sock.send(bytes([next(slot.dribble)]))
                            continue
                        except OSError:
                            pass
                    self.answered += 1
                    slot.sock.close()
                self.slots[i] = self._open(i)
            with self._round_done:
                self.rounds += 1
                self._round_done.notify_all()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        for slot in self.slots:
            if slot is not None:
                slot.sock.close()
        self.slots = [None] * len(self.slots)


# -- measuring -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Figures:
    requests: int
    failures: int
    p50_ms: float
    p99_ms: float


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def probe(target: Target, token: str) -> tuple[bool, float]:
    start = time.monotonic()
    try:
        status, body = signed_post(target, token)
        ok = status == 200 and b"<Response" in body
    except OSError:
        ok = False
    return ok, time.monotonic() - start


def measure(target: Target, token: str, seconds: float, rate: float) -> Figures:
    """Signed requests at ``rate`` a second for ``seconds``, each on its own connection, open loop."""
    count = max(1, round(seconds * rate))
    with ThreadPoolExecutor(max_workers=min(count, int(rate * TWILIO_TIMEOUT) + 8)) as pool:
        start = time.monotonic()
        futures = []
        for i in range(count):
            time.sleep(max(0.0, start + i / rate - time.monotonic()))
            futures.append(pool.submit(probe, target, token))
        results = [f.result() for f in futures]
    times = [elapsed * 1000 for _, elapsed in results]
    return Figures(len(results), sum(not ok for ok, _ in results), percentile(times, 0.5), percentile(times, 0.99))


def run_setup(
    name: str, target: Target, args: argparse.Namespace, nginx: Nginx | None = None
) -> tuple[Figures, Figures, SlowClients]:
    quiet = measure(target, TOKEN, args.quiet_seconds, args.rate)
    slow = SlowClients(target, args.slow, args.kind, args.interval, args.addresses).start()
    try:
        slow.wait_rounds(1)  # every slow connection is open and has sent its first bytes
        loaded = measure(target, TOKEN, args.seconds, args.rate)
        memory = f"; nginx workers' memory {nginx.workers_memory_mib():.1f} MiB" if nginx else ""
    finally:
        held = slow.open
        slow.stop()
    print(
        f"{name}: slow connections open at the end {held}/{args.slow}, answered or closed by the server "
        f"{slow.answered}, refused {slow.failed_connects}{memory}",
        flush=True,
    )
    return quiet, loaded, slow


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slow", type=int, default=200, help="slow connections held open")
    parser.add_argument("--kind", choices=("body", "headers", "both"), default="body", help="what they dribble")
    parser.add_argument("--interval", type=float, default=2.0, help="seconds between two bytes of a slow client")
    parser.add_argument("--addresses", type=int, default=50, help="loopback addresses the slow clients come from")
    parser.add_argument("--seconds", type=float, default=20, help="seconds of signed requests under the slow load")
    parser.add_argument("--quiet-seconds", type=float, default=5, help="seconds of signed requests without it")
    parser.add_argument("--rate", type=float, default=5, help="signed requests a second")
    args = parser.parse_args()
    missing = missing_tools()
    if missing:
        sys.exit(f"bench/slow_clients.py needs {' and '.join(missing)}: apt-get install {' '.join(missing)}")

    work = Path(tempfile.mkdtemp(prefix="ivr-bench-slow-"))
    workers = os.environ.get("WEB_CONCURRENCY") or str((os.cpu_count() or 1) * 2)
    line_env = {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_FLOW_FILE": str(ROOT / "call_flows.yaml"),
        "IVR_PUBLIC_URL": PUBLIC_URL,
        "IVR_DATABASE_FILE": str(work / "stats.sqlite3"),
        "WEB_CONCURRENCY": workers,
    }
    threads = os.environ.get("GUNICORN_THREADS", "4")
    print(
        f"{args.slow} slow connections ({args.kind}: one byte every {args.interval:g} s) from {args.addresses} "
        "addresses; "
        f"signed requests at {args.rate:g}/s, {args.quiet_seconds:g} s quiet then {args.seconds:g} s under the slow "
        f"load, each given {TWILIO_TIMEOUT:g} s; gunicorn {workers} workers x {threads} threads; "
        f"{os.cpu_count()} cores",
        flush=True,
    )
    rows = {}
    server = Gunicorn(work, line_env)
    try:
        alone = Target(server.port, f"127.0.0.1:{server.port}")
        rows["gunicorn alone"] = run_setup("gunicorn alone", alone, args)
    finally:
        server.stop()
    server = Gunicorn(work, {**line_env, "IVR_TRUSTED_PROXIES": "1"})
    try:
        nginx = Nginx(work / "nginx", server.port, worker_processes="auto")  # Debian's default
        try:
            rows["nginx + gunicorn"] = run_setup("nginx + gunicorn", nginx.target, args, nginx)
        finally:
            nginx.stop()
    finally:
        server.stop()

    print(f"\n{'':<17} {'quiet p50':>9} {'p99':>8} {'failed':>7}   {'slow p50':>9} {'p99':>8} {'failed':>7}")
    for name, (quiet, loaded, _) in rows.items():
        print(
            f"{name:<17} {quiet.p50_ms:>9.1f} {quiet.p99_ms:>8.1f} {quiet.failures:>3}/{quiet.requests:<3}   "
            f"{loaded.p50_ms:>9.1f} {loaded.p99_ms:>8.1f} {loaded.failures:>3}/{loaded.requests:<3}"
        )
    print("(milliseconds; a failed request counts with the time it took)")
    a, b = rows["gunicorn alone"][1], rows["nginx + gunicorn"][1]
    met = b.p99_ms < 1000 and b.failures == 0
    print(
        f"\nunder {args.slow} slow connections, nginx + gunicorn / gunicorn alone: "
        f"p50 {b.p50_ms / a.p50_ms:.2g}x, p99 {b.p99_ms / a.p99_ms:.2g}x ({a.p99_ms / b.p99_ms:,.0f} times shorter), "
        f"failures {b.failures} against {a.failures}"
    )
    print(f"target: p99 under 1000 ms and no failure through nginx: {'met' if met else 'NOT MET'}")
    print(f"Logs: {work}")


if __name__ == "__main__":
    main()
