"""Lints on translations' words (issue 12): Latin script for a voice that reads another,
digits a voice says in the wrong form, placeholders lost or added, translations much longer
than their source. Each is a warning at the text to edit."""

from __future__ import annotations

from ivr.definition.source import parse_yaml
from ivr.inspect import text_lints
from ivr.inspect.context import Context
from ivr.translations.flow_text import parse_document

FLOW = """\
line:
  name: Test line
  start: main_menu
  helpline: helpline
  languages:
    en-GB:
      name: English
      key: "1"
      choose: English, press 1.
      voice: Polly.Amy
    {code}:
      name: {name}
      key: "2"
      choose: {choose}
      voice: {voice}
numbers:
  helpline:
    number: 0800 0121 700
    name:
      en-GB: the helpline
      {code}: {helpline}
nodes:
  main_menu:
    type: menu
    say:
      en-GB: To report what you know to Crimestoppers, press 1. The helpline is {{helpline}}.
      {code}: {say}
    choices:
      "1": connect
  connect:
    type: transfer
    to: helpline
"""
ARABIC = {
    "code": "ar-EG",
    "name": "العربية",
    "choose": "العربية، اضغط 2.",
    "voice": "Polly.Zeina",
    "helpline": "خط المساعدة",
    "say": "للإبلاغ عما تعرفه إلى كرايم ستوبرز، اضغط 1. خط المساعدة هو {helpline}.",
}
POLISH = {
    "code": "pl-PL",
    "name": "Polski",
    "choose": "Polski, naciśnij 2.",
    "voice": "Polly.Ewa",
    "helpline": "infolinia",
    "say": "Aby przekazać Crimestoppers to, co wiesz, naciśnij 1. Numer infolinii to {helpline}.",
}
SAY_LINE = 27


def warnings(values: dict[str, str], **changes: str) -> list[str]:
    source, document = parse_document(FLOW.format(**{**values, **changes}))
    return [p.format("f", with_code=True) for p in text_lints.text_problems(document, source)]


def test_well_written_translations_have_no_warnings():
    assert warnings(ARABIC) == []
    assert warnings(POLISH) == []


def test_latin_words_in_an_arabic_text_are_named_at_the_first_one():
    assert warnings(ARABIC, say="للإبلاغ إلى Crimestoppers اضغط 1. خط المساعدة Relay U K هو {helpline}.") == [
        f"f:{SAY_LINE}:26: warning: Latin-script words in this ar-EG text: Crimestoppers, Relay, U, K "
        "[latin-in-non-latin-text]\n"
        "    hint: the ar-EG voice reads Latin letters in its own way, or spells them out: write each word as "
        "callers should hear it, in the language's own script (a name as it sounds), or use a recording"
    ]


def test_latin_words_are_fine_in_a_language_written_in_latin_script():
    assert warnings(POLISH, say="Crimestoppers, naciśnij 1. Numer infolinii to {helpline}.") == []


VIETNAMESE = {
    "code": "vi-VN",
    "name": "Tiếng Việt",
    "choose": "Tiếng Việt, bấm phím 2.",
    "voice": "Google.vi-VN-Standard-A",
    "helpline": "đường dây nóng",
    "say": "Để báo tin ẩn danh, bấm phím 1. Số của đường dây nóng là {helpline}.",
}
MISREAD_HINT = (
    "    hint: the vi-VN voice spells an English name or abbreviation letter by letter, or reads it as vi-VN: "
    "say what it is in the language's own words, or write a name as the language's speakers say it (a loanword "
    "the voice says well belongs in ivr/definition/misread_words.py)"
)


def test_english_names_in_a_vietnamese_text_are_named_at_the_first_one():
    say = (
        "Để gọi Crimestoppers, bấm phím 1. Dùng Relay U K, nhắn S M S chữ register, hoặc gọi 9 9 9 B S L. "
        "Số là {helpline}."
    )
    assert warnings(VIETNAMESE, say=say) == [
        f"f:{SAY_LINE}:21: warning: words the vi-VN voice misreads in this text: Crimestoppers, Relay, K, S, M, "
        "register, B, L [misread-foreign-word]\n" + MISREAD_HINT
    ]


def test_a_number_name_in_vietnamese_is_checked_too():
    assert warnings(VIETNAMESE, helpline="Modern Slavery Helpline") == [
        "f:21:14: warning: words the vi-VN voice misreads in this text: Modern, Slavery, Helpline "
        "[misread-foreign-word]\n" + MISREAD_HINT
    ]


def test_vietnamese_words_and_the_loanwords_its_voice_says_well_are_fine():
    say = "Quay lại menu chính, cuộc gọi video hoặc trang web, nghiêng, khuya, giữ, quyền, bấm phím 1. Số {helpline}."
    assert warnings(VIETNAMESE, say=say) == []


def test_a_loanword_allowed_in_vietnamese_is_still_foreign_in_arabic():
    assert warnings(ARABIC, say="للقائمة menu اضغط 1. خط المساعدة هو {helpline}.")[0].split("\n")[0] == (
        f"f:{SAY_LINE}:22: warning: Latin-script words in this ar-EG text: menu [latin-in-non-latin-text]"
    )


def test_digits_before_a_word_warn_where_numbers_change_form():
    assert warnings(POLISH, say="Jesteś w 100 procentach anonimowy, naciśnij 1. Numer to {helpline}.") == [
        f"f:{SAY_LINE}:23: warning: '100 procentach' in this pl-PL text: a voice says a number in digits in one "
        "fixed form, which may not agree with the words around it [digits-next-to-words]\n"
        "    hint: write the number in words, in the form the sentence needs (Polish 'w stu procentach', not "
        "'w 100 procentach'); keys and phone numbers are fine as digits"
    ]


def test_keys_numbers_said_digit_by_digit_and_placeholders_are_fine_as_digits():
    say = "Naciśnij 1 teraz albo zadzwoń pod 9 9 9 lub 1 8 0 0 0. Numer to {helpline} albo naciśnij 2."
    assert warnings(POLISH, say=say) == []


def test_digits_before_a_word_are_fine_where_numbers_keep_one_form():
    vietnamese = {
        "code": "vi-VN",
        "name": "Tiếng Việt",
        "choose": "Tiếng Việt, bấm phím 2.",
        "voice": "Google.vi-VN-Standard-A",
        "helpline": "đường dây nóng",
        "say": "Đường dây nóng hoạt động 24 giờ mỗi ngày, bấm phím 1. Số là {helpline}.",
    }
    assert warnings(vietnamese) == []


def test_a_placeholder_left_out_or_added_is_named():
    assert warnings(POLISH, say="Naciśnij 1, aby zadzwonić pod {helpline} albo {helpline}.") == [
        f"f:{SAY_LINE}:14: warning: this pl-PL text adds {{helpline}}, unlike the en-GB text [placeholder-mismatch]\n"
        "    hint: a translation says the same numbers and lists as its source: write each {...} exactly as the "
        "en-GB text does (the line says a number, or the menu's keys, there)"
    ]
    assert warnings(POLISH, say="Aby przekazać Crimestoppers to, co wiesz, naciśnij 1.")[0].split("\n")[0] == (
        f"f:{SAY_LINE}:14: warning: this pl-PL text leaves out {{helpline}}, unlike the en-GB text "
        "[placeholder-mismatch]"
    )


def test_a_translation_much_longer_than_its_source_is_measured():
    say = (
        "Jeśli chcesz anonimowo przekazać organizacji Crimestoppers wszystko, co wiesz o tej sprawie, naciśnij "
        "teraz klawisz 1 na klawiaturze swojego telefonu. Numer infolinii to {helpline}."
    )
    assert warnings(POLISH, say=say) == [
        f"f:{SAY_LINE}:14: warning: this pl-PL text is 2.5 times as long as the en-GB text [translation-too-long]\n"
        "    hint: a voice takes time in proportion to what it says (bench/caller_time.py measures it with "
        "espeak-ng): pl-PL callers would wait that much longer before they can act, and the line promises the "
        "same wait for the helpline in every language; say the same in fewer words"
    ]


def test_a_short_source_may_double_without_a_warning():
    assert warnings(POLISH, helpline="infolinia do spraw współczesnego niewolnictwa") == []


def test_the_rule_reports_only_the_codes_it_declares():
    text = FLOW.format(**{**POLISH, "say": "W 100 procentach, naciśnij 1."})
    source, _ = parse_yaml(text)
    _, document = parse_document(text)
    assert source is not None
    problems = list(text_lints.check(Context(document, source)))
    assert [p.code for p in problems] == ["digits-next-to-words", "placeholder-mismatch"]
    assert {p.code for p in problems} <= set(text_lints.CODES)
