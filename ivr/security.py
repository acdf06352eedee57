"""Checking that a webhook request really comes from Twilio.

Twilio signs the URL it requested plus the POST parameters with the account's auth
token. Behind a TLS-terminating proxy Flask sees another URL than Twilio used, so the
URL is rebuilt from an explicit public base URL, or from the proxy's ``X-Forwarded-*``
headers when (and only when) the operator said the proxy is trusted (Werkzeug's
``ProxyFix``, applied in the app factory). The query string is used raw, byte for byte:
Werkzeug's decoded ``request.url`` would break signatures on escaped characters.
"""

from __future__ import annotations

from flask import Request
from twilio.request_validator import (
    SIGNATURE_HEADER,
    SIGNATURE_SETTINGS_HEADER,
    RequestValidator,
    get_signature_algorithm,
)


def signed_url(request: Request, public_url: str | None) -> str:
    """The URL Twilio requested, as it signed it."""
    base = public_url.rstrip("/") + request.script_root + request.path if public_url else request.base_url
    query = request.query_string.decode("latin-1")
    return f"{base}?{query}" if query else base


def is_from_twilio(request: Request, validator: RequestValidator, public_url: str | None) -> bool:
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not signature or len(signature) > 200:
        return False
    algorithm = get_signature_algorithm(request.headers.get(SIGNATURE_SETTINGS_HEADER, ""))
    return validator.validate(signed_url(request, public_url), request.form, signature, algorithm)
