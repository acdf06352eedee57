"""Telling the team: an alert's message posted to a chat webhook (Slack's JSON, which
Mattermost, Rocket.Chat and Teams' Slack-compatible hooks accept too) and/or emailed.

Both use the standard library (``urllib.request``, ``smtplib``): one small POST or one
message, with a time limit, from the alert's own thread, never on a caller's path.
"""

from __future__ import annotations

import json
import smtplib
import urllib.request
from email.message import EmailMessage

from ivr.config import AlertSettings

#: Seconds a webhook or mail server has to answer; the next check tries again.
SEND_TIMEOUT = 10.0


class NotDelivered(Exception):
    """No destination took the message; the alert tries again at its next check."""


def deliver(settings: AlertSettings, subject: str, text: str) -> list[str]:
    """Send to every configured destination; the ones that took it ("webhook", "email").
    Raises :class:`NotDelivered` when there were destinations and none took it."""
    delivered, errors = [], []
    if settings.webhook_url:
        try:
            post_to_webhook(settings.webhook_url, f"*{subject}*\n{text}")
            delivered.append("webhook")
        except Exception as exc:  # noqa: BLE001 (any failure: try again later)
            errors.append(f"webhook: {type(exc).__name__}")
    if settings.email_to:
        try:
            send_email(settings, subject, text)
            delivered.append("email")
        except Exception as exc:  # noqa: BLE001
            errors.append(f"email: {type(exc).__name__}")
    if errors and not delivered:
        raise NotDelivered("; ".join(errors))
    return delivered


def post_to_webhook(url: str, text: str) -> None:
    """POST ``{"text": ...}`` as JSON; any answer but 2xx is a failure."""
    body = json.dumps({"text": text}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=SEND_TIMEOUT) as answer:  # noqa: S310 (the operators' URL)
        if not 200 <= answer.status < 300:
            raise NotDelivered(f"the webhook answered {answer.status}")


def send_email(settings: AlertSettings, subject: str, text: str) -> None:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.email_from
    message["To"] = ", ".join(settings.email_to)
    message.set_content(text)
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SEND_TIMEOUT) as server:
        server.send_message(message)
