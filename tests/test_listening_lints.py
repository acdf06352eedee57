"""What menus listen for, and how long callers wait for a person: the operator is warned,
at the line to edit, before a caller is misunderstood or kept waiting."""

from __future__ import annotations

from support import DEFAULT_FLOW

from ivr.load import load_flow_text

FLOW = DEFAULT_FLOW.read_text()


def listening_problems(text: str) -> list[str]:
    result = load_flow_text(text)
    assert result.ok, [p.format("f") for p in result.errors]
    wanted = {"word-for-two-choices", "too-common-word", "unmatchable-word", "unhearable-language-name",
              "slow-to-helpline"}  # fmt: skip
    return [p.format("call_flows.yaml") for p in result.warnings if p.code in wanted]


def _line_of(text: str, needle: str, occurrence: int = 1) -> int:
    index = -1
    for _ in range(occurrence):
        index = text.index(needle, index + 1)
    return text.count("\n", 0, index) + 1


def test_the_default_flow_has_no_listening_problems():
    assert listening_problems(FLOW) == []


def test_a_word_for_two_choices_once_accents_are_set_aside_is_reported_once_at_the_first_choice():
    old = "          ro-RO: [raportez, raporta,"
    text = FLOW.replace(old, "          ro-RO: [politia, raportez, raporta,")
    line = _line_of(text, "          ro-RO: [politia, raportez")
    assert listening_problems(text) == [
        f"call_flows.yaml:{line}:19: warning: 'politia' (ro-RO) is a word for choice 2 and for choice 3: "
        "a caller saying it is asked again\n    hint: keep each word for one choice"
    ]


def test_a_pronoun_or_yes_as_a_choice_word_is_reported():
    text = FLOW.replace("          en-GB: [talk, connect, talk to them]", "          en-GB: [talk, connect, yes, me]")
    line = _line_of(text, "          en-GB: [talk, connect, yes, me]")
    hint = "\n    hint: use a word that names the choice"
    assert listening_problems(text) == [
        f"call_flows.yaml:{line}:34: warning: 'yes' (en-GB) is said in almost every sentence, so it picks "
        f"choice 1 by mistake{hint}",
        f"call_flows.yaml:{line}:39: warning: 'me' (en-GB) is said in almost every sentence, so it picks "
        f"choice 1 by mistake{hint}",
    ]


def test_a_word_that_normalises_to_nothing_is_reported():
    text = FLOW.replace("          en-GB: [talk, connect, talk to them]", "          en-GB: [talk, connect, '?!']")
    line = _line_of(text, "          en-GB: [talk, connect, '?!']")
    assert listening_problems(text) == [
        f"call_flows.yaml:{line}:34: warning: '?!' (en-GB) can never match: nothing is left of it to compare"
        "\n    hint: use letters or digits a caller would say"
    ]


def test_a_language_name_the_english_recogniser_cannot_write_is_reported():
    text = FLOW.replace("      words: [arabic, arabi, arabiya]", "      words: [arabic, عربي]")
    line = _line_of(text, "      words: [arabic, عربي]")
    assert listening_problems(text) == [
        f"call_flows.yaml:{line}:14: warning: 'عربي' cannot be heard at the language menu: its speech "
        "recogniser (en-GB) writes only latin letters"
        "\n    hint: write the name as that recogniser would, e.g. 'arabic' or 'arabi'"
    ]


def test_a_long_welcome_is_reported_as_time_before_the_helpline():
    longer = "        0, at any time. To end this call at once, press 9." + " This line is free and open." * 12
    text = FLOW.replace("        0, at any time. To end this call at once, press 9.", longer, 1)
    problems = listening_problems(text)
    assert problems and all(p.startswith(f"call_flows.yaml:{_line_of(text, '  start:')}:10: warning: a caller who")
                            for p in problems)  # fmt: skip
    assert any("picks a language, then silent waits about" in p and "in en-GB (the line promises 60 s)" in p
               for p in problems)  # fmt: skip
    assert not any("in pl-PL" in p for p in problems)  # only the English welcome grew


def test_showing_the_callers_number_to_crimestoppers_is_refused():
    text = FLOW.replace("    number: 0800 555 111\n", "    number: 0800 555 111\n    show_caller_number: true\n")
    result = load_flow_text(text)
    assert not result.ok
    line = _line_of(text, "    show_caller_number: true")
    assert [p.format("call_flows.yaml") for p in result.errors] == [
        f"call_flows.yaml:{line}:25: error: Crimestoppers promise callers they never see their number"
        "\n    hint: remove 'show_caller_number': transfers then show the line's own number"
    ]
