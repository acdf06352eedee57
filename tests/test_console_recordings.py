"""The console's Recordings page: an operator uploads a recording per text of a language with no
voice; its length is measured, it starts unreviewed (machine-made ones say so), a review names
who listened and is void when the file changes; every step needs a login and a CSRF token, and
the line plays a language once every text is recorded."""

from __future__ import annotations

import io
import json
import re
import wave

import pytest
from test_console import PASSWORD, SITE, Browser

from ivr.console.views import add_operator
from ivr.definition import recorded
from ivr.publishing import entries
from ivr.translations.flow_text import parse_document

WELCOME = "nodes.welcome.say"


def wav_bytes(seconds: float) -> bytes:
    out = io.BytesIO()
    with wave.open(out, "wb") as audio:
        audio.setnchannels(1)
        audio.setsampwidth(2)
        audio.setframerate(8000)
        audio.writeframes(b"\0\0" * int(8000 * seconds))
    return out.getvalue()


@pytest.fixture
def app(make_app):
    app = make_app(IVR_RELOAD_SECONDS="-1")
    add_operator(app.extensions["ivr.database"].engine, "alice", PASSWORD)
    return app


@pytest.fixture
def browser(app):
    browser = Browser(app)
    browser.login()
    return browser


def upload(browser, code, key, data, name="welcome.wav", machine_made=False):
    form = {"language": code, "text": key, "recording": (io.BytesIO(data), name)}
    if machine_made:
        form["machine_made"] = "1"
    return browser.post("/console/recordings/upload", form, content_type="multipart/form-data")


def notice(response) -> str:
    return re.search(r'<div class="notice" role="status"><p>(.*?)</p>', response.get_data(as_text=True)).group(1)


def row(page: str, key: str, code: str = "sq-AL") -> str:
    """The table row of one text in one language, as plain text."""
    found = re.search(rf'<tr id="{code}:{re.escape(key)}">(.*?)</tr>', page, re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", found).split())


def test_the_page_lists_every_text_of_each_language_without_a_voice(browser):
    page = browser.get("/console/recordings").get_data(as_text=True)
    headings = re.findall(r"<h2 [^>]*>(.*?)</h2>", page)
    assert headings == [
        "<bdi>Shqip</bdi> (sq-AL): 0 of 55 texts recorded",
        "<bdi>ትግርኛ</bdi> (ti-ER): 0 of 55 texts recorded",
        "<bdi>Soomaali</bdi> (so-SO): 0 of 55 texts recorded",
    ]
    assert row(page, WELCOME).startswith(
        "nodes.welcome.say If you are in danger now, hang up and dial 9 9 9. To talk to the Modern Slavery "
    )
    assert "not recorded yet WAV or MP3 file" in row(page, WELCOME)
    assert "Mark reviewed" not in row(page, WELCOME)


def test_an_upload_is_measured_kept_unreviewed_and_audited(browser, app, flow_file):
    response = upload(browser, "sq-AL", WELCOME, wav_bytes(2.5), machine_made=True)
    assert response.status_code == 302
    page = browser.get("/console/recordings")
    assert notice(page) == (
        "Uploaded nodes.welcome.say in sq-AL: 2.5 seconds long, machine-made, not reviewed yet. Ask a native "
        "speaker to listen to it and mark it reviewed."
    )
    text = page.get_data(as_text=True)
    assert re.findall(r"<h2 [^>]*>(.*?)</h2>", text)[0] == "<bdi>Shqip</bdi> (sq-AL): 1 of 55 texts recorded"
    today = recorded.notes(flow_file.parent, "sq-AL")[WELCOME].uploaded_on
    assert row(text, WELCOME).endswith(
        f"2.5 s, uploaded by alice on {today}, machine-made (a stop-gap) . machine-made stop-gap, not reviewed "
        "WAV or MP3 file Machine-made (espeak-ng): a stop-gap Upload Native speaker who listened "
        "They listened: it says the English text, clearly Mark reviewed"
    )
    saved = flow_file.parent / "recordings" / "sq-AL" / f"{WELCOME}.wav"
    assert saved.read_bytes() == wav_bytes(2.5)
    kept = json.loads((saved.parent / "reviews.json").read_text())
    assert kept == {
        WELCOME: {
            "sha256": recorded.file_sha256(saved),
            "seconds": 2.5,
            "uploaded_by": "alice",
            "uploaded_on": today,
            "machine_made": True,
            "reviewed_by": "",
            "reviewed_on": "",
            "reviewed_source": "",
            "reviewed_sha256": "",
        }
    }
    audit = [(e.actor, e.action, e.detail) for e in entries(app.extensions["ivr.database"].engine)]
    assert audit[0] == ("alice", "recording-uploaded", "sq-AL nodes.welcome.say (machine-made, 2.5 s)")


def test_a_review_names_who_listened_and_a_new_file_voids_it(browser, flow_file):
    upload(browser, "so-SO", WELCOME, wav_bytes(1.0))
    browser.post(
        "/console/recordings/review",
        {"language": "so-SO", "text": WELCOME, "reviewer": "Hodan Ali", "listened": "1"},
    )
    page = browser.get("/console/recordings")
    assert notice(page) == "nodes.welcome.say in so-SO is marked reviewed by Hodan Ali."
    today = recorded.notes(flow_file.parent, "so-SO")[WELCOME].reviewed_on
    assert row(page.get_data(as_text=True), WELCOME, "so-SO").endswith(
        f"reviewed by Hodan Ali on {today} WAV or MP3 file Machine-made (espeak-ng): a stop-gap Upload"
    )
    upload(browser, "so-SO", WELCOME, wav_bytes(1.5), name="again.wav")  # a new file: not what was reviewed
    page = browser.get("/console/recordings").get_data(as_text=True)
    assert "recorded, not reviewed" in row(page, WELCOME, "so-SO") and "Hodan" not in row(page, WELCOME, "so-SO")
    _, document = parse_document(flow_file.read_text())
    item = next(i for i in recorded.needed(document, "so-SO") if i.key == WELCOME)
    assert recorded.state(flow_file.parent, "so-SO", WELCOME, item.source, recorded.recording_of(
        flow_file.parent, item, "so-SO")) is recorded.RecordingState.UNREVIEWED  # fmt: skip


def test_a_file_that_is_not_audio_is_refused_and_nothing_is_kept(browser, flow_file):
    response = upload(browser, "ti-ER", WELCOME, b"not audio at all", name="welcome.mp3")
    assert response.status_code == 302
    assert notice(browser.get("/console/recordings")) == (
        "welcome.mp3 is not a WAV or MP3 recording the line can play: record it again and upload it."
    )
    assert sorted(p.name for p in (flow_file.parent / "recordings" / "ti-ER").iterdir()) == []


def test_a_review_without_a_name_or_the_tick_is_refused(browser, flow_file):
    upload(browser, "sq-AL", WELCOME, wav_bytes(1.0))
    browser.post("/console/recordings/review", {"language": "sq-AL", "text": WELCOME, "reviewer": "Arta"})
    assert notice(browser.get("/console/recordings")) == (
        "Write the name of the native speaker who listened, and tick that it says the English text."
    )
    assert recorded.notes(flow_file.parent, "sq-AL")[WELCOME].reviewed_by == ""


def test_uploading_needs_a_login_and_a_csrf_token(app, flow_file):
    stranger = Browser(app)
    response = upload(stranger, "sq-AL", WELCOME, wav_bytes(1.0))
    assert response.status_code == 302 and "/console/login" in response.headers["Location"]
    browser = Browser(app)
    browser.login()
    form = {"language": "sq-AL", "text": WELCOME, "recording": (io.BytesIO(wav_bytes(1.0)), "w.wav")}
    refused = browser.post("/console/recordings/upload", form, csrf=False, content_type="multipart/form-data")
    assert refused.status_code == 400
    assert not (flow_file.parent / "recordings").exists()


def test_a_text_or_language_the_flow_does_not_have_is_refused(browser):
    assert upload(browser, "pl-PL", WELCOME, wav_bytes(1.0)).status_code == 400  # it has a voice
    assert upload(browser, "sq-AL", "nodes.nowhere.say", wav_bytes(1.0)).status_code == 400


def test_the_line_plays_a_language_once_every_text_is_uploaded(browser, app, flow_file):
    _, document = parse_document(flow_file.read_text())
    store = app.extensions["ivr"].store
    for item in recorded.needed(document, "sq-AL"):
        upload(browser, "sq-AL", item.key, wav_bytes(0.5))
    assert store.check_now()  # the watcher notices the new files
    language = store.live.flow.languages["sq-AL"]
    assert language.ready
    assert store.live.flow.nodes["welcome"].prompt["sq-AL"].plain == f"[recording /recordings/sq-AL/{WELCOME}.wav]"
    assert SITE  # the console and the line are one app here
