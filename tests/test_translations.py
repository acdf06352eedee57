"""The translators' workflow: a PO file out, texts and reviewers' sign-offs back in, the flow
file's comments and layout kept, and review progress text by text (issue 12)."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW

from ivr.definition.reviews import ReviewState, language_reviews, text_hash
from ivr.translations.commands import translations
from ivr.translations.flow_text import parse_document
from ivr.translations.importing import ImportRefused, import_po
from ivr.translations.po import export_po

TODAY = "2026-11-20"
WELCOME_EN = (
    "If you are in danger now, hang up and dial 9 9 9. The number of the helpline, free and open all day and "
    "night, is {helpline}."
)
WELCOME_PL = "Jeśli grozi ci niebezpieczeństwo, rozłącz się i zadzwoń pod 9 9 9. Numer infolinii to {helpline}."
FLOW = """\
# A small line in two languages.
line:
  name: Test line
  start: choose_language
  helpline: helpline
  language: en-GB
  languages:
    en-GB:
      name: English
      key: "1"
      choose: English, press 1.
      voice: Polly.Amy
    pl-PL:
      name: Polski
      key: "2"
      choose: Polski, naciśnij 2.
      voice: Polly.Ewa

numbers:
  helpline:
    number: 0800 0121 700
    name:
      en-GB: the helpline
      pl-PL: infolinia

nodes:
  choose_language:
    type: language
    say: If you are in danger now, hang up and dial 9 9 9.
    next: welcome

  # The first words in the caller's language.
  welcome:
    type: message
    say:
      en-GB: >-
        If you are in danger now, hang up and dial 9 9 9. The number of the helpline, free and open
        all day and night, is {helpline}.
      pl-PL: >-
        Jeśli grozi ci niebezpieczeństwo, rozłącz się i zadzwoń pod 9 9 9. Numer infolinii to
        {helpline}.
    next: main_menu

  main_menu:
    type: menu
    say:
      en-GB: For the helpline, press 1.
      pl-PL: Infolinia, naciśnij 1.  # short on purpose
    choices:
      "1": connect

  connect:
    type: transfer
    to: helpline
    say:
      en-GB: Connecting you now.
      pl-PL: Łączymy.
"""


def exported(flow: str = FLOW, code: str = "pl-PL") -> polib.POFile:
    source, document = parse_document(flow)
    return polib.pofile(str(export_po(document, source, code, "call_flows.yaml")))


def changed(po: polib.POFile, key: str, msgstr: str | None = None, *, fuzzy: bool | None = None) -> polib.POFile:
    """The PO file with one entry edited, as a translator's tool would."""
    entry = next(e for e in po if e.msgctxt == key)
    if msgstr is not None:
        entry.msgstr = msgstr
    if fuzzy is False and "fuzzy" in entry.flags:
        entry.flags.remove("fuzzy")
    if fuzzy:
        entry.flags.append("fuzzy")
    return polib.pofile(str(po))


def imported(po: polib.POFile, flow: str = FLOW, **options) -> str:
    return import_po(flow, po, today=TODAY, **options).text


def sign_off(by: str, source: str, text: str) -> str:
    return f"{{by: {by}, date: {TODAY}, source: {text_hash(source)}, text: {text_hash(text)}}}"


def states(flow: str, code: str = "pl-PL") -> dict[str, ReviewState]:
    return {t.item.key: t.state for t in language_reviews(parse_document(flow)[1])[code].texts}


# -- export -----------------------------------------------------------------------------------
def test_export_gives_each_text_its_source_translation_context_and_flags():
    po = exported()
    assert po.metadata["Language"] == "pl_PL"
    assert [(e.msgctxt, e.msgid, e.msgstr, e.flags) for e in po] == [
        ("line.languages.pl-PL.choose", "Polski, press 2.", "Polski, naciśnij 2.", ["fuzzy"]),
        ("numbers.helpline.name", "the helpline", "infolinia", ["fuzzy"]),
        ("nodes.welcome.say", WELCOME_EN, WELCOME_PL, ["python-brace-format", "fuzzy"]),
        ("nodes.main_menu.say", "For the helpline, press 1.", "Infolinia, naciśnij 1.", ["fuzzy"]),
        ("nodes.connect.say", "Connecting you now.", "Łączymy.", ["fuzzy"]),
    ]
    source, document = parse_document(FLOW)
    as_made = export_po(document, source, "pl-PL", "call_flows.yaml")
    welcome = as_made[2]
    assert welcome.occurrences == [("call_flows.yaml", "39")]
    assert welcome.comment == (
        "The message 'welcome'; then the call goes on to 'main_menu'. Callers arrive here just after choosing "
        "a language.\n{helpline} says the number 0800 0121 700 (the helpline), slowly, group by group, twice: "
        "keep it exactly as written."
    )
    assert as_made[3].comment == (
        "The menu 'main_menu': it names every choice with its key (keys: 1 connect). On every menu, 0 reaches "
        "the helpline, * repeats, 8 slows the voice down and 9 ends the call at once. Callers arrive here "
        "after the message 'welcome'."
    )


def test_a_text_not_translated_yet_is_exported_empty_and_not_fuzzy():
    flow = FLOW.replace("      pl-PL: Łączymy.\n", "")
    entry = exported(flow)[-1]
    assert (entry.msgctxt, entry.msgid, entry.msgstr, entry.flags) == (
        "nodes.connect.say",
        "Connecting you now.",
        "",
        [],
    )


def test_a_signed_off_text_is_exported_without_fuzzy():
    flow = imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak")
    assert [e.msgctxt for e in exported(flow) if "fuzzy" not in e.flags] == ["nodes.connect.say"]


# -- import: texts ----------------------------------------------------------------------------
def test_export_then_import_unchanged_leaves_the_file_as_it_was():
    assert imported(exported()) == FLOW


@pytest.mark.parametrize("code", ["pl-PL", "ro-RO", "vi-VN", "ar-EG"])
def test_the_default_flow_comes_back_byte_identical(tmp_path, code):
    flow = tmp_path / "call_flows.yaml"
    shutil.copy(DEFAULT_FLOW, flow)
    po = tmp_path / f"{code}.po"
    runner = CliRunner()
    assert runner.invoke(translations, ["export", "--language", code, "-o", str(po), str(flow)]).exit_code == 0
    result = runner.invoke(translations, ["import", str(po), str(flow)])
    assert result.exit_code == 0, result.output
    assert flow.read_bytes() == DEFAULT_FLOW.read_bytes()


def test_a_translators_change_lands_in_its_place_with_comments_and_layout_kept():
    po = changed(exported(), "nodes.main_menu.say", "Aby połączyć się z infolinią, naciśnij 1.")
    po = changed(
        po,
        "nodes.welcome.say",
        "Jeśli grozi ci teraz niebezpieczeństwo, rozłącz się i zadzwoń pod 9 9 9. Infolinia jest bezpłatna i "
        "czynna całą dobę, a jej numer to {helpline}.",
    )
    assert imported(po) == FLOW.replace(
        """\
      pl-PL: >-
        Jeśli grozi ci niebezpieczeństwo, rozłącz się i zadzwoń pod 9 9 9. Numer infolinii to
        {helpline}.
""",
        """\
      pl-PL: >-
        Jeśli grozi ci teraz niebezpieczeństwo, rozłącz się i zadzwoń pod 9 9 9. Infolinia jest
        bezpłatna i czynna całą dobę, a jej numer to {helpline}.
""",
    ).replace(
        "      pl-PL: Infolinia, naciśnij 1.  # short on purpose\n",
        "      pl-PL: Aby połączyć się z infolinią, naciśnij 1.  # short on purpose\n",
    )


def test_a_text_too_long_for_its_line_is_folded_in_the_files_width():
    long = "Łączymy z infolinią do spraw współczesnego niewolnictwa, która jest bezpłatna i czynna przez całą dobę."
    assert imported(changed(exported(), "nodes.connect.say", long)) == FLOW.replace(
        "      pl-PL: Łączymy.\n",
        "      pl-PL: >-\n"
        "        Łączymy z infolinią do spraw współczesnego niewolnictwa, która jest bezpłatna i czynna przez\n"
        "        całą dobę.\n",
    )


def test_a_text_that_plain_yaml_would_misread_is_quoted_on_its_line():
    assert imported(changed(exported(), "nodes.connect.say", "Łączymy: proszę czekać.")) == FLOW.replace(
        "      pl-PL: Łączymy.\n", '      pl-PL: "Łączymy: proszę czekać."\n'
    )


def test_a_missing_translation_is_inserted_after_the_languages_before_it():
    flow = FLOW.replace("      pl-PL: Łączymy.\n", "")
    result = import_po(flow, changed(exported(flow), "nodes.connect.say", "Łączymy z infolinią."), today=TODAY)
    assert result.text == FLOW.replace("Łączymy.", "Łączymy z infolinią.")
    assert result.changed == ("nodes.connect.say",)
    assert result.notes == ()


def test_a_missing_translation_goes_between_the_languages_around_it():
    with_romanian = FLOW.replace(
        "      voice: Polly.Ewa\n",
        '      voice: Polly.Ewa\n    ro-RO:\n      name: Română\n      key: "3"\n      choose: Română, apăsați 3.\n'
        "      voice: Polly.Carmen\n",
    )
    flow = with_romanian.replace("      pl-PL: Łączymy.\n", "      ro-RO: Vă conectăm.\n")
    po = changed(exported(flow), "nodes.connect.say", "Łączymy.")
    assert imported(po, flow) == with_romanian.replace(
        "      pl-PL: Łączymy.\n", "      pl-PL: Łączymy.\n      ro-RO: Vă conectăm.\n"
    )


# -- import: refusals ---------------------------------------------------------------------------
def refusals(po: polib.POFile, flow: str = FLOW, **options) -> list[str]:
    with pytest.raises(ImportRefused) as refused:
        import_po(flow, po, today=TODAY, **options)
    return refused.value.reasons


def test_placeholders_that_differ_from_the_source_refuse_the_whole_file():
    po = changed(exported(), "nodes.welcome.say", "Jeśli grozi ci niebezpieczeństwo, zadzwoń pod 9 9 9.")
    po = changed(po, "nodes.main_menu.say", "Infolinia {helpline}, naciśnij 1.")
    po = changed(po, "nodes.connect.say", "Łączymy teraz.")
    lines = {e.msgctxt: e.linenum for e in po}
    assert refusals(po) == [
        f"nodes.welcome.say (line {lines['nodes.welcome.say']}): its placeholders differ from the source's: the "
        "source has {helpline}, the translation none; write each {...} exactly as the source does",
        f"nodes.main_menu.say (line {lines['nodes.main_menu.say']}): its placeholders differ from the source's: "
        "the source has none, the translation {helpline}; write each {...} exactly as the source does",
    ]


def test_a_file_exported_before_the_source_text_changed_is_refused():
    po = exported()
    flow = FLOW.replace("en-GB: Connecting you now.", "en-GB: Connecting you to the helpline now.")
    line = next(e.linenum for e in po if e.msgctxt == "nodes.connect.say")
    assert refusals(po, flow) == [
        f"nodes.connect.say (line {line}): the source text has changed since the file was exported; it now says "
        "'Connecting you to the helpline now.': export again and merge your translations into it (msgmerge, or "
        "your tool's 'update from POT')"
    ]


def test_a_text_the_flow_does_not_have_is_refused():
    po = exported()
    po.append(polib.POEntry(msgctxt="nodes.gone.say", msgid="Gone.", msgstr="Nie ma."))
    po = polib.pofile(str(po))
    assert refusals(po) == [
        f"nodes.gone.say (line {po[-1].linenum}): not a text of this flow in pl-PL: export the file again"
    ]


@pytest.mark.parametrize(
    ("language", "header", "reason"),
    [
        ("de-DE", "", "the flow does not offer de-DE; it offers pl-PL: add the language first"),
        (None, "en_GB", "en-GB is the line's first language, the source of every translation"),
        ("ro-RO", "pl_PL", "the file says it is in pl-PL, not ro-RO: check which file this is"),
    ],
)
def test_a_language_the_flow_does_not_translate_into_is_refused(language, header, reason):
    po = exported()
    po.metadata["Language"] = header
    assert refusals(polib.pofile(str(po)), language=language) == [reason]


def test_a_file_that_names_only_the_language_is_taken_for_the_flows_one_variant_of_it():
    po = changed(exported(), "nodes.connect.say", "Łączymy teraz.")
    po.metadata["Language"] = "pl"
    assert import_po(FLOW, polib.pofile(str(po)), today=TODAY).language == "pl-PL"


def test_a_result_that_would_not_pass_the_check_is_refused():
    # A translation too long for one <Say>: the check refuses the flow it would make. (A text
    # in a language with no voice is no longer such a case: it is the script of its recording.)
    po = changed(exported(), "nodes.connect.say", "Łączymy teraz z infolinią, proszę czekać. " * 80)
    assert refusals(po) == [
        "with these texts the flow would not pass 'ivr check':",
        "the flow file:57:14: error: this text is too long for one <Say>: Twilio's Polly voices take 3,000 "
        "characters at most and this counts 3,760, so callers would not hear it whole\n"
        "    hint: split it into several messages of a few sentences each, with a menu between (a letter outside "
        "plain English counts as two or three characters, a number as 200)",
    ]


def test_a_character_twiml_cannot_carry_refuses_the_whole_file_and_nothing_is_signed_off():
    """Regression: a translation with an invisible U+0007 was written as "\\u0007" and signed
    off; once published, every Polish call that reached it broke."""
    po = changed(exported(), "nodes.connect.say", "Łączymy\x07 teraz.", fuzzy=False)
    po = changed(po, "nodes.main_menu.say", "Infolinia, naciśnij 1.\ufffe", fuzzy=False)
    po = changed(po, "numbers.helpline.name", "infolinia do spraw niewolnictwa", fuzzy=False)
    lines = {e.msgctxt: e.linenum for e in po}
    assert refusals(po, reviewer="Anna Nowak") == [
        f"nodes.main_menu.say (line {lines['nodes.main_menu.say']}): the translation of 'For the helpline, press "
        "1.' has U+FFFE (a non-character) as its character 23, which TwiML cannot carry: delete it, or retype the "
        "translation (translation tools often do not show it)",
        f"nodes.connect.say (line {lines['nodes.connect.say']}): the translation of 'Connecting you now.' has "
        "U+0007 (a control character) as its character 8, which TwiML cannot carry: delete it, or retype the "
        "translation (translation tools often do not show it)",
    ]


# -- sign-offs --------------------------------------------------------------------------------
def test_a_reviewer_signs_off_every_entry_not_marked_fuzzy():
    po = changed(exported(), "nodes.connect.say", fuzzy=False)
    po = changed(po, "numbers.helpline.name", "infolinia do spraw niewolnictwa", fuzzy=False)
    result = import_po(FLOW, po, today=TODAY, reviewer="Anna Nowak")
    assert result.signed == ("numbers.helpline.name", "nodes.connect.say")
    assert result.text == FLOW.replace("      pl-PL: infolinia\n", "      pl-PL: infolinia do spraw niewolnictwa\n") + (
        "\n"
        "# Reviewers' sign-offs, by language and text, written by 'ivr translations import --reviewer'.\n"
        "# Each holds short hashes of the source text and of the translation it vouches for: an edit\n"
        "# to either voids it by itself. 'ivr translations status' shows what is left to review.\n"
        "reviews:\n"
        "  pl-PL:\n"
        f"    numbers.helpline.name: {sign_off('Anna Nowak', 'the helpline', 'infolinia do spraw niewolnictwa')}\n"
        f"    nodes.connect.say: {sign_off('Anna Nowak', 'Connecting you now.', 'Łączymy.')}\n"
    )
    assert states(result.text) == {
        "line.languages.pl-PL.choose": ReviewState.NEVER_SIGNED,
        "numbers.helpline.name": ReviewState.REVIEWED,
        "nodes.welcome.say": ReviewState.NEVER_SIGNED,
        "nodes.main_menu.say": ReviewState.NEVER_SIGNED,
        "nodes.connect.say": ReviewState.REVIEWED,
    }


def test_without_a_reviewer_nothing_is_signed_off():
    po = changed(exported(), "nodes.connect.say", "Łączymy teraz.", fuzzy=False)
    result = import_po(FLOW, po, today=TODAY)
    assert (result.changed, result.signed) == (("nodes.connect.say",), ())
    assert result.text == FLOW.replace("Łączymy.", "Łączymy teraz.")


def test_a_second_sign_off_goes_in_the_order_of_the_texts_and_keeps_the_first():
    first = imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak")
    second = imported(changed(exported(first), "nodes.welcome.say", fuzzy=False), first, reviewer="Jan Kowalski")
    assert second == first.replace(
        "    nodes.connect.say:",
        f"    nodes.welcome.say: {sign_off('Jan Kowalski', WELCOME_EN, WELCOME_PL)}\n    nodes.connect.say:",
    )


def test_a_sign_off_is_voided_by_an_edit_to_the_english_text():
    flow = imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak")
    edited = flow.replace("en-GB: Connecting you now.", "en-GB: Connecting you to the helpline now.")
    assert states(edited)["nodes.connect.say"] is ReviewState.SOURCE_CHANGED


def test_a_sign_off_is_voided_by_an_edit_to_the_translation():
    flow = imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak")
    edited = flow.replace("pl-PL: Łączymy.", "pl-PL: Łączymy teraz.")
    assert states(edited)["nodes.connect.say"] is ReviewState.TRANSLATION_CHANGED
    both = edited.replace("en-GB: Connecting you now.", "en-GB: Connecting you to the helpline now.")
    assert states(both)["nodes.connect.say"] is ReviewState.BOTH_CHANGED


def test_a_void_sign_off_is_replaced_in_place_when_signed_again():
    flow = imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak")
    edited = flow.replace("pl-PL: Łączymy.", "pl-PL: Łączymy teraz.")
    again = imported(changed(exported(edited), "nodes.connect.say", fuzzy=False), edited, reviewer="Jan Kowalski")
    assert again == edited.replace(
        sign_off("Anna Nowak", "Connecting you now.", "Łączymy."),
        sign_off("Jan Kowalski", "Connecting you now.", "Łączymy teraz."),
    )


def test_rewrapping_a_text_keeps_its_sign_off():
    flow = imported(changed(exported(), "nodes.welcome.say", fuzzy=False), reviewer="Anna Nowak")
    rewrapped = flow.replace("Numer infolinii to\n        {helpline}.", "Numer\n        infolinii to {helpline}.")
    assert rewrapped != flow
    assert states(rewrapped)["nodes.welcome.say"] is ReviewState.REVIEWED


def test_a_sign_off_of_a_text_the_flow_no_longer_has_is_listed_as_stale():
    flow = imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak")
    review = language_reviews(parse_document(flow.replace("nodes.connect.say:", "nodes.gone.say:"))[1])["pl-PL"]
    assert review.stale == ("nodes.gone.say",)
    assert review.summary() == "Polski (pl-PL): 0 of 5 texts reviewed"


# -- the commands -----------------------------------------------------------------------------
@pytest.fixture
def small_flow(tmp_path: Path) -> Path:
    path = tmp_path / "call_flows.yaml"
    path.write_text(FLOW, encoding="utf-8")
    return path


def test_import_command_writes_the_texts_and_reports_progress(small_flow, tmp_path):
    po_file = tmp_path / "pl.po"
    changed(exported(), "nodes.connect.say", "Łączymy teraz.", fuzzy=False).save(str(po_file))
    result = CliRunner().invoke(translations, ["import", str(po_file), "--reviewer", " Anna  Nowak ", str(small_flow)])
    assert (result.exit_code, result.output) == (
        0,
        f"{small_flow}: 1 pl-PL text(s) changed, 1 signed off by Anna Nowak\nPolski (pl-PL): 1 of 5 texts reviewed\n",
    )
    assert "pl-PL: Łączymy teraz." in small_flow.read_text(encoding="utf-8")


def test_import_command_refuses_with_a_message_per_entry_and_writes_nothing(small_flow, tmp_path):
    po_file = tmp_path / "pl.po"
    changed(exported(), "nodes.welcome.say", "Zadzwoń pod 9 9 9.").save(str(po_file))
    result = CliRunner().invoke(translations, ["import", str(po_file), str(small_flow)])
    line = polib.pofile(str(po_file)).find("nodes.welcome.say", by="msgctxt").linenum
    assert (result.exit_code, result.stderr) == (
        1,
        f"{po_file}: nodes.welcome.say (line {line}): its placeholders differ from the source's: the source has "
        "{helpline}, the translation none; write each {...} exactly as the source does\n"
        f"Error: {po_file} was not imported: nothing was written to {small_flow}\n",
    )
    assert small_flow.read_text(encoding="utf-8") == FLOW


def test_import_command_refuses_a_control_character_at_the_po_files_line_and_signs_nothing(small_flow, tmp_path):
    po_file = tmp_path / "pl.po"
    changed(exported(), "nodes.connect.say", "Łączymy\x00 teraz.", fuzzy=False).save(str(po_file))
    result = CliRunner().invoke(translations, ["import", str(po_file), "--reviewer", "Anna", str(small_flow)])
    line = polib.pofile(str(po_file)).find("nodes.connect.say", by="msgctxt").linenum
    assert (result.exit_code, result.stderr) == (
        1,
        f"{po_file}: nodes.connect.say (line {line}): the translation of 'Connecting you now.' has U+0000 (a "
        "control character) as its character 8, which TwiML cannot carry: delete it, or retype the translation "
        "(translation tools often do not show it)\n"
        f"Error: {po_file} was not imported: nothing was written to {small_flow}\n",
    )
    assert small_flow.read_text(encoding="utf-8") == FLOW


def test_import_command_refuses_a_file_that_is_not_po(small_flow, tmp_path):
    po_file = tmp_path / "pl.po"
    po_file.write_text("<xliff/>\n", encoding="utf-8")
    result = CliRunner().invoke(translations, ["import", str(po_file), str(small_flow)])
    assert (result.exit_code, result.stderr) == (
        2,
        f"Error: {po_file}: this is not a PO file a translators' tool wrote: Syntax error in po file (line 1)\n",
    )


def test_export_command_refuses_a_language_the_flow_does_not_translate_into(small_flow):
    result = CliRunner().invoke(translations, ["export", "--language", "en-GB", str(small_flow)])
    assert result.exit_code == 2
    assert "en-GB is not a language this flow translates into; it offers: pl-PL" in result.stderr


def test_status_shows_each_languages_progress_and_lists_what_is_left(small_flow):
    small_flow.write_text(
        imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak").replace(
            "en-GB: Connecting you now.", "en-GB: Connecting you to the helpline now."
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(translations, ["status", "--list", str(small_flow)])
    assert (result.exit_code, result.output) == (
        0,
        "Polski (pl-PL): 0 of 5 texts reviewed\n"
        "  line.languages.pl-PL.choose: never signed off\n"
        "  numbers.helpline.name: never signed off\n"
        "  nodes.welcome.say: never signed off\n"
        "  nodes.main_menu.say: never signed off\n"
        f"  nodes.connect.say: the source text changed since it was signed off (signed off by Anna Nowak, {TODAY})\n",
    )


def test_a_file_with_windows_line_endings_keeps_them(small_flow, tmp_path):
    small_flow.write_bytes(FLOW.replace("\n", "\r\n").encode())
    po_file = tmp_path / "pl.po"
    changed(exported(), "nodes.connect.say", "Łączymy teraz.", fuzzy=False).save(str(po_file))
    result = CliRunner().invoke(translations, ["import", str(po_file), "--reviewer", "Anna Nowak", str(small_flow)])
    assert result.exit_code == 0, result.output
    written = small_flow.read_bytes().decode()
    assert "\n" not in written.replace("\r\n", "")
    assert written.replace("\r\n", "\n").startswith(FLOW.replace("Łączymy.", "Łączymy teraz."))


def test_status_says_what_is_not_translated_and_which_sign_offs_count_for_nothing(small_flow):
    flow = imported(changed(exported(), "nodes.connect.say", fuzzy=False), reviewer="Anna Nowak")
    small_flow.write_text(
        flow.replace("      pl-PL: Infolinia, naciśnij 1.  # short on purpose\n", "").replace(
            "reviews:\n  pl-PL:\n",
            "reviews:\n  pl-pl:\n    nodes.welcome.say: {by: A, date: 2026-01-01, source: a, text: b}\n  pl-PL:\n",
        ),
        encoding="utf-8",
    )
    result = CliRunner().invoke(translations, ["status", str(small_flow)])
    assert (result.exit_code, result.output) == (
        0,
        "Polski (pl-PL): 1 of 5 texts reviewed\n"
        "reviews: pl-pl is not a language the line translates into: its sign-offs count for nothing\n"
        f"'ivr translations status --list {small_flow}' lists the texts left to review.\n",
    )
    listed = CliRunner().invoke(translations, ["status", "--list", str(small_flow)]).output
    assert "  nodes.main_menu.say: not translated yet\n" in listed


def test_recordings_and_messages_the_flow_does_not_write_are_not_texts_to_translate():
    flow = FLOW.replace("      pl-PL: Łączymy.\n", "      pl-PL: {play: recordings/pl/connecting.mp3}\n")
    assert [e.msgctxt for e in exported(flow)] == [
        "line.languages.pl-PL.choose",
        "numbers.helpline.name",
        "nodes.welcome.say",
        "nodes.main_menu.say",
    ]
