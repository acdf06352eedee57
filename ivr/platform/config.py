"""The line's configuration: every setting named, typed, documented and checked once, in a
pydantic-settings model, read once in the app factory and checked at start.

Every setting is an environment variable (the README's settings table lists them) that a
test or a caller of :func:`ivr.create_app` may override with a mapping of the same names;
an empty variable counts as unset. A setting that cannot work stops the line before it
serves anyone, with a :class:`ConfigError` that names the variable and says what to set:
one line per wrong setting, which every entry point prints as it is (``ivr``, gunicorn).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, PrivateAttr, ValidationInfo, field_validator, model_validator

from ivr.platform.setting_values import (
    METRICS_TOKEN_LENGTH,
    CommaList,
    ConfigError,
    Variables,
    database_url_of,
    destinations_of,
    email_addresses,
    host_and_port,
    host_names,
    media_hosts_of,
    setting,
    webhook_url,
)

__all__ = [
    "DEFAULTS",
    "METRICS_TOKEN_LENGTH",
    "AlertSettings",
    "ConfigError",
    "Settings",
    "database_url_of",
    "destinations_of",
    "media_hosts_of",
]


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
        return AlertVariables.load(environ).alert


LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"], BeforeValidator(lambda level: str(level).upper())
]


def _refused_as_invalid(read: Callable[[Mapping[str, Any]], tuple[str, ...]], name: str) -> Callable[[Any], Any]:
    """A list read as the commands read it from the environment, its refusal reported with the rest."""

    def validate(given: Any) -> tuple[str, ...]:
        try:
            return read({name: given})
        except ConfigError as exc:
            raise ValueError(str(exc)) from None

    return validate


class AlertVariables(Variables):
    """The alert's settings: a server reads them with the rest, ``ivr alert`` alone."""

    public_url: str = setting("IVR_PUBLIC_URL", "", "the public base URL Twilio calls")
    alert_window_minutes: float = setting(
        "IVR_ALERT_WINDOW_MINUTES", 10.0, "minutes of transfers the alert looks at", ge=1, le=24 * 60,
        refusal="IVR_ALERT_WINDOW_MINUTES must be between 1 and 1440 (minutes of transfers to look at)",
    )  # fmt: skip
    alert_failure_share: float = setting(
        "IVR_ALERT_FAILURE_SHARE", 0.5, "the share of transfers that may fail before the alert", ge=0, lt=1,
        refusal="IVR_ALERT_FAILURE_SHARE must be 0 or more and less than 1: the share of transfers that may fail "
        "before the alert, e.g. 0.5 for more than half",
    )  # fmt: skip
    alert_min_attempts: int = setting(
        "IVR_ALERT_MIN_ATTEMPTS", 5, "transfers in the window before the alert can fire", ge=1,
        refusal="IVR_ALERT_MIN_ATTEMPTS must be 1 or more (transfers in the window before it can alert)",
    )  # fmt: skip
    alert_check_seconds: float = setting("IVR_ALERT_CHECK_SECONDS", 30.0, "how often the alert looks")
    alert_webhook_url: Annotated[str, BeforeValidator(webhook_url)] = setting(
        "IVR_ALERT_WEBHOOK_URL", "", "a Slack-compatible incoming webhook the alert is posted to"
    )
    alert_email_to: Annotated[CommaList, BeforeValidator(email_addresses)] = setting(
        "IVR_ALERT_EMAIL_TO", (), "email addresses the alert is sent to"
    )
    alert_email_from: str = setting("IVR_ALERT_EMAIL_FROM", "", "the alert's sender (helpline-alert@HOST)")
    smtp_host: Annotated[str, BeforeValidator(host_and_port)] = setting(
        "IVR_SMTP_HOST", "localhost:25", "the mail server (host:port) the alert is sent through"
    )

    @field_validator("public_url", mode="before")
    @classmethod
    def _public_url(cls, given: Any) -> str:
        public_url = str(given).rstrip("/")
        if public_url and not public_url.startswith(("https://", "http://")):
            raise ValueError(f"IVR_PUBLIC_URL={public_url!r} must start with https:// (the URL Twilio calls)")
        return public_url

    @model_validator(mode="after")
    def _checked_often_enough(self) -> AlertVariables:
        if not 1 <= self.alert_check_seconds <= self.alert_window_minutes * 60:
            raise ValueError("IVR_ALERT_CHECK_SECONDS must be 1 or more, and not longer than the window")
        return self

    @property
    def alert(self) -> AlertSettings:
        host, _, port = self.smtp_host.rpartition(":")
        return AlertSettings(
            window_seconds=self.alert_window_minutes * 60,
            failure_share=self.alert_failure_share,
            min_attempts=self.alert_min_attempts,
            check_seconds=self.alert_check_seconds,
            webhook_url=self.alert_webhook_url,
            email_to=self.alert_email_to,
            email_from=self.alert_email_from or f"helpline-alert@{host}",
            smtp_host=host,
            smtp_port=int(port),
            line=self.public_url.split("://", 1)[-1].split("/", 1)[0] if self.public_url else "the line",
        )


class Settings(AlertVariables):
    """Everything a server of the line needs; :meth:`load` reads it."""

    auth_token: str = setting("TWILIO_AUTH_TOKEN", "", "the Twilio account's auth token: signatures are checked by it")
    flow_file: str = setting("IVR_FLOW_FILE", "call_flows.yaml", "the call flow to serve")
    allowed_hosts: Annotated[CommaList, BeforeValidator(host_names)] = setting(
        "IVR_ALLOWED_HOSTS", (), "without a public URL: the only Host values a signature is checked against"
    )
    trusted_proxies: int = setting(
        "IVR_TRUSTED_PROXIES", 0, "how many proxies in front set X-Forwarded-*", ge=0,
        refusal="IVR_TRUSTED_PROXIES must be 0 (no proxy) or the number of proxies in front",
    )  # fmt: skip
    development: bool = setting("IVR_DEV", False, "local development mode: never for callers")
    reload_seconds: float = setting("IVR_RELOAD_SECONDS", 2.0, "how often a server looks for a changed flow file")
    log_level: LogLevel = setting(
        "IVR_LOG_LEVEL", "INFO", "DEBUG (every step of every call), INFO, WARNING",
        refusal="IVR_LOG_LEVEL must be DEBUG (each step of each call too), INFO or WARNING (or ERROR, CRITICAL)",
    )  # fmt: skip
    max_request_bytes: int = setting(
        "IVR_MAX_REQUEST_BYTES", 64 * 1024, "larger requests get 413", ge=1,
        refusal="IVR_MAX_REQUEST_BYTES must be 1 or more (the largest request, in bytes; the default is 65536)",
    )  # fmt: skip
    secret_key: str = setting("IVR_SECRET_KEY", "", "signs the console's cookies; unset: a random key in the database")
    database_file: str = setting("IVR_DATABASE_FILE", "ivr.sqlite3", "without DATABASE_URL: the SQLite file")
    database_url: str = setting(
        "DATABASE_URL", "", "a database URL, e.g. PostgreSQL shared by several servers", validate_default=True
    )
    retention_days: int = setting(
        "IVR_RETENTION_DAYS", 90, "days of call statistics kept", ge=1,
        refusal="IVR_RETENTION_DAYS must be 1 or more (days of call statistics to keep)",
    )  # fmt: skip
    stats: bool = setting("IVR_STATS", True, "record call statistics (and so the alert, which counts them)")
    require_approval: bool = setting("IVR_REQUIRE_APPROVAL", False, "a draft published waits for a second operator")
    audit_retention_days: int = setting("IVR_AUDIT_RETENTION_DAYS", 730, "days the audit log is kept")
    metrics_token: str = setting("IVR_METRICS_TOKEN", "", "the bearer token a scrape of /metrics must send")
    console_steps: int = setting(
        "IVR_CONSOLE_STEPS", 1, "drafts the console checks or compares at once on this server", ge=1,
        refusal="IVR_CONSOLE_STEPS must be 1 or more: how many drafts the console may check at once on this server "
        "(1, the default, leaves the other cores to callers)",
    )  # fmt: skip
    console_step_seconds: float = setting(
        "IVR_CONSOLE_STEP_SECONDS", 10.0, "a draft's check taking longer is stopped", ge=1, le=60,
        refusal="IVR_CONSOLE_STEP_SECONDS must be between 1 and 60 (seconds a draft's check may take)",
    )  # fmt: skip
    media_hosts: Annotated[CommaList, BeforeValidator(_refused_as_invalid(media_hosts_of, "IVR_MEDIA_HOSTS"))] = (
        setting("IVR_MEDIA_HOSTS", (), "hosts whose https recordings a flow may play; empty: only its own recordings/")
    )
    destinations: Annotated[CommaList, BeforeValidator(_refused_as_invalid(destinations_of, "IVR_DESTINATIONS"))] = (
        setting("IVR_DESTINATIONS", (), "the only numbers a flow may connect callers to (E.164); empty: any")
    )
    #: True when the token was made up at start (development mode without a token).
    _generated_token: bool = PrivateAttr(default=False)

    @field_validator("database_url", mode="after")
    @classmethod
    def _the_database(cls, given: str, info: ValidationInfo) -> str:
        """``DATABASE_URL``, else the SQLite file's URL, its path made absolute now."""
        return database_url_of({"DATABASE_URL": given, "IVR_DATABASE_FILE": info.data.get("database_file")})

    @property
    def generated_token(self) -> bool:
        return self._generated_token

    @classmethod
    def load(cls, environ: Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None) -> Settings:
        """The settings, checked; in development mode without a token, one made up for this start."""
        settings = super().load(environ, overrides)
        if settings.auth_token:
            return settings
        made_up = settings.model_copy(update={"auth_token": secrets.token_hex(16)})
        made_up._generated_token = True
        return made_up

    @model_validator(mode="after")
    def _the_line_can_start(self) -> Settings:
        """What no single setting shows: the rules between them, in the order an operator meets them."""
        if not self.auth_token and not self.development:
            raise ValueError(
                "TWILIO_AUTH_TOKEN is not set, so the line cannot check that requests come from Twilio. "
                "Set it to your Twilio account's auth token, or start in local development mode with IVR_DEV=1 "
                "(ivr serve --dev)."
            )
        if not self.public_url and not self.allowed_hosts and not self.development:
            raise ValueError(
                "Set IVR_PUBLIC_URL to the URL Twilio calls (e.g. https://line.example.org), or IVR_ALLOWED_HOSTS "
                "to the host names it calls (e.g. line.example.org): otherwise the Host header a client sends "
                "would choose the URL that signatures are checked against."
            )
        # The console's session key: its own setting, else ("") a random key kept in the
        # database. Never derived from the auth token: the token alone must open nothing.
        if self.secret_key and (len(self.secret_key) < 32 or self.secret_key == self.auth_token):
            raise ValueError(
                "IVR_SECRET_KEY must be at least 32 random characters and not the Twilio auth token, "
                "e.g. the output of: python3 -c 'import secrets; print(secrets.token_hex(32))'. "
                "Or leave it unset: the line then keeps a random key in its database."
            )
        if self.audit_retention_days < self.retention_days:
            raise ValueError(
                f"IVR_AUDIT_RETENTION_DAYS={self.audit_retention_days} is shorter than "
                f"IVR_RETENTION_DAYS={self.retention_days}: keep the audit log at least as long as the call "
                "statistics (the default is 730 days)"
            )
        token = self.metrics_token
        if token and (len(token) < METRICS_TOKEN_LENGTH or token in (self.auth_token, self.secret_key)):
            raise ValueError(
                f"IVR_METRICS_TOKEN must be at least {METRICS_TOKEN_LENGTH} random characters and not the Twilio "
                "auth token or IVR_SECRET_KEY, e.g. the output of: python3 -c 'import secrets; "
                "print(secrets.token_hex(32))'. Or leave it unset and serve the metrics on a private port "
                "with IVR_METRICS_BIND (see the README)."
            )
        return self


#: Every setting's default, by its variable's name (read-only).
DEFAULTS: Mapping[str, Any] = MappingProxyType(
    {str(field.validation_alias): field.default for field in Settings.model_fields.values()}
)
