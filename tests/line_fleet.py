"""Several servers, one line: what the fleet tests and ``bench/fleet.py`` share.

* :class:`FleetServer`: one server started as the ``Procfile`` starts it — its command, in
  a working directory of its own (with its own copy of the flow file, and so its own last
  good copy and revision copy), on a port of its own — sharing one database
  (``DATABASE_URL``) and the line's public URL with the others.
* :class:`Balancer`: a round-robin load balancer in miniature, with nginx's passive health
  check (``max_fails=1 fail_timeout=5s``): a server that failed a request is passed over
  for a while. A refused connection goes to the next server (nothing reached the dead one,
  so trying another is safe); a request that fails once sent (reset, cut short) fails.
* :class:`TwilioThroughBalancer`: Twilio's side of that. When a request fails (no answer,
  an error status, or TwiML it cannot run) it does what Twilio does: it requests the
  number's fallback URL (``/voice/fallback``, with ``ErrorCode`` and ``ErrorUrl``), through
  the balancer, so any server can answer it, and the call follows that answer.
"""

from __future__ import annotations

import contextlib
import http.client
import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from xml.etree import ElementTree

from support import DEFAULT_FLOW, PUBLIC, ROOT, TOKEN
from twilio.request_validator import RequestValidator

from ivr.runtime import twilio as tw

#: The console's cookies are signed with one key on every server (README: several servers).
SECRET_KEY = "fleet-secret-key-" + "9" * 32
#: Twilio's error codes for a URL it could not fetch: the server could not be reached / failed.
CONNECTION_FAILED = "11205"
HTTP_ERROR = "11200"


def procfile_command() -> list[str]:
    """The ``web:`` command of the Procfile, as a deployment would run it."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        if line.startswith("web:"):
            return shlex.split(line.removeprefix("web:"))
    raise RuntimeError("the Procfile has no web: command")


class FleetServer:
    """One of the line's servers, in ``folder`` on ``port``."""

    def __init__(self, folder: Path, port: int, database_url: str, **env: str) -> None:
        self.folder = folder
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        folder.mkdir(parents=True, exist_ok=True)
        # A deployment's files: the Procfile's command and what it names, and the flow.
        for name in ("Procfile", "gunicorn.conf.py", "app.py"):
            shutil.copy(ROOT / name, folder / name)
        shutil.copy(DEFAULT_FLOW, folder / "call_flows.yaml")
        self.log = folder / "server.log"
        inherited = {
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("IVR_", "PROMETHEUS_")) and name not in ("DATABASE_URL", "PORT")
        }
        environment = {
            **inherited,
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_PUBLIC_URL": PUBLIC,
            "IVR_SECRET_KEY": SECRET_KEY,
            "DATABASE_URL": database_url,
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            **env,
        }
        self.workers = int(environment["WEB_CONCURRENCY"])
        command = procfile_command()
        command[0] = str(Path(sys.executable).with_name(command[0]))  # this environment's gunicorn
        with self.log.open("w") as log:
            self.process = subprocess.Popen(command, cwd=folder, env=environment, stdout=log, stderr=log)

    def wait_until_serving(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server on port {self.port} stopped; see {self.log}")
            if self.log.read_text().count('"worker ready"') >= self.workers and self._health() == 200:
                return
            time.sleep(0.1)
        raise RuntimeError(f"the server on port {self.port} did not start; see {self.log}")

    def _health(self) -> int:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            connection.request("GET", "/health")
            return connection.getresponse().status
        except OSError:
            return 0
        finally:
            connection.close()

    def kill(self) -> None:
        """SIGKILL the master and its workers at once: a machine lost, nothing flushed."""
        workers = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        for pid in [self.process.pid, *map(int, workers)]:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        """A normal stop (SIGTERM): workers write the statistics they hold first."""
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)


def start_fleet(folder: Path, count: int, database_url: str, **env: str) -> list[FleetServer]:
    """``count`` servers started together (as a deployment would), each serving when this returns."""
    servers = [FleetServer(folder / f"server-{i + 1}", free_port(), database_url, **env) for i in range(count)]
    try:
        for server in servers:
            server.wait_until_serving()
    except Exception:
        for server in servers:
            server.stop()
        raise
    return servers


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Balancer:
    """Round robin over the servers; a server that refused or lost a request is skipped for
    ``rest`` seconds. Counts what each server answered."""

    def __init__(self, urls: list[str], timeout: float = 15.0, rest: float = 5.0) -> None:
        self.servers = [urllib.parse.urlsplit(url).netloc for url in urls]
        self.timeout = timeout
        self.rest = rest
        self._next = 0
        self._down_until = [0.0] * len(urls)
        self._lock = threading.Lock()
        self.answered = [0] * len(urls)

    def _pick(self) -> list[int]:
        with self._lock:
            start = self._next
            self._next = (self._next + 1) % len(self.servers)
        order = [(start + i) % len(self.servers) for i in range(len(self.servers))]
        now = time.monotonic()
        return [i for i in order if self._down_until[i] <= now] or order

    def post(self, path: str, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
        """The answer of the first server that takes the request; (0, why) when it failed."""
        why = "no server"
        for index in self._pick():
            host, port = self.servers[index].split(":")
            connection = http.client.HTTPConnection(host, int(port), timeout=self.timeout)
            try:
                connection.connect()
            except OSError as exc:  # nothing was sent: another server may take it
                connection.close()
                self._down_until[index] = time.monotonic() + self.rest
                why = f"connect: {type(exc).__name__}"
                continue
            try:
                connection.request("POST", path, body, headers)
                answer = connection.getresponse()
                text = answer.read().decode("utf-8", "replace")
            except (OSError, http.client.HTTPException) as exc:  # sent, then lost: this request failed
                self._down_until[index] = time.monotonic() + self.rest
                return 0, f"lost: {type(exc).__name__}"
            finally:
                connection.close()
            self.answered[index] += 1
            return answer.status, text
        return 0, why


class TwilioThroughBalancer:
    """A transport for :class:`~ivr.tools.simulator.SimulatedCall`: each request goes through
    the balancer; one that fails is followed, as Twilio does, by the fallback URL's."""

    def __init__(self, balancer: Balancer, public_url: str = PUBLIC, auth_token: str = TOKEN) -> None:
        self.balancer = balancer
        self.public_url = public_url
        self.validator = RequestValidator(auth_token)
        self.fallbacks: list[str] = []  # why each fallback was requested
        self._lock = threading.Lock()

    def __call__(self, url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        status, text = self._send(url, params, headers)
        if url.endswith(tw.PATH_STATUS):  # a failed status callback is only logged
            return status, text
        if status == 200 and _is_twiml(text):
            return status, text
        with self._lock:
            self.fallbacks.append(text if status == 0 else f"HTTP {status}" if status != 200 else "invalid TwiML")
        fallback_url = self.public_url + tw.PATH_FALLBACK
        call = {name: params[name] for name in params if name not in (tw.DIGITS, tw.SPEECH_RESULT, tw.CONFIDENCE)}
        call[tw.ERROR_CODE] = CONNECTION_FAILED if status == 0 else HTTP_ERROR
        call["ErrorUrl"] = url
        signature = {tw.SIGNATURE_HEADER: self.validator.compute_signature(fallback_url, call)}
        return self._send(fallback_url, call, signature)

    def _send(self, url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        path = url.removeprefix(self.public_url)
        body = urllib.parse.urlencode(params).encode()
        return self.balancer.post(
            path, body, {**headers, "Content-Type": "application/x-www-form-urlencoded", "Host": "line.example.org"}
        )


def _is_twiml(text: str) -> bool:
    """Whether Twilio could run this answer: an XML document whose root is <Response>."""
    try:
        return ElementTree.fromstring(text).tag == "Response"
    except ElementTree.ParseError:
        return False
