"""What the line knows about each language's words, by language (the part of a code before
the dash): number words, and the pronouns and yes/no words that must never be
a menu choice on their own.

These are facts about the languages, not settings of a flow, so they live here rather than
in ``call_flows.yaml``. A language the table does not know still works: digits are still
understood, and its flow's own words still match. Entries other than English were written
without a native speaker's review, like the flow's texts.
"""

from __future__ import annotations

#: Number words, as a recogniser may write them out, and the digit each stands for.
#: Only runs of two or more number words become digits ("nine nine nine" -> "999"), so a
#: word that is also an ordinary word (Vietnamese "không", "no"; "một", "a") keeps its
#: meaning when it stands alone.
NUMBER_WORDS: dict[str, dict[str, str]] = {
    "en": {
        "zero": "0", "oh": "0", "o": "0", "one": "1", "two": "2", "three": "3", "four": "4",
        "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9", "nought": "0",
    },
    "pl": {
        "zero": "0", "jeden": "1", "jedynka": "1", "dwa": "2", "trzy": "3", "cztery": "4", "piec": "5",
        "szesc": "6", "siedem": "7", "osiem": "8", "dziewiec": "9", "jedna": "1", "dwie": "2",
    },
    "ro": {
        "zero": "0", "unu": "1", "una": "1", "doi": "2", "doua": "2", "trei": "3", "patru": "4",
        "cinci": "5", "sase": "6", "sapte": "7", "opt": "8", "noua": "9",
    },
    "vi": {
        "khong": "0", "mot": "1", "hai": "2", "ba": "3", "bon": "4", "nam": "5", "sau": "6",
        "bay": "7", "tam": "8", "chin": "9",
    },
    "ar": {
        "صفر": "0", "واحد": "1", "اثنين": "2", "اثنان": "2", "اتنين": "2", "ثلاثه": "3", "تلاته": "3",
        "اربعه": "4", "خمسه": "5", "سته": "6", "سبعه": "7", "ثمانيه": "8", "تمانيه": "8", "تسعه": "9",
        # Short and dialect forms (Levantine "تنين", Gulf "ثنين", Maghrebi "جوج"), and numbers
        # said in English or French in Arabic script ("زيرو", "ناين", Maghrebi "نوف" for neuf).
        "واحده": "1", "تنين": "2", "ثنين": "2", "جوج": "2", "ثلاث": "3", "تلات": "3", "اربع": "4", "خمس": "5",
        "سبع": "7", "تسع": "9", "زيرو": "0", "ناين": "9", "نوف": "9",
    },
}  # fmt: skip

#: "Double" and "triple" before a digit, as English speakers say numbers ("triple nine").
REPEATERS: dict[str, dict[str, int]] = {
    "en": {"double": 2, "triple": 3},
    "ar": {"دبل": 2, "تريبل": 3},  # English "double", "triple" in Arabic script
}

#: The rest of what the line needs to hear a key named in words (ivr.runtime.speech.keys):
#: everything is written as people write it and folded (ivr.runtime.normalise.fold) before
#: use, so "dwójkę" is met by "dwojke" and "ثلاثة" by "ثلاثه". Entries other than English
#: were written WITHOUT a native speaker's review.

#: Words that name a key on their own, beyond NUMBER_WORDS: what people call a digit
#: ("dwójka", "the number two"), forms that are also ordinary words and so must not join a
#: run of digits (Arabic "زوج" is also "husband", "ربعة" a group of friends), and the star key.
KEY_NAMES: dict[str, dict[str, str]] = {
    "en": {"nil": "0", "star": "*", "asterisk": "*"},
    "pl": {
        "jedynka": "1", "jedynkę": "1", "dwójka": "2", "dwójkę": "2", "trójka": "3", "trójkę": "3",
        "czwórka": "4", "czwórkę": "4", "piątka": "5", "piątkę": "5", "szóstka": "6", "szóstkę": "6",
        "siódemka": "7", "siódemkę": "7", "ósemka": "8", "ósemkę": "8", "zerko": "0",
        "gwiazdka": "*", "gwiazdkę": "*",
    },
    "ro": {"una": "1", "două": "2", "steluța": "*", "steluță": "*", "steluta": "*", "asterisc": "*"},
    "vi": {
        "không": "0", "một": "1", "hai": "2", "ba": "3", "bốn": "4", "năm": "5", "sáu": "6", "bảy": "7",
        "tám": "8", "chín": "9", "phím sao": "*", "nút sao": "*", "dấu sao": "*",  # "sao" alone is "why"
    },
    "ar": {"زوج": "2", "ثنتين": "2", "ربعة": "4", "ست": "6", "نجمة": "*", "النجمة": "*"},
}  # fmt: skip

#: Number words that are also "no" (Vietnamese "không"): a key only when a word beside them
#: says a key is meant ("số không", "phím không", "bấm không"); "không ạ" is "no".
ALSO_NO: dict[str, dict[str, frozenset[str]]] = {"vi": {"không": frozenset({"số", "phím", "bấm", "nút"})}}

#: Positions in the list of choices, as said alone or after "the", "option", "cái":
#: "the second one", "druga opcja", "a doua", "cái thứ hai", "الخيار الثاني" are key 2.
ORDINALS: dict[str, dict[str, str]] = {
    "en": {"first": "1", "1st": "1", "second": "2", "2nd": "2", "third": "3", "3rd": "3", "fourth": "4",
           "4th": "4", "fifth": "5", "5th": "5"},
    "pl": {"pierwsza": "1", "pierwszy": "1", "pierwsze": "1", "pierwszą": "1", "druga": "2", "drugi": "2",
           "drugie": "2", "drugą": "2", "trzecia": "3", "trzeci": "3", "trzecie": "3", "trzecią": "3",
           "czwarta": "4", "czwarty": "4", "czwarte": "4", "czwartą": "4", "piąta": "5", "piąty": "5",
           "piąte": "5", "piątą": "5"},
    "ro": {"prima": "1", "primul": "1", "întâi": "1", "întâia": "1", "doua": "2", "doilea": "2",
           "treia": "3", "treilea": "3", "patra": "4", "patrulea": "4", "cincea": "5", "cincilea": "5"},
    # "thứ hai" alone is also Monday and "thứ ba" Tuesday: at a menu they are positions.
    "vi": {"thứ nhất": "1", "thứ nhì": "2", "thứ hai": "2", "thứ ba": "3", "thứ tư": "4", "thứ năm": "5",
           "đầu tiên": "1"},
    # Only with the article: Egyptian "تاني" alone is also "again" ("حاول تاني").
    "ar": {"الأول": "1", "الأولى": "1", "أول": "1", "اللولة": "1", "لولة": "1", "الثاني": "2",
           "التاني": "2", "الثانية": "2", "التانية": "2", "الثالث": "3", "التالت": "3", "الثالثة": "3",
           "التالتة": "3", "الرابع": "4", "الرابعة": "4", "الخامس": "5", "الخامسة": "5"},
}  # fmt: skip

#: The word for "one" in "the second one", "أول واحد": after a position it is not key 1.
ONE_AFTER_POSITION: dict[str, frozenset[str]] = {"en": frozenset({"one"}), "ar": frozenset({"واحد", "واحدة"})}

#: Words (and phrases) that may stand anywhere beside a key named in words: what the key is
#: ("number", "option", "phím"), politeness ("please", "vă rog", "من فضلك") and fillers. An
#: answer made of these and one key names that key; any other word makes it a sentence.
KEY_CARRIERS: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["number", "option", "key", "button", "choice", "the", "please", "pls", "thanks", "thank you", "cheers",
         "um", "umm", "uh", "erm", "er", "eh", "ah", "hm", "hmm", "mm", "ok", "okay", "yes", "yeah", "just",
         "then", "i think", "mate", "press", "pressing", "push"]
    ),
    "pl": frozenset(
        ["numer", "numerek", "opcja", "opcję", "opcji", "klawisz", "przycisk", "proszę", "poproszę",
         "dziękuję", "dzięki", "eee", "eeee", "yyy", "yyyy", "hmm", "mmm", "em", "no", "tak", "dobrze", "dobra",
         "okej", "chyba", "naciskam", "wciskam", "cyfra", "cyfrę"]
    ),
    "ro": frozenset(
        ["tasta", "tastă", "numărul", "număr", "opțiunea", "opțiune", "varianta", "variantă", "butonul",
         "te rog", "vă rog", "vă rog frumos", "te rog frumos", "mersi", "mulțumesc", "ăă", "ăăă", "ă", "îî",
         "mm", "hmm", "bine", "da", "acum", "deci", "păi", "apăs", "apas", "vreau", "cifra"]
    ),
    "vi": frozenset(
        ["phím", "số", "nút", "cái", "thứ", "lựa chọn", "ạ", "à", "đi", "nhé", "nhe", "nha", "nhá", "thôi",
         "ờ", "ừ", "ừm", "ơ", "dạ", "vâng", "bấm", "nhấn", "ấn", "mục", "làm ơn"]
    ),
    "ar": frozenset(
        ["رقم", "الرقم", "الخيار", "خيار", "الاختيار", "من فضلك", "لو سمحت", "لو سمحتي", "يا ريت",
         "الله يخليك", "عافاك", "بليز", "بس", "اه", "ايوه", "يعني", "امم", "يا خوي", "يا خويا", "يا أخي",
         "يا اخويا", "يا باشا", "يا أستاذ", "يا أختي", "يا حاج", "شكرا", "اضغط", "بدي", "طيب", "تمام",
         "اختيار", "نمرة", "النمرة", "زر", "الزر", "الزرار", "اوكي", "نعم", "الآن", "دلوقتي", "هلق", "الحين",
         "دابا", "يسلمو", "يعطيك العافية", "الله يرحم الوالدين", "اذا بتريد"]
    ),
}  # fmt: skip

#: Words that may only come before the key: who is speaking and what they do ("i want",
#: "em bấm", "ja biorę", "eu aleg", "ابي"), so "ba tôi" ("my father") is not "three, me".
KEY_LEADS: dict[str, frozenset[str]] = {
    "en": frozenset(["i want", "i choose", "i press", "ill take", "give me", "can i have", "go with", "id like",
                     "i would like", "ill press", "ill go with", "lets go with", "ill have", "ill choose"]),
    "pl": frozenset(["naciśnij", "wcisnę", "wybieram", "wybiorę", "biorę", "ja", "to", "może", "chcę", "ta",
                     "o"]),  # "poproszę o dwójkę"
    "ro": frozenset(["apăsați", "apăsa", "tastez", "aleg", "eu", "pe", "a", "al", "cred că", "dați mi",
                     "aș vrea"]),
    "vi": frozenset(["chọn", "cho", "em", "tôi", "mình", "muốn"]),
    "ar": frozenset(
        ["أضغط", "اضغطي", "هضغط", "بضغط", "دوس", "ادوس", "هدوس", "بدوس", "ابي", "ابغى", "نبغي", "بغيت", "عايز",
         "عاوز", "عايزة", "داير", "حاب", "أريد", "نختار", "اختار", "بختار", "هختار", "عطيني", "اعطيني", "اديني",
         "اضغط على", "هضغط على", "دوس على", "ادوس على"]
    ),
}  # fmt: skip

#: English words a recogniser writes for a digit it misheard ("to", "for", "tree"): a key
#: only when nothing but "number", "press", "option" or "please" is said beside them, and
#: not when the recogniser heard a question ("free?": is it free?).
SOUNDS_LIKE_DIGITS: dict[str, str] = {
    "won": "1", "to": "2", "too": "2", "tree": "3", "free": "3", "for": "4", "fore": "4", "oh": "0", "o": "0",
}  # fmt: skip

#: Emergency numbers said otherwise than as a run of digits or number words ("nine nine
#: nine" and "triple nine" are read by NUMBER_WORDS and REPEATERS already).
EMERGENCY_NUMBER_WORDS: dict[str, tuple[str, ...]] = {
    "en": ("nine hundred ninety nine", "nine hundred and ninety nine", "one hundred twelve",
           "one hundred and twelve", "nine eleven"),
    "pl": ("trzy dziewiątki", "trzy dziewiątek", "dziewięćset dziewięćdziesiąt dziewięć", "sto dwanaście"),
    "ro": ("trei de nouă", "nouă sute nouăzeci și nouă", "nouăsutenouăzecișinouă", "o sută doisprezece",
           "o sută doișpe"),
    "vi": ("chín trăm chín mươi chín", "ba số chín", "một trăm mười hai"),
    "ar": ("تسعمية تسعة وتسعين", "تسعمية وتسعة وتسعين", "تسعمائة وتسعة وتسعين", "تسعمائة تسعة وتسعين",
           "تسعمئة وتسعة وتسعين", "تسعمئة تسعة وتسعين", "مية واتناشر", "مائة واثنا عشر", "مئة واثنا عشر",
           "مائة واثني عشر", "مئة واثني عشر", "مية واثنعش", "تلات تسعات", "ثلاث تسعات"),
}  # fmt: skip

#: The word before the last item of a list, as each language says it ("1, 2 or 3").
LIST_OR: dict[str, str] = {"en": "or", "pl": "lub", "ro": "sau", "vi": "hoặc", "ar": "أو"}
#: Languages whose numbers keep one form whatever words surround them. In the others a
#: number agrees in case or gender with its noun ("w stu procentach", not "w sto"), which a
#: voice reading digits cannot know.
NUMBERS_KEEP_THEIR_FORM = frozenset({"en", "id", "ms", "th", "tr", "vi"})
#: What separates the items of a list where it is not ", " (Arabic writes its own comma).
LIST_SEPARATOR: dict[str, str] = {"ar": "، "}

#: Words too common to pick a choice by themselves: pronouns, yes and no, "someone".
#: A flow may still use them inside a longer phrase ("is it me").
TOO_COMMON: dict[str, frozenset[str]] = {
    "en": frozenset(
        ["i", "me", "my", "mine", "you", "your", "he", "him", "his", "she", "her", "we", "us", "our", "they",
         "them", "their", "it", "someone", "somebody", "anyone", "anybody", "something", "yes", "yeah", "yep",
         "no", "nope", "ok", "okay"]
    ),
    "pl": frozenset(
        ["ja", "mnie", "mi", "moj", "ty", "ciebie", "on", "ona", "ono", "my", "wy", "oni", "one", "ktos", "cos",
         "tak", "nie", "no", "dobrze"]
    ),
    "ro": frozenset(
        ["eu", "mie", "mi", "ma", "tu", "te", "el", "ea", "noi", "voi", "ei", "ele", "cineva", "ceva", "da", "nu",
         "bine"]
    ),
    "vi": frozenset(
        ["toi", "ban", "anh", "chi", "em", "no", "ho", "chung toi", "ai", "ai do", "co", "khong", "vang", "da",
         "u", "duoc"]
    ),
    "ar": frozenset(["انا", "انت", "انتي", "هو", "هي", "نحن", "احنا", "هم", "حد", "نعم", "ايوه", "اه", "لا", "تمام"]),
}  # fmt: skip


def family(code: str) -> str:
    """The language part of a code: ``pl-PL`` -> ``pl``."""
    return code.split("-")[0].lower()


#: Answers to "It sounds like you want …, is that right?", as a recogniser writes them
#: (as :func:`ivr.runtime.normalise.fold` leaves them: lower case, accents folded, Arabic
#: letters unified): yes, and no. Left out on purpose: a word that is also the flow's
#: "what?" or "pardon?" (Polish "proszę?", Egyptian "إيه؟"), and Egyptian "ماشي" (OK), which
#: in Maghrebi Arabic is "not"; an answer in neither table is asked again, and keys still work.
#: The words in languages other than English are NOT reviewed by a native speaker.
YES_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"yes", "yeah", "yep", "yup", "aye", "correct", "right", "thats right", "thats it", "ok",
                     "okay", "sure", "please", "yes please", "that one", "exactly", "yes it is", "yes thats right",
                     "yeah thats right", "uh huh"}),
    "pl": frozenset({"tak", "tak tak", "no tak", "tak jest", "dobrze", "zgadza sie", "tak zgadza sie", "tak prosze",
                     "dokladnie", "oczywiscie", "jasne", "pewnie", "ok", "okej"}),
    "ro": frozenset({"da", "da da", "sigur", "corect", "da corect", "este corect", "exact", "bine", "asa e",
                     "asa este", "da asa e", "da va rog", "ok", "okay", "desigur"}),
    "vi": frozenset({"co", "co a", "vang", "vang a", "da", "da vang", "da co", "da dung", "dung", "dung roi",
                     "dung roi a", "dung vay", "phai", "phai roi", "duoc", "u", "ok"}),
    "ar": frozenset({"نعم", "ايوه", "ايوا", "اه", "اجل", "صح", "صحيح", "نعم صحيح", "ايوه صح", "تمام", "مظبوط",
                     "مضبوط", "بالظبط", "بالضبط", "طيب", "اكيد", "واه", "اي", "اي نعم", "ايه نعم", "هيه", "اوكي",
                     "ok"}),
}  # fmt: skip
NO_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset({"no", "no no", "nope", "nah", "not that", "not that one", "wrong", "thats wrong", "not right",
                     "thats not right", "no its not", "no it isnt", "no thanks", "no thank you", "not really",
                     "something else"}),
    "pl": frozenset({"nie", "nie nie", "nie to", "to nie to", "nie tak", "zle", "nie zgadza sie",
                     "nie o to chodzi", "nie dziekuje", "nie chce", "cos innego"}),
    "ro": frozenset({"nu", "nu nu", "gresit", "nu asta", "nu e asta", "nu e corect", "nu este corect", "nu multumesc",
                     "nu vreau", "altceva"}),
    "vi": frozenset({"khong", "khong a", "khong phai", "khong phai a", "khong phai dau", "khong dung", "sai",
                     "sai roi", "da khong", "da khong phai"}),
    "ar": frozenset({"لا", "لا لا", "لالا", "لا شكرا", "غلط", "لا غلط", "خطا", "مش صح", "مش كده", "لا مش كده",
                     "مش ده", "مش هيك", "مو هيك", "مو هذا", "مش هذا", "مو"}),
}  # fmt: skip
