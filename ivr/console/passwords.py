"""What makes a password good enough for an operator of the console, and why one is not.

The console decides who may change what callers hear, so a guessed password is a way to
send callers anywhere. The rules follow NIST SP 800-63B 5.1.1.2: a length, no password from
the lists of the commonest, no password made of the operator's name or the service's own
words; never rules about kinds of characters. The reason given is one an operator can act on.
"""

from __future__ import annotations

import re
import threading

from zxcvbn import zxcvbn

MAX_PASSWORD = 200  # the login form reads no more than this
MIN_PASSWORD = 12
#: A new password must take zxcvbn at least 10^10 guesses (its score 4): far past its lists of
#: the commonest passwords (about 30,000 from leaked sets), words and names, and past runs,
#: repeats, keyboard walks, dates and l33t spellings of them. NIST SP 800-63B 5.1.1.2 asks for
#: exactly these to be refused; three or four unrelated words pass easily.
MIN_GUESSES_LOG10 = 10
#: zxcvbn judges this many characters at most (its own limit); a longer passphrase is judged by
#: its start, which must be strong by itself.
JUDGED_CHARACTERS = 72
#: Words of this service, which a guesser tries first with an operator's name ("context-specific
#: words" in NIST's list).
SERVICE_WORDS = (
    "helpline", "modern", "slavery", "console", "operator", "ivr", "twilio", "crimestoppers", "unseen", "line",
    "phone", "call",
)  # fmt: skip
#: Letters and digits a password must have besides the operator's name and the service's words
#: (zxcvbn alone takes "modern slavery helpline line", words with spaces between, as strong).
MIN_OWN_CHARACTERS = 8
_WORD_BREAK = re.compile(r"[\W_]+")
#: The example the message gives, refused itself: someone will copy it.
EXAMPLE_PASSPHRASE = "kettle orbit mustard lantern"
GOOD_PASSWORD = (
    f"A good password is a passphrase of three or four unrelated words, such as '{EXAMPLE_PASSPHRASE}' "
    "(not that one), used nowhere else"
)
#: zxcvbn keeps the words it is given in a table of its own while it judges: two judgements at
#: once (two admins in two threads) must not mix their operators' names.
_JUDGING = threading.Lock()


def password_weakness(password: str, name: str) -> str:
    """Why ``password`` may not be ``name``'s new password, for the operator to read: what is
    wrong with it and what makes a good one ("" when it is good)."""
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        return f"the password must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long. {GOOD_PASSWORD}"
    if not password.strip():
        return f"the password is only spaces. {GOOD_PASSWORD}"
    words = [w.lower() for w in (name, *_WORD_BREAK.split(name), *SERVICE_WORDS, *EXAMPLE_PASSPHRASE.split())]
    words = sorted({w for w in words if len(w) > 2}, key=len, reverse=True)
    own = _WORD_BREAK.sub("", password.lower())
    for word in words:
        own = own.replace(_WORD_BREAK.sub("", word), "")
    if len(own) < MIN_OWN_CHARACTERS:
        return f"the password is too easy to guess: {_why_weak([{'pattern': 'context'}])}. {GOOD_PASSWORD}"
    with _JUDGING:
        judged = zxcvbn(password[:JUDGED_CHARACTERS], user_inputs=words)
    if judged["guesses_log10"] >= MIN_GUESSES_LOG10:
        return ""
    return f"the password is too easy to guess: {_why_weak(judged['sequence'])}. {GOOD_PASSWORD}"


def _why_weak(matches: list[dict]) -> str:
    """The plainest reason among the parts zxcvbn found the password made of."""
    kinds = {m["pattern"] if m["pattern"] != "dictionary" else m["dictionary_name"] for m in matches}
    reasons = (
        ("context", "it is made from the operator's name or the line's own words"),
        ("user_inputs", "it is made from the operator's name or the line's own words"),
        ("passwords", "it is on the lists of the passwords people use most, or close to one"),
        ("repeat", "it repeats a character or a few characters"),
        ("sequence", "it is a run such as abcd or 1234"),
        ("spatial", "it is a run of neighbouring keys such as qwerty"),
        ("date", "it is a date or a year"),
    )
    for kind, reason in reasons:
        if kind in kinds:
            return reason
    return "it is a few common words or names, which are guessed early"
