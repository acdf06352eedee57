"""A translation says the same numbers and keys as its source (issue 26, item 5): what the
checker reads in each language, and the translators' files that misled callers while every
``{helpline}`` stayed untouched — each refused at import, unless a reviewer accepts a
difference that is right by name."""

from __future__ import annotations

import polib
import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW
from test_translations import FLOW, TODAY, changed, exported, refusals, states

from ivr.definition.reviews import ReviewState, text_hash
from ivr.inspect import same_numbers
from ivr.inspect.context import Context
from ivr.inspect.figure_differences import differences, summary
from ivr.inspect.figures import Kind, figures
from ivr.loading import load_flow_text
from ivr.translations.commands import translations
from ivr.translations.flow_text import parse_document
from ivr.translations.importing import import_po

NUMBERS = {"helpline": "08000121700", "crimestoppers": "0800555111"}


def said(text: str, language: str) -> list[tuple[str, str]]:
    return [(f.kind.value, f.value) for f in figures(text, language, NUMBERS)]


def difference(source: str, translation: str, language: str = "pl-PL") -> str:
    found = differences(figures(source, "en-GB", NUMBERS), figures(translation, language, NUMBERS))
    return summary(found, "en-GB")


# -- what a text tells callers ------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("If you are in danger now, hang up and dial 9 9 9. Press 0 for the helpline.", "en-GB",
         [("emergency", "999"), ("key", "0")]),
        ("zadzwoń pod dziewięć dziewięć dziewięć albo naciśnij zero", "pl-PL", [("emergency", "999"), ("key", "0")]),
        ("zadzwoń pod trzy dziewiątki", "pl-PL", [("emergency", "999")]),
        ("naciśnij dwa razy 5", "pl-PL", [("emergency", "55")]),
        ("apăsați de două ori tasta 5", "ro-RO", [("emergency", "55")]),
        ("bấm phím 5 hai lần, rồi bấm phím sao", "vi-VN", [("emergency", "55"), ("key", "*")]),
        ("Bấm phím 5 không cho cảnh sát biết", "vi-VN", [("key", "5")]),
        ("اتصل بالرقم ٩٩٩ أو اضغط 5 مرتين", "ar-EG", [("emergency", "999"), ("emergency", "55")]),
        ("Numer to {helpline} albo 020 7946 0000.", "pl-PL", [("phone", "08000121700"), ("phone", "02079460000")]),
        ("Możesz nacisnąć {keys}. Naciśnij gwiazdkę albo 8.", "pl-PL", [("key", "{keys}"), ("key", "*"), ("key", "8")]),
        ("Dla Relay UK wybierz 18001 0800 0121 700.", "pl-PL", [("emergency", "18001"), ("phone", "08000121700")]),
        ("Relay UK: 18001 {helpline}; textphone: 18000.", "en-GB",
         [("emergency", "18001"), ("phone", "08000121700"), ("emergency", "18000")]),
        ("Nếu bạn chỉ nói được một điều, hãy gọi một số khác", "vi-VN", []),
        ("czynna całą dobę, 24 godziny", "pl-PL", [("number", "24")]),
    ],
)  # fmt: skip
def test_a_text_tells_callers_its_numbers_and_keys_as_a_caller_hears_them(text, language, expected):
    assert said(text, language) == expected


def test_the_number_written_out_is_the_same_as_its_placeholder():
    assert difference("The number is {helpline}.", "Numer to 0800 0121 700.") == ""
    assert difference("Relay UK: dial 18001 0800 0121 700.", "Relay UK: wybierz 18001 {helpline}.") == ""


def test_a_plain_number_said_in_other_words_is_no_difference_but_one_changed_is():
    assert difference("open 24 hours a day", "czynna całą dobę") == ""
    assert difference("open 24 hours a day", "czynna 12 godzin") == (
        "says the number 12 where the en-GB text says the number 24"
    )


def test_keys_named_in_another_order_are_a_difference():
    assert difference("Press 1 to report, 2 for the police.", "Naciśnij 2, aby zgłosić, 1: policja.") == (
        "names the keys in another order (2, 1) than the en-GB text (1, 2)"
    )


def test_the_harm_decides_error_or_warning():
    harmful = differences(figures("press 0", "en-GB", NUMBERS), figures("naciśnij 9", "pl-PL", NUMBERS))
    plain = differences(figures("24 hours", "en-GB", NUMBERS), figures("12 godzin", "pl-PL", NUMBERS))
    assert [(d.how, d.harmful, d.source.kind, d.translation.kind) for d in harmful + plain] == [
        ("changed", True, Kind.KEY, Kind.KEY),
        ("changed", False, Kind.NUMBER, Kind.NUMBER),
    ]


def test_every_text_of_the_default_flow_says_the_numbers_and_keys_of_its_source():
    text = DEFAULT_FLOW.read_text(encoding="utf-8")
    source, document = parse_document(text)
    assert list(same_numbers.check(Context(document, source))) == []


# -- the translators' files that misled callers ---------------------------------------------------
LOCAL_NUMBER = "Jeśli grozi ci niebezpieczeństwo, rozłącz się i zadzwoń pod 9 9 9. Numer infolinii to {helpline}, a po polsku: 020 7946 0000."  # noqa: E501
HINT = "Correct the translation; if the difference is right (a local number, say), a reviewer who has checked it accepts it: --reviewer NAME --accept"  # noqa: E501


@pytest.mark.parametrize(
    ("key", "translation", "difference_said"),
    [
        ("nodes.welcome.say", LOCAL_NUMBER,
         "says the phone number 020 7946 0000, which the en-GB text does not"),
        ("nodes.welcome.say", "Numer infolinii to {helpline}.",
         "leaves out the emergency number 999, which the en-GB text says"),
        ("nodes.main_menu.say", "Infolinia, naciśnij 9.", "says key 9 where the en-GB text says key 1"),
        ("numbers.helpline.name", "999", "says the emergency number 999, which the en-GB text does not"),
    ],
    ids=["adds-another-phone-number", "drops-the-999-advice", "press-9-for-the-helpline", "helpline-renamed-999"],
)  # fmt: skip
@pytest.mark.parametrize("reviewer", [None, "Anna Nowak"], ids=["no-reviewer", "signed-off"])
def test_a_translation_that_changes_a_number_or_key_is_refused(key, translation, difference_said, reviewer):
    po = changed(exported(), key, translation, fuzzy=False)
    line = po.find(key, by="msgctxt").linenum
    assert refusals(po, reviewer=reviewer) == [
        f"{key} (line {line}): its numbers or keys differ from the source's: it {difference_said}. {HINT} {key}"
    ]


def test_a_reviewer_accepts_a_local_number_by_name_and_the_sign_off_records_it():
    po = changed(exported(), "nodes.welcome.say", LOCAL_NUMBER, fuzzy=False)
    result = import_po(FLOW, po, today=TODAY, reviewer="Anna Nowak", accept=frozenset({"nodes.welcome.say"}))
    accepted = "says the phone number 020 7946 0000, which the en-GB text does not"
    assert (result.changed, result.signed, result.notes) == (("nodes.welcome.say",), ("nodes.welcome.say",), ())
    source_en = (
        "If you are in danger now, hang up and dial 9 9 9. The number of the helpline, free and open all day "
        "and night, is {helpline}."
    )
    assert result.text.endswith(
        "reviews:\n"
        "  pl-PL:\n"
        f"    nodes.welcome.say: {{by: Anna Nowak, date: {TODAY}, source: {text_hash(source_en)}, text: "
        f'{text_hash(LOCAL_NUMBER)}, accepted: "{accepted}"}}\n'
    )
    assert states(result.text)["nodes.welcome.say"] is ReviewState.REVIEWED
    assert [p.code for p in load_flow_text(result.text).problems if p.code.startswith("translation-")] == []
    # An edit to the translation voids the sign-off, and its acceptance with it.
    edited = result.text.replace("020 7946 0000", "020 7946 0001", 1)
    assert [p.format("f") for p in load_flow_text(edited).problems if p.code == "translation-changes-number"] == [
        "f:41:34: error: this pl-PL text says the phone number 020 7946 0001, which the en-GB text does not: "
        "callers could call a number that the source text does not give them\n"
        "    hint: say the same numbers and keys as the en-GB text; if the difference is right (a local number, "
        "say), a reviewer who has checked it accepts it: 'ivr translations import FILE --reviewer NAME --accept "
        "nodes.welcome.say'"
    ]


def test_a_difference_is_accepted_only_in_a_text_the_reviewer_signs_off():
    po = changed(exported(), "nodes.welcome.say", LOCAL_NUMBER)  # still "needs work"
    line = po.find("nodes.welcome.say", by="msgctxt").linenum
    assert refusals(po, reviewer="Anna Nowak", accept=frozenset({"nodes.welcome.say"})) == [
        f"nodes.welcome.say (line {line}): it is marked 'needs work' (fuzzy), and a reviewer accepts a difference "
        "in numbers or keys only in a text they sign off: clear 'needs work' on it, or leave out --accept and "
        "correct the translation"
    ]


def test_an_acceptance_names_a_reviewer_and_a_text_of_the_file():
    po = changed(exported(), "nodes.welcome.say", LOCAL_NUMBER, fuzzy=False)
    assert refusals(po, accept=frozenset({"nodes.welcome.say"})) == [
        "--accept needs --reviewer: a difference is accepted by a named reviewer, recorded in their sign-off"
    ]
    assert refusals(po, reviewer="Anna Nowak", accept=frozenset({"nodes.welcome.say", "nodes.wellcome.say"})) == [
        "--accept nodes.wellcome.say: this file has no such text in pl-PL"
    ]


def test_accepting_a_text_that_does_not_differ_says_there_was_nothing_to_accept():
    po = changed(exported(), "nodes.connect.say", fuzzy=False)
    result = import_po(FLOW, po, today=TODAY, reviewer="Anna Nowak", accept=frozenset({"nodes.connect.say"}))
    assert (result.signed, result.notes) == (
        ("nodes.connect.say",),
        ("nodes.connect.say: nothing to accept, its numbers and keys are the same as the source's",),
    )
    assert "accepted" not in result.text


def test_import_command_refuses_a_wrong_key_and_takes_an_accepted_local_number(tmp_path):
    flow = tmp_path / "call_flows.yaml"
    flow.write_text(FLOW, encoding="utf-8")
    po_file = tmp_path / "pl.po"
    changed(exported(), "nodes.main_menu.say", "Infolinia, naciśnij 9.", fuzzy=False).save(str(po_file))
    line = polib.pofile(str(po_file)).find("nodes.main_menu.say", by="msgctxt").linenum
    refused = CliRunner().invoke(translations, ["import", str(po_file), "--reviewer", "Anna Nowak", str(flow)])
    assert (refused.exit_code, refused.stderr) == (
        1,
        f"{po_file}: nodes.main_menu.say (line {line}): its numbers or keys differ from the source's: it says key "
        f"9 where the en-GB text says key 1. {HINT} nodes.main_menu.say\n"
        f"Error: {po_file} was not imported: nothing was written to {flow}\n",
    )
    assert flow.read_text(encoding="utf-8") == FLOW

    changed(exported(), "nodes.welcome.say", LOCAL_NUMBER, fuzzy=False).save(str(po_file))
    arguments = ["import", str(po_file), "--reviewer", "Anna Nowak", "--accept", "nodes.welcome.say", str(flow)]
    taken = CliRunner().invoke(translations, arguments)
    assert (taken.exit_code, taken.output) == (
        0,
        f"{flow}: 1 pl-PL text(s) changed, 1 signed off by Anna Nowak\nPolski (pl-PL): 1 of 5 texts reviewed\n",
    )
    written = flow.read_text(encoding="utf-8")
    assert 'accepted: "says the phone number 020 7946 0000, which the en-GB text does not"}' in written


def test_an_accepted_difference_needs_no_second_acceptance_until_a_text_changes(tmp_path):
    po = changed(exported(), "nodes.welcome.say", LOCAL_NUMBER, fuzzy=False)
    flow = import_po(FLOW, po, today=TODAY, reviewer="Anna Nowak", accept=frozenset({"nodes.welcome.say"})).text
    again = import_po(flow, exported(flow), today="2026-12-01", reviewer="Jan Kowalski")
    assert (again.text, again.changed, again.signed) == (flow, (), ())
    path = tmp_path / "call_flows.yaml"
    path.write_text(flow, encoding="utf-8")
    status = CliRunner().invoke(translations, ["status", str(path)])
    assert (status.exit_code, status.output) == (
        0,
        "Polski (pl-PL): 1 of 5 texts reviewed\n"
        f"  nodes.welcome.say: accepted by Anna Nowak, {TODAY}: it says the phone number 020 7946 0000, which the "
        "en-GB text does not\n"
        f"'ivr translations status --list {path}' lists the texts left to review.\n",
    )


def test_the_translators_file_says_numbers_and_keys_must_stay_as_the_source_says_them():
    assert exported().header == (
        "Texts of 'Test line' in Polski (pl-PL), to translate from en-GB.\n"
        "Keep every {...} as it is written: the line fills it in. Say every number and key exactly as\n"
        "the source does (999, phone numbers, 'press 0'): a file that adds, drops or changes one is\n"
        "refused unless a reviewer accepts it. Callers hear every word before they can act, so keep\n"
        "each text about as long as its source. An entry marked fuzzy (needs work)\n"
        "has not been signed off by a reviewer yet. Bring the file back with:\n"
        "  ivr translations import FILE --reviewer 'Your Name' call_flows.yaml"
    )
