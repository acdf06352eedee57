"""The line's configuration: explicit, read once in the app factory, checked at start.

Every setting is an environment variable (listed in the README) that a test or a
caller of :func:`ivr.create_app` may override with a mapping of the same names.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

DEFAULTS: dict[str, Any] = {
    "TWILIO_AUTH_TOKEN": "",
    "IVR_FLOW_FILE": "call_flows.yaml",
    "IVR_PUBLIC_URL": "",
    "IVR_ALLOWED_HOSTS": "",
    "IVR_TRUSTED_PROXIES": 0,
    "IVR_DEV": False,
    "IVR_RELOAD_SECONDS": 2.0,
    "IVR_LOG_LEVEL": "INFO",
    "IVR_MAX_REQUEST_BYTES": 64 * 1024,
    "IVR_SECRET_KEY": "",
    "DATABASE_URL": "",
    "IVR_DATABASE_FILE": "ivr.sqlite3",
    "IVR_RETENTION_DAYS": 90,
    "IVR_STATS": True,
    "IVR_REQUIRE_APPROVAL": False,
    "IVR_AUDIT_RETENTION_DAYS": 730,
}


class ConfigError(RuntimeError):
    """The line cannot start as configured; the message says what to set."""


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    return str(value).strip().lower() in {"1", "true", "yes", "on"}


def _number(name: str, value: Any, kind: type) -> Any:
    try:
        return kind(value)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{name}={value!r} is not a number; set it to a number, e.g. {kind(DEFAULTS[name])}"
        ) from None


def database_url_of(values: Mapping[str, Any]) -> str:
    """``DATABASE_URL`` (e.g. PostgreSQL shared by several servers), else the SQLite file."""
    url = str(values.get("DATABASE_URL") or "")
    return url or "sqlite:///" + os.path.abspath(str(values.get("IVR_DATABASE_FILE") or DEFAULTS["IVR_DATABASE_FILE"]))


@dataclass(frozen=True)
class Settings:
    auth_token: str
    flow_file: str
    public_url: str
    trusted_proxies: int
    development: bool
    reload_seconds: float
    log_level: str
    max_request_bytes: int
    secret_key: str = ""
    database_url: str = ""
    retention_days: int = 90
    stats: bool = True
    #: True when the token was made up at start (development mode without a token).
    generated_token: bool = False
    #: Without a public URL: the only Host values whose URL a signature is checked against.
    allowed_hosts: tuple[str, ...] = ()
    #: A draft published in the console waits for a second operator's approval.
    require_approval: bool = False
    #: Days the audit log is kept: longer than call statistics, as who changed the line matters for years.
    audit_retention_days: int = 730

    @classmethod
    def load(cls, environ: Mapping[str, str], overrides: Mapping[str, Any] | None = None) -> Settings:
        values = dict(DEFAULTS)
        values.update({k: v for k, v in environ.items() if k in DEFAULTS and v != ""})
        values.update({k: v for k, v in (overrides or {}).items() if k in DEFAULTS})
        development = _flag(values["IVR_DEV"])
        token = str(values["TWILIO_AUTH_TOKEN"] or "")
        generated = False
        if not token:
            if not development:
                raise ConfigError(
                    "TWILIO_AUTH_TOKEN is not set, so the line cannot check that requests come from Twilio. "
                    "Set it to your Twilio account's auth token, or start in local development mode with IVR_DEV=1 "
                    "(ivr serve --dev)."
                )
            token = secrets.token_hex(16)
            generated = True
        public_url = str(values["IVR_PUBLIC_URL"] or "").rstrip("/")
        if public_url and not public_url.startswith(("https://", "http://")):
            raise ConfigError(f"IVR_PUBLIC_URL={public_url!r} must start with https:// (the URL Twilio calls)")
        proxies = _number("IVR_TRUSTED_PROXIES", values["IVR_TRUSTED_PROXIES"], int)
        allowed_hosts = tuple(h.strip().lower() for h in str(values["IVR_ALLOWED_HOSTS"] or "").split(",") if h.strip())
        if not public_url and not allowed_hosts and not development:
            raise ConfigError(
                "Set IVR_PUBLIC_URL to the URL Twilio calls (e.g. https://line.example.org), or IVR_ALLOWED_HOSTS "
                "to the host names it calls (e.g. line.example.org): otherwise the Host header a client sends "
                "would choose the URL that signatures are checked against."
            )
        # The console's session key: its own setting, else ("") a random key kept in the
        # database. Never derived from the auth token: the token alone must open nothing.
        secret_key = str(values["IVR_SECRET_KEY"] or "")
        if secret_key and (len(secret_key) < 32 or secret_key == token):
            raise ConfigError(
                "IVR_SECRET_KEY must be at least 32 random characters and not the Twilio auth token, "
                "e.g. the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'. "
                "Or leave it unset: the line then keeps a random key in its database."
            )
        database_url = database_url_of(values)
        retention = _number("IVR_RETENTION_DAYS", values["IVR_RETENTION_DAYS"], int)
        if retention < 1:
            raise ConfigError("IVR_RETENTION_DAYS must be 1 or more (days of call statistics to keep)")
        audit_retention = _number("IVR_AUDIT_RETENTION_DAYS", values["IVR_AUDIT_RETENTION_DAYS"], int)
        if audit_retention < retention:
            raise ConfigError(
                f"IVR_AUDIT_RETENTION_DAYS={audit_retention} is shorter than IVR_RETENTION_DAYS={retention}: "
                "keep the audit log at least as long as the call statistics (the default is 730 days)"
            )
        if proxies < 0:
            raise ConfigError("IVR_TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies in front")
        return cls(
            auth_token=token,
            flow_file=str(values["IVR_FLOW_FILE"]),
            public_url=public_url,
            trusted_proxies=proxies,
            development=development,
            reload_seconds=_number("IVR_RELOAD_SECONDS", values["IVR_RELOAD_SECONDS"], float),
            log_level=str(values["IVR_LOG_LEVEL"]).upper(),
            max_request_bytes=_number("IVR_MAX_REQUEST_BYTES", values["IVR_MAX_REQUEST_BYTES"], int),
            secret_key=secret_key,
            database_url=database_url,
            retention_days=retention,
            stats=_flag(values["IVR_STATS"]),
            generated_token=generated,
            allowed_hosts=allowed_hosts,
            require_approval=_flag(values["IVR_REQUIRE_APPROVAL"]),
            audit_retention_days=audit_retention,
        )
