"""Keys and emergency numbers said as words (ivr.runtime.speech.keys), in every language.

Each table is (what the caller said, the key it names or None). None is as important as a
key: a sentence that merely contains a number word names no key. Texts other than English
were written without a native speaker's review.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ivr.runtime.speech import corpus
from ivr.runtime.speech.keys import emergency_number_said, key_said

#: The keys the default flow's main menu offers (with 0 helpline, * repeat, 8 slower, 9 exit).
MAIN_MENU = frozenset({"1", "2", "3", "4", "0", "*", "8", "9"})
#: The transfer-failed menu: try again, another number, the helpline.
TRANSFER_FAILED = frozenset({"1", "2", "0", "*", "8", "9"})

ENGLISH = [
    ("one", "1"),
    ("number 1", "1"),
    ("press three", "3"),
    ("option 2 please", "2"),
    ("the second one", "2"),
    ("the second one then", "2"),
    ("the first option", "1"),
    ("third", "3"),
    ("um one", "1"),
    ("erm 2 i think", "2"),
    ("two two", "2"),
    ("i want number four", "4"),
    ("ill press two", "2"),
    ("nought", "0"),
    ("zero", "0"),
    ("press star", "*"),
    ("to", "2"),
    ("number too", "2"),
    ("for", "4"),
    ("tree", "3"),
    ("won", "1"),
    ("oh", "0"),
    # sentences that merely contain a number word
    ("i have two children", None),
    ("my friend is one of them", None),
    ("no one", None),
    ("one of them has a knife", None),
    ("for the", None),
    ("oh ok", None),
    ("go to", None),
    ("is it free", None),
    ("free?", None),  # a question heard ("is it free?"), not a misheard three
    ("free", "3"),
    ("three?", "3"),  # a number word asked back is still its key
    ("one two", None),
    ("one for english", None),  # a key and its choice's words: for the learned model
    ("three again", None),
    ("i press which one the last one", None),
]

POLISH = [
    ("jeden", "1"),
    ("jedynka", "1"),
    ("jedynkę proszę", "1"),
    ("dwójka", "2"),
    ("opcja druga", "2"),
    ("druga opcja", "2"),
    ("pierwsza opcja prosze", "1"),
    ("numer jeden proszę", "1"),
    ("opcja numer 2", "2"),
    ("trójka", "3"),
    ("trojka", "3"),
    ("czwarta opcja proszę", "4"),
    ("wciskam cztery", "4"),
    ("naciskam zero", "0"),
    ("no to może jedynkę", "1"),
    ("to ja biorę dwójkę", "2"),
    ("poproszę o dwójkę", "2"),
    ("yyy trojka", "3"),
    ("eee trzy chyba", "3"),
    ("gwiazdka", "*"),
    ("tą pierwszą", "1"),
    ("mam dwoje dzieci", None),
    ("jeden z nich ma nóż", None),
    ("dwa dni temu", None),
    ("one", None),  # Polish "they"
    ("jedynka angielski", None),
    ("dwa jeszcze raz", None),
]

ROMANIAN = [
    ("unu", "1"),
    ("tasta doi", "2"),
    ("numărul doi", "2"),
    ("două vă rog", "2"),
    ("a doua", "2"),
    ("al doilea te rog", "2"),
    ("a treia varianta", "3"),
    ("prima opțiune vreau", "1"),
    ("opțiunea unu", "1"),
    ("apas pe trei", "3"),
    ("apăs pe zero", "0"),
    ("ăă cred ca unu", "1"),
    ("eu aleg varianta unu", "1"),
    ("doi va rog frumos", "2"),
    ("steluța", "*"),
    ("aș vrea unu", "1"),
    ("opt", "8"),
    ("am doi copii", None),
    ("unul dintre ei are cuțit", None),
    ("unu incercati iar", None),
    ("doi poloneza", None),
]

VIETNAMESE = [
    ("một", "1"),
    ("số hai", "2"),
    ("phím 2", "2"),
    ("cái thứ hai", "2"),
    ("cái thứ nhất", "1"),
    ("cái đầu tiên đi", "1"),
    ("lựa chọn thứ ba", "3"),
    ("cái thứ tư", "4"),
    ("số ba ạ", "3"),
    ("em bấm số hai", "2"),
    ("cho em số một", "1"),
    ("phím không", "0"),
    ("phím số không", "0"),
    ("bam so hai", "2"),  # a recogniser that wrote no accents
    ("o em bam phim bon", "4"),
    ("mot di", "1"),
    ("ờ option một", "1"),
    ("press số hai", "2"),
    ("phím sao", "*"),
    ("em muốn số hai", "2"),
    ("nhấn phím một", "1"),
    ("không", None),  # also "no"
    ("không ạ", None),
    ("sao", None),  # "why"
    ("sợ hãi", None),  # "afraid", not "số hai"
    ("ba tôi bị đánh", None),
    ("một người bạn của tôi", None),
    ("hai em", None),
    ("hai the", None),  # "two cards", written without accents
    ("bà", None),
    ("số bốn tiếng việt", None),
]

ARABIC = [
    ("واحد", "1"),
    ("رقم واحد", "1"),
    ("اتنين", "2"),
    ("رقم اتنين", "2"),
    ("تنين", "2"),
    ("جوج", "2"),  # Maghrebi
    ("زوج", "2"),
    ("نبغي جوج", "2"),
    ("الخيار الثاني", "2"),
    ("التاني يا ريت", "2"),
    ("الخيار الأول من فضلك", "1"),
    ("اول واحد", "1"),
    ("لولة", "1"),
    ("الخيار التالت", "3"),
    ("ثلاثة لو سمحت", "3"),
    ("ربعة", "4"),
    ("اضغط صفر", "0"),
    ("صفر بدي صفر", "0"),
    ("زيرو عافاك", "0"),
    ("٢", "2"),
    ("1 يا ريت", "1"),
    ("اضغط على اتنين", "2"),
    ("النمرة اتنين", "2"),
    ("على واحد", None),
    ("واحد صاحبي", None),  # "a friend of mine"
    ("واحد ضربني", None),  # "someone hit me"
    ("حاول تاني", None),  # "try again"
    ("تاني", None),
    ("عندي اتنين اطفال", None),
    ("واحد حاول تاني", None),
]


@pytest.mark.parametrize(
    ("language", "said", "key"),
    [("en-GB", s, k) for s, k in ENGLISH]
    + [("pl-PL", s, k) for s, k in POLISH]
    + [("ro-RO", s, k) for s, k in ROMANIAN]
    + [("vi-VN", s, k) for s, k in VIETNAMESE]
    + [("ar-EG", s, k) for s, k in ARABIC],
)
def test_a_key_said_alone_is_that_key_and_a_sentence_is_none(language: str, said: str, key: str | None) -> None:
    assert key_said(said, language, MAIN_MENU) == key


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en-GB", "nine"),
        ("en-GB", "number nine"),
        ("en-GB", "9"),
        ("pl-PL", "dziewięć"),
        ("ro-RO", "nouă"),
        ("vi-VN", "chín"),
        ("ar-EG", "تسعة"),
        ("en-GB", "nine nine nine"),
    ],
)
def test_nine_is_never_a_key_by_speech_it_may_start_nine_nine_nine(language: str, said: str) -> None:
    assert key_said(said, language, MAIN_MENU) is None


@pytest.mark.parametrize(
    ("language", "said"),
    [("en-GB", "three"), ("pl-PL", "trzecia"), ("ro-RO", "a treia"), ("vi-VN", "số ba"), ("ar-EG", "الثالث")],
)
def test_a_key_the_menu_does_not_offer_is_none(language: str, said: str) -> None:
    assert key_said(said, language, TRANSFER_FAILED) is None
    assert key_said(said, language, MAIN_MENU) == "3"


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("pl-PL", "press two"),
        ("ro-RO", "number two please"),
        ("vi-VN", "number two"),
        ("ar-EG", "two please"),
    ],
)
def test_english_key_words_are_understood_in_every_language(language: str, said: str) -> None:
    assert key_said(said, language, MAIN_MENU) == "2"


def test_a_long_answer_is_never_a_key() -> None:
    assert key_said("one " + "please " * 40, "en-GB", MAIN_MENU) is None
    assert key_said("one" + " " * 10_000, "en-GB", MAIN_MENU) == "1"


EMERGENCY = [
    ("en-GB", "nine nine nine"),
    ("en-GB", "triple nine"),
    ("en-GB", "nine double nine"),
    ("en-GB", "9-9-9"),
    ("en-GB", "999 999"),
    ("en-GB", "can you ring 999 for me i cant"),
    ("en-GB", "one one two quickly"),
    ("en-GB", "he said call nine one one now"),
    ("en-GB", "nine hundred and ninety-nine"),
    ("en-GB", "oh nine nine nine"),
    ("pl-PL", "dziewięć dziewięć dziewięć"),
    ("pl-PL", "trzy dziewiątki prosze"),
    ("pl-PL", "sto dwanaście"),
    ("pl-PL", "triple nine szybko"),
    ("ro-RO", "trei de nouă"),
    ("ro-RO", "noua noua noua nu merge"),
    ("ro-RO", "unu unu doi sunati"),
    ("ro-RO", "nouă sute nouăzeci și nouă"),
    ("vi-VN", "chín chín chín"),
    ("vi-VN", "goi chin chin chin ngay"),
    ("vi-VN", "một một hai ạ"),
    ("vi-VN", "ờ nine nine nine"),
    ("ar-EG", "تسعة تسعة تسعة"),
    ("ar-EG", "اتصل بال٩٩٩"),
    ("ar-EG", "عيطو على نوف نوف نوف"),
    ("ar-EG", "تريبل ناين"),
    ("ar-EG", "واحد واحد اثنان"),
    ("ar-EG", "عايز تسعمية تسعة وتسعين"),
    ("ar-EG", "رقم الطوارئ مئة واثنا عشر"),  # 112, the hamza on its seat
    ("ar-EG", "اتصل على مية واثنعش"),
    ("ar-EG", "تسعمئة وتسعة وتسعين"),
]


@pytest.mark.parametrize(("language", "said"), EMERGENCY)
def test_an_emergency_number_is_heard_in_any_form_anywhere(language: str, said: str) -> None:
    assert emergency_number_said(said, language) is True


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en-GB", "nine"),
        ("en-GB", "nine nine"),
        ("en-GB", "my number is 07911 123456"),
        ("en-GB", "i have two children"),
        ("pl-PL", "dziewięć lat"),
        ("vi-VN", "chín giờ"),
        ("ar-EG", "تسعة"),
        ("ar-EG", "نوف"),  # also a name
        ("ar-EG", "مية وعشرة"),  # 110
        ("en-GB", ""),
    ],
)
def test_a_nine_or_a_phone_number_is_not_an_emergency_number(language: str, said: str) -> None:
    assert emergency_number_said(said, language) is False


def test_no_option_number_of_the_training_corpus_is_given_a_wrong_key_and_no_other_answer_a_key_it_does_not_mean() -> (
    None
):
    """On the part of the corpus the rules may be tuned on: every key named is one the label
    accepts, whatever the category. (The held-out part is only measured, never tested.)"""
    builtin = {"0": "helpline", "*": "repeat", "8": "slower"}
    # Each menu's places by key, as the default flow offers them (the same key does the same
    # thing in every menu: 1 its own next step, 2 hear again, 3 back; a person is 0).
    position = {
        "main_menu": {"1": "about_slavery", "2": "report_anonymously", "3": "police_non_emergency", "4": "danger"},
        "danger_menu": {"1": "danger_more", "2": "danger", "3": "main_menu"},
        "about_slavery_menu": {"1": "about_helpline", "2": "about_slavery", "3": "main_menu"},
        "report_menu": {"1": "connect_crimestoppers", "2": "report_anonymously", "3": "main_menu"},
        "police_menu": {"2": "police_non_emergency", "3": "main_menu"},
        "transfer_failed": {"1": "try_again", "2": "other_number"},
        # Keys by evidence (issue 26); Albanian, Tigrinya and Somali have no recogniser and
        # are put straight through to the helpline until recorded; 8 is Polish here, not slower.
        "choose_language": {
            str(i): f"language:{code}" if code else "helpline"
            for i, code in enumerate(("en-GB", "", "vi-VN", "", "ar-EG", "", "ro-RO", "pl-PL"), 1)
        },
    }
    wrong = []
    decided = 0
    for u in corpus.training_part():
        place_of_key = builtin | position[u.menu]
        got = key_said(u.say, u.language, set(place_of_key) | {"9"})
        decided += got is not None
        if got is not None and place_of_key.get(got) not in u.accept:
            wrong.append((u.language, u.menu, u.say, got))
    assert wrong == []
    assert decided >= 300  # the option numbers of the training part are understood


@settings(max_examples=300, deadline=None)
@given(
    said=st.text(max_size=300) | st.text(alphabet="onetwi9 ٩واحدsốhaijeden\x00\u200f🙂", max_size=60),
    language=st.sampled_from(["en-GB", "pl-PL", "ro-RO", "vi-VN", "ar-EG", "xx", ""]),
    keys=st.frozensets(st.sampled_from(list("0123456789*#")), max_size=8),
)
def test_any_text_gives_none_or_an_offered_key_other_than_nine(said: str, language: str, keys: frozenset[str]) -> None:
    got = key_said(said, language, keys)
    assert got is None or (got in keys and got != "9")
    assert emergency_number_said(said, language) in (True, False)


def test_ten_thousand_characters_of_anything_are_read_in_bounded_time() -> None:
    hostile = ["nine " * 2000, "🙂" * 10_000, "\x00\x1b" * 5000, "واحد sốhai jeden " * 600, "9" * 10_000]
    start = time.perf_counter()
    results = [(key_said(text, code, MAIN_MENU), emergency_number_said(text, code)) for text in hostile for code in
               ("en-GB", "pl-PL", "ro-RO", "vi-VN", "ar-EG")]  # fmt: skip
    assert time.perf_counter() - start < 1.0
    assert [key for key, _ in results] == [None] * 25
