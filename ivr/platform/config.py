"""The line's configuration: explicit, read once in the app factory, checked at start.

Every setting is an environment variable (listed in the README) that a test or a
caller of :func:`ivr.create_app` may override with a mapping of the same names.
"""

from __future__ import annotations

import os
import re
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
    "IVR_METRICS_TOKEN": "",
    "IVR_ALERT_WINDOW_MINUTES": 10,
    "IVR_ALERT_FAILURE_SHARE": 0.5,
    "IVR_ALERT_MIN_ATTEMPTS": 5,
    "IVR_ALERT_CHECK_SECONDS": 30.0,
    "IVR_ALERT_WEBHOOK_URL": "",
    "IVR_ALERT_EMAIL_TO": "",
    "IVR_ALERT_EMAIL_FROM": "",
    "IVR_SMTP_HOST": "localhost:25",
    "IVR_CONSOLE_STEPS": 1,
    "IVR_CONSOLE_STEP_SECONDS": 10.0,
    "IVR_MEDIA_HOSTS": "",
    "IVR_DESTINATIONS": "",
}
#: The shortest token /metrics accepts: a Prometheus server's bearer token, not a password.
METRICS_TOKEN_LENGTH = 32


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


_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


def media_hosts_of(values: Mapping[str, Any]) -> tuple[str, ...]:
    """``IVR_MEDIA_HOSTS``: the hosts whose https recordings a flow may play, besides the
    files the line serves itself (none by default). Twilio fetches such a recording during
    calls, so its host learns when people call: only the operator may choose it, here, and
    never a flow's text alone."""
    hosts = []
    for given in str(values.get("IVR_MEDIA_HOSTS") or "").split(","):
        host = given.strip().lower().rstrip(".")
        if not given.strip():
            continue
        if not _HOST_NAME.fullmatch(host):
            raise ConfigError(
                f"IVR_MEDIA_HOSTS: {given.strip()!r} is not a host name. Write only host names, separated by "
                "commas, e.g. media.example.org (no https:// and no path)"
            )
        hosts.append(host)
    return tuple(dict.fromkeys(hosts))


def destinations_of(values: Mapping[str, Any]) -> tuple[str, ...]:
    """``IVR_DESTINATIONS``: the only numbers a flow may connect callers to, in E.164, or
    none (the default: any number the checks accept). Kept here, where only whoever runs
    the server can change it, so that an operator who may edit the flow cannot redirect it."""
    import phonenumbers

    numbers = []
    for given in str(values.get("IVR_DESTINATIONS") or "").split(","):
        if not given.strip():
            continue
        try:
            parsed = phonenumbers.parse(given, "GB")
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            raise ConfigError(
                f"IVR_DESTINATIONS: {given.strip()!r} is not a phone number. Write the numbers the line may connect "
                "callers to, separated by commas, e.g. 0800 0121 700, 0800 555 111"
            )
        numbers.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return tuple(dict.fromkeys(numbers))


@dataclass(frozen=True)
class AlertSettings:
    """When the line says that callers are not reaching the helpline, and to whom
    (:mod:`ivr.stats.alert`). The defaults: more than half of at least 5 transfers in 10
    minutes busy, unanswered or failed; logged, and sent where configured."""

    window_seconds: float = 600.0
    failure_share: float = 0.5
    min_attempts: int = 5
    check_seconds: float = 30.0
    webhook_url: str = ""  # Slack-compatible: {"text": ...} is posted
    email_to: tuple[str, ...] = ()
    email_from: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 25
    #: The line's own name in messages: its public host, so a team with several lines knows which.
    line: str = "the line"

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> AlertSettings:
        """The alert's settings alone (``ivr alert``), without the rest a server needs."""
        values = {**DEFAULTS, **{k: v for k, v in environ.items() if k in DEFAULTS and v != ""}}
        return cls.load(values, str(values["IVR_PUBLIC_URL"] or "").rstrip("/"))

    @classmethod
    def load(cls, values: Mapping[str, Any], public_url: str) -> AlertSettings:
        window = _number("IVR_ALERT_WINDOW_MINUTES", values["IVR_ALERT_WINDOW_MINUTES"], float)
        share = _number("IVR_ALERT_FAILURE_SHARE", values["IVR_ALERT_FAILURE_SHARE"], float)
        attempts = _number("IVR_ALERT_MIN_ATTEMPTS", values["IVR_ALERT_MIN_ATTEMPTS"], int)
        every = _number("IVR_ALERT_CHECK_SECONDS", values["IVR_ALERT_CHECK_SECONDS"], float)
        if not 1 <= window <= 24 * 60:
            raise ConfigError("IVR_ALERT_WINDOW_MINUTES must be between 1 and 1440 (minutes of transfers to look at)")
        if not 0 <= share < 1:
            raise ConfigError(
                "IVR_ALERT_FAILURE_SHARE must be 0 or more and less than 1: the share of transfers that may fail "
                "before the alert, e.g. 0.5 for more than half"
            )
        if attempts < 1:
            raise ConfigError("IVR_ALERT_MIN_ATTEMPTS must be 1 or more (transfers in the window before it can alert)")
        if not 1 <= every <= window * 60:
            raise ConfigError("IVR_ALERT_CHECK_SECONDS must be 1 or more, and not longer than the window")
        webhook = str(values["IVR_ALERT_WEBHOOK_URL"] or "")
        if webhook and not webhook.startswith(("https://", "http://")):
            raise ConfigError("IVR_ALERT_WEBHOOK_URL must be an https:// URL (e.g. a Slack incoming webhook's)")
        email_to = tuple(a.strip() for a in str(values["IVR_ALERT_EMAIL_TO"] or "").split(",") if a.strip())
        if any("@" not in address for address in email_to):
            raise ConfigError("IVR_ALERT_EMAIL_TO must be email addresses, separated by commas")
        host, _, port = str(values["IVR_SMTP_HOST"] or "localhost:25").rpartition(":")
        if not host or not port.isdigit():
            raise ConfigError("IVR_SMTP_HOST must be a host and port, e.g. smtp.example.org:25")
        line = public_url.split("://", 1)[-1].split("/", 1)[0] if public_url else "the line"
        return cls(
            window_seconds=window * 60,
            failure_share=share,
            min_attempts=attempts,
            check_seconds=every,
            webhook_url=webhook,
            email_to=email_to,
            email_from=str(values["IVR_ALERT_EMAIL_FROM"] or "") or f"helpline-alert@{host}",
            smtp_host=host,
            smtp_port=int(port),
            line=line,
        )


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
    #: The bearer token a scrape of /metrics must send; "" (the default): /metrics is not served.
    metrics_token: str = ""
    alert: AlertSettings = AlertSettings()
    #: The console's heavy steps (checking, comparing) running at once on this server, at most.
    console_steps: int = 1
    #: A check or comparison taking longer than this is stopped and the operator told.
    console_step_seconds: float = 10.0
    #: Hosts whose https recordings a flow may play (IVR_MEDIA_HOSTS); empty: only its own recordings/.
    media_hosts: tuple[str, ...] = ()
    #: The only numbers a flow may connect callers to (IVR_DESTINATIONS, E.164); empty: any.
    destinations: tuple[str, ...] = ()

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
        metrics_token = str(values["IVR_METRICS_TOKEN"] or "")
        if metrics_token and (len(metrics_token) < METRICS_TOKEN_LENGTH or metrics_token in (token, secret_key)):
            raise ConfigError(
                f"IVR_METRICS_TOKEN must be at least {METRICS_TOKEN_LENGTH} random characters and not the Twilio "
                "auth token or IVR_SECRET_KEY, e.g. the output of: python3 -c 'import secrets; "
                "print(secrets.token_hex(32))'. Or leave it unset and serve the metrics on a private port "
                "with IVR_METRICS_BIND (see the README)."
            )
        if proxies < 0:
            raise ConfigError("IVR_TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies in front")
        console_steps = _number("IVR_CONSOLE_STEPS", values["IVR_CONSOLE_STEPS"], int)
        if console_steps < 1:
            raise ConfigError(
                "IVR_CONSOLE_STEPS must be 1 or more: how many drafts the console may check at once on this server "
                "(1, the default, leaves the other cores to callers)"
            )
        step_seconds = _number("IVR_CONSOLE_STEP_SECONDS", values["IVR_CONSOLE_STEP_SECONDS"], float)
        if not 1 <= step_seconds <= 60:
            raise ConfigError("IVR_CONSOLE_STEP_SECONDS must be between 1 and 60 (seconds a draft's check may take)")
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
            metrics_token=metrics_token,
            alert=AlertSettings.load(values, public_url),
            console_steps=console_steps,
            console_step_seconds=step_seconds,
            media_hosts=media_hosts_of(values),
            destinations=destinations_of(values),
        )
