"""Checks of a flow document beyond its shape: references, numbers, menus, dead ends.

Each check adds :class:`~ivr.problems.Problem` values positioned at the place to edit.
Errors keep a flow from going live; warnings are shown to the operator but do not.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path as FsPath

from ivr.definition.audio import AudioError, audio_seconds
from ivr.definition.model import (
    Choice,
    FlowDocument,
    LanguageNode,
    MenuNode,
    MessageNode,
    Recording,
    TransferNode,
)
from ivr.definition.phone import ANONYMOUS_LINES, NumberError, near_miss, parse_number
from ivr.definition.problems import Problem, did_you_mean, error, warning
from ivr.definition.source import Path, SourceDocument
from ivr.definition.texts import PLACEHOLDER, iter_texts
from ivr.runtime import flow as rt
from ivr.runtime.state import MAX_NAME

NAME_PATTERN = re.compile(r"[A-Za-z][A-Za-z0-9_\-]*")
PHONE_KEYS = set("123456789")
MAX_CHOICES = 5
MIN_TIMEOUT = 5
#: How many names "did you mean" may compare in one check, all suggestions together.
MAX_SUGGESTIONS = 50_000


class _Checker:
    def __init__(
        self,
        document: FlowDocument,
        source: SourceDocument,
        broken_nodes: set[str],
        broken_numbers: set[str],
        base: FsPath | None,
    ) -> None:
        self.doc = document
        self.source = source
        self.base = base  # the flow file's folder, where recordings/ is
        line = document.line
        self.languages = tuple(line.languages) or (line.language,)
        # Nodes and numbers left out because they are already wrong in shape: references to
        # them are not reported again, and reachability is not judged without them.
        self.broken_nodes = broken_nodes
        self.broken_numbers = broken_numbers
        self.problems: list[Problem] = []
        #: "Did you mean" compares a name with every other: worth it for the mistakes an
        #: operator reads, not for thousands of them in a generated or broken file (a budget
        #: of comparisons, so the same file always gets the same hints).
        self.suggestions_left = MAX_SUGGESTIONS

    # -- reporting -------------------------------------------------------------------------
    def did_you_mean(self, word: str, choices: Iterable[str] | Callable[[], Iterable[str]]) -> str:
        """A close name, while the budget lasts; ``choices`` may be a function, called only then."""
        if self.suggestions_left <= 0:
            return ""
        names = [n for n in (choices() if callable(choices) else choices) if abs(len(n) - len(word)) <= 3]
        self.suggestions_left -= max(1, len(names))
        return did_you_mean(word, names)

    def error(self, path: Path, message: str, hint: str = "", *, key: bool = False, code: str = "") -> None:
        at = self.source.position(path, key=key)
        self.problems.append(error(at.line, at.column, message, hint, code))

    def warning(self, path: Path, message: str, hint: str = "", *, key: bool = False, code: str = "") -> None:
        at = self.source.position(path, key=key)
        self.problems.append(warning(at.line, at.column, message, hint, code))

    # -- the checks ------------------------------------------------------------------------
    def run(self) -> list[Problem]:
        self.check_names()
        dialable = self.check_numbers()
        self.check_line(dialable)
        self.check_languages()
        for name, node in self.doc.nodes.items():
            path: Path = ("nodes", name)
            if isinstance(node, MenuNode):
                self.check_menu(path, node)
            elif isinstance(node, MessageNode):
                self.check_message(path, node)
            elif isinstance(node, TransferNode):
                self.check_transfer(path, node, dialable)
            elif isinstance(node, LanguageNode):
                self.check_node_ref(path + ("next",), node.next)
                if node.timeout is not None and node.timeout < MIN_TIMEOUT:
                    self.error(
                        path + ("timeout",),
                        f"a time-out of {node.timeout} s is too short for many callers",
                        f"use at least {MIN_TIMEOUT} seconds",
                        code="short-timeout",
                    )
        self.check_texts()
        self.check_graph()
        return self.problems

    def check_names(self) -> None:
        for section in ("numbers", "nodes"):
            for name in getattr(self.doc, section):
                if len(name) > MAX_NAME:
                    self.error(
                        (section, name),
                        f"a name of {len(name)} characters is too long: calls carry it in every web address",
                        f"use at most {MAX_NAME} characters, e.g. {name[:20].rstrip('_-')!r}",
                        key=True,
                        code="long-name",
                    )
                elif not NAME_PATTERN.fullmatch(name):
                    self.error(
                        (section, name),
                        f"{name!r} cannot be used as a name",
                        "use letters, digits, '_' and '-', starting with a letter, e.g. main_menu",
                        key=True,
                        code="bad-name",
                    )

    def check_numbers(self) -> set[str]:
        """Check every number; return the names of those the line may dial."""
        dialable = set()
        for name, number in self.doc.numbers.items():
            path: Path = ("numbers", name, "number")
            try:
                parsed = parse_number(number.number)
            except NumberError as exc:
                self.error(path, exc.message, exc.hint, code="bad-number")
                continue
            slip = near_miss(parsed)
            if slip:
                self.error(
                    path,
                    f"{number.number!r} looks like {slip} with a digit wrong, missing or extra",
                    "copy the number again from its official source",
                    code="number-typo",
                )
                continue
            if any(len(group) > 5 for group in parsed.groups) and number.say is None:
                self.warning(
                    path,
                    f"{number.number!r} is not grouped, so callers hear a long run of digits",
                    "write it grouped as people say it, e.g. 0800 0121 700",
                    code="ungrouped-number",
                )
            if number.show_caller_number and parsed.digits in ANONYMOUS_LINES:
                self.error(
                    ("numbers", name, "show_caller_number"),
                    f"{ANONYMOUS_LINES[parsed.digits]} promise callers they never see their number",
                    "remove 'show_caller_number': transfers then show the line's own number",
                    code="caller-number-to-anonymous-line",
                )
            if parsed.dialable:
                dialable.add(name)
        return dialable

    def check_line(self, dialable: set[str]) -> None:
        line = self.doc.line
        self.check_node_ref(("line", "start"), line.start)
        if line.danger is not None:
            self.check_node_ref(("line", "danger"), line.danger)
        if line.helpline in self.broken_numbers:
            return
        if line.helpline not in self.doc.numbers:
            self.error(
                ("line", "helpline"),
                f"no number is called {line.helpline!r}",
                self.did_you_mean(line.helpline, self.doc.numbers) or "define it under 'numbers:'",
                code="unknown-number",
            )
        elif line.helpline not in dialable:
            self.check_dialable(("line", "helpline"), line.helpline, dialable)
        if line.timeout < MIN_TIMEOUT:
            self.error(
                ("line", "timeout"),
                f"a time-out of {line.timeout} s is too short for many callers",
                f"use at least {MIN_TIMEOUT} seconds; 10 is a good default",
                code="short-timeout",
            )

    def check_languages(self) -> None:
        line = self.doc.line
        if not line.languages:
            return
        if line.language not in line.languages:
            self.error(
                ("line", "language"),
                f"{line.language!r} is not one of the line's languages",
                self.did_you_mean(line.language, line.languages) or "declare it under 'languages:'",
                code="unknown-language",
            )
        keys: dict[str, str] = {}
        for code, language in line.languages.items():
            path: Path = ("line", "languages", code)
            if language.key in rt.RESERVED_KEYS:
                self.error(
                    path + ("key",),
                    f"key {language.key} is built in: it {rt.RESERVED_KEYS[language.key]}",
                    "use one of the keys 1 to 7",
                    code="reserved-key",
                )
            elif language.key not in PHONE_KEYS:
                self.error(
                    path + ("key",),
                    f"{language.key!r} is not a key on a phone's keypad",
                    "use one of the keys 1 to 7",
                    code="bad-key",
                )
            elif language.key in keys:
                self.error(
                    path + ("key",),
                    f"key {language.key} already picks {keys[language.key]}",
                    "give each language its own key",
                    code="duplicate-key",
                )
            keys.setdefault(language.key, code)
            if language.voice is None and not isinstance(language.choose, Recording):
                self.error(
                    path + ("choose",),
                    f"{code} has no voice, so its option must be a recording",
                    "write choose: {play: recordings/...}, or give the language a voice",
                    code="no-voice",
                )
        if not any(isinstance(node, LanguageNode) for node in self.doc.nodes.values()):
            self.warning(
                ("line", "languages"),
                f"the line offers {len(line.languages)} languages but no node lets callers choose",
                "add a node of type: language, and start the line there",
                key=True,
                code="no-language-menu",
            )

    def check_dialable(self, path: Path, name: str, dialable: set[str]) -> None:
        if name in dialable or name not in self.doc.numbers:
            return
        written = self.doc.numbers[name].number
        try:
            parsed = parse_number(written)
        except NumberError:
            return  # already reported at the number itself
        if not parsed.dialable:
            kind = "an emergency number" if parsed.is_emergency else "a short number"
            self.error(
                path,
                f"{name!r} ({written}) is {kind}: the line must never connect callers to it",
                f"tell callers to hang up and dial {parsed.digits} themselves, in a message, "
                "so their location and the Silent Solution come with the call",
                code="dial-short-number",
            )

    def check_node_ref(self, path: Path, target: str | None) -> None:
        if target is None:
            return
        if target not in self.doc.nodes and target not in self.broken_nodes:
            self.error(
                path,
                f"there is no node called {target!r}",
                self.did_you_mean(target, lambda: set(self.doc.nodes) | self.broken_nodes)
                or "add it under 'nodes:', or fix the name",
                code="unknown-node",
            )

    def check_menu(self, path: Path, menu: MenuNode) -> None:
        choices_path = path + ("choices",)
        if not menu.choices:
            self.error(choices_path, "a menu needs at least one choice", code="no-choices")
        if len(menu.choices) > MAX_CHOICES:
            self.error(
                choices_path,
                f"{len(menu.choices)} choices is too many to remember",
                f"keep at most {MAX_CHOICES} (0, * and 8 are always there too); split into two menus",
                key=True,
                code="too-many-choices",
            )
        words_seen: dict[tuple[str, str], str] = {}
        reserved_words = set(rt.WORDS_REPEAT + rt.WORDS_HELPLINE + rt.WORDS_SLOWER)
        for language in self.doc.line.languages.values():
            if language.builtin_words:
                words = language.builtin_words
                reserved_words.update(" ".join(w.lower().split()) for w in words.repeat + words.helpline + words.slower)
        for key, choice in menu.choices.items():
            key_path = choices_path + (key,)
            if key in rt.RESERVED_KEYS:
                self.error(
                    key_path,
                    f"key {key} is built in: it {rt.RESERVED_KEYS[key]} on every menu",
                    "use one of the keys 1 to 7",
                    key=True,
                    code="reserved-key",
                )
            elif key not in PHONE_KEYS:
                self.error(
                    key_path,
                    f"{key!r} is not a key on a phone's keypad",
                    "use one of the keys 1 to 7",
                    key=True,
                    code="bad-key",
                )
            target = choice.go if isinstance(choice, Choice) else choice
            target_path = key_path + ("go",) if isinstance(choice, Choice) else key_path
            self.check_node_ref(target_path, target)
            if isinstance(choice, Choice):
                by_language = choice.words if isinstance(choice.words, Mapping) else {"": choice.words}
                for code in by_language:
                    if code and code not in self.languages:
                        self.error(
                            key_path + ("words", code),
                            f"{code!r} is not one of the line's languages",
                            self.did_you_mean(code, self.languages) or "declare it under line: languages:",
                            key=True,
                            code="unknown-language",
                        )
                listed = [((c, i), w) for c, words in by_language.items() for i, w in enumerate(words)]
                for (code, i), word in listed:
                    normal = " ".join(word.lower().split())
                    word_path = key_path + (("words", code, i) if code else ("words", i))
                    if not normal:
                        self.error(word_path, "an empty word can never be said", code="empty-word")
                    elif normal in reserved_words:
                        self.error(
                            word_path,
                            f"{word!r} is built in on every menu",
                            "choose another word for this choice",
                            code="reserved-word",
                        )
                    elif (code, normal) in words_seen and words_seen[code, normal] != key:
                        self.error(
                            word_path,
                            f"{word!r} is already a word for choice {words_seen[code, normal]}",
                            "each word may lead to only one choice",
                            code="duplicate-word",
                        )
                    words_seen.setdefault((code, normal), key)
        if menu.timeout is not None and menu.timeout < MIN_TIMEOUT:
            self.error(
                path + ("timeout",),
                f"a time-out of {menu.timeout} s is too short for many callers",
                f"use at least {MIN_TIMEOUT} seconds",
                code="short-timeout",
            )

    def check_message(self, path: Path, message: MessageNode) -> None:
        if message.next is None:
            self.error(
                path,
                f"dead end: after {path[-1]!r} the call would end without a way to help",
                "add 'next:' naming the node to go to, e.g. a menu that offers the helpline",
                key=True,
                code="dead-end",
            )
        self.check_node_ref(path + ("next",), message.next)

    def check_transfer(self, path: Path, transfer: TransferNode, dialable: set[str]) -> None:
        if transfer.to in self.broken_numbers:
            pass
        elif transfer.to not in self.doc.numbers:
            self.error(
                path + ("to",),
                f"no number is called {transfer.to!r}",
                self.did_you_mean(transfer.to, self.doc.numbers) or "define it under 'numbers:'",
                code="unknown-number",
            )
        else:
            self.check_dialable(path + ("to",), transfer.to, dialable)
        self.check_node_ref(path + ("if_no_answer",), transfer.if_no_answer)

    # -- texts -----------------------------------------------------------------------------
    def check_texts(self) -> None:
        line = self.doc.line
        numbers = set(self.doc.numbers) | self.broken_numbers | {"helpline"}
        for field in iter_texts(self.doc):
            path, text, extra, every_language = field.path, field.text, field.placeholders, field.every_language
            required = set(self.languages) if every_language else {line.language}
            if isinstance(text, Mapping):
                for code in text:
                    if code not in self.languages:
                        self.error(
                            path + (code,),
                            f"{code!r} is not one of the line's languages",
                            self.did_you_mean(code, self.languages) or f"use one of: {', '.join(self.languages)}",
                            key=True,
                            code="unknown-language",
                        )
                items = [(path + (code,), code, value) for code, value in text.items()]
                written = set(text)
            else:
                items = [(path, line.language, text)]
                written = {line.language}
            missing = [code for code in self.languages if code in required and code not in written]
            if missing and path[:2] == ("line", "messages") and path[2] not in self.doc.line.messages.model_fields_set:
                # A message the flow does not write: the line's built-in text. A flow written
                # before the message existed must not stop serving over it, so this warns.
                self.warning(
                    ("line", "messages") if ("line", "messages") in self.source.values else ("line",),
                    f"the line's message {path[2]!r} is not in this flow: {', '.join(missing)} callers "
                    "would hear its built-in English text",
                    f"add '{path[2]}:' under 'messages:', with a text for every language",
                    key=True,
                    code="default-message",
                )
            elif missing:
                self.error(
                    path,
                    f"no {', '.join(missing)} version of this text, and no recording",
                    f"add '{missing[0]}: ...' (a text, or {{play: recordings/...}}) under it",
                    key=True,
                    code="missing-language",
                )
            for text_path, code, value in items:
                if isinstance(value, Recording):
                    self.check_recording(text_path + ("play",), value)
                    continue
                language = line.languages.get(code)
                if language is not None and language.voice is None:
                    self.error(
                        text_path,
                        f"{code} has no voice: this text needs a recording",
                        "write {play: recordings/...} instead of text",
                        code="no-voice",
                    )
                if not value.strip():
                    self.error(
                        text_path,
                        "this text is empty: callers would hear nothing",
                        "write what callers should hear",
                        code="empty-text",
                    )
                for match in PLACEHOLDER.finditer(value):
                    name = match.group(1).strip()
                    if name in numbers or name in extra:
                        continue
                    self.error_in_text(
                        text_path,
                        match.group(0),
                        value[: match.start()].count(match.group(0)),
                        f"{{{name}}} names no number",
                        self.did_you_mean(name, numbers | set(extra))
                        or "a {name} in a text must name one of the flow's numbers",
                    )
        for code, language in line.languages.items():
            if isinstance(language.choose, Recording):
                self.check_recording(("line", "languages", code, "choose", "play"), language.choose)

    def check_recording(self, path: Path, recording: Recording) -> None:
        play = recording.play
        if play.startswith("https://"):
            return  # hosted elsewhere: Twilio fetches it; it cannot be checked from here
        if not play.startswith("recordings/") or ".." in play.split("/"):
            self.error(
                path,
                f"{play!r} is not under the flow's recordings/ folder",
                "put the file in recordings/ beside the flow file and write recordings/<file>",
                code="bad-recording",
            )
            return
        if self.base is None:
            return
        folder = (self.base / "recordings").resolve()
        real = (self.base / play).resolve()
        if not real.is_relative_to(folder) or (real.exists() and not real.is_file()):
            self.error(
                path,
                f"{play!r} is a link to a file outside the recordings/ folder, which the line does not serve",
                "copy the audio file itself into recordings/",
                code="bad-recording",
            )
            return
        try:
            audio_seconds(self.base / play)
        except AudioError as exc:
            self.error(path, str(exc), "record it again as WAV or MP3, and check the file name", code="bad-recording")

    def error_in_text(self, path: Path, needle: str, occurrence: int, message: str, hint: str) -> None:
        at = self.source.find_in_value(path, needle, occurrence) or self.source.position(path)
        self.problems.append(error(at.line, at.column, message, hint, "unknown-placeholder"))

    # -- the graph -------------------------------------------------------------------------
    def successors(self, name: str) -> list[str]:
        node = self.doc.nodes[name]
        if isinstance(node, MenuNode):
            return [c.go if isinstance(c, Choice) else c for c in node.choices.values()]
        if isinstance(node, MessageNode):
            return [node.next] if node.next else []
        if isinstance(node, LanguageNode):
            return [node.next]
        return [node.if_no_answer] if node.if_no_answer else []

    def check_graph(self) -> None:
        nodes = self.doc.nodes
        start = self.doc.line.start
        reachable: set[str] = set()
        todo = [start] if start in nodes else []
        while todo:
            name = todo.pop()
            if name in reachable:
                continue
            reachable.add(name)
            todo.extend(n for n in self.successors(name) if n in nodes)
        if start in nodes and not self.broken_nodes:
            for name in nodes:
                if name not in reachable:
                    self.warning(
                        ("nodes", name),
                        f"no caller can reach {name!r}",
                        "lead a menu choice or a 'next:' to it, or remove it",
                        key=True,
                        code="unreachable",
                    )
        # Messages that only lead to other messages, round in a circle, never let the
        # caller choose or reach help. Each message has one next, so one walk per message
        # that stops at anything already walked finds every circle: linear in the nodes.
        state: dict[str, int] = {}  # 1: on the walk under way, 2: walked before
        for name, node in nodes.items():
            if not isinstance(node, MessageNode) or name in state:
                continue
            walk: dict[str, int] = {}  # name -> its place on this walk
            current: str | None = name
            while current in nodes and isinstance(nodes[current], MessageNode) and current not in state:
                state[current] = 1
                walk[current] = len(walk)
                current = nodes[current].next
            if current in walk:
                order = list(walk)
                loop = order[walk[current] :]
                self.error(
                    ("nodes", loop[0]),
                    "these messages lead round in a circle with no way out: " + " -> ".join(loop + [loop[0]]),
                    "let one of them lead to a menu or a transfer",
                    key=True,
                    code="message-loop",
                )
            for walked in walk:
                state[walked] = 2


def check_document(
    document: FlowDocument,
    source: SourceDocument,
    broken_nodes: set[str] | None = None,
    broken_numbers: set[str] | None = None,
    base: FsPath | None = None,
) -> list[Problem]:
    return _Checker(document, source, broken_nodes or set(), broken_numbers or set(), base).run()
