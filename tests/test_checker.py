"""Operators' mistakes in the flow file: every problem reported, each once, where it is.

Each case is a data file under tests/checker/ with the whole result it must give:

- ``NAME.yaml`` edits the live flow (call_flows.yaml): a list of
  ``{replace: TEXT, with: TEXT}``, each replacing the first place TEXT is written (or every
  place, with ``all: true``); a comment at the top says what the case shows.
- ``NAME.flow.yaml`` is a whole flow file, loaded as ``ivr check`` loads it.
- ``NAME.expected`` is every problem the case gives, in order, as
  ``line:col: severity: code: message``, then its hint, then the line it points at with a
  caret under the column, so a reviewer sees that the place is right.

Recordings are looked for in tests/checker/recordings/. The whole list is compared, so a
problem reported twice, or one nobody expected, fails as surely as a missing one.

After a change that is meant to change what the checker says (or to the live flow, which
moves lines), regenerate every expected file and review the diff:

    IVR_REGENERATE=1 .venv/bin/pytest tests/test_checker.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml

from ivr.definition.problems import CODES
from ivr.loading import LoadResult, load_flow_file, load_flow_text

ROOT = Path(__file__).resolve().parent.parent
CASES = Path(__file__).resolve().parent / "checker"
LIVE_FLOW = ROOT / "call_flows.yaml"
REGENERATE = bool(os.environ.get("IVR_REGENERATE"))
#: A control character in a line the expected files show is shown as its picture ("␇" for
#: U+0007), one character for one, so the caret under it stays in its column. Tabs stay tabs.
VISIBLE_CONTROLS = {code: 0x2400 + code for code in range(0x20) if code != 0x09} | {0x7F: 0x2421}

#: Codes that no flow text can give, and the tests that show each.
CODES_TESTED_ELSEWHERE = {
    "unreadable": "tests/test_attacks.py, tests/test_cli.py: a folder, a pipe or a missing file",
    "too-big": "tests/test_attacks.py: a file over 5 MB",
    "too-costly": "tests/test_live_flow.py: the checker runs out of memory",
    "load-bug": "tests/test_keys_during_words.py: loading raises",
    "invalid-value": "tests/test_problem_codes.py: a complaint the mapping does not name",
    "wait-unmeasured": "tests/test_problem_codes.py: the measurement raises",
    "latin-in-non-latin-text": "tests/test_text_lints.py: Crimestoppers in an Arabic text",
    "digits-next-to-words": "tests/test_text_lints.py: w 100 procentach",
    "translation-too-long": "tests/test_text_lints.py: a Polish text 2.5 times the English",
    "destination-not-allowed": "tests/test_numbers_protected.py: a number IVR_DESTINATIONS does not list",
}


def case_names() -> list[str]:
    names = {p.name.removesuffix(".flow.yaml").removesuffix(".yaml") for p in CASES.glob("*.yaml")}
    return sorted(names)


def edited_live_flow(case: Path) -> str:
    text = LIVE_FLOW.read_text(encoding="utf-8")
    for edit in yaml.safe_load(case.read_text(encoding="utf-8")):
        old, new = edit["replace"], edit["with"]
        assert old in text, f"{case.name}: the live flow no longer has {old!r}; update the case"
        text = text.replace(old, new) if edit.get("all") else text.replace(old, new, 1)
    return text


def load_case(name: str) -> LoadResult:
    whole = CASES / f"{name}.flow.yaml"
    if whole.exists():
        return load_flow_file(whole)
    return load_flow_text(edited_live_flow(CASES / f"{name}.yaml"), CASES)


def rendered(result: LoadResult) -> str:
    """The whole result as the expected files write it."""
    lines = result.text.split("\n")
    out = []
    for p in result.problems:
        out.append(f"{p.line}:{p.column}: {p.severity.value}: {p.code}: {p.message}")
        if p.hint:
            out.append(f"    hint: {p.hint}")
        if p.line <= len(lines) and lines[p.line - 1].strip():
            out.append(f"    | {lines[p.line - 1].translate(VISIBLE_CONTROLS)}".rstrip())
            out.append("    | " + " " * (p.column - 1) + "^")
    return "\n".join(out).replace(str(CASES), "tests/checker") + "\n"


@pytest.mark.parametrize("name", case_names())
def test_each_case_gives_exactly_its_expected_problems(name: str):
    result = load_case(name)
    expected_file = CASES / f"{name}.expected"
    if REGENERATE:
        expected_file.write_text(rendered(result), encoding="utf-8")
    assert expected_file.exists(), f"no {expected_file.name}: run IVR_REGENERATE=1 pytest {__file__}"
    assert rendered(result) == expected_file.read_text(encoding="utf-8")
    # Only a flow without errors is served; a flow with none is (docs/safety.md, last principle).
    assert result.ok == (result.readable and not result.errors)


@pytest.mark.parametrize("name", case_names())
def test_no_case_reports_the_same_problem_twice(name: str):
    problems = load_case(name).problems
    assert len(set(problems)) == len(problems)


def test_every_expected_file_has_its_case():
    assert {p.name.removesuffix(".expected") for p in CASES.glob("*.expected")} == set(case_names())


def test_every_problem_code_has_a_case_or_a_test_elsewhere():
    in_cases = set()
    for expected in CASES.glob("*.expected"):
        for line in expected.read_text(encoding="utf-8").splitlines():
            if not line.startswith(" "):
                in_cases.add(line.split(": ")[2])
    assert in_cases.isdisjoint(CODES_TESTED_ELSEWHERE), "a code has a case: drop it from CODES_TESTED_ELSEWHERE"
    assert in_cases | set(CODES_TESTED_ELSEWHERE) == set(CODES)


def test_an_empty_translation_is_reported_once():
    """Regression: ``en-GB:`` with nothing after it was reported twice, as an empty value
    and as a value of the wrong type, and only a deduplication hid it."""
    text = LIVE_FLOW.read_text(encoding="utf-8").replace("      en-GB: Sorry, I did not catch that.", "      en-GB:", 1)
    line = text[: text.index("      en-GB:\n")].count("\n") + 1
    result = load_flow_text(text)
    assert [p.format("f", with_code=True) for p in result.problems] == [
        f"f:{line}:7: error: line.messages.not_understood.en-GB is empty [empty-value]"
        "\n    hint: write a value after the colon, or remove the line"
    ]


def test_a_recording_played_by_many_texts_is_measured_once_by_the_checks(monkeypatch):
    import ivr.inspect.context
    from ivr.definition.audio import audio_seconds

    measured = []

    def measuring(path: Path) -> float:
        measured.append(path.name)
        return audio_seconds(path)

    monkeypatch.setattr(ivr.inspect.context, "audio_seconds", measuring)
    load_case("recordings-the-line-cannot-play")
    assert sorted(measured) == ["half-second.wav", "missing.wav", "not-audio.wav"]


def test_a_recorded_message_counts_for_the_length_of_its_recording(tmp_path):
    import wave

    (tmp_path / "recordings").mkdir()
    with wave.open(str(tmp_path / "recordings" / "long.wav"), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(1)
        out.setframerate(8000)
        out.writeframes(b"\x80" * 8000 * 70)
    flow = tmp_path / "call_flows.yaml"
    flow.write_text(
        "line: {name: Test line, start: welcome, helpline: helpline}\n"
        "numbers:\n  helpline: {number: 0800 0121 700, name: the helpline}\n"
        "nodes:\n"
        "  welcome: {type: message, say: {en-GB: {play: recordings/long.wav}}, next: connect}\n"
        "  connect: {type: transfer, to: helpline}\n",
        encoding="utf-8",
    )
    result = load_flow_file(flow)
    assert [p.format("f", with_code=True) for p in result.problems] == [
        "f:5:41: warning: this message takes about 70 s to say (en-GB) [long-message]"
        "\n    hint: split it, with a menu between, so callers can repeat one part",
    ]
