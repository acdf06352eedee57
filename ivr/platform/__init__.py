"""The platform the line stands on: its configuration, its logs and its metrics (the
database is :mod:`ivr.database`, apart, so that what loads a flow never imports SQLAlchemy).

Nothing here knows what a call flow is: these modules import nothing else of the line, so
every layer above may use them. Code outside this package imports from here, never from
the modules inside (an import-linter contract in pyproject.toml holds it):

- :mod:`~ivr.platform.config`: the settings, read once from the environment
  (:mod:`~ivr.platform.setting_values`: how each is declared, read and refused);
- :mod:`~ivr.platform.logs`: structured logs with every phone number taken out;
- :mod:`~ivr.platform.metrics`: what Prometheus scrapes.
"""

from __future__ import annotations

from ivr.platform.config import (
    DEFAULTS,
    AlertSettings,
    ConfigError,
    Settings,
    database_url_of,
    destinations_of,
    media_hosts_of,
)
from ivr.platform.logs import (
    REDACTED,
    JsonFormatter,
    RedactNumbers,
    call_id,
    configure_logging,
    in_letters,
    protect_all_handlers,
    protect_handler,
    redact,
)
from ivr.platform.metrics import DROPPED_QUEUE_FULL, DROPPED_REFUSED, OTHER, LineMetrics, multiprocess_registry

__all__ = [
    "DEFAULTS",
    "DROPPED_QUEUE_FULL",
    "DROPPED_REFUSED",
    "OTHER",
    "REDACTED",
    "AlertSettings",
    "ConfigError",
    "JsonFormatter",
    "LineMetrics",
    "RedactNumbers",
    "Settings",
    "call_id",
    "configure_logging",
    "database_url_of",
    "destinations_of",
    "in_letters",
    "media_hosts_of",
    "multiprocess_registry",
    "protect_all_handlers",
    "protect_handler",
    "redact",
]
