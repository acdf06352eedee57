"""Telling the team: an alert's message posted to a chat webhook (Slack's JSON, which
Mattermost, Rocket.Chat and Teams' Slack-compatible hooks accept too) and/or emailed.

Both use the standard library (``http.client``, ``smtplib``): one small POST or one message,
from the alert's own thread, never on a caller's path.

Each destination has a connect time-out and a **total** one. A socket's time-out bounds
each operation, not the whole: a webhook that answers one byte every few seconds, or
keeps a TLS handshake going, would hold a time-out of 10 s for ever (urllib's, and
urllib3's and requests' read time-outs, are per read too). So a :class:`Deadline` watches
the connection from a timer thread and shuts its socket down when the total is up: the
blocked read returns at once, in the sending thread, with nothing left running behind.
Only the name look-up is outside it (the system's resolver has its own time-outs).
"""

from __future__ import annotations

import contextlib
import http.client
import json
import smtplib
import socket
import ssl
import threading
import urllib.parse
from dataclasses import dataclass
from email.message import EmailMessage
from types import TracebackType

from ivr.platform import AlertSettings


@dataclass(frozen=True)
class SendLimits:
    """Seconds a destination has: to accept the connection, and for everything."""

    connect: float = 5.0
    total: float = 15.0


#: A webhook or mail server that has not finished in 15 s is not going to: the alert tries
#: again later, with backoff (:mod:`ivr.stats.alert`).
LIMITS = SendLimits()


class NotDelivered(Exception):
    """No destination took the message; the alert tries again later, with backoff."""


class Deadline:
    """Shuts down the sockets it guards when ``seconds`` are up; :meth:`check` then raises.

    It keeps a duplicate of each socket: shutting a connection down through any of its
    descriptors ends it for all, and the duplicate survives TLS wrapping the original."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True

    def __enter__(self) -> Deadline:
        self._timer.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self._timer.cancel()
        with self._lock:
            for guarded in self._sockets:
                guarded.close()
            self._sockets.clear()
        if self.expired and (kind is None or issubclass(kind, OSError | http.client.HTTPException)):
            raise TimeoutError(f"no answer within {self.seconds:g} s") from error

    def guard(self, connection: socket.socket) -> socket.socket:
        """Watch ``connection``, just connected (within the connect time-out): from now on
        only the deadline bounds it, so a slow but working server has the whole total."""
        connection.settimeout(self.seconds + 1.0)  # a second later: the deadline, not the socket, ends it
        with self._lock:
            if self.expired:
                connection.close()
                raise TimeoutError(f"no answer within {self.seconds:g} s")
            self._sockets.append(connection.dup())
        return connection

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for guarded in self._sockets:
                with contextlib.suppress(OSError):  # already closed by its end
                    guarded.shutdown(socket.SHUT_RDWR)


def deliver(settings: AlertSettings, subject: str, text: str, limits: SendLimits = LIMITS) -> list[str]:
    """Send to every configured destination; the ones that took it ("webhook", "email").
    Raises :class:`NotDelivered` when there were destinations and none took it."""
    delivered, errors = [], []
    if settings.webhook_url:
        try:
            post_to_webhook(settings.webhook_url, f"*{subject}*\n{text}", limits)
            delivered.append("webhook")
        except Exception as exc:  # noqa: BLE001 (any failure: try again later)
            errors.append(f"webhook: {_said(exc)}")
    if settings.email_to:
        try:
            send_email(settings, subject, text, limits)
            delivered.append("email")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"email: {_said(exc)}")
    if errors and not delivered:
        raise NotDelivered("; ".join(errors))
    return delivered


def _said(exc: Exception) -> str:
    """A failure in a few words for the log: the HTTP status or the time-out, else its kind."""
    if isinstance(exc, NotDelivered | TimeoutError | socket.timeout):
        return str(exc) or "timed out"
    return type(exc).__name__


def post_to_webhook(url: str, text: str, limits: SendLimits = LIMITS) -> None:
    """POST ``{"text": ...}`` as JSON; any answer but 2xx is a failure. No redirect is followed."""
    parts = urllib.parse.urlsplit(url)
    body = json.dumps({"text": text}).encode()
    with Deadline(limits.total) as deadline:
        if parts.scheme == "https":
            connection: http.client.HTTPConnection = http.client.HTTPSConnection(
                parts.hostname or "", parts.port, timeout=limits.connect, context=ssl.create_default_context()
            )
        else:  # http:// is refused by the settings; the tests' local receiver uses it
            connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=limits.connect)
        # http.client opens its socket through this attribute (kept for tests to replace): the
        # deadline watches the socket from the moment it exists, TLS handshake included.
        connection._create_connection = _watched(deadline)  # type: ignore[attr-defined]
        try:
            path = parts.path + (f"?{parts.query}" if parts.query else "") or "/"
            connection.request("POST", path, body, {"Content-Type": "application/json"})
            answer = connection.getresponse()
            answer.read()
        finally:
            connection.close()
    if not 200 <= answer.status < 300:
        raise NotDelivered(f"answered {answer.status}")


def _watched(deadline: Deadline):  # type: ignore[no-untyped-def]
    def create_connection(*args, **kwargs) -> socket.socket:  # type: ignore[no-untyped-def]
        return deadline.guard(socket.create_connection(*args, **kwargs))

    return create_connection


class _WatchedSMTP(smtplib.SMTP):
    """SMTP whose socket a :class:`Deadline` watches (``_get_socket`` is smtplib's own hook,
    the one its SMTP_SSL overrides)."""

    def __init__(self, deadline: Deadline, timeout: float) -> None:
        self.deadline = deadline
        super().__init__(timeout=timeout)

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return self.deadline.guard(super()._get_socket(host, port, timeout))


def send_email(settings: AlertSettings, subject: str, text: str, limits: SendLimits = LIMITS) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.email_from
    message["To"] = ", ".join(settings.email_to)
    message.set_content(text)
    with Deadline(limits.total) as deadline, _WatchedSMTP(deadline, limits.connect) as server:
        server.connect(settings.smtp_host, settings.smtp_port)
        server.send_message(message)
