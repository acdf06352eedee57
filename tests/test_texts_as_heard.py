"""What a native-level reading of the texts found (issue 26), checked on what the line SAYS:
each test renders the TwiML of a node in a language, as the running line does, and reads
its <Say>s as a phone plays them. A test reads the YAML only to find every node to render.

The texts in every language but English are still drafts that no native speaker has
reviewed; these tests keep the mistakes that were found from coming back.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache

import pytest
from support import DEFAULT_FLOW

from ivr.definition.misread_words import is_foreign
from ivr.loading import load_flow_file, load_flow_text
from ivr.runtime import flow as rt
from ivr.runtime.state import EVENT_CONFIRM, EVENTS, PROPOSABLE, CallState
from ivr.runtime.twiml import Renderer, standalone_fallback
from ivr.runtime.twiml_reading import read
from ivr.tools.heard import heard_in

OTHER_LANGUAGES = ("pl-PL", "ro-RO", "vi-VN", "ar-EG")
#: The language menu speaks every language (and English) before one is chosen.
LANGUAGE_MENU = "choose_language"


@cache
def line() -> tuple[rt.Flow, Renderer]:
    flow = load_flow_file(DEFAULT_FLOW).flow
    assert flow is not None
    return flow, Renderer(flow)


def said_at(state: CallState) -> list[str]:
    """Every <Say> of the line's answer in a state of a call, in order, as the caller hears it."""
    _, renderer = line()
    return said_in(renderer.render(state, ""))


def said_in(twiml: str) -> list[str]:
    return [h.text for h in heard_in(read(twiml)) if h.kind == "say"]


def heard(node: str, code: str) -> list[str]:
    """What a caller hears on arriving at a node."""
    return said_at(CallState(node, code))


def states(flow: rt.Flow, code: str) -> Iterator[CallState]:
    """Every state a call in this language can be in: each node, each event, a retry, and
    each key the line may ask about."""
    for node in flow.nodes:
        if node == LANGUAGE_MENU:
            continue
        for event in EVENTS:
            if event == EVENT_CONFIRM:
                for key in sorted(PROPOSABLE):
                    yield CallState(node, code, event=event, proposed=key)
                continue
            for silences, invalids in ((0, 0), (1, 0), (0, 1)):
                yield CallState(node, code, silences, invalids, event)


@cache
def everything_said(code: str) -> frozenset[str]:
    """Every text the line says in a language, whatever happens on the call."""
    flow, _ = line()
    return frozenset(text for state in states(flow, code) for text in said_at(state))


def test_every_state_of_a_call_is_read():
    said = everything_said("pl-PL")
    for state in [
        CallState("welcome", "pl-PL"),  # a message and its menu
        CallState("main_menu", "pl-PL", silences=1, event="silence"),  # a retry
        CallState("report_menu", "pl-PL", invalids=1, event="invalid"),  # a wrong key
        CallState("report_menu", "pl-PL", event="confirm", proposed="1"),  # "it sounds like…"
        CallState("_busy:connect_crimestoppers", "pl-PL"),  # after a transfer that did not connect
        CallState("_transfer:crimestoppers", "pl-PL"),
    ]:
        assert set(said_at(state)) <= said, state


# -- 1. Crimestoppers: only what they promise -------------------------------------------------
def test_the_arabic_crimestoppers_text_promises_only_what_crimestoppers_promise():
    # Free, 100 % anonymous, no caller display, no name asked: not "they will not know who you are".
    assert heard("report_anonymously", "ar-EG")[0] == (
        "يمكنك الإبلاغ عما تعرفه إلى كرايم ستوبرز، وهي جمعية خيرية مستقلة. الإبلاغ مجاني ومجهول الهوية مئة "
        "بالمئة: لا يرون رقمك ولن يسألوك عن اسمك. هم ليسوا الشرطة. إذا كنت تتصل بشأن شخص آخر، فلا تخبره أنك "
        "اتصلت: قد يعرضه ذلك للخطر. رقم كرايم ستوبرز هو 0 8 0 0 … 5 5 5 … 1 1 1 … 0 8 0 0 … 5 5 5 … 1 1 1 …."
    )
    assert [text for text in everything_said("ar-EG") if "يعرفوا من أنت" in text] == []


# -- 2. cautions that speak to anyone -------------------------------------------------------
CAUTIONS = {
    "pl-PL": "Jeśli dzwonisz w sprawie innej osoby, nie mów jej o tej rozmowie: to mogłoby narazić ją na "
    "niebezpieczeństwo.",
    "ro-RO": "Dacă sunați pentru altcineva, nu îi spuneți că ați sunat: asta ar putea pune persoana în pericol.",
}
#: Forms that speak to a man only: Polish past tense of "you" (dzwoniłeś; dzwoniłaś to a woman
#: only), a Romanian "him" (l-ar) and a passive that agrees with a man (ați fost conectat).
ADDRESSED_TO_ONE_SEX = {
    "pl-PL": re.compile(r"\w+(łeś|łaś)\b"),
    "ro-RO": re.compile(r"(?<![\w-])l-ar\b|ați fost \w+t\b"),
}


@pytest.mark.parametrize("code", CAUTIONS)
@pytest.mark.parametrize("node", ["report_anonymously", "police_non_emergency", "danger"])
def test_the_caution_about_someone_else_speaks_to_any_caller(node, code):
    assert CAUTIONS[code] in heard(node, code)[0]


@pytest.mark.parametrize("code", ADDRESSED_TO_ONE_SEX)
def test_nothing_the_line_says_addresses_men_or_women_only(code):
    found = {m.group(0) for text in everything_said(code) for m in ADDRESSED_TO_ONE_SEX[code].finditer(text)}
    assert found == set()


def test_the_romanian_twiml_bin_speaks_to_anyone():
    # The TwiML Bin speaks the line's first language: here a line whose first is Romanian.
    text = DEFAULT_FLOW.read_text(encoding="utf-8")
    assert text.count("\n  language: en-GB\n") == 1
    flow = load_flow_text(text.replace("\n  language: en-GB\n", "\n  language: ro-RO\n")).flow
    assert flow is not None
    assert said_in(standalone_fallback(flow))[2] == (
        "Dacă legătura nu s-a făcut, numărul liniei de ajutor este 0 8 0 0 … 0 1 2 1 … 7 0 0 … 0 8 0 0 … 0 1 2 1 "
        "… 7 0 0 …. Mai încerc o dată acum. Dacă ați terminat convorbirea, puteți închide."
    )


# -- 3. whole sentences from the first words -----------------------------------------------
FIRST_WORDS = {
    "pl-PL": "Jeśli coś ci teraz grozi, rozłącz się i zadzwoń pod 9 9 9. W każdej chwili 0 łączy z infolinią. 9 od "
    "razu kończy rozmowę.",
    "ro-RO": "Dacă sunteți în pericol acum, închideți și sunați la 9 9 9. Oricând, 0 vă duce la linia de ajutor. 9 "
    "încheie imediat apelul.",
    "ar-EG": "إن كنت في خطر، أغلق الخط واطلب 9 9 9. لخط المساعدة اضغط 0 في أي وقت. للخروج فورًا اضغط 9.",
}


@pytest.mark.parametrize("code", FIRST_WORDS)
def test_the_first_words_in_a_language_are_a_whole_sentence(code):
    assert heard("welcome", code)[0] == FIRST_WORDS[code]


def test_no_arabic_text_joins_a_preposition_to_a_number():
    # "بـ 9 9 9": the voice says the letter on its own before the digits.
    assert [text for text in everything_said("ar-EG") if "بـ" in text] == []


# -- 4. Polish names after "Łączymy z" ------------------------------------------------------
def test_polish_transfers_name_whom_they_connect_to_without_a_case_ending():
    assert heard("_transfer:crimestoppers", "pl-PL") == ["Łączymy z: Crimestoppers."]
    assert heard("_transfer:helpline", "pl-PL") == ["Łączymy z: Infolinia do spraw Współczesnego Niewolnictwa."]
    assert [text for text in everything_said("pl-PL") if "z numerem" in text] == []


# -- 5. no English name in the Vietnamese voice ---------------------------------------------
def test_the_vietnamese_voice_is_never_given_a_word_it_spells_or_misreads():
    words = {w for text in everything_said("vi-VN") for w in re.findall(r"[^\W\d_]+", text) if is_foreign("vi", w)}
    assert words == set()


def test_vietnamese_callers_hear_the_deaf_advice_in_vietnamese_words():
    # SMS, "register", Relay UK and 999 BSL described or spelled with Vietnamese letter names.
    assert heard("danger_more", "vi-VN")[0] == (
        "Nếu bạn không nghe được hoặc không nói được, bạn có thể nhắn tin đến 9 9 9 sau khi đã đăng ký dịch vụ "
        "nhắn tin khẩn cấp. Để đăng ký, hãy gửi tin nhắn đến 9 9 9, với từ tiếng Anh gồm các chữ cái e-rờ, e, "
        "giê, i, ét, tê, e, e-rờ, và làm theo các tin nhắn trả lời. Bạn cũng có thể dùng dịch vụ chuyển tiếp cuộc "
        "gọi bằng văn bản qua số 1 8 0 0 0, hoặc dịch vụ 9 9 9 dành cho người dùng ngôn ngữ ký hiệu Anh: cuộc gọi "
        "video miễn phí với thông dịch viên, qua ứng dụng hoặc trang web 9 9 9 bê ét e-lờ chấm xê o chấm u ca. Để gọi "
        "đường dây nóng qua dịch vụ chuyển tiếp bằng văn bản, hãy gọi 1 8 0 0 1, rồi 0 8 0 0, 0 1 2 1, 7 0 0. "
        "Nếu có người có thể kiểm tra điện thoại của bạn: sau cuộc gọi này, hãy xóa cuộc gọi khỏi danh sách cuộc "
        "gọi, rồi gọi một số khác."
    )


def test_vietnamese_callers_hear_crimestoppers_described():
    assert heard("connect_crimestoppers", "vi-VN") == [
        "Đang nối máy với đường dây báo tin ẩn danh. Họ sẽ không thấy số điện thoại của bạn, và bạn không cần "
        "cho biết tên. Nếu cuộc gọi bị ngắt, số điện thoại là 0 8 0 0 … 5 5 5 … 1 1 1 …."
    ]
    assert heard("_transfer:crimestoppers", "vi-VN") == ["Đang nối máy với đường dây báo tin ẩn danh."]


# -- 6. each language's own word for the helpline -------------------------------------------
@pytest.mark.parametrize("code", OTHER_LANGUAGES)
def test_no_language_but_english_says_the_english_word_helpline(code):
    assert [text for text in everything_said(code) if re.search(r"help\s*line", text, re.IGNORECASE)] == []


# -- 8. the helpline through Relay UK -------------------------------------------------------
RELAY_TO_HELPLINE = {  # code: (in the police message, in the deaf advice)
    "en-GB": (
        "For the Modern Slavery Helpline, dial 1 8 0 0 1, then 0 8 0 0, 0 1 2 1, 7 0 0.",
        "For the Modern Slavery Helpline through Relay U K, dial 1 8 0 0 1, then 0 8 0 0, 0 1 2 1, 7 0 0.",
    ),
    "pl-PL": (
        "Aby tak samo zadzwonić na infolinię, wybierz 1 8 0 0 1, a potem 0 8 0 0, 0 1 2 1, 7 0 0.",
        "Aby zadzwonić na infolinię przez Relay U K, wybierz 1 8 0 0 1, a potem 0 8 0 0, 0 1 2 1, 7 0 0.",
    ),
    "ro-RO": (
        "Pentru linia de ajutor, formați la fel 1 8 0 0 1, apoi 0 8 0 0, 0 1 2 1, 7 0 0.",
        "Pentru linia de ajutor prin Relay U K, formați 1 8 0 0 1, apoi 0 8 0 0, 0 1 2 1, 7 0 0.",
    ),
    "vi-VN": (
        "Để gọi đường dây nóng theo cách này, hãy gọi 1 8 0 0 1, rồi 0 8 0 0, 0 1 2 1, 7 0 0.",
        "Để gọi đường dây nóng qua dịch vụ chuyển tiếp bằng văn bản, hãy gọi 1 8 0 0 1, rồi 0 8 0 0, 0 1 2 1, 7 0 0.",
    ),
    "ar-EG": (
        "ولخط المساعدة بالطريقة نفسها، اطلب 1 8 0 0 1 ثم 0 8 0 0، 0 1 2 1، 7 0 0.",
        "ولخط المساعدة عبر ريلاي يو كيه، اطلب 1 8 0 0 1 ثم 0 8 0 0، 0 1 2 1، 7 0 0.",
    ),
}


@pytest.mark.parametrize("code", RELAY_TO_HELPLINE)
def test_relay_users_are_told_how_to_reach_the_helpline(code):
    police, deaf = RELAY_TO_HELPLINE[code]
    assert police in heard("police_non_emergency", code)[0]
    assert deaf in heard("danger_more", code)[0]


@pytest.mark.parametrize("code", RELAY_TO_HELPLINE)
def test_the_relay_number_said_is_18001_then_the_helpline_the_line_dials(code):
    flow, _ = line()
    for sentence in RELAY_TO_HELPLINE[code]:
        digits = "".join(re.findall(r"\d", sentence))
        assert digits == "18001" + flow.helpline.e164.replace("+44", "0")
