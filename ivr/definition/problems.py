"""Problems found in a flow file, as data, and every problem code, defined once.

Detection and rendering are kept apart (as yamllint does): the loader and the checks
produce :class:`Problem` values; the CLI, the logs and the console decide how to show them.

A code names one kind of mistake, whatever module notices it, so an operator can look it
up: ``ivr check --explain CODE``, or docs/problems.md, generated from :data:`ALL_CODES`.
A :class:`Problem` refuses a code that is not in the table, and a test checks that every
code in it is used. To add a kind of problem: add its row to :data:`ALL_CODES`, use the
code, and regenerate docs/problems.md (see tests/test_problem_codes.py).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from ivr.definition.limits import COMFORTABLE_CHOICES, MAX_CHOICES, MAX_NAME, MIN_TIMEOUT


class Severity(StrEnum):
    """Errors keep a flow from going live; warnings are shown but do not."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True)
class Code:
    """One kind of problem, explained for an operator with a mistake and its fix (YAML as written)."""

    name: str
    severity: Severity
    meaning: str
    mistake: str
    fix: str


E, W = Severity.ERROR, Severity.WARNING

#: In the order an operator meets them: reading the file, YAML, the format, then the checks.
ALL_CODES: tuple[Code, ...] = (
    # -- reading the file ---------------------------------------------------------------------
    Code("unreadable", E, "the flow file cannot be read: it does not exist, is not a plain file, or may not be read",
         "ivr check call_flow.yaml", "ivr check call_flows.yaml"),
    Code("too-big", E, "the file is far larger than any flow (the message says the limit)",
         "an audio file saved as call_flows.yaml",
         "call_flows.yaml holds only the flow's text, a few hundred KB at most"),
    Code("encoding", E, "the file is not UTF-8 text", "saved by an editor as Windows-1252 ('Română' as other bytes)",
         "save it as UTF-8 (most editors: 'Save with encoding')"),
    Code("too-costly", E, "checking the file ran out of memory or time, or the checker crashed",
         "a generated file of millions of lines", "a flow needs a few hundred KB at most"),
    Code("unknown-format", E, "'version:' names a flow format this line cannot read: one newer than the line "
         "(written for a newer version of it), or not a format at all",
         "version: 3   # this line reads formats 1 and 2", "version: 2   # or upgrade the line"),
    Code("load-bug", E, "loading the file failed inside the line: a bug in the line, not in the file",
         "(any file that makes the line's own code fail)",
         "report it with the file attached; the line keeps serving its last good flow"),
    # -- YAML -----------------------------------------------------------------------------------
    Code("yaml-syntax", E, "the file is not valid YAML", 'say: "If you are in danger now',
         'say: "If you are in danger now"'),
    Code("tab", E, "a tab in the indentation: YAML indents with spaces only", "<TAB>type: message",
         "    type: message"),
    Code("control-character", E,
         "an invisible control character or non-character (U+0007, U+FFFE, ...): TwiML cannot carry it, so every "
         "call that reached the text would break; pasted in unseen, or made by an escape in a double-quoted text",
         'say: "Welcome.\\a"   # or "\\x07", "\\0", "\\uFFFE"; or the character pasted in', 'say: "Welcome."'),
    Code("too-deep", E, "the file nests deeper than any flow does, most often because a bracket is never closed",
         "words: [[[[[[[[[[ ... (65 brackets never closed)", "words: [help, helpline]"),
    Code("too-many-values", E, "the file expands to too many values, through YAML anchors (&) and aliases (*)",
         "a: &x [*x, *x]", "write every value out: a flow needs no anchors or aliases"),
    Code("empty-file", E, "the file is empty, or only comments", "(an empty file)",
         "line: ...\nnumbers: ...\nnodes: ..."),
    Code("not-a-mapping", E, "the file is not a mapping of 'line:', 'numbers:' and 'nodes:'", "just words",
         "line: ...\nnumbers: ...\nnodes: ..."),
    Code("key-not-a-name", E, "a key is a list or a mapping, not a plain name", '[1, 2]: report_menu',
         '"1": report_menu'),
    Code("duplicate-key", E, "the same key twice in one mapping: YAML would silently keep only the last",
         '"1": danger\n"1": about_slavery', '"1": danger\n"2": about_slavery'),
    Code("empty-value", E, "a field with nothing after its colon", "en-GB:", "en-GB: Sorry, I did not catch that."),
    # -- the format -----------------------------------------------------------------------------
    Code("unknown-field", E, "a field the format does not have, most often misspelt", "say_shrot: ...",
         "say_short: ..."),
    Code("missing-field", E, "a field that must be written is not", "helpline:\n  name: the helpline",
         "helpline:\n  number: 0800 0121 700\n  name: the helpline"),
    Code("missing-type", E, "a node without 'type:'", "danger:\n  say: ...", "danger:\n  type: message\n  say: ..."),
    Code("unknown-type", E, "a 'type:' that is not a kind of node", "type: mesage", "type: message"),
    Code("not-a-whole-number", E, "a value that must be a whole number", "timeout: ten", "timeout: 10"),
    Code("not-a-number", E, "a value that must be a number", "speech_confidence: high", "speech_confidence: 0.6"),
    Code("not-true-or-false", E, "a value that must be true or false", "show_caller_number: maybe",
         "show_caller_number: false"),
    Code("out-of-range", E, "a number outside what the field allows (the message says the bound)", "silence: 0",
         "silence: 2"),
    Code("wrong-shape", E, "a value of the wrong kind: a text where a list or mapping belongs, or the other way round",
         "words: english", "words: [english]"),
    Code("invalid-value", E, "a value the format does not accept; the message says what it expects",
         "(a value of a kind the other codes do not name)", "write the value as the message asks"),
    # -- names and numbers ----------------------------------------------------------------------
    Code("long-name", E, f"a node or number name over {MAX_NAME} characters: calls carry it in every web address",
         "what_to_do_if_you_or_someone_you_know_may_be_a_victim_of_modern_slavery_menu:", "about_slavery_menu:"),
    Code("bad-name", E, "a name that is not letters, digits, '_' and '-' starting with a letter", "in danger:",
         "in_danger:"),
    Code("bad-number", E, "not a UK phone number the line can use", "number: 0800 555 11", "number: 0800 555 111"),
    Code("number-typo", E, "a number one digit away from a help line's own number: copied wrong",
         "number: 0800 0121 70", "number: 0800 0121 700"),
    Code("ungrouped-number", W, "a number written without spaces, so callers hear one long run of digits",
         "number: 08000121700", "number: 0800 0121 700"),
    Code("caller-number-to-anonymous-line", E, "a line that promises anonymity would be shown the caller's number",
         "number: 0800 555 111\nshow_caller_number: true", "number: 0800 555 111"),
    Code("dial-short-number", E, "the line would dial an emergency or short number (docs/safety.md rule 1)",
         "to: emergency   # 999", "a message: 'If you are in danger now, hang up and dial 9 9 9.'"),
    Code("destination-not-allowed", E, "the line would connect callers to a number its IVR_DESTINATIONS does not list",
         "number: 020 7946 0123   # not in IVR_DESTINATIONS", "number: 0800 0121 700"),
    Code("unknown-number", E, "'to:', 'helpline:' names no number under 'numbers:'", "to: crimestopers",
         "to: crimestoppers"),
    # -- nodes, menus and languages -------------------------------------------------------------
    Code("unknown-node", E, "'start:', 'next:', 'go:', 'danger:' or 'if_no_answer:' names no node",
         "next: about_slavery_menus", "next: about_slavery_menu"),
    Code("short-timeout", E, f"a time-out under {MIN_TIMEOUT} seconds: too short for many callers", "timeout: 3",
         "timeout: 8"),
    Code("unknown-language", E, "a language code that is not one of the line's languages", "ro-ro: Apăsați 1",
         "ro-RO: Apăsați 1"),
    Code("reserved-key", E, "a key the line keeps for itself on every menu (0, *, 8, 9, #; at the language menu "
         "8 may choose a language)", '"0": report_menu', '"2": report_menu'),
    Code("not-a-phone-key", E, "a key that is not on a phone's keypad", '"a": report_menu', '"2": report_menu'),
    Code("language-key-used-twice", E, "two languages picked by the same key at the language menu",
         'pl-PL: {key: "2"}\nro-RO: {key: "2"}', 'pl-PL: {key: "2"}\nro-RO: {key: "3"}'),
    Code("missing-recording", W, "a text with no recording in a language without a voice: until every text "
         "has one, callers who choose that language are put straight through to the helpline",
         "welcome: {type: message, say: {en-GB: ...}}   # and no recordings/sq-AL/nodes.welcome.say.mp3",
         "upload it in the console's Recordings page (or write sq-AL: {play: recordings/sq/welcome.mp3})"),
    Code("no-language-menu", W, "the line offers languages, but no node lets callers choose one",
         "start: main_menu   # and no node of type: language", "start: choose_language   # a node of type: language"),
    Code("no-choices", E, "a menu without choices", "choices: {}", 'choices:\n  "1": report_menu'),
    Code("too-many-choices", E, f"a menu with more than {MAX_CHOICES} choices, too many to remember from one hearing",
         'keys "1" to "7" in one menu', "two menus of four choices or fewer"),
    Code("empty-word", E, "an empty word for a choice, which no caller can say", 'words: [report, ""]',
         "words: [report]"),
    Code("reserved-word", E, "a choice word that every menu keeps for itself (repeat, helpline, slower)",
         "words: [repeat]", "words: [hear it again]"),
    Code("duplicate-word", E, "the same word for two choices of one menu",
         '"1": {go: about_slavery, words: [victim]}\n"2": {go: report_menu, words: [victim]}',
         '"1": {go: about_slavery, words: [victim]}\n"2": {go: report_menu, words: [report]}'),
    Code("dead-end", E, "a message with no 'next:': the call would end without a way to help",
         "about_slavery:\n  type: message\n  say: ...",
         "about_slavery:\n  type: message\n  say: ...\n  next: main_menu"),
    Code("message-loop", E, "messages that lead to each other in a circle, never to a menu or a transfer",
         "a:\n  type: message\n  next: b\nb:\n  type: message\n  next: a", "let one of them lead to a menu"),
    Code("inconsistent-key", W, "one key does different things in different menus (back to the main menu, hear it "
         "again, a person): callers press the key they learnt and land somewhere they did not choose",
         'danger_menu: {"3": main_menu}\nreport_menu: {"4": main_menu, "3": report_anonymously}',
         'danger_menu: {"3": main_menu}\nreport_menu: {"3": main_menu, "2": report_anonymously}'),
    Code("unreachable", W, "a node no caller can reach", "forgotten:   # no choice or 'next:' leads here",
         "lead a menu choice or a 'next:' to it, or remove it"),
    # -- texts and recordings -------------------------------------------------------------------
    Code("missing-language", E, "a text without a version, or a recording, in one of the line's languages",
         "say:\n  en-GB: Hello.", "say:\n  en-GB: Hello.\n  pl-PL: Dzień dobry."),
    Code("default-message", W, "a line message the flow does not write: some callers would hear the built-in English",
         "messages:   # no not_understood:", "messages:\n  not_understood:\n    en-GB: ...\n    pl-PL: ..."),
    Code("empty-text", E, "a text that says nothing", 'en-GB: ""', "en-GB: Sorry, I did not catch that."),
    Code("too-long-to-say", E, "a text longer than one <Say> of its voice takes: callers would not hear it whole",
         "say: (a page of 7,000 characters)",
         "a few sentences per text: split it into messages, with a menu between"),
    Code("unknown-placeholder", E, "a {name} in a text that names no number (nor anything the line fills in there)",
         "The number is {crimestopers}.", "The number is {crimestoppers}."),
    Code("bad-recording", E, "a recording the line cannot play: outside recordings/, missing, or not WAV or MP3",
         "play: ../welcome.mp3", "play: recordings/welcome.mp3"),
    Code("audio-host", E, "a recording at an https address on a host the operator has not named in IVR_MEDIA_HOSTS",
         "play: https://audio.example.com/welcome.mp3",
         "play: recordings/welcome.mp3   # or name your own media server: IVR_MEDIA_HOSTS=media.example.org"),
    # -- what callers hear (warnings, measured on the compiled flow) ------------------------------
    Code("many-choices", W, f"a menu with more than {COMFORTABLE_CHOICES} choices: allowed, but hard to remember",
         'keys "1" to "5" in one menu',
         "four choices or fewer; 0 already reaches the helpline"),
    Code("long-prompt", W, "callers listen too long before a menu's first choice (the message says how long)",
         "say: (a paragraph, then) Press 1 for ...", "say: Press 1 for ...   # the paragraph in a message before"),
    Code("long-message", W, "a message that takes too long to say in one go (the message says how long)",
         "say: (two minutes of text)",
         "two messages with a menu between, so callers can repeat one part"),
    Code("unreviewed-translation", W, "texts in a language that no native speaker has signed off yet",
         "pl-PL: 12 of 60 texts reviewed",
         "ivr translations export --language pl-PL -o pl.po; then ivr translations import pl.po --reviewer NAME"),
    Code("latin-in-non-latin-text", W, "Latin-script words in a text whose voice reads another script",
         "ar-EG: اتصل بـ Crimestoppers", "ar-EG: اتصل بـ كرايم ستوبرز"),
    Code("misread-foreign-word", W, "an English name, abbreviation or word in a text whose voice spells it "
         "letter by letter or reads it by its own language's rules",
         "vi-VN: Số của Crimestoppers là {crimestoppers}.",
         "vi-VN: Số của đường dây báo tin ẩn danh là {crimestoppers}."),
    Code("digits-next-to-words", W, "a number in digits before a word: the voice may say it in the wrong form",
         "pl-PL: w 100 procentach", "pl-PL: w stu procentach"),
    Code("placeholder-mismatch", W, "a translation leaves out or adds a {name} of its source text",
         "en-GB: The number is {helpline}.\npl-PL: Zadzwoń na infolinię.",
         "en-GB: The number is {helpline}.\npl-PL: Numer to {helpline}."),
    Code("translation-changes-number", E, "a translation says another emergency number, phone number or key than "
         "its source text, or leaves one out, or names its keys in another order",
         "en-GB: To talk to the helpline, press 0.\npl-PL: Aby porozmawiać z infolinią, naciśnij 9.",
         "pl-PL: Aby porozmawiać z infolinią, naciśnij 0.   # or a reviewer accepts a difference that is right"),
    Code("translation-changes-figure", W, "a translation adds or changes a number (not a phone number or key) of its "
         "source text", "en-GB: open 24 hours a day\npl-PL: czynna 12 godzin", "pl-PL: czynna całą dobę"),
    Code("translation-too-long", W, "a translation more than 1.6 times as long as its source keeps callers waiting",
         "pl-PL: (three sentences for the English one)", "pl-PL: (one sentence, as the English)"),
    Code("unmatchable-word", W, "a choice word that nothing is left of once normalised, so it never matches",
         'words: ["?!"]', "words: [report]"),
    Code("too-common-word", W, "a choice word said in almost every sentence (a pronoun, yes or no)",
         "words: [yes]", "words: [report]"),
    Code("word-for-two-choices", W, "a word that, as the recogniser hears it, picks two choices or a built-in action",
         '"1": {go: a, words: [victim]}\n"2": {go: b, words: [Victim!]}',
         '"1": {go: a, words: [victim]}\n"2": {go: b, words: [report]}'),
    Code("example-confused", W, "an example phrase the line, its model learning from everything else, would not "
         "act on at once for its choice (it takes it for another, asks first, or does not understand it)",
         '"2": {go: report, examples: {en-GB: [i want the police]}}',
         '"2": {go: report, examples: {en-GB: [i want to report it without my name]}}'),
    Code("unhearable-language-name", W, "a language's name the language menu's recogniser cannot write",
         "words: [عربي]   # heard by an English recogniser", "words: [arabic, arabi]"),
    Code("slow-to-helpline", W, "a caller waits longer for the helpline than the line promises",
         "a long welcome before the first menu", "shorter texts before the first menu, or 0 offered earlier"),
    Code("wait-unmeasured", W, "the time callers wait for the helpline could not be measured: a bug in the line",
         "(a flow the measurement fails on)", "report it with the file attached; the flow still goes live"),
)  # fmt: skip

#: The codes by name.
CODES: Mapping[str, Code] = MappingProxyType({code.name: code for code in ALL_CODES})


class UnregisteredCode(LookupError):
    """A problem was made with a code the registry does not have (a bug in the line)."""


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a flow, pointing at the place an operator must edit.

    ``line`` and ``column`` are 1-based, like every editor shows them.
    """

    line: int
    column: int
    severity: Severity
    message: str
    hint: str = ""
    code: str = ""

    def __post_init__(self) -> None:
        registered = CODES.get(self.code)
        if registered is None:
            raise UnregisteredCode(f"{self.code!r} is not a problem code: add it to ALL_CODES in {__name__}")
        if registered.severity is not self.severity:
            raise UnregisteredCode(
                f"{self.code!r} is registered as {registered.severity.value}, not {self.severity.value}"
            )

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format(self, filename: str, *, with_code: bool = False) -> str:
        """The compiler convention editors understand: ``file:line:col: error: message``;
        ``with_code`` adds the code (`` [code]``) that ``ivr check --explain`` explains."""
        text = f"{filename}:{self.line}:{self.column}: {self.severity.value}: {self.message}"
        if with_code:
            text += f" [{self.code}]"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text


def error(line: int, column: int, message: str, hint: str = "", *, code: str) -> Problem:
    """An error: the flow must not go live. ``code`` must be registered as an error."""
    return Problem(line, column, Severity.ERROR, message, hint, code)


def warning(line: int, column: int, message: str, hint: str = "", *, code: str) -> Problem:
    """A warning: shown to the operator; the flow still goes live. ``code`` must be registered as one."""
    return Problem(line, column, Severity.WARNING, message, hint, code)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """A hint naming the closest known name, or an empty string when none is close."""
    matches = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f"did you mean {matches[0]!r}?" if matches else ""


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.is_error for p in problems)
