"""What an outsider sends cannot slow the line, confuse a call or read a file: each test
reproduces one attack on the running line (issue 11) and is bounded in time and size."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from support import DEFAULT_FLOW, PUBLIC, TOKEN
from twilio.request_validator import RequestValidator

from ivr.definition.limits import MAX_NAME
from ivr.loading import load_flow_file, load_flow_text
from ivr.platform import REDACTED, redact
from ivr.runtime.state import CallState

CALL = {"CallSid": "CA" + "1" * 32, "AccountSid": "AC" + "0" * 32, "From": "+447700900123", "To": "+441234567890"}


def _post(client, path: str, pairs: list[tuple[str, str]]):
    """A signed POST whose body may repeat a name, signed as Twilio signs (values sorted)."""
    from urllib.parse import urlencode

    params: dict[str, list[str]] = {}
    for name, value in pairs:
        params.setdefault(name, []).append(value)

    class Multi(dict):
        def getall(self, name):
            return self[name]

    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + path, Multi(params))
    return client.post(
        path,
        data=urlencode(pairs),
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": signature},
    )


@pytest.mark.parametrize(
    "attack",
    ["GET /" + "((((1" * 8160, "1" * 40_000, "1." * 20_000, "+(" * 20_000, "1 " * 20_000, "1-" * 20_000],
)
def test_redaction_of_adversarial_log_lines_finishes_at_once(attack):
    """The old expression took 193 ms for 816 repetitions of "((((1" and grew with the
    square: ten times as many took about 19 s. Bounded at 5 s, hundreds of times what a
    linear pass needs, so a slow machine cannot make it fail."""
    with _time_limit(5):
        redacted = redact(attack)
    assert len(redacted) <= len(attack)


@contextlib.contextmanager
def _time_limit(seconds: int):
    def too_slow(signum, frame):
        raise TimeoutError(f"took longer than {seconds} s")

    previous = signal.signal(signal.SIGALRM, too_slow)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.parametrize(
    "number",
    [
        "07700_900_123", "07700,900,123", "07700:900:123", "07700*900*123", "07700\u2013900\u2013123",
        "077\u200b009\u200b00123", "+44 (0) 7700 900123", "%2B447700900123",
        "\u0660\u0667\u0667\u0660\u0660\u0669\u0660\u0660\u0661\u0662\u0663",  # Arabic-Indic digits
        "\uff10\uff17\uff17\uff10\uff10\uff19\uff10\uff10\uff11\uff12\uff13",  # fullwidth digits
    ],
)  # fmt: skip
def test_redaction_takes_out_numbers_split_by_any_separator_or_written_in_any_digits(number):
    assert redact(f"said {number} here") == f"said {REDACTED} here"


def test_redaction_leaves_the_lines_own_identifiers_alone():
    version = load_flow_text(DEFAULT_FLOW.read_text()).version
    assert version.isalpha()
    line = f"Listening at: http://127.0.0.1:8000 (4242) flow {version}"
    assert redact(line) == line


def test_a_state_count_in_superscript_digits_is_read_as_none():
    state = CallState.from_query_string("n=main_menu&s=%C2%B2&i=%D9%A3", default_node="start")
    assert state == CallState("main_menu")


def test_a_node_name_longer_than_a_call_can_carry_is_refused_at_its_line():
    long_name = "m" * (MAX_NAME + 1)
    text = (
        DEFAULT_FLOW.read_text()
        .replace("  danger_more:\n", f"  {long_name}:\n")
        .replace("go: danger_more", f"go: {long_name}")
    )
    result = load_flow_text(text)
    line = text[: text.index(f"  {long_name}:\n")].count("\n") + 1
    assert [p.format("f") for p in result.errors] == [
        f"f:{line}:3: error: a name of {MAX_NAME + 1} characters is too long: calls carry it in every web address"
        f"\n    hint: use at most {MAX_NAME} characters, e.g. 'mmmmmmmmmmmmmmmmmmmm'"
    ]


@pytest.mark.parametrize("order", [("1", "9"), ("9", "1")])
def test_a_signed_request_that_repeats_a_parameter_is_refused(client, order):
    pairs = [*CALL.items(), ("Digits", order[0]), ("Digits", order[1])]
    response = _post(client, "/voice/input?n=main_menu&l=en-GB", pairs)
    assert response.status_code == 400
    assert _post(client, "/voice/input?n=main_menu&l=en-GB", [*CALL.items(), ("Digits", "1")]).status_code == 200


def test_recordings_serve_only_what_the_flow_plays(make_app, flow_file: Path):
    recordings = flow_file.parent / "recordings"
    recordings.mkdir()
    (recordings / "sorry.wav").write_bytes(_WAV)
    (recordings / "unused.wav").write_bytes(_WAV)
    text = flow_file.read_text()
    flow_file.write_text(
        text.replace("      en-GB: Sorry, I did not catch that.", "      en-GB: {play: recordings/sorry.wav}")
    )
    client = make_app().test_client()
    assert _status(client, "/recordings/sorry.wav") == 200
    assert _status(client, "/recordings/unused.wav") == 404  # not played by the live flow
    assert _status(client, "/recordings/../call_flows.yaml") == 404


def test_a_recording_that_links_out_of_its_folder_is_refused_and_never_served(make_app, flow_file: Path):
    recordings = flow_file.parent / "recordings"
    recordings.mkdir()
    (flow_file.parent / "outside.wav").write_bytes(_WAV)
    (recordings / "passwd.wav").symlink_to("/etc/passwd")
    (recordings / "out.wav").symlink_to(flow_file.parent / "outside.wav")
    text = flow_file.read_text().replace(
        "      en-GB: Sorry, I did not catch that.", "      en-GB: {play: recordings/out.wav}"
    )
    result = load_flow_text(text, base=flow_file.parent)
    assert [p.message for p in result.errors] == [
        "'recordings/out.wav' is a link to a file outside the recordings/ folder, which the line does not serve"
    ]
    client = make_app().test_client()  # the default flow: neither is played
    assert _status(client, "/recordings/passwd.wav") == 404
    assert _status(client, "/recordings/out.wav") == 404


def _status(client, url: str) -> int:
    response = client.get(url)
    response.close()
    return response.status_code


_WAV = (
    b"RIFF$\x00\x00\x00WAVEfmt \x10\x00\x00\x00\x01\x00\x01\x00@\x1f\x00\x00@\x1f\x00\x00\x01\x00\x08\x00"
    b"data\x00\x00\x00\x00"
)


def test_the_servers_access_log_shows_the_full_webhook_path(gunicorn_server):
    """The mount moves /voice into SCRIPT_NAME; gunicorn's access log writes it back."""
    import json
    import time
    import urllib.error
    import urllib.request

    server = gunicorn_server()
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(server.url + "/voice/input?n=main_menu", timeout=5)
    refused.value.close()
    assert refused.value.code == 405
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        lines = [json.loads(line) for line in server.log_file.read_text().splitlines() if line.startswith("{")]
        access = [line["message"] for line in lines if line.get("logger") == "gunicorn.access"]
        if access:
            break
        time.sleep(0.05)
    assert [message.split(" status=")[0] for message in access] == ['"GET /voice/input"']


@pytest.mark.parametrize(
    "text",
    [
        "line: " + "[" * 100_000 + "]" * 100_000,
        "line:\n" + "- " * 30_000 + "x",
        "line: " + "{a: " * 70 + "1" + "}" * 70,
    ],
    ids=["brackets", "dashes", "braces"],
)
def test_a_deeply_nested_file_is_refused_before_the_parser_sees_it(tmp_path: Path, text):
    """30,000 levels made libyaml's C parser recurse until the process crashed (exit 139)."""
    path = tmp_path / "call_flows.yaml"
    path.write_text(text)
    done = subprocess.run(
        [str(Path(sys.executable).parent / "ivr"), "check", str(path)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1, done.stderr
    assert "nests deeper than 64 levels here" in done.stdout


def test_a_pipe_or_a_device_as_the_flow_file_is_refused_without_waiting(tmp_path: Path):
    fifo = tmp_path / "call_flows.yaml"
    os.mkfifo(fifo)
    for path in (fifo, Path("/dev/zero"), tmp_path):
        with _time_limit(10):
            result = load_flow_file(path)
        assert [p.message for p in result.problems] == ["this is not a regular file (a pipe, a device or a folder)"]


def test_a_huge_flow_file_costs_only_the_size_limit_to_read(tmp_path: Path):
    path = tmp_path / "call_flows.yaml"
    with open(path, "wb") as out:
        out.truncate(3 * 1024**3)  # 3 GB, sparse: nothing on disk
    result = load_flow_file(path)
    assert [p.message for p in result.problems] == ["the file is larger than 5 MB"]


def test_a_message_chain_and_missing_references_are_checked_in_one_pass():
    """The message-loop check was cubic and "did you mean" compared every missing name with
    every node: generated flows of this shape took minutes. Their results are what counts
    here; bench/flow_size.py times them."""
    says = "{en-GB: P, pl-PL: P, ro-RO: P, vi-VN: P, ar-EG: P}"
    chain = "".join(
        f"  part_{i}:\n    type: message\n    say: {says}\n    next: part_{(i + 1) % 3000}\n" for i in range(3000)
    )
    text = DEFAULT_FLOW.read_text() + chain
    with _time_limit(30):
        result = load_flow_text(text)
    assert [p.code for p in result.errors] == ["message-loop"]
    assert result.errors[0].message.endswith("part_2998 -> part_2999 -> part_0")


def test_without_a_public_url_the_line_answers_only_to_its_own_host_names(make_app):
    import pytest as _pytest

    from ivr.platform import ConfigError

    with _pytest.raises(ConfigError, match="Set IVR_PUBLIC_URL to the URL Twilio calls"):
        make_app(IVR_PUBLIC_URL="")
    client = make_app(IVR_PUBLIC_URL="", IVR_ALLOWED_HOSTS="line.example.org").test_client()
    for host in ("evil.example", "line.example.org"):
        signature = RequestValidator(TOKEN).compute_signature(f"http://{host}/voice", CALL)
        response = client.post("/voice", data=CALL, headers={"X-Twilio-Signature": signature, "Host": host})
        assert response.status_code == (200 if host == "line.example.org" else 403), host
