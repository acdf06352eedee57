"""A setting that cannot work stops the line before it serves anyone, with one line per
wrong setting naming the variable and what to set, a non-zero exit and no traceback:
from gunicorn, ``ivr serve`` and ``ivr check`` alike, each started as operators start it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import DEFAULT_FLOW, PUBLIC, ROOT, TOKEN

from ivr.platform import ConfigError, Settings

NO_PUBLIC_URL = (
    "Error: Set IVR_PUBLIC_URL to the URL Twilio calls (e.g. https://line.example.org), or IVR_ALLOWED_HOSTS "
    "to the host names it calls (e.g. line.example.org): otherwise the Host header a client sends would choose "
    "the URL that signatures are checked against.\n"
)
BIN = Path(sys.executable).parent


def _run(command: list[str], tmp_path: Path, cwd: Path = ROOT, **settings: str) -> subprocess.CompletedProcess[str]:
    """``command`` with only these settings in its environment, as a fresh server has."""
    environment = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp_path),
        "IVR_FLOW_FILE": str(DEFAULT_FLOW),
        "IVR_DATABASE_FILE": str(tmp_path / "ivr.sqlite3"),
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"),
        "GUNICORN_BIND": "127.0.0.1:0",
        **settings,
    }
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("serves", ["line", "console"])
def test_gunicorn_without_a_public_url_stops_in_the_master_with_one_line(tmp_path, serves):
    """Before: exit 1, the message between two empty lines (gunicorn's own wording)."""
    started = _run([str(BIN / "gunicorn"), "--config", "gunicorn.conf.py", f"app:{serves}()"], tmp_path,
                   TWILIO_AUTH_TOKEN=TOKEN)  # fmt: skip
    assert (started.returncode, started.stdout, started.stderr) == (4, "", NO_PUBLIC_URL)


def test_gunicorn_without_its_config_file_stops_after_the_first_worker_says_what_to_set(tmp_path):
    """Without gunicorn.conf.py a worker loads the app, not the master. Before: exit 3 after
    each worker crashed with a traceback; now the first worker's line, then gunicorn stops."""
    command = [str(BIN / "gunicorn"), "--chdir", str(ROOT), "--no-control-socket", "--workers", "1",
               "--bind", "127.0.0.1:0", "app:line()"]  # fmt: skip
    started = _run(command, tmp_path, cwd=tmp_path, TWILIO_AUTH_TOKEN=TOKEN)  # no gunicorn.conf.py here
    said = re.sub(r"^\[[^]]+\] \[\d+\] ", "", started.stderr, flags=re.MULTILINE)
    said = re.sub(r"\b\d+(\.\d+)*\b", "N", said)  # pids, the port and gunicorn's version
    assert (started.returncode, started.stdout) == (4, "")
    assert said == (
        "[INFO] Starting gunicorn N\n"
        "[INFO] Listening at: http://N:N (N)\n"
        "[INFO] Using worker: sync\n"
        "[INFO] Booting worker with pid: N\n" + NO_PUBLIC_URL + "[INFO] Worker exiting (pid: N)\n"
        "[ERROR] Worker (pid:N) exited with code N.\n"
        "[ERROR] Shutting down: Master\n"
        "[ERROR] Reason: App failed to load.\n"
    )


def test_ivr_serve_without_a_public_url_says_what_to_set(tmp_path):
    started = _run([str(BIN / "ivr"), "serve", "--port", "0"], tmp_path, TWILIO_AUTH_TOKEN=TOKEN)
    assert (started.returncode, started.stdout, started.stderr) == (1, "", NO_PUBLIC_URL)


def test_ivr_serve_names_every_wrong_setting_one_line_each(tmp_path):
    """Before: a log level the line did not know ended in a ValueError's traceback."""
    started = _run([str(BIN / "ivr"), "serve", "--port", "0"], tmp_path, TWILIO_AUTH_TOKEN=TOKEN,
                   IVR_PUBLIC_URL=PUBLIC, IVR_TRUSTED_PROXIES="two", IVR_LOG_LEVEL="loud")  # fmt: skip
    assert (started.returncode, started.stdout, started.stderr) == (
        1,
        "",
        "Error: IVR_TRUSTED_PROXIES='two' is not a number; set it to a number, e.g. 0\n"
        "IVR_LOG_LEVEL must be DEBUG (each step of each call too), INFO or WARNING (or ERROR, CRITICAL)\n",
    )


def test_ivr_check_with_a_destination_that_is_no_number_says_what_to_set(tmp_path):
    checked = _run([str(BIN / "ivr"), "check", str(DEFAULT_FLOW)], tmp_path, IVR_DESTINATIONS="0800 0121 700, helpline")
    assert (checked.returncode, checked.stdout, checked.stderr) == (
        1,
        "",
        "Error: IVR_DESTINATIONS: 'helpline' is not a phone number. Write the numbers the line may connect "
        "callers to, separated by commas, e.g. 0800 0121 700, 0800 555 111\n",
    )


def test_every_wrong_setting_is_reported_at_once_in_the_order_of_the_settings():
    with pytest.raises(ConfigError) as refused:
        Settings.load(
            {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_PUBLIC_URL": PUBLIC, "IVR_STATS": "maybe", "IVR_ALERT_EMAIL_TO": "team"},
            {
                "IVR_CONSOLE_STEP_SECONDS": "90",
                "IVR_RETENTION_DAYS": "0",
                "IVR_MEDIA_HOSTS": "https://media.example.org",
            },
        )
    assert refused.value.problems == [
        "IVR_ALERT_EMAIL_TO must be email addresses, separated by commas",
        "IVR_RETENTION_DAYS must be 1 or more (days of call statistics to keep)",
        "IVR_STATS='maybe' is neither on nor off; set it to 1 (on) or 0 (off)",
        "IVR_CONSOLE_STEP_SECONDS must be between 1 and 60 (seconds a draft's check may take)",
        "IVR_MEDIA_HOSTS: 'https://media.example.org' is not a host name. Write only host names, separated by "
        "commas, e.g. media.example.org (no https:// and no path)",
    ]


def test_an_empty_variable_or_override_is_unset_and_the_overrides_win():
    environ = {"TWILIO_AUTH_TOKEN": TOKEN, "IVR_PUBLIC_URL": PUBLIC, "IVR_RETENTION_DAYS": "", "IVR_DEV": ""}
    settings = Settings.load(environ, {"IVR_ALLOWED_HOSTS": "Line.Example.org, ", "IVR_PUBLIC_URL": ""})
    assert (settings.public_url, settings.allowed_hosts, settings.retention_days, settings.development) == (
        "",
        ("line.example.org",),
        90,
        False,
    )
