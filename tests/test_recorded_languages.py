"""Albanian, Tigrinya and Somali: no Twilio voice, so spoken from recordings. Until every text
of a language is recorded its callers are put straight through to the helpline (whose
interpreters speak it), the language kept in the call's state; once all are, every text is
played with <Play> inside a <Gather> that listens for keys. ``ivr check`` reports each text
still without a recording at its line and column."""

from __future__ import annotations

import dataclasses
from urllib.parse import urljoin

import pytest
from support import HELPLINE, PUBLIC, TOKEN, write_wav
from test_languages import plain

from ivr.definition import recorded
from ivr.definition.reviews import text_hash
from ivr.loading import load_flow_file
from ivr.tools.simulator import SimulatedCall, flask_transport
from ivr.translations.flow_text import parse_document

NEW_LANGUAGES = {"sq-AL": ("2", "Shcheep: 2."), "ti-ER": ("4", "Tigrinya: 4."), "so-SO": ("6", "Soomaali: 6.")}


def _twiml_for(call: SimulatedCall, key: str) -> str:
    """The whole TwiML the line answers with when the caller presses ``key`` now."""
    waiting = call.waiting
    url = urljoin(waiting.url, waiting.element.get("action"))
    status, body = call.transport(*call.signed_request(url, {"Digits": key}))
    assert status == 200
    return body.decode("utf-8") if isinstance(body, bytes) else body


def test_the_language_menu_names_every_language_most_needed_first(new_call):
    heard = new_call().start()
    assert [(h.kind, h.text, h.attrs.get("voice")) for h in heard if h.kind == "say"] == [
        ("say", "If you are in danger now, hang up and dial 9 9 9. For the helpline, press 0.", "Polly.Amy"),
        ("say", "English: 1.", "Polly.Amy"),
        ("say", "Shcheep: 2.", "Polly.Amy"),  # Shqip, as the English voice can say it
        ("say", "Tiếng Việt: 3.", "Google.vi-VN-Standard-A"),
        ("say", "Tigrinya: 4.", "Polly.Amy"),
        ("say", "العربية: 5.", "Polly.Zeina"),
        ("say", "Soomaali: 6.", "Polly.Amy"),
        ("say", "Română: 7.", "Polly.Carmen"),
        ("say", "Polski: 8.", "Polly.Ewa"),
        ("say", "For any other language, stay on the line; the helpline has interpreters.", "Polly.Amy"),
    ]


@pytest.mark.parametrize("code", NEW_LANGUAGES)
def test_a_caller_who_picks_a_language_not_yet_recorded_is_put_straight_through(new_call, code):
    call = new_call()
    call.start()
    key, _ = NEW_LANGUAGES[code]
    twiml = _twiml_for(call, key)
    assert twiml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        f'<Dial action="/voice/dialed?n=_helpline&amp;l={code}&amp;r=straight" answerOnBridge="true" '
        'callerId="+441234567890" method="POST" timeout="30">'
        f'<Number method="POST" url="/voice/whisper?n=_helpline&amp;l={code}&amp;r=straight">+448000121700</Number>'
        "</Dial></Response>"
    )
    call.press(key)
    assert call.dialled_number == HELPLINE


def test_a_caller_in_a_language_not_yet_recorded_is_never_left_in_silence_after_a_busy_helpline(new_call, flow_file):
    flow = load_flow_file(flow_file).flow
    call = new_call()
    call.start()
    call.press("2")  # Shqip: straight through
    heard = call.dial_result("busy")
    busy = plain(flow.nodes["_busy:_helpline"].prompt, "en-GB")
    assert [(h.kind, h.text, h.attrs.get("voice")) for h in heard] == [("say", busy, "Polly.Amy")]  # not silence
    assert "l=sq-AL" in call.waiting.element.get("action")  # the language still travels with the call
    assert call.waiting.element.get("language") == "en-GB"
    call.say("helpline")  # heard in English, as the menu speaks
    assert call.dialled_number == HELPLINE


def test_a_number_for_a_language_not_yet_recorded_puts_callers_straight_through(new_call):
    call = new_call()
    heard = call.start(language="ti-ER")
    assert [h.kind for h in heard] == ["dial"] and call.dialled_number == HELPLINE


# -- once every text is recorded ----------------------------------------------------------------
def _record_everything(flow_file, code):
    _, document = parse_document(flow_file.read_text())
    for item in recorded.needed(document, code):
        write_wav(flow_file.parent / "recordings" / code / f"{item.key}.wav")
    return document


def test_a_language_with_every_text_recorded_is_played_inside_gathers(flow_file, make_app):
    _record_everything(flow_file, "sq-AL")
    assert load_flow_file(flow_file).flow.languages["sq-AL"].ready
    app = make_app()
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    twiml = _twiml_for(call, "2")
    played = "/recordings/sq-AL/{}.wav"
    assert twiml == (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        '<Gather action="/voice/input?n=welcome&amp;l=sq-AL" finishOnKey="" input="dtmf" method="POST" '
        f'numDigits="1" timeout="1"><Play>{played.format("nodes.welcome.say")}</Play></Gather>'
        '<Gather action="/voice/input?n=main_menu&amp;l=sq-AL" input="dtmf" method="POST" numDigits="1" '
        f'timeout="5"><Play>{played.format("nodes.main_menu.say")}</Play></Gather>'
        '<Redirect method="POST">/voice/silence?n=main_menu&amp;l=sq-AL</Redirect></Response>'
    )
    heard = call.press("2")
    assert [(h.kind, h.text) for h in heard] == [
        ("play", played.format("nodes.welcome.say")),
        ("play", played.format("nodes.main_menu.say")),
    ]
    silent = call.fork()
    heard = call.press("0")  # 0 at a recorded menu: the helpline, ringing at once, as in every language
    assert [(h.kind, h.text) for h in heard] == [("dial", HELPLINE)]
    heard = silent.silence()  # silent at the menu: the line says, recorded, where it connects
    assert [(h.kind, h.text) for h in heard] == [
        ("play", played.format("line.messages.to_helpline")),
        ("dial", HELPLINE),
    ]
    with app.test_client().get(played.format("nodes.welcome.say")) as audio:
        assert audio.status_code == 200 and audio.data[:4] == b"RIFF"


# -- ivr check --------------------------------------------------------------------------------
SMALL = """\
line:
  name: Small line
  start: choose
  helpline: helpline
  languages:
    en-GB: {name: English, key: "1", choose: English 1., voice: Polly.Amy}
    so-SO: {name: Soomaali, key: "2", choose: Soomaali 2.}
numbers:
  helpline:
    number: 0800 0121 700
    name: the helpline
nodes:
  choose:
    type: language
    say: Choose.
    next: hello
  hello:
    type: message
    say: {en-GB: Hello., so-SO: {play: recordings/so/hello.wav}}
    next: menu
  menu:
    type: menu
    say:
      en-GB: Press 1.
    choices:
      "1": hello
"""


def test_check_reports_each_text_without_a_recording_at_its_line_and_column(tmp_path):
    path = tmp_path / "call_flows.yaml"
    path.write_text(SMALL)
    write_wav(tmp_path / "recordings" / "so" / "hello.wav")
    result = load_flow_file(path)
    recordings = [p.format("f") for p in result.problems if p.code == "missing-recording"]
    assert recordings == [
        "f:11:5: warning: no recording of this text in Soomaali (so-SO): until every text has one, callers who "
        "choose that language are put straight through to the helpline\n"
        "    hint: upload it in the console (Recordings), or put it at "
        "recordings/so-SO/numbers.helpline.name.mp3 beside the flow file",
        "f:23:5: warning: no recording of this text in Soomaali (so-SO): until every text has one, callers who "
        "choose that language are put straight through to the helpline\n"
        "    hint: upload it in the console (Recordings), or put it at "
        "recordings/so-SO/nodes.menu.say.mp3 beside the flow file",
    ]
    assert result.errors == []  # a language still being recorded never keeps the line from going live
    assert not result.flow.languages["so-SO"].ready


# -- the translators' round trip ----------------------------------------------------------------
def test_the_translators_file_carries_a_new_language_and_its_recordings_review_state(flow_file):
    from ivr.translations.importing import import_po
    from ivr.translations.po import export_po

    folder = flow_file.parent
    source, document = parse_document(flow_file.read_text())
    write_wav(folder / "recordings" / "so-SO" / "nodes.welcome.say.wav", seconds=2.0)
    notes = {
        "nodes.welcome.say": recorded.RecordingNote(
            recorded.file_sha256(folder / "recordings" / "so-SO" / "nodes.welcome.say.wav"),
            2.0,
            "alice",
            "2026-12-07",
            machine_made=True,
        )
    }
    recorded.save_notes(folder, "so-SO", notes)
    po = export_po(document, source, "so-SO", "call_flows.yaml", folder)
    comments = {entry.msgctxt: entry.tcomment for entry in po}
    assert comments["nodes.welcome.say"] == "recording: 2.0 s, machine-made stop-gap, not reviewed"
    assert comments["nodes.main_menu.say"] == "recording: not recorded yet"
    assert set(comments.values()) == {
        "recording: 2.0 s, machine-made stop-gap, not reviewed",
        "recording: not recorded yet",
    }  # nothing says reviewed
    welcome = next(entry for entry in po if entry.msgctxt == "nodes.welcome.say")
    welcome.msgstr = (
        "Haddii aad hadda khatar ku jirto, dhig taleefanka oo wac 9 9 9. Si aad ula hadasho khadka caawinta, "
        "riix 0, wakhti kasta. Si aad wicitaankan isla markiiba u joojiso, riix 9."
    )
    result = import_po(
        flow_file.read_text(), po, today="2026-12-07", reviewer="Hodan Ali", language=None, base=folder,
        flow_name="call_flows.yaml",
    )  # fmt: skip
    assert result.language == "so-SO" and [key for key in result.signed] == ["nodes.welcome.say"]
    flow_file.write_text(result.text)
    loaded = load_flow_file(flow_file)
    assert loaded.errors == []
    _, document = parse_document(flow_file.read_text())
    assert document.nodes["welcome"].say["so-SO"] == welcome.msgstr  # the script, signed off as a text
    assert document.reviews["so-SO"]["nodes.welcome.say"].by == "Hodan Ali"
    # The script's sign-off is not the recording's: the recording is still not reviewed.
    again = {e.msgctxt: e.tcomment for e in export_po(document, source, "so-SO", "call_flows.yaml", folder)}
    assert again["nodes.welcome.say"] == "recording: 2.0 s, machine-made stop-gap, not reviewed"
    assert loaded.flow.nodes["welcome"].prompt["so-SO"].plain == "[recording /recordings/so-SO/nodes.welcome.say.wav]"
    # Once a native speaker has listened (the console's review), the file says who and when.
    note = notes["nodes.welcome.say"]
    source_text = next(i.source for i in recorded.needed(document, "so-SO") if i.key == "nodes.welcome.say")
    recorded.save_notes(folder, "so-SO", {"nodes.welcome.say": dataclasses.replace(
        note, reviewed_by="Hodan Ali", reviewed_on="2026-12-08", reviewed_sha256=note.sha256,
        reviewed_source=text_hash(source_text))})  # fmt: skip
    reviewed = {e.msgctxt: e.tcomment for e in export_po(document, source, "so-SO", "call_flows.yaml", folder)}
    assert reviewed["nodes.welcome.say"] == "recording: 2.0 s, reviewed by Hodan Ali on 2026-12-08"
