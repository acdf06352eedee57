"""Structured logs of the call's path, with every phone number taken out.

Safety rule 2: a caller's number never reaches a log in clear text. The line never
logs ``From`` or ``Caller`` itself, and a :class:`RedactNumbers` filter on *every*
handler (the app's, Werkzeug's and gunicorn's access and error logs) replaces any
run of digits that could be a phone number, whatever logged it.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
import time
from typing import Any

#: Seven or more digits, possibly split by spaces, dots, dashes, slashes or brackets,
#: possibly after +, 00 or a URL-encoded + (%2B).
PHONE_LIKE = re.compile(r"(?:\+|%2[Bb])?(?:\(?\d[\s().\-/]{0,3}){6,}\d")
REDACTED = "[number]"

LOGGER_NAME = "ivr"


def redact(text: str) -> str:
    return PHONE_LIKE.sub(REDACTED, text)


class RedactNumbers(logging.Filter):
    """Formats the message, then takes every number-like run out of it (and of tracebacks)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                message = record.getMessage()
            except Exception:  # a broken format string must not break logging
                message = str(record.msg)
        else:
            message = record.msg if isinstance(record.msg, str) else str(record.msg)
        record.args = None
        fields = getattr(record, "fields", None)
        texts = [v for v in fields.values() if isinstance(v, str)] if isinstance(fields, dict) else []
        # One search over the message and every value: nearly always there is nothing to take out.
        if PHONE_LIKE.search("\x00".join([message, *texts])):
            message = redact(message)
            if texts:
                record.fields = {k: redact(v) if isinstance(v, str) else v for k, v in fields.items()}
        record.msg = message
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: easy to search, and no free text to leak through."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created)),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage() if record.args else record.msg,
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_text:
            entry["error"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def call_id(call_sid: str, secret: bytes) -> str:
    """A keyed hash of the CallSid: joins one call's log lines, looks nothing up in Twilio.

    Written in letters only, so the number filter never mistakes it for a phone number.
    """
    digest = hashlib.blake2b(call_sid.encode("utf-8", "replace"), key=secret[:64], digest_size=6).hexdigest()
    return digest.translate(_HEX_TO_LETTERS)


_HEX_TO_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def protect_handler(handler: logging.Handler) -> None:
    if not any(isinstance(f, RedactNumbers) for f in handler.filters):
        handler.addFilter(RedactNumbers())


def protect_all_handlers() -> None:
    """Put the number filter on every handler that exists now (root and named loggers)."""
    loggers = [logging.getLogger()] + [
        logger for logger in logging.Logger.manager.loggerDict.values() if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            protect_handler(handler)


def configure_logging(level: str = "INFO") -> logging.Logger:
    """Set up the line's JSON log on standard error, unless the host (gunicorn) already set up logging."""
    logger = logging.getLogger(LOGGER_NAME)
    logger.setLevel(level)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        logger.addHandler(handler)
    protect_all_handlers()
    return logger
