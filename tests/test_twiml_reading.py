"""TwiML read back, once for the simulator, caller-time and the console: every verb the line
writes with every attribute, and Twilio's default for what a document leaves out."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

import pytest
from support import DEFAULT_FLOW

from ivr.loading import load_flow_file
from ivr.runtime import engine
from ivr.runtime.twiml import Renderer
from ivr.runtime.twiml_reading import (
    Break,
    Dial,
    Gather,
    Hangup,
    NotTwiML,
    Other,
    Pause,
    Play,
    Record,
    Redirect,
    Reject,
    Say,
    Words,
    read,
)

#: Verbs compare without the element they were read from: any element stands for it.
AS_WRITTEN = ET.Element("as-written")


def test_a_menu_reads_as_its_gather_with_every_attribute_then_the_redirect_for_silence():
    document = (
        '<?xml version="1.0" encoding="UTF-8"?><Response>'
        '<Gather action="/voice/input?n=main_menu&amp;l=en-GB" method="POST" timeout="8" numDigits="1" '
        'input="dtmf speech" language="en-GB" speechTimeout="2" hints="police, report">'
        '<Say voice="Polly.Amy" language="en-GB">To report, press 1.</Say>'
        '<Play>https://media.example.org/menu.mp3</Play><Pause length="2"/></Gather>'
        '<Redirect method="POST">/voice/silence?n=main_menu&amp;l=en-GB</Redirect></Response>'
    )
    assert read(document) == (
        Gather(
            action="/voice/input?n=main_menu&l=en-GB",
            method="POST",
            input="dtmf speech",
            timeout=8,
            num_digits=1,
            finish_on_key="#",
            language="en-GB",
            hints="police, report",
            speech_timeout="2",
            action_on_empty_result=False,
            verbs=(
                Say("Polly.Amy", "en-GB", (Words("To report, press 1."),), element=AS_WRITTEN),
                Play("https://media.example.org/menu.mp3", 1, element=AS_WRITTEN),
                Pause(2, element=AS_WRITTEN),
            ),
            element=AS_WRITTEN,
        ),
        Redirect("/voice/silence?n=main_menu&l=en-GB", "POST", element=AS_WRITTEN),
    )


def test_a_transfer_reads_as_the_number_it_rings_the_number_it_shows_and_what_the_adviser_hears():
    document = (
        '<Response><Dial action="/voice/dialed?n=helpline" method="POST" timeout="25" answerOnBridge="true" '
        'callerId="+441110000000"><Number url="/voice/whisper?n=helpline" method="POST">+448000121700</Number>'
        "</Dial><Hangup/></Response>"
    )
    assert read(document) == (
        Dial(
            number="+448000121700",
            number_url="/voice/whisper?n=helpline",
            number_method="POST",
            action="/voice/dialed?n=helpline",
            method="POST",
            timeout=25,
            caller_id="+441110000000",
            answer_on_bridge=True,
            element=AS_WRITTEN,
        ),
        Hangup(element=AS_WRITTEN),
    )


def test_what_a_document_leaves_out_is_twilios_default():
    document = (
        "<Response><Gather/><Say>Hello</Say><Pause/><Play>a.mp3</Play><Dial>+448000121700</Dial>"
        "<Record/><Redirect>/voice</Redirect><Reject/><Enqueue>support</Enqueue></Response>"
    )
    assert read(document) == (
        Gather("", "POST", "dtmf", 5, None, "#", "en-US", "", "", False, (), element=AS_WRITTEN),
        Say("", "", (Words("Hello"),), element=AS_WRITTEN),
        Pause(1, element=AS_WRITTEN),
        Play("a.mp3", 1, element=AS_WRITTEN),
        Dial("+448000121700", "", "POST", "", "POST", 30, "", False, element=AS_WRITTEN),
        Record("", "POST", 5, 3600, "1234567890*#", True, element=AS_WRITTEN),
        Redirect("/voice", "POST", element=AS_WRITTEN),
        Reject(element=AS_WRITTEN),
        Other("Enqueue", element=AS_WRITTEN),
    )


def test_a_number_twilio_would_not_understand_reads_as_its_default():
    document = '<Response><Gather timeout="soon" numDigits="one"/><Pause length=""/><Dial timeout="x"/></Response>'
    gather, pause, dial = read(document)
    assert (gather.timeout, gather.num_digits, pause.length, dial.timeout) == (5, None, 1, 30)


def test_ssml_reads_as_words_and_breaks_in_order_each_with_the_rates_around_it():
    document = (
        '<Response><Say voice="Polly.Amy" language="en-GB"><prosody rate="80%">Call us on '
        '<prosody rate="slow">0800</prosody><break time="400ms"/><prosody rate="slow">0121</prosody>'
        '<break time="1s"/>now.</prosody> Thank you.</Say></Response>'
    )
    (say,) = read(document)
    assert say == Say(
        "Polly.Amy",
        "en-GB",
        (
            Words("Call us on ", ("80%",)),
            Words("0800", ("80%", "slow")),
            Break(0.4),
            Words("0121", ("80%", "slow")),
            Break(1.0),
            Words("now.", ("80%",)),
            Words(" Thank you."),
        ),
        element=AS_WRITTEN,
    )
    assert say.characters == "Call us on 08000121now. Thank you."


def test_every_verb_keeps_the_element_it_was_read_from():
    (gather,) = read('<Response><Gather timeout="1"><Say>Hi</Say></Gather></Response>')
    assert ET.tostring(gather.element, encoding="unicode") == '<Gather timeout="1"><Say>Hi</Say></Gather>'
    assert ET.tostring(gather.verbs[0].element, encoding="unicode") == "<Say>Hi</Say>"


@pytest.mark.parametrize(
    ("text", "problem"),
    [("<Response><Say>hi</Response>", "mismatched tag: line 1, column 19"), ("", "no element found: line 1, column 0")],
)
def test_a_text_that_is_not_xml_is_not_twiml_and_says_where_it_breaks(text, problem):
    with pytest.raises(NotTwiML) as refused:
        read(text)
    assert str(refused.value) == problem


def test_the_lines_first_document_reads_as_the_language_menu_then_the_redirect_for_silence():
    flow = load_flow_file(DEFAULT_FLOW).flow
    menu, silence = read(Renderer(flow).render(engine.start(flow, ""), "+441110000000"))
    language_menu = flow.node(flow.start)
    assert replace(menu, verbs=()) == Gather(
        action="/voice/input?n=choose_language&l=en-GB",
        method="POST",
        input="dtmf speech",
        timeout=language_menu.timeout,
        num_digits=1,
        finish_on_key="#",
        language="en-GB",
        hints=language_menu.hints["en-GB"],
        speech_timeout=str(flow.speech_timeout),
        action_on_empty_result=False,
        verbs=(),
        element=AS_WRITTEN,
    )
    # the danger and 0 first, then each language's option in its own voice (one not voiced: in English)
    english, vietnamese, arabic = ("Polly.Amy", "en-GB"), ("Google.vi-VN-Standard-A", "vi-VN"), ("Polly.Zeina", "arb")
    romanian, polish = ("Polly.Carmen", "ro-RO"), ("Polly.Ewa", "pl-PL")
    assert [(say.voice, say.language) for say in menu.verbs] == [
        english, english, english, vietnamese, english, arabic, english, romanian, polish, english,
    ]  # fmt: skip
    assert silence == Redirect("/voice/silence?n=choose_language&l=en-GB", "POST", element=AS_WRITTEN)
