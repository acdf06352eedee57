"""Words a language's voice misreads: an English name ("Crimestoppers", "Relay"), an
abbreviation ("SMS", "BSL", "UK") or an English word ("register") inside a text in another
language. A voice reads such a word by its own language's rules, or spells it letter by
letter, and the caller hears neither the name nor anything they understand.

Which voices misread, how a foreign word is told apart in each language, and which
foreign words each voice says well are facts about the languages and their voices, not
settings of a flow, so they live here as data (as :mod:`ivr.definition.languages` does);
:mod:`ivr.inspect.text_lints` reports what they find. A language written in a script other
than Latin needs no entry: every Latin-script word in it is foreign. A Latin-script language
needs a :data:`NATIVE_WORD_SHAPES` entry when its voice misreads English: Polish and Romanian
voices read the Latin letters of English names close enough to be recognised (their callers
see those names written the same way), so they have none until a native listener says
otherwise. Entries were written without a native speaker's review.
"""

from __future__ import annotations

import re
import unicodedata

#: Latin-script languages whose voice misreads English, and the shape every word of the
#: language has, over the word in lower case with its marks taken off (Vietnamese "đ" as
#: "d"). A word of another shape is foreign to the voice.
NATIVE_WORD_SHAPES: dict[str, re.Pattern[str]] = {
    # A Vietnamese word is one syllable: an initial consonant (or none), one to three vowels,
    # a final consonant (or none). "Crimestoppers", "Relay", "SMS", "BSL", "UK" and "register"
    # do not fit, and Google's vi-VN voice spells them or reads them as Vietnamese syllables.
    "vi": re.compile(r"(ngh|ng|gh|gi|ch|kh|nh|ph|qu|th|tr|[bcdghklmnprstvx])?[aeiouy]{1,3}(ch|ng|nh|[cmnpt])?"),
}

#: Foreign words each language's voice says as its speakers say them (loanwords written the
#: way those speakers write them), in lower case: texts may use them.
ALLOWED_FOREIGN_WORDS: dict[str, frozenset[str]] = {
    # Vietnamese phone menus say "menu" ("quay lại menu chính"), a video call is "cuộc gọi video"
    # and a website "trang web": each is read as the Vietnamese loanword it is.
    "vi": frozenset({"menu", "video", "web"}),
    "ar": frozenset(),
}


def bare(word: str) -> str:
    """A word in lower case with every mark taken off (Vietnamese "Đường" -> "duong")."""
    decomposed = unicodedata.normalize("NFD", word.lower().replace("đ", "d"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def is_foreign(family: str, word: str) -> bool:
    """Whether a word of a Latin-script text in this language (``vi``) is one its voice
    misreads: it has not the language's shape, and is not a loanword its voice says well."""
    shape = NATIVE_WORD_SHAPES.get(family)
    if shape is None or word.lower() in ALLOWED_FOREIGN_WORDS.get(family, frozenset()):
        return False
    return shape.fullmatch(bare(word)) is None


def allowed_in_other_script(family: str, word: str) -> bool:
    """Whether a Latin-script word may stand in a text of this language written in another
    script (a loanword its voice says well)."""
    return word.lower() in ALLOWED_FOREIGN_WORDS.get(family, frozenset())
