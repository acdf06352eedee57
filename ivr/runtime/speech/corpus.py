"""The project's speech corpus: what callers say at each menu of the default flow, as a phone
recogniser returns it, labelled with every place a careful operator would accept.

The files (``corpus/<language>.yaml`` beside this module) ship with the package because the
line learns from them when a flow is loaded. One utterance in five is **held out**
(:func:`held_out`, chosen by a hash of the language, the menu and the words, so the split is
the same on every machine and nobody picks it): the line never learns from it and nobody
tunes on it; ``bench/understanding.py`` measures on it. Utterances marked ``split: train``
(what the line's earlier keyword rules were written against) are always learned from.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from ivr.definition.builtins import LINE_MENU_PREFIXES
from ivr.runtime.normalise import fold

FOLDER = Path(__file__).resolve().parent / "corpus"
#: Categories of someone in danger now (not "say the danger advice again", also "danger").
DANGER_NOW = frozenset({"danger-implicit", "danger-explicit", "emergency-number"})
#: PyYAML's safe loader in C where libyaml is there (a sixth of the time for 7,000 entries),
#: else in Python: safe either way.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
#: The label of an utterance that should be asked again: noise, half a word, "hello?".
ASK_AGAIN = "none"
#: The corpus's name for the line's own menu after a transfer that did not connect.
TRANSFER_FAILED = "transfer_failed"


@dataclass(frozen=True)
class Utterance:
    """One thing a caller said at one menu, and every place an operator would accept."""

    language: str
    menu: str
    say: str
    accept: frozenset[str]
    category: str = ""
    dialect: str = ""
    #: Always learned from, never held out (``split: train``): what the line's earlier rules
    #: were written against, so that what worked keeps working.
    pinned: bool = False

    @property
    def is_danger(self) -> bool:
        return self.category in DANGER_NOW


def menu_of(node: str) -> str:
    """The corpus's name for a flow's menu: the node's own name, or ``transfer_failed`` for
    the line's menus after a busy, unanswered or failed transfer (``_busy:…``,
    ``_no_answer:…``, ``_failed:…``), which the corpus records as one."""
    return TRANSFER_FAILED if node.startswith(LINE_MENU_PREFIXES) else node


def held_out(utterance: Utterance) -> bool:
    """One utterance in five, chosen by a hash: the same on every machine and every run
    (never one pinned to the training part)."""
    if utterance.pinned:
        return False
    key = f"{utterance.language}\0{utterance.menu}\0{fold(utterance.say)}".encode()
    return hashlib.sha256(key).digest()[0] % 5 == 0


@cache
def read(folder: Path = FOLDER) -> tuple[Utterance, ...]:
    """Every utterance of every language's file, in file order. Read once per process: the
    files are part of the installed package and do not change while it runs."""
    found: list[Utterance] = []
    for path in sorted(folder.glob("*.yaml")):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
        for item in data["utterances"]:
            found.append(
                Utterance(
                    data["language"],
                    item["menu"],
                    item["say"],
                    frozenset(item["accept"]),
                    item.get("category", ""),
                    item.get("dialect", ""),
                    item.get("split") == "train",
                )
            )
    return tuple(found)


@cache
def training_part(folder: Path = FOLDER) -> tuple[Utterance, ...]:
    """What the line learns from: everything but the held-out fifth. Kept, like :func:`read`:
    each language's model asks for it, and choosing it folds every utterance's words."""
    return tuple(u for u in read(folder) if not held_out(u))


@cache
def version(folder: Path = FOLDER) -> str:
    """A digest of the corpus files: a model learned from other files is another model."""
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]
