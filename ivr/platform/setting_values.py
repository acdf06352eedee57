"""How one setting is declared, read and refused: the pieces :mod:`ivr.platform.config`
builds its model from, and the words an operator reads when a setting cannot work.

A refusal is one line that names the variable and says what to set, because it is read by
whoever runs the server (charity staff, often), at a terminal or in the journal, with no
traceback around it (:class:`ConfigError`)."""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Annotated, Any

from pydantic import Field, ValidationError
from pydantic.fields import FieldInfo
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, PydanticBaseSettingsSource, SettingsConfigDict

#: The shortest token /metrics accepts: a Prometheus server's bearer token, not a password.
METRICS_TOKEN_LENGTH = 32


class ConfigError(RuntimeError):
    """The line cannot start as configured: one line per wrong setting, each saying what to set."""

    def __init__(self, *problems: str) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(problems))


#: A comma-separated list in one variable: read as text, never as JSON, then split.
CommaList = Annotated[tuple[str, ...], NoDecode]


class _Environment(EnvSettingsSource):
    """pydantic-settings' reading of environment variables (names as written, an empty one
    unset, lists as text), from the mapping it is given rather than always os.environ: the
    app factory takes an environment, which tests give to start lines side by side."""

    def __init__(self, settings_cls: type[BaseSettings], environ: Mapping[str, str]) -> None:
        self._given = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        # The one method to replace for another mapping; names as written, an empty one unset.
        return {name: value for name, value in self._given.items() if value != ""}


class Variables(BaseSettings):
    """Settings read by :meth:`load`: from an environment, then from overrides; never from a
    ``.env`` file or a secrets folder."""

    model_config = SettingsConfigDict(case_sensitive=True, env_ignore_empty=True, extra="ignore", frozen=True)

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: PydanticBaseSettingsSource, **others: Any
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        return (init_settings,)  # load() reads the environment it is given, then the overrides

    @classmethod
    def load(cls, environ: Mapping[str, Any] | None = None, overrides: Mapping[str, Any] | None = None) -> Any:
        """The settings from ``environ`` (the process environment if None), then ``overrides``."""
        from_environment = _Environment(cls, os.environ if environ is None else environ)()
        # An override of "" unsets the variable, as an empty variable is unset.
        given = {name: value for name, value in {**from_environment, **(overrides or {})}.items() if value != ""}
        try:
            return cls(**given)
        except ValidationError as exc:
            raise ConfigError(*problems_of(exc, cls.model_fields)) from None


def setting(name: str, default: Any, about: str, *, refusal: str = "", **limits: Any) -> Any:
    """A field read from the environment variable ``name``; ``refusal`` is what an operator
    reads when its value is outside ``limits`` (pydantic's own words name no variable)."""
    return Field(
        default,
        validation_alias=name,
        description=about,
        json_schema_extra={"refusal": refusal} if refusal else None,
        **limits,
    )


_NOT_A_NUMBER = {"int_parsing", "float_parsing", "int_from_float", "int_type", "float_type"}


def problems_of(error: ValidationError, fields: Mapping[str, FieldInfo]) -> list[str]:
    """Each problem pydantic found, as one line an operator can act on, in the order the
    settings are declared."""
    by_name = {str(field.validation_alias): field for field in fields.values()}
    problems = []
    for found in error.errors(include_url=False):
        name = str(found["loc"][0]) if found["loc"] else ""
        field = by_name.get(name)
        given = found.get("input")
        if found["type"] == "value_error":
            problems.append(str(found["ctx"]["error"]))
        elif found["type"] in _NOT_A_NUMBER and field is not None:
            problems.append(f"{name}={given!r} is not a number; set it to a number, e.g. {field.default}")
        elif found["type"] == "bool_parsing":
            problems.append(f"{name}={given!r} is neither on nor off; set it to 1 (on) or 0 (off)")
        elif field is not None and isinstance(field.json_schema_extra, dict) and field.json_schema_extra["refusal"]:
            problems.append(str(field.json_schema_extra["refusal"]))
        else:
            problems.append(f"{name}={given!r}: {found['msg']}")
    return list(dict.fromkeys(problems))


def _items(given: Any) -> list[str]:
    """The items of a comma-separated variable (or of a list given in place of one)."""
    text = ",".join(given) if isinstance(given, (list, tuple)) else str(given or "")
    return [item.strip() for item in text.split(",") if item.strip()]


def host_names(given: Any) -> tuple[str, ...]:
    """``IVR_ALLOWED_HOSTS``: host names (with a port if not the default), as Host headers are compared."""
    return tuple(host.lower() for host in _items(given))


def webhook_url(given: Any) -> str:
    """``IVR_ALERT_WEBHOOK_URL``: where the alert is posted."""
    webhook = str(given or "")
    if webhook and not webhook.startswith(("https://", "http://")):
        raise ValueError("IVR_ALERT_WEBHOOK_URL must be an https:// URL (e.g. a Slack incoming webhook's)")
    return webhook


def email_addresses(given: Any) -> tuple[str, ...]:
    """``IVR_ALERT_EMAIL_TO``: the addresses the alert is emailed to."""
    found = tuple(_items(given))
    if any("@" not in address for address in found):
        raise ValueError("IVR_ALERT_EMAIL_TO must be email addresses, separated by commas")
    return found


def host_and_port(given: Any) -> str:
    """``IVR_SMTP_HOST``: the mail server, ``host:port``."""
    host, _, port = str(given).rpartition(":")
    if not host or not port.isdigit():
        raise ValueError("IVR_SMTP_HOST must be a host and port, e.g. smtp.example.org:25")
    return str(given)


def database_url_of(values: Mapping[str, Any]) -> str:
    """``DATABASE_URL`` (e.g. PostgreSQL shared by several servers), else the SQLite file."""
    given = str(values.get("DATABASE_URL") or "")
    return given or "sqlite:///" + os.path.abspath(str(values.get("IVR_DATABASE_FILE") or "ivr.sqlite3"))


_HOST_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*")


def media_hosts_of(values: Mapping[str, Any]) -> tuple[str, ...]:
    """``IVR_MEDIA_HOSTS``: the hosts whose https recordings a flow may play, besides the
    files the line serves itself (none by default). Twilio fetches such a recording during
    calls, so its host learns when people call: only the operator may choose it, here, and
    never a flow's text alone."""
    hosts = []
    for given in _items(values.get("IVR_MEDIA_HOSTS")):
        host = given.lower().rstrip(".")
        if not _HOST_NAME.fullmatch(host):
            raise ConfigError(
                f"IVR_MEDIA_HOSTS: {given!r} is not a host name. Write only host names, separated by "
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
    for given in _items(values.get("IVR_DESTINATIONS")):
        try:
            parsed = phonenumbers.parse(given, "GB")
        except phonenumbers.NumberParseException:
            parsed = None
        if parsed is None or not phonenumbers.is_possible_number(parsed):
            raise ConfigError(
                f"IVR_DESTINATIONS: {given!r} is not a phone number. Write the numbers the line may connect "
                "callers to, separated by commas, e.g. 0800 0121 700, 0800 555 111"
            )
        numbers.append(phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164))
    return tuple(dict.fromkeys(numbers))
