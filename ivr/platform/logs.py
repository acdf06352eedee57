"""Structured logs of the call's path, with every phone number taken out.

docs/safety.md rule 2: a caller's number never reaches a log in clear text. The line never
logs ``From`` or ``Caller`` itself, and a :class:`RedactNumbers` filter on *every*
handler (the app's, Werkzeug's and gunicorn's access and error logs) replaces any
run of digits that could be a phone number, whatever logged it, but for the forms
the servers write themselves (timestamps, dates, times, an HTTP status with its size,
sizes and durations after their names): those a caller's number never takes, and a log
whose every timestamp read ``[07/Dec/[number]]`` would be no log at all.
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

#: Runs of digits the servers write themselves, whole: dates and times (ISO, day/month/year,
#: gunicorn's ``07/Dec/2026:23:42:53`` and Werkzeug's ``07/Dec/2026 23:42:53``, whose month
#: name ends the run before the year). A run is kept only if it is one of these from its
#: first digit to its last: a number next to a timestamp joins its run, and both go.
_HOUR, _MINUTE = r"(?:[01]\d|2[0-3])", r"[0-5]\d"
_TIME = rf"{_HOUR}:{_MINUTE}(?::{_MINUTE}(?:[.,]\d{{1,6}})?)?"
_DAY, _MONTH, _YEAR = r"(?:0?[1-9]|[12]\d|3[01])", r"(?:0?[1-9]|1[0-2])", r"(?:19|20)\d\d"
_SERVERS_OWN_RUN = re.compile(
    rf"{_YEAR}-{_MONTH}-{_DAY}(?:[T ]{_TIME})?"  # 2026-12-07T23:42:53.123
    rf"|{_DAY}/{_MONTH}/{_YEAR}(?:[ :]{_TIME})?"  # 07/12/2026 23:42
    rf"|{_YEAR}[: ]{_TIME}"  # the year and time of 07/Dec/2026:23:42:53
    rf"|{_HOUR}:{_MINUTE}:{_MINUTE}[.,]\d{{1,6}}"  # 23:42:53,123
)
#: The HTTP status and size that follow an access log's request line (gunicorn's default
#: format: ``"GET /health HTTP/1.1" 200 1234``): two numbers a space apart, as a number is.
_AFTER_REQUEST_LINE = re.compile(r'HTTP/\d(?:\.\d)?" $')
_STATUS_AND_SIZE = re.compile(r"[1-5]\d\d \d+")
#: A size or duration after its name in the line's own access format (gunicorn.conf.py:
#: `` bytes=1048576 ms=1234567``, never a query string's ``?ms=``), or a decimal duration
#: before its unit (``0.1234567 s``): never written with a leading zero, as national
#: numbers are, or a "+". The named ones end the line (:data:`_MEASURES_TO_THE_END`): the
#: request's path comes before them, decoded, so " bytes=" written into a path is not one.
#: A duration's whole part is short (seconds), so "7700.900123 s" is not one.
_MEASURE = re.compile(r"(?:[1-9]\d*|0)(?:\.\d+)?")
_DURATION = re.compile(r"(?:[1-9]\d{0,2}|0)\.\d+")
_MEASURE_NAME = re.compile(r"(?:^|\s)(?:status|bytes|ms)=$")
_MEASURES_TO_THE_END = re.compile(r"(?: (?:bytes|ms)=(?:\d+|-))*\s*")
_DURATION_UNIT = re.compile(r" ?(?:ms|s|µs|us|seconds)\b")

LOGGER_NAME = "ivr"


def _digit(c: str) -> bool:
    return c.isdigit()


#: A quick look first, in C: seven digits with at most three other characters between
#: each. Digits and non-digits cannot overlap, so this never backtracks more than a few
#: characters; a line without such a run (nearly every line) needs nothing more.
_MAYBE_NUMBER = re.compile(r"\d(?:\D{0,3}\d){6}")


def _servers_own(text: str, start: int, end: int) -> bool:
    """Whether the run ``text[start:end]`` is a timestamp, date or time, or a status, size
    or duration where the servers write one: not a caller's number."""
    run = text[start:end]
    if _SERVERS_OWN_RUN.fullmatch(run):
        return True
    before = text[max(0, start - 12) : start]
    if _STATUS_AND_SIZE.fullmatch(run) and _AFTER_REQUEST_LINE.search(before):
        return True
    if _MEASURE.fullmatch(run) and _MEASURE_NAME.search(before) and _MEASURES_TO_THE_END.fullmatch(text, end):
        return True
    return bool(_DURATION.fullmatch(run) and _DURATION_UNIT.match(text, end))


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
            if digits >= MIN_DIGITS and not _servers_own(text, start, last_digit_end):
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
            if digits >= MIN_DIGITS and not _servers_own(text, start, last_digit_end):
                spans.append((start, last_digit_end))
            start, digits, separators = -1, 0, 0
            continue  # this character may itself start nothing, but look at it afresh
        i += 1
    if start >= 0 and digits >= MIN_DIGITS and not _servers_own(text, start, last_digit_end):
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
