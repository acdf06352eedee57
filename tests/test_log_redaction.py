"""The phone-number filter on every log takes out every caller's number and nothing the
servers write themselves: timestamps, dates, times, statuses, sizes and durations survive."""

from __future__ import annotations

import json
import re
import shlex
import urllib.request

import phonenumbers
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from ivr.platform import REDACTED, redact
from ivr.platform.logs import MIN_DIGITS

#: gunicorn's own default access log format, which an operator may well choose.
GUNICORN_DEFAULT_ACCESS_FORMAT = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"'


@pytest.mark.parametrize(
    "line",
    [
        # Werkzeug's access log (ivr serve): the month's name ends the run before the year
        '127.0.0.1 - - [07/Dec/2026 23:42:53] "POST /voice HTTP/1.1" 200 -',
        # gunicorn's default access format: the timestamp, then the status and size side by side
        '10.0.0.7 - - [07/Dec/2026:23:42:53 +0000] "GET /health HTTP/1.1" 200 1048576 "-" "curl/8.5.0"',
        # gunicorn's error log, and Python's own asctime with milliseconds
        "[2026-12-07 23:43:57 +0000] [19142] [INFO] Booting worker with pid: 19144",
        "2026-12-07 23:43:57,123 ivr INFO flow loaded",
        "2026-12-07T23:43:57.123456+00:00 flow checked on 07/12/2026 at 23:42:53.250",
        # the line's own access format: sizes and durations after their names
        '"POST /voice/input" status=200 bytes=1048576 ms=1234567',
        "the draft was checked in 0.1234567 s",
    ],
)
def test_what_the_servers_write_themselves_survives_the_filter(line):
    assert redact(line) == line


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (
            '127.0.0.1 - - [07/Dec/2026 23:42:53] "GET /voice?From=%2B447700900123 HTTP/1.1" 200 -',
            f'127.0.0.1 - - [07/Dec/2026 23:42:53] "GET /voice?From={REDACTED} HTTP/1.1" 200 -',
        ),
        # a number beside a timestamp joins its run: both go, the number never stays
        ("2026-12-07 23:43:57 07700 900123 rang", f"{REDACTED} rang"),
        # a number where a size would be, but with a national number's leading zero
        ("bytes=07700900123", f"bytes={REDACTED}"),
        # a query string's value is the caller's, whatever its name
        ("POST /voice?ms=447700900123&bytes=447700900123", f"POST /voice?ms={REDACTED}&bytes={REDACTED}"),
        ("said +447700900123 ms", f"said {REDACTED} ms"),
        ("said 07700.900123 s", f"said {REDACTED} s"),
        # the line's access format decodes the path: " bytes=" written into one is not a size
        (
            '"POST /voice/x bytes=447700900123" status=403 bytes=0 ms=2',
            f'"POST /voice/x bytes={REDACTED}" status=403 bytes=0 ms=2',
        ),
        # a duration's whole part is seconds, never a number's first digits
        ("said 7700.900123 s", f"said {REDACTED} s"),
        # a status and size are two numbers apart only after a request line
        ("call 200 7700900 now", f"call {REDACTED} now"),
    ],
)
def test_a_number_near_the_servers_own_forms_is_still_taken_out(line, expected):
    assert redact(line) == expected


def test_a_real_gunicorn_access_line_keeps_its_timestamp_and_loses_the_callers_number(gunicorn_server):
    """The regression: every access-log timestamp read ``[07/Dec/[number] +0000]``."""
    server = gunicorn_server(GUNICORN_CMD_ARGS=f"--access-logformat {shlex.quote(GUNICORN_DEFAULT_ACCESS_FORMAT)}")
    with urllib.request.urlopen(server.url + "/health?From=%2B447700900123", timeout=10) as response:
        size = len(response.read())
    server.stop()
    access = [
        entry["message"]
        for entry in map(json.loads, server.log_file.read_text().splitlines())
        if entry.get("logger") == "gunicorn.access"
    ]
    assert len(access) == 1
    # The timestamp varies: the whole line is matched by its form, every other part exactly.
    assert re.fullmatch(
        r"127\.0\.0\.1 - - \[\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d [+-]\d{4}\] "
        rf'"GET /health\?From=\[number\] HTTP/1\.1" 200 {size} "-" "Python-urllib/3\.\d+"',
        access[0],
    ), access[0]


TEMPLATES = [
    "caller said {} today",
    '127.0.0.1 - - [07/Dec/2026 23:42:53] "GET /voice?From={} HTTP/1.1" 200 -',
    '10.0.0.7 - - [07/Dec/2026:23:42:53 +0000] "POST /voice?Caller={} HTTP/1.1" 200 1234 "-" "TwilioProxy/1.1"',
    "[2026-12-07 23:43:57 +0000] [19142] [ERROR] failed for {}: busy",
    "{}",
]
FORMATS = [phonenumbers.PhoneNumberFormat.E164, phonenumbers.PhoneNumberFormat.INTERNATIONAL]
NATIONAL = phonenumbers.PhoneNumberFormat.NATIONAL
TYPES = [
    phonenumbers.PhoneNumberType.FIXED_LINE,
    phonenumbers.PhoneNumberType.MOBILE,
    phonenumbers.PhoneNumberType.TOLL_FREE,
    phonenumbers.PhoneNumberType.VOIP,
]


@st.composite
def phone_numbers(draw) -> str:
    """A number of any region and kind the library knows, its last digits drawn, written in
    any of its formats."""
    region = draw(st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)))
    example = phonenumbers.example_number_for_type(region, draw(st.sampled_from(TYPES)))
    assume(example is not None)
    digits = str(example.national_number)  # its first digit kept, so that none is lost as a leading zero
    tail = draw(st.text("0123456789", min_size=min(4, len(digits) - 1), max_size=min(4, len(digits) - 1)))
    example.national_number = int(digits[: len(digits) - len(tail)] + tail)
    form = draw(st.sampled_from([*FORMATS, NATIONAL]))
    written = phonenumbers.format_number(example, form)
    if form == NATIONAL:
        # A national number of fewer than seven digits (a few islands' local numbers) cannot
        # be told from a count; Twilio gives callers' numbers in E.164, always seven or more.
        assume(sum(c.isdigit() for c in written) >= MIN_DIGITS)
    return written


@given(number=phone_numbers(), template=st.sampled_from(TEMPLATES))
def test_any_phone_number_in_any_format_in_a_log_line_is_taken_out(number, template):
    first = min(i for i, c in enumerate(number) if c.isdigit() or c == "+")
    last = max(i for i, c in enumerate(number) if c.isdigit())
    expected = template.format(number[:first] + REDACTED + number[last + 1 :])
    assert redact(template.format(number)) == expected
