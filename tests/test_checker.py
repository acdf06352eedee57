"""Operators' mistakes in the flow file, each reported at the exact line and column to edit.

Each case edits the default flow as an operator might, then asserts the problem's
message and its position: the position of ``at`` in the edited text (plus ``shift``
columns), so a case stays exact when the default flow changes elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import DEFAULT_FLOW

from ivr.load import load_flow_text

FLOW = DEFAULT_FLOW.read_text()


@dataclass
class Mistake:
    name: str
    old: str
    new: str
    message: str  # a part of the problem's message
    at: str  # text whose position the problem must point at (must be unique in the edited file)
    shift: int = 0
    severity: str = "error"
    hint: str = ""
    count: int = 1  # replace the first `count` occurrences of old


def position(text: str, needle: str, shift: int = 0) -> tuple[int, int]:
    assert text.count(needle) == 1, f"{needle!r} appears {text.count(needle)} times in the edited flow"
    offset = text.index(needle) + shift
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


FIVE_LANGUAGES = "{en-GB: Hello., pl-PL: Cześć., ro-RO: Salut., vi-VN: Xin chào., ar-EG: مرحبا}"
SHORT_EN = "      en-GB: Press 1 for the helpline, 2 to hear what it can do, 3 to hear this again, 4 for the main menu."
CHOICE_1 = '      "1":\n        go: about_slavery\n'
CHOICE_2 = '      "2":\n        go: report_anonymously'

MISTAKES = [
    Mistake(
        "tab indentation",
        "  welcome:\n    type: message",
        "  welcome:\n\ttype: message",
        "tab used for indentation",
        "\ttype: message",
        hint="spaces",
    ),
    Mistake(
        "missing colon",
        "    next: main_menu\n\n  main_menu:",
        "    next main_menu\n\n  main_menu:",
        "could not find expected ':'",
        "next main_menu",
        hint="':' missing",
    ),
    Mistake(
        "duplicate key",
        "  welcome:\n    type: message\n",
        "  welcome:\n    type: message\n    type: message\n",
        "duplicate key 'type'",
        "type: message\n    say:\n      en-GB: >-\n        If you are in danger now",
    ),
    Mistake(
        "misspelt field",
        "    say_short:\n      en-GB: >-\n        Press 1 if you",
        "    say_shrot:\n      en-GB: >-\n        Press 1 if you",
        "unknown field 'say_shrot'",
        "say_shrot",
        hint="did you mean 'say_short'?",
    ),
    Mistake(
        "node that does not exist",
        "    next: about_slavery_menu",
        "    next: about_slavery_menus",
        "there is no node called 'about_slavery_menus'",
        "about_slavery_menus",
        hint="did you mean 'about_slavery_menu'?",
    ),
    Mistake(
        "number with a digit missing",
        "number: 0800 555 111",
        "number: 0800 555 11",
        "not a valid UK phone number",
        "0800 555 11",
    ),
    Mistake(
        "helpline number mistyped",
        "number: 0800 0121 700",
        "number: 0800 0121 70",
        "looks like the Modern Slavery Helpline",
        "0800 0121 70",
    ),
    Mistake("not a number at all", "number: 0800 555 111", "number: 0800 CRIME", "is not a phone number", "0800 CRIME"),
    Mistake(
        "dialling 999",
        "    to: crimestoppers",
        "    to: emergency",
        "is an emergency number: the line must never connect callers to it",
        "to: emergency",
        shift=4,
        hint="hang up and dial 999",
    ),
    Mistake(
        "dialling 101",
        "    to: crimestoppers",
        "    to: police_non_emergency",
        "is a short number",
        "to: police_non_emergency",
        shift=4,
    ),
    Mistake(
        "helpline set to an emergency number",
        "  helpline: helpline\n  language",
        "  helpline: emergency\n  language",
        "is an emergency number",
        "helpline: emergency",
        shift=10,
    ),
    Mistake(
        "menu key used twice",
        CHOICE_1,
        '      "1":\n        go: danger\n' + CHOICE_1,
        "duplicate key '1'",
        '"1":\n        go: about_slavery\n',
    ),
    Mistake(
        "key that is not a phone key",
        CHOICE_2,
        CHOICE_2.replace('"2"', '"a"'),
        "'a' is not a key on a phone's keypad",
        '"a":',
    ),
    Mistake(
        "two-digit key", CHOICE_2, CHOICE_2.replace('"2"', '"12"'), "'12' is not a key on a phone's keypad", '"12":'
    ),
    Mistake("reserved key 0", CHOICE_2, CHOICE_2.replace('"2"', '"0"'), "key 0 is built in", '"0":'),
    Mistake(
        "unquoted star key",
        CHOICE_2,
        CHOICE_2.replace('"2"', "*"),
        "YAML syntax",
        "*:\n        go: report",
        shift=1,
        hint="in quotes",
    ),
    Mistake(
        "six choices in one menu",
        CHOICE_1,
        '      "5": danger\n      "6": danger\n      "7": welcome\n' + CHOICE_1,
        "7 choices is too many",
        'choices:\n      "5": danger',
    ),
    Mistake("prompt left empty", SHORT_EN, '      en-GB: ""', "this text is empty", 'en-GB: ""', shift=7),
    Mistake(
        "prompt with no value",
        SHORT_EN,
        "      en-GB:",
        "is empty",
        "en-GB:\n      pl-PL: >-\n        Naciśnij 1, aby połączyć się z infolinią, 2, aby usłyszeć",
    ),
    Mistake(
        "unreachable node",
        "  connect_crimestoppers:",
        f"  forgotten:\n    type: message\n    say: {FIVE_LANGUAGES}\n    next: main_menu\n\n  connect_crimestoppers:",
        "no caller can reach 'forgotten'",
        "forgotten:",
        severity="warning",
    ),
    Mistake("dead end", "    next: report_menu\n", "\n", "dead end", "report_anonymously:\n"),
    Mistake(
        "messages in a circle",
        "    next: about_slavery_menu",
        "    next: about_slavery",
        "lead round in a circle",
        "about_slavery:\n    type: message",
    ),
    Mistake(
        "unknown kind of node",
        "  danger:\n    type: message",
        "  danger:\n    type: mesage",
        "'mesage' is not a kind of node",
        "mesage",
        hint="did you mean 'message'?",
    ),
    Mistake(
        "node without a type",
        "  danger:\n    type: message\n",
        "  danger:\n",
        "needs a 'type:'",
        "danger:\n    stats_label",
    ),
    Mistake(
        "transfer to an unknown number",
        "    to: crimestoppers",
        "    to: crimestopers",
        "no number is called 'crimestopers'",
        "crimestopers\n",
        hint="did you mean 'crimestoppers'?",
    ),
    Mistake(
        "unknown number in a text",
        "The Crimestoppers number is {crimestoppers}.",
        "The Crimestoppers number is {crimestopers}.",
        "{crimestopers} names no number",
        "{crimestopers}",
        hint="did you mean 'crimestoppers'?",
    ),
    Mistake("time-out too short", "  timeout: 8", "  timeout: 3", "too short", "  timeout: 3\n", shift=11),
    Mistake(
        "time-out not a number", "  timeout: 8", "  timeout: ten", "must be a whole number", "timeout: ten", shift=9
    ),
    Mistake(
        "start node missing",
        "  start: choose_language",
        "  start: choose_languag",
        "no node called",
        "choose_languag\n",
        hint="did you mean 'choose_language'?",
    ),
    Mistake(
        "word for two choices",
        "en-GB: [report, reporting, anonymous, anonymously,",
        "en-GB: [report, reporting, victim, anonymously,",
        "'victim' is already a word for choice 1",
        "victim, anonymously",
    ),
    Mistake(
        "built-in word as a choice word",
        "en-GB: [what to do in danger, safety advice, stay safe]",
        "en-GB: [what to do in danger, repeat, stay safe]",
        "'repeat' is built in",
        "repeat, stay safe",
    ),
    Mistake(
        "node name with a space",
        "  danger:\n    type: message",
        "  in danger:\n    type: message",
        "'in danger' cannot be used as a name",
        "in danger:",
    ),
    Mistake("retries of zero", "    silence: 2", "    silence: 0", "greater than or equal to 1", "silence: 0", shift=9),
    Mistake(
        "quote not closed",
        "    say: If you are in danger now, hang up and dial 9 9 9.",
        '    say: "If you are in danger now, hang up and dial 9 9 9.',
        "YAML syntax",
        "",
    ),
    Mistake(
        "translation missing",
        "      ro-RO: Apăsați 1 pentru Crimestoppers, 2 pentru linia de ajutor, 3 pentru meniul principal.\n",
        "",
        "no ro-RO version of this text",
        "say_short:\n      en-GB: Press 1 for Crimes",
        hint="add 'ro-RO: ...'",
    ),
    Mistake(
        "language code misspelt",
        "      ro-RO: Apăsați 1 pentru Crimestoppers",
        "      ro-ro: Apăsați 1 pentru Crimestoppers",
        "'ro-ro' is not one of the line's languages",
        "ro-ro:",
        hint="did you mean 'ro-RO'?",
    ),
    Mistake(
        "a language's key used twice",
        '    ro-RO:\n      name: Română\n      key: "3"',
        '    ro-RO:\n      name: Română\n      key: "2"',
        "key 2 already picks pl-PL",
        '"2"\n      choose: Română',
    ),
    Mistake(
        "caller's number shown to an anonymous line",
        "    number: 0800 555 111\n",
        "    number: 0800 555 111\n    show_caller_number: true\n",
        "Crimestoppers promise callers they never see their number",
        "show_caller_number: true",
        shift=20,
        hint="remove 'show_caller_number'",
    ),
    Mistake(
        "danger node that does not exist",
        "  danger: danger\n",
        "  danger: dangr\n",
        "there is no node called 'dangr'",
        "dangr",
        hint="did you mean 'danger'?",
    ),
    Mistake(
        "speech confidence above 1",
        "  speech_confidence: 0.4",
        "  speech_confidence: 1.4",
        "input should be less than or equal to 1",
        "1.4",
    ),
    Mistake(
        "placeholder misspelt in the busy message",
        "      en-GB: Sorry, that line is busy. The number is {number}.",
        "      en-GB: Sorry, that line is busy. The number is {numbr}.",
        "{numbr} names no number",
        "{numbr}",
        hint="did you mean 'number'?",
    ),
    Mistake(
        "placeholder misspelt in the connecting message",
        "      en-GB: Connecting you to {name}.",
        "      en-GB: Connecting you to {nam}.",
        "{nam} names no number",
        "{nam}",
        hint="did you mean 'name'?",
    ),
    Mistake(
        "unknown language in a menu's words",
        "          vi-VN: [nạn nhân",
        "          vn-VN: [nạn nhân",
        "'vn-VN' is not one of the line's languages",
        "vn-VN",
        hint="did you mean 'vi-VN'?",
    ),
]


def _problems(text: str):
    return load_flow_text(text).problems


@pytest.mark.parametrize("mistake", MISTAKES, ids=[m.name for m in MISTAKES])
def test_each_mistake_is_reported_where_it_is(mistake: Mistake):
    assert FLOW.count(mistake.old) >= 1, f"the default flow no longer has {mistake.old!r}"
    text = FLOW.replace(mistake.old, mistake.new, mistake.count)
    result = load_flow_text(text)
    matching = [p for p in result.problems if mistake.message in p.message]
    assert matching, f"no problem says {mistake.message!r}: {[p.format('f') for p in result.problems]}"
    problem = matching[0]
    assert problem.severity.value == mistake.severity
    if mistake.at:
        assert (problem.line, problem.column) == position(text, mistake.at, mistake.shift)
    if mistake.hint:
        assert mistake.hint in problem.hint
    if mistake.severity == "error":
        assert result.flow is None, "a flow with an error must not be served"
    else:
        assert result.flow is not None


def test_there_are_at_least_25_distinct_mistakes():
    assert len({m.name for m in MISTAKES}) >= 25


def test_the_default_flow_has_no_errors_and_says_which_translations_are_unreviewed():
    problems = _problems(FLOW)
    assert {p.code for p in problems} == {"unreviewed-translation"}
    assert len(problems) == 4


def test_many_errors_are_reported_in_one_run():
    text = FLOW.replace("    next: about_slavery_menu", "    next: nowhere").replace(
        "    to: crimestoppers", "    to: emergency"
    )
    text = text.replace("{crimestoppers}.\n    next", "{crimestopers}.\n    next")
    errors = [(p.code, p.message) for p in load_flow_text(text).errors]
    assert errors == [
        ("unknown-node", "there is no node called 'nowhere'"),  # about_slavery
        ("unknown-node", "there is no node called 'nowhere'"),  # about_helpline
        ("unknown-placeholder", "{crimestopers} names no number"),
        ("dial-short-number", "'emergency' (999) is an emergency number: the line must never connect callers to it"),
    ]


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "the flow file is empty"),
        ("just words\n", "a flow file is a mapping"),
        ("line:\n  name: x\n", "needs a 'numbers' field"),
        ("a: &x [*x, *x]\n", "too deeply nested"),
    ],
)
def test_files_that_are_not_flows(text: str, message: str):
    problems = _problems(text)
    assert any(message in p.message for p in problems), [p.message for p in problems]
    for p in problems:
        assert p.line >= 1 and p.column >= 1


def test_an_empty_translation_is_reported_once():
    from conftest import DEFAULT_FLOW

    text = DEFAULT_FLOW.read_text().replace("      en-GB: Sorry, I did not catch that.", "      en-GB:", 1)
    line = text[: text.index("      en-GB:\n")].count("\n") + 1
    result = load_flow_text(text)
    assert [p.format("f") for p in result.errors] == [
        f"f:{line}:7: error: line.messages.not_understood.en-GB is empty"
        "\n    hint: write a value after the colon, or remove the line"
    ]
