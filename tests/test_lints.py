"""The accessibility checks, measured on the texts callers hear."""

from __future__ import annotations

from conftest import DEFAULT_FLOW

from ivr.loader import load_flow_text

FLOW = DEFAULT_FLOW.read_text()


def warnings_of(text: str) -> list[str]:
    result = load_flow_text(text)
    assert result.ok, [p.format("f") for p in result.errors]
    return [p.message for p in result.warnings]


def test_a_long_prompt_before_the_first_choice_is_measured_and_reported():
    long_intro = "Please listen carefully to all of the following information before you choose. " * 6
    text = FLOW.replace(
        "        If you think you, or someone you know, is a victim",
        "        " + long_intro + "If you think you, or someone you know, is a victim",
        1,
    )
    messages = warnings_of(text)
    assert any(m.startswith("callers listen") and "before the first choice (en-GB)" in m for m in messages)
    seconds = int(next(m for m in messages if m.startswith("callers listen")).split()[2])
    assert 30 <= seconds <= 50  # 72 words at about 160 words a minute, plus the start of the prompt


def test_the_default_menus_are_quick_to_their_first_choice():
    assert not any(m.startswith("callers listen") for m in warnings_of(FLOW))


def test_more_than_four_choices_is_a_warning():
    choice_1 = '      "1":\n        go: about_slavery\n'
    text = FLOW.replace(choice_1, '      "5": welcome\n' + choice_1, 1)
    assert any("5 choices: more than 4 are hard to remember" in m for m in warnings_of(text))


def test_a_number_written_without_groups_is_a_warning():
    text = FLOW.replace("number: 0800 555 111", "number: 0800555111")
    assert any("is not grouped" in m for m in warnings_of(text))
