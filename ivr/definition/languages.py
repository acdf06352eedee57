"""What the line knows about each language's words, by language (the part of a code before
the dash): number words, negations, and the pronouns and yes/no words that must never be
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
        "five": "5", "six": "6", "seven": "7", "eight": "8", "nine": "9",
    },
    "pl": {
        "zero": "0", "jeden": "1", "jedynka": "1", "dwa": "2", "trzy": "3", "cztery": "4", "piec": "5",
        "szesc": "6", "siedem": "7", "osiem": "8", "dziewiec": "9",
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
    },
}  # fmt: skip

#: "Double" and "triple" before a digit, as English speakers say numbers ("triple nine").
REPEATERS: dict[str, dict[str, int]] = {"en": {"double": 2, "triple": 3}}

#: The word before the last item of a list, as each language says it ("1, 2 or 3").
LIST_OR: dict[str, str] = {"en": "or", "pl": "lub", "ro": "sau", "vi": "hoặc", "ar": "أو"}
#: Languages whose numbers keep one form whatever words surround them. In the others a
#: number agrees in case or gender with its noun ("w stu procentach", not "w sto"), which a
#: voice reading digits cannot know.
NUMBERS_KEEP_THEIR_FORM = frozenset({"en", "id", "ms", "th", "tr", "vi"})
#: What separates the items of a list where it is not ", " (Arabic writes its own comma).
LIST_SEPARATOR: dict[str, str] = {"ar": "، "}

#: Words that turn a following danger word around ("no one is in danger").
NEGATIONS: dict[str, frozenset[str]] = {
    "en": frozenset({"not", "no", "nobody", "noone", "isnt", "arent", "never", "nothing", "without"}),
    "pl": frozenset({"nie", "nikt", "nikomu", "nic", "bez"}),
    "ro": frozenset({"nu", "nimeni", "nimic", "fara"}),
    "vi": frozenset({"khong", "chua", "cha"}),
    "ar": frozenset({"لا", "ليس", "مش", "ما", "مفيش", "بدون", "محدش"}),
}

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
