"""How a simulated call reaches the line: in this process, or over HTTP to a running server.

A transport sends one signed POST, as Twilio would, and returns the answer; the
simulator (:mod:`ivr.tools.simulator`) decides what to send and follows what comes back.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

#: Sends a signed POST: (absolute URL, form parameters, headers) -> (status code, body).
Transport = Callable[[str, dict[str, str], dict[str, str]], tuple[int, str]]


def flask_transport(app: Flask) -> Transport:
    """Send the call's requests to a Flask app in this process (no server, no network)."""
    client = app.test_client()

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = client.post(url, data=params, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    return post


def http_transport(timeout: float = 15.0) -> Transport:
    """Send the call's requests to a running server, as Twilio would."""
    # Imported here: the line's workers load this module (the console's test calls) and
    # never use it, and urllib.request costs each of them memory.
    import urllib.error
    import urllib.parse
    import urllib.request

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        data = urllib.parse.urlencode(params).encode()
        request = urllib.request.Request(url, data=data, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 (our own server)
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    return post
