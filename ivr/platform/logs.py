"""Structured logs of the call's path, with every phone number taken out.

docs/safety.md rule 2: a caller's number never reaches a log in clear text. The line never
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

#: A phone number in a log line is seven or more digits (in any script: Arabic-Indic,
#: fullwidth...), possibly split by up to three separators in a row, possibly after "+" or
#: a URL-encoded "+" (%2B). These separate digits: spaces of every kind, zero-width
#: characters, . - / ( ) _ , : * and every dash.
MIN_DIGITS = 7
MAX_SEPARATORS = 3
_SEPARATORS = frozenset(
    " \t\u00a0\u2007\u202f\u200b\u200c\u200d\u2060\ufeff.-/()_,:*\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
)
#: An IPv4 address with its port ("127.0.0.1:8000") is the server's, not a caller's.
_IPV4 = re.compile(
    r"(?<![\d.])(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?::\d{1,5})?(?!\.?\d)"
)
REDACTED = "[number]"

LOGGER_NAME = "ivr"


def _digit(c: str) -> bool:
    return c.isdigit()


#: A quick look first, in C: seven digits with at most three other characters between
#: each. Digits and non-digits cannot overlap, so this never backtracks more than a few
#: characters; a line without such a run (nearly every line) needs nothing more.
_MAYBE_NUMBER = re.compile(r"\d(?:\D{0,3}\d){6}")


def _phone_spans(text: str) -> list[tuple[int, int]]:
    """Where the number-like runs are, in one pass over the text: linear in its length
    whatever it holds (a regular expression with nested repetition is not)."""
    if not _MAYBE_NUMBER.search(text):
        return []
    spans = []
    addresses = {m.start(): m.end() for m in _IPV4.finditer(text)} if "." in text else {}
    start = -1  # where the current run began (its "+" or "%2B" included)
    last_digit_end = -1
    digits = 0
    separators = 0
    i = 0
    n = len(text)
    while i < n:
        if i in addresses:
            if digits >= MIN_DIGITS:
                spans.append((start, last_digit_end))
            start, digits, separators = -1, 0, 0
            i = addresses[i]
            continue
        c = text[i]
        if _digit(c):
            if start < 0:
                start = i
                if i >= 1 and text[i - 1] == "+":
                    start = i - 1
                elif i >= 3 and text[i - 3 : i] in ("%2B", "%2b"):
                    start = i - 3
            digits += 1
            separators = 0
            last_digit_end = i + 1
        elif start >= 0 and c in _SEPARATORS and separators < MAX_SEPARATORS:
            separators += 1
        elif start >= 0:
            if digits >= MIN_DIGITS:
                spans.append((start, last_digit_end))
            start, digits, separators = -1, 0, 0
            continue  # this character may itself start nothing, but look at it afresh
        i += 1
    if start >= 0 and digits >= MIN_DIGITS:
        spans.append((start, last_digit_end))
    return spans


def has_number(text: str) -> bool:
    return bool(_phone_spans(text))


def redact(text: str) -> str:
    spans = _phone_spans(text)
    if not spans:
        return text
    parts = []
    position = 0
    for start, end in spans:
        parts.append(text[position:start])
        parts.append(REDACTED)
        position = end
    parts.append(text[position:])
    return "".join(parts)


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
        if has_number("\x00".join([message, *texts])):
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
    return in_letters(digest)


_HEX_TO_LETTERS = str.maketrans("0123456789abcdef", "abcdefghijklmnop")


def in_letters(hex_digits: str) -> str:
    """Hash digits written as letters (``0`` to ``p``), as every hash the line shows is
    written (call ids, flow versions, sign-offs): the number filter on every log line never
    mistakes one for a phone number, and YAML never reads one as a number."""
    return hex_digits.translate(_HEX_TO_LETTERS)


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
