"""What a caller hears at each place of a flow, in each language, as the line says it.

Comparing two flows place by place, rather than node by node, lets a reviewer read "Main
menu: the question" instead of a node's whole document (which, for a message, runs on
into the next node's words too), and catches what only some calls hear: the words after
silence or a wrong key, the check of an unclear spoken answer, what the line says when its
servers are down. Each text is written as the line writes it (:class:`ivr.runtime.speaking.Speaker`:
numbers said group by group, recordings played), then read back as a phone plays it
(:mod:`ivr.tools.heard`). The places are named by :mod:`ivr.definition.place_names`.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from twilio.twiml.voice_response import VoiceResponse

from ivr.definition import place_names as names
from ivr.definition.builtins import LINE_MENU_PREFIXES
from ivr.runtime import flow as rt
from ivr.runtime import twiml_reading as read
from ivr.runtime.speaking import Speaker
from ivr.runtime.twiml import as_xml
from ivr.tools.heard import heard_in

#: Shown in place of the words of a part of a flow whose document Twilio could not read
#: (a flow loaded before the line refused characters XML forbids, or a hand-edited database).
NOT_TWIML = "(this part of the flow is not valid TwiML: roll back)"
#: Shown in place of the words of a part of a flow the line fails to render.
NOT_RENDERED = "(the line fails on this part of the flow, and connects callers here to the helpline: roll back)"

log = logging.getLogger("ivr.console")


@dataclass(frozen=True)
class HeardPlace:
    """The words said at one place, for callers in one language."""

    key: tuple[str, str]  # what makes it the same place in two flows: (node, part)
    where: str  # the place as a person reads it: "Main menu: the question"
    spoken_in: str  # the language code the words are in (a language menu speaks several)
    words: str  # one line a verb, as :func:`words_heard` reads them


def heard_places(flow: rt.Flow, code: str) -> Iterator[HeardPlace]:
    """Every place where a caller in language ``code`` hears words, in the order of the flow.

    A language still being recorded has only its option at the language menu: its callers
    are put straight through to the helpline, without a word they would not understand."""
    language = flow.languages[code]
    first = flow.languages[flow.language]
    speaker = Speaker(language, slow=False)
    for name, node in flow.nodes.items():
        if isinstance(node, rt.LanguageMenu):
            yield from _language_menu(flow, node, language)
        elif not language.ready:
            continue
        elif isinstance(node, rt.Menu) and name.startswith(LINE_MENU_PREFIXES):
            yield _place(name, names.WHAT_HAPPENED, speaker, flow.in_language(node.prompt, code))
            yield _place(name, names.CHOICES_AGAIN, speaker, flow.in_language(node.short_prompt, code))
        elif isinstance(node, rt.Menu):
            yield _place(name, names.QUESTION, speaker, flow.in_language(node.prompt, code))
            yield _place(name, names.SHORT_QUESTION, speaker, flow.in_language(node.short_prompt, code))
            for choice in node.choices:
                if choice.confirm:
                    said = flow.in_language(choice.confirm, code)
                    yield _place(name, names.checking_choice(choice.key), speaker, said)
        elif isinstance(node, rt.Message):
            yield _place(name, names.MESSAGE, speaker, flow.in_language(node.prompt, code))
        elif isinstance(node, rt.Transfer) and node.prompt is not None:
            yield _place(name, names.BEFORE_CONNECTING, speaker, flow.in_language(node.prompt, code))
        elif isinstance(node, rt.End) and node.prompt is not None:
            yield _place(name, names.GOODBYE, speaker, flow.in_language(node.prompt, code))
    if not language.ready:
        return
    messages = flow.messages
    for field in names.EVERY_MENU_MESSAGES:
        if field == "keys":
            said = _as_written(flow.in_language(messages.keys, code))
        else:
            said = flow.in_language(getattr(messages, field), code)
        yield _message(field, speaker, said)
    if code == first.code:  # Twilio's copy of the line speaks the first language only
        for field in names.WHEN_THE_LINE_FAILS_MESSAGES:
            yield _message(field, speaker, getattr(messages, field)[code])


def _language_menu(flow: rt.Flow, menu: rt.LanguageMenu, language: rt.Language) -> Iterator[HeardPlace]:
    """The language menu speaks the first language, and each option in its own: the words
    before and after the options belong to the first language, an option to its language."""
    first = flow.languages[flow.language]
    if language.code == first.code and menu.intro is not None:
        yield _place(menu.name, names.BEFORE_OPTIONS, Speaker(first, slow=False), menu.intro)
    voice = language if language.voice else first  # a language with no voice: its name in the first
    where = names.place_title(menu.name, names.option(language.key, language.name))
    yield HeardPlace((menu.name, "option"), where, voice.code, _said(Speaker(voice, slow=False), language.choose))
    if language.code == first.code and menu.outro is not None:
        yield _place(menu.name, names.AFTER_OPTIONS, Speaker(first, slow=False), menu.outro)


def _place(node: str, part: str, speaker: Speaker, speech: rt.Speech) -> HeardPlace:
    where = names.place_title(node, part)
    return HeardPlace((node, part), where, speaker.language.code, _said(speaker, speech))


def _message(field: str, speaker: Speaker, speech: rt.Speech) -> HeardPlace:
    """One of the line's own messages, said on its own (after silence, a wrong key, ...)."""
    return HeardPlace(("messages", field), names.MESSAGE_NAMES[field], speaker.language.code, _said(speaker, speech))


def _as_written(keys: rt.KeysMessage) -> rt.Speech:
    """The "keys" message with ``{keys}`` where each menu says its own keys."""
    segments: list[rt.Segment] = list(keys.parts[0].segments)
    for part in keys.parts[1:]:
        segments.append("{keys}")
        segments.extend(part.segments)
    return rt.Speech(tuple(segments))


def _said(speaker: Speaker, speech: rt.Speech) -> str:
    """The words of ``speech`` as the line says them. Never raises: the pages that show them
    (what a draft changes, an approval, a rollback) must work whatever the live flow is,
    above all when it is the one to roll back."""
    try:
        response = VoiceResponse()
        speaker.say(response, speech)
        document = as_xml(response).encode("utf-8")
    except Exception:
        log.exception("rendering a text for the console failed", extra={"fields": {"event": "heard-failed"}})
        return NOT_RENDERED
    return words_heard(document)


def words_heard(document: bytes) -> str:
    """The words and recordings of a TwiML document, one line a verb; :data:`NOT_TWIML`
    when the document is not XML, as Twilio would find it."""
    try:
        verbs = read.read(document)
    except read.NotTwiML:
        return NOT_TWIML
    lines = []
    for heard in heard_in(verbs):
        if heard.kind == "say":
            lines.append(heard.text)
        elif heard.kind == "play":
            lines.append(f"(recording {heard.text.rsplit('/', 1)[-1]})")
    return "\n".join(lines)
