"""The accessibility checks, measured on the texts callers hear."""

from __future__ import annotations

import re

from support import DEFAULT_FLOW

from ivr.loading import load_flow_text

FLOW = DEFAULT_FLOW.read_text()


def warnings_of(text: str) -> list[str]:
    result = load_flow_text(text)
    assert result.ok, [p.format("f") for p in result.errors]
    return [p.message for p in result.warnings]


def test_a_long_prompt_before_the_first_choice_is_measured_and_reported():
    long_intro = "Please listen carefully to all of the following information before you choose. " * 6
    first_choice = "        If you, or someone you know, may be a victim"
    assert FLOW.count(first_choice) == 1
    text = FLOW.replace(first_choice, "        " + long_intro + first_choice.strip())
    result = load_flow_text(text)
    assert result.ok, [p.format("f") for p in result.errors]
    problems = {p.code: p for p in result.warnings if p.code not in ("unreviewed-translation", "missing-recording")}
    assert set(problems) == {"long-prompt", "slow-to-helpline"}
    long_prompt = problems["long-prompt"]
    seconds = re.fullmatch(r"callers listen (\d+) s before the first choice \(en-GB\)", long_prompt.message)
    assert seconds and 30 <= int(seconds[1]) <= 50  # 72 words at about 160 a minute, plus the start of the prompt
    assert long_prompt.hint == "say the first choice within 20 s: move the rest to a message before the menu"
    # The same words keep a caller who waits in silence from the helpline for longer than promised.
    slow_ones = [p for p in result.warnings if p.code == "slow-to-helpline"]
    [slow] = [p for p in slow_ones if "stays silent" in p.message and "en-GB" in p.message]
    waits = re.fullmatch(
        r"a caller who picks a language, then stays silent \(counted from that key\) waits about (\d+) s for the "
        r"helpline in en-GB \(the line promises 45 s\)",
        slow.message,
    )
    assert waits and int(waits[1]) > 60
    assert slow.hint == "shorten the texts before the first menu, offer 0 earlier, or lower the time-outs"


def test_the_default_menus_are_quick_to_their_first_choice():
    assert not any(m.startswith("callers listen") for m in warnings_of(FLOW))


def test_more_than_four_choices_is_a_warning():
    choice_1 = '      "1":\n        go: about_slavery\n'
    text = FLOW.replace(choice_1, '      "5": welcome\n' + choice_1, 1)
    assert any("5 choices: more than 4 are hard to remember" in m for m in warnings_of(text))


def test_a_number_written_without_groups_is_a_warning():
    text = FLOW.replace("number: 0800 555 111", "number: 0800555111")
    assert any("is not grouped" in m for m in warnings_of(text))
