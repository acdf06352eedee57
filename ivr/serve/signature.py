"""Checking that a webhook request really comes from Twilio.

Twilio signs the URL it requested plus the POST parameters with the account's auth
token. Behind a TLS-terminating proxy Flask sees another URL than Twilio used, so the
URL is rebuilt from an explicit public base URL, or from the proxy's ``X-Forwarded-*``
headers when (and only when) the operator said the proxy is trusted (Werkzeug's
``ProxyFix``, applied in the app factory). The query string is used raw, byte for byte:
Werkzeug's decoded ``request.url`` would break signatures on escaped characters.

This runs on every request, so it works on the WSGI environ and the raw body, and
computes one signature: the library's ``RequestValidator.compute_signature``, compared
in constant time. Only when that does not match does it let ``RequestValidator.validate``
try the URL with and without the default port, as Twilio may sign either.
"""

from __future__ import annotations

import hmac
from typing import Any

from twilio.request_validator import RequestValidator, get_signature_algorithm

from ivr.runtime.twilio import SIGNATURE_ENVIRON, parse_pairs

MAX_SIGNATURE_LENGTH = 200


class FormParams(dict[str, list[str]]):
    """POST parameters, each name with its values: what ``RequestValidator`` reads of a MultiDict."""

    #: Whether some name came with more than one value (rare: Twilio repeats none of its own).
    repeated = False

    def getall(self, name: str) -> list[str]:
        return self[name]

    def first(self, name: str, default: str = "") -> str:
        values = self.get(name)
        return values[0] if values else default


def parse_form(body: bytes) -> FormParams:
    """An ``application/x-www-form-urlencoded`` body, decoded as Twilio sends it (UTF-8)."""
    params = FormParams()
    if body:
        for name, value in parse_pairs(body.decode("utf-8", "replace")):
            values = params.get(name)
            if values is None:
                params[name] = [value]
            else:
                values.append(value)
                params.repeated = True
    return params


def signed_url(environ: dict[str, Any], public_url: str | None, allowed_hosts: tuple[str, ...] = ()) -> str | None:
    """The URL Twilio requested, as it signed it: scheme, host, path and the raw query; or
    ``None`` when, with no public URL, the request names a host the line does not answer to."""
    path = environ.get("SCRIPT_NAME", "") + environ.get("PATH_INFO", "")
    if public_url:
        base = public_url.rstrip("/") + path
    else:
        host = environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME', '')}:{environ.get('SERVER_PORT', '')}"
        if allowed_hosts and host.lower() not in allowed_hosts:
            return None
        base = f"{environ.get('wsgi.url_scheme', 'http')}://{host}{path}"
    query = environ.get("QUERY_STRING", "")
    return f"{base}?{query}" if query else base


def is_from_twilio(
    environ: dict[str, Any],
    params: FormParams,
    validator: RequestValidator,
    public_url: str | None,
    allowed_hosts: tuple[str, ...] = (),
) -> bool:
    signature = environ.get(SIGNATURE_ENVIRON, "")
    if not signature or len(signature) > MAX_SIGNATURE_LENGTH:
        return False
    algorithm = get_signature_algorithm(environ.get("HTTP_X_TWILIO_WEBHOOKS_SIGNATURE_SETTINGS", ""))
    url = signed_url(environ, public_url, allowed_hosts)
    if url is None:
        return False
    try:
        expected = validator.compute_signature(url, params, algorithm)
    except ValueError:  # an algorithm the library does not know
        return False
    if hmac.compare_digest(expected.encode(), signature.encode("utf-8", "replace")):
        return True
    return validator.validate(url, params, signature, algorithm)
