"""Characters TwiML cannot carry (NUL, U+0001 to U+001F but tab and line breaks, the
surrogates, U+FFFE and U+FFFF) never reach a caller: the loader refuses them where they
are written, the renderer drops any an old revision still holds, and the console's pages
that show what callers hear work with any live flow.

The checker case tests/checker/control-characters.* shows every way of writing one in a
flow; the translators' import is in tests/test_translations.py."""

from __future__ import annotations

from click.testing import CliRunner

from ivr.cli import main
from ivr.load import load_flow_text

SMALL_FLOW = (
    "line: {name: Test line, start: welcome, helpline: helpline}\n"
    "numbers:\n"
    "  helpline: {number: 0800 0121 700, name: the helpline}\n"
    "nodes:\n"
    '  welcome: {type: message, say: "Welcome.", next: connect}\n'
    "  connect: {type: transfer, to: helpline, say: Connecting you.}\n"
)
WRITTEN_HINT = (
    "    hint: delete it; most editors do not show it, so if the words around it were pasted from another "
    "program, retype them"
)


def test_ivr_check_names_each_character_at_its_line_and_column_and_exits_1(tmp_path):
    flow = tmp_path / "call_flows.yaml"
    flow.write_text(
        SMALL_FLOW.replace('"Welcome."', '"Welcome.\\uFFFF"').replace("Connecting you", "Connecting\0 you"),
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["check", str(flow)])
    version = load_flow_text(flow.read_text(encoding="utf-8")).version
    assert (result.exit_code, result.output.splitlines()) == (
        1,
        [
            f'{flow}:5:42: error: "\\uFFFF" makes U+FFFF (a non-character), which TwiML cannot carry '
            "[control-character]",
            "    hint: delete it: every call that reached this text would break (Twilio could not read the "
            "line's answer)",
            f"{flow}:6:58: error: U+0000 (a control character) is written here: an invisible character no flow "
            "may hold [control-character]",
            WRITTEN_HINT,
            f"{flow} (version {version}): 2 error(s), 0 warning(s): it will NOT go live; the line keeps serving "
            "the last good flow ('ivr check --explain CODE' says what a [code] means)",
        ],
    )


def test_a_file_full_of_control_characters_is_reported_as_twenty_and_the_rest_in_one():
    result = load_flow_text("a: b\n" + "\x01" * 30)
    assert [p.format("f", with_code=True) for p in result.problems] == [
        f"f:2:{column}: error: U+0001 (a control character) is written here: an invisible character no flow may "
        f"hold [control-character]\n{WRITTEN_HINT}"
        for column in range(1, 21)
    ] + [
        "f:2:21: error: 10 more characters like these from here on [control-character]\n"
        "    hint: a file full of them is not text: open it in a text editor, or copy its words into a new file"
    ]


def test_half_a_surrogate_pair_sent_by_a_program_is_refused_at_its_place_not_raised():
    """No file can hold one (it is not UTF-8), but a program's JSON can: "\\ud800"."""
    result = load_flow_text(SMALL_FLOW.replace("Welcome.", "Wel\ud800come."))
    assert not result.ok
    assert [p.format("f", with_code=True) for p in result.problems] == [
        "f:5:37: error: U+D800 (half of a surrogate pair) is written here: an invisible character no flow may "
        f"hold [control-character]\n{WRITTEN_HINT}"
    ]


def test_other_mistakes_in_the_file_are_still_reported_in_the_same_run():
    text = SMALL_FLOW.replace("Welcome.", "Welcome.\x07") + "  connect: {type: transfer, to: helpline}\n"
    assert [(p.line, p.column, p.code) for p in load_flow_text(text).problems] == [
        (5, 42, "control-character"),
        (7, 3, "duplicate-key"),
    ]
