"""Nothing an operator does can take the machine from callers: the console is an app of its
own, and its heavy steps are bounded in size, time, per operator and per server."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from support import PUBLIC, TOKEN
from test_console import PASSWORD, SITE, Browser
from test_console_editing import LIVE_TEXT, check, words

from ivr import CALLS, CONSOLE, create_app
from ivr.console.limits import ConsoleBusy, StepLimits
from ivr.console.views import add_operator
from ivr.publishing import draft_of
from ivr.tools.simulator import SimulatedCall, flask_transport

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.flow_size import generate  # noqa: E402

OWN_STEP_RUNNING = "Your last check or comparison is still running. Wait for it to finish, then try again."
SERVER_BUSY = "The console is busy checking other operators' drafts. Your text is kept: try again in a few seconds."


def _settings(flow_file: Path, **more: str) -> dict[str, str]:
    return {
        "TWILIO_AUTH_TOKEN": TOKEN,
        "IVR_FLOW_FILE": str(flow_file),
        "IVR_PUBLIC_URL": PUBLIC,
        "IVR_DATABASE_FILE": str(flow_file.parent / "ivr.sqlite3"),
        **more,
    }


@pytest.fixture
def console_app(flow_file):
    app = create_app(_settings(flow_file), environ={}, serves=CONSOLE)
    add_operator(app.extensions["ivr.database"].engine, "alice", PASSWORD)
    return app


# -- two apps ---------------------------------------------------------------------------------
def test_the_line_serves_callers_and_no_console(flow_file):
    line = create_app(_settings(flow_file), environ={}, serves=CALLS)
    call = SimulatedCall(flask_transport(line), PUBLIC, TOKEN)
    assert call.start()[0].text.startswith("If you are in danger now")
    client = line.test_client()
    assert client.get("/console", base_url=SITE).status_code == 404
    assert client.get("/console/login", base_url=SITE).status_code == 404
    assert client.get("/health").status_code == 200


def test_the_console_serves_no_webhook_but_still_takes_a_call_tried_in_the_browser(console_app):
    client = console_app.test_client()
    assert client.post("/voice/incoming", base_url=SITE).status_code == 404
    assert client.get("/health").status_code == 200
    browser = Browser(console_app)
    browser.login("alice")
    answer = browser.client.post(
        "/console/try/step", json={"action": "start", "value": "en-GB"}, headers={"X-CSRF-Token": browser.csrf()},
        base_url=SITE,
    )  # fmt: skip
    assert answer.status_code == 200
    assert answer.get_json()["heard"][0]["text"].startswith("If you are in danger now")


def test_an_app_that_serves_something_unknown_is_refused(flow_file):
    with pytest.raises(ValueError, match="serves='both': say 'calls', 'console' or 'everything'"):
        create_app(_settings(flow_file), environ={}, serves="both")


def test_the_procfile_runs_the_line_and_the_console_as_two_masters():
    procfile = (Path(__file__).resolve().parent.parent / "Procfile").read_text().splitlines()
    assert procfile == [
        "web: gunicorn --config gunicorn.conf.py app:line()",
        "console: gunicorn --config gunicorn.conf.py --bind 127.0.0.1:8001 --workers 2 app:console()",
    ]


# -- limits on one server ---------------------------------------------------------------------
def test_one_operator_runs_one_heavy_step_at_a_time(tmp_path):
    limits = StepLimits(tmp_path, slots=2, wait_seconds=0)
    with limits.step("alice"):
        with pytest.raises(ConsoleBusy) as refused, limits.step("alice"):
            pass
        assert (str(refused.value), refused.value.retry_after) == (OWN_STEP_RUNNING, 2)
        with limits.step("bob"):  # another operator has a slot of their own
            pass
    with limits.step("alice"):  # free again once the first ended
        pass


def test_the_server_runs_at_most_its_slots_and_a_step_waits_for_one_before_it_is_refused(tmp_path):
    limits = StepLimits(tmp_path, slots=1, wait_seconds=0.3)
    with limits.step("alice"):
        started = time.monotonic()
        with pytest.raises(ConsoleBusy) as refused, limits.step("bob"):
            pass
        assert time.monotonic() - started >= 0.3
        assert (str(refused.value), refused.value.retry_after) == (SERVER_BUSY, 5)
    released = threading.Event()

    def hold_briefly() -> None:
        with limits.step("alice"):
            released.wait(5)
            time.sleep(0.1)

    holder = threading.Thread(target=hold_briefly)
    holder.start()
    time.sleep(0.05)
    released.set()
    with limits.step("bob"):  # waited for alice's slot instead of being refused
        pass
    holder.join()


def test_a_slot_held_by_another_process_counts_and_is_freed_when_it_dies(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
                import sys, time
                from pathlib import Path
                from ivr.console.limits import StepLimits
                with StepLimits(Path({str(tmp_path)!r}), slots=1).step("carol"):
                    print("holding", flush=True)
                    time.sleep(60)
            """),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline() == "holding\n"
        with pytest.raises(ConsoleBusy), StepLimits(tmp_path, slots=1, wait_seconds=0.1).step("alice"):
            pass
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    with StepLimits(tmp_path, slots=1, wait_seconds=0).step("alice"):  # the kernel freed its lock
        pass


# -- limits in the console --------------------------------------------------------------------
def test_a_check_while_the_same_operators_last_one_runs_is_refused_before_its_text_is_read(console_app):
    browser = Browser(console_app)
    browser.login("alice")
    limits = console_app.extensions["ivr.drafts"].limits
    changed = LIVE_TEXT.replace("open 24 hours a day.", "open day and night.", 1)
    with limits.step("alice"):
        answer = check(browser, changed)
    assert answer.status_code == 429
    assert answer.headers["Retry-After"] == "2"
    assert answer.get_json() == {"error": OWN_STEP_RUNNING, "retry_after": 2}
    assert draft_of(console_app.extensions["ivr.database"].engine, "alice") is None  # nothing read, nothing saved
    assert check(browser, changed).status_code == 200  # the editor sends it again once the first is done
    assert draft_of(console_app.extensions["ivr.database"].engine, "alice").text == changed


def test_a_page_that_compares_while_the_server_is_busy_says_so_with_when_to_try_again(flow_file):
    app = create_app(_settings(flow_file), environ={}, serves=CONSOLE)
    add_operator(app.extensions["ivr.database"].engine, "alice", PASSWORD)
    app.extensions["ivr.drafts"].limits = StepLimits(app.extensions["ivr.drafts"].limits.folder, 1, 0.1)
    browser = Browser(app)
    browser.login("alice")
    assert check(browser, LIVE_TEXT.replace("open 24 hours a day.", "open all night.", 1)).status_code == 200
    with app.extensions["ivr.drafts"].limits.step("bob"):  # another operator's check holds the one slot
        page = browser.client.get("/console/edit/changes", base_url=SITE)
    assert page.status_code == 429
    assert page.headers["Retry-After"] == "5"
    assert "The console is busy " + SERVER_BUSY in words(page)


def test_a_text_larger_than_the_console_takes_is_refused_before_anything_reads_it(console_app):
    browser = Browser(console_app)
    browser.login("alice")
    huge = LIVE_TEXT + "#" * (2 * 1024 * 1024)
    answer = check(browser, huge)
    assert answer.status_code == 413
    assert answer.get_json() == {
        "error": "This text is larger than 2 MB, so the console did not take it: nothing was saved or checked. "
        "A whole flow needs far less (the line's own is about 60 KB): look for a text pasted more than once."
    }
    assert draft_of(console_app.extensions["ivr.database"].engine, "alice") is None


def test_a_check_that_takes_too_long_is_stopped_and_the_operator_told(flow_file):
    app = create_app(_settings(flow_file, IVR_CONSOLE_STEP_SECONDS="1"), environ={}, serves=CONSOLE)
    add_operator(app.extensions["ivr.database"].engine, "alice", PASSWORD)
    browser = Browser(app)
    browser.login("alice")
    started = time.monotonic()
    answer = check(browser, generate(6_000))  # 1.2 MB: more than a second to check
    assert time.monotonic() - started < 5
    body = answer.get_json()
    assert (answer.status_code, body["publishable"], body["errors"]) == (200, False, 1)
    assert body["problems"] == [
        {
            "line": 1,
            "column": 1,
            "severity": "error",
            "message": "checking the file took longer than 1 s, so it was stopped",
            "hint": "check the file with 'ivr check'; a flow needs a few hundred KB at most",
            "code": "too-costly",
        }
    ]


def test_the_console_tells_browsers_to_come_back_only_over_https_when_served_over_https(console_app):
    client = console_app.test_client()
    secure = client.get("/console/login", base_url="https://line.example.org")
    assert secure.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = client.get("/console/login", base_url="http://127.0.0.1:8001")
    assert "Strict-Transport-Security" not in plain.headers  # meaningless, and ignored, over HTTP


def test_half_a_character_sent_by_a_browser_is_refused_at_its_place_not_a_server_error(console_app):
    browser = Browser(console_app)
    browser.login("alice")
    broken = LIVE_TEXT.replace("open 24 hours a day.", "open 24 hours a day\ud800.", 1)
    line = broken.splitlines().index(next(x for x in broken.splitlines() if "\ud800" in x)) + 1
    column = next(x for x in broken.splitlines() if "\ud800" in x).index("\ud800") + 1
    answer = browser.client.post(
        "/console/edit/check",
        data='{"text": ' + json.dumps(broken, ensure_ascii=True) + "}",
        content_type="application/json",
        headers={"X-CSRF-Token": browser.csrf()},
        base_url=SITE,
    )
    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": f"Not saved: the text holds half of a character (U+D800) at line {line}, column {column}, "
        "which no file can keep: retype the words there."
    }


def test_the_first_page_checks_the_file_on_disk_as_a_draft_once_per_version(console_app, monkeypatch):
    from ivr.console import checking

    checked = []
    real = checking.check_text_isolated

    def counted(text, *args, **kwargs):
        checked.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(checking, "check_text_isolated", counted)
    browser = Browser(console_app)
    browser.login("alice")
    for _ in range(3):
        page = browser.get("/console")
        assert page.status_code == 200
        assert "The saved file is the live flow" in words(page)
    assert checked == [len(LIVE_TEXT)]  # in a child process, once: the same version is kept
