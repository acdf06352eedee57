"""Bringing a translators' PO file back into the flow file: texts, and reviewers' sign-offs.

Only the texts that changed are rewritten, each at its own place and in its own style, so
the file's comments and layout stay as they were. Nothing is written unless every entry
can be taken: a placeholder that differs from the source, a character TwiML cannot carry
(which no reviewer can see, so none may sign it off), a text the flow does not have, or a
result that would not pass ``ivr check`` refuses the whole file, with one message per
thing to fix.

So does a translation whose numbers or keys differ from its source's (another phone
number, 999 left out, "press 9 for the helpline": :mod:`ivr.inspect.figures`), unless a
reviewer accepts that text's difference by name (``accept``, with ``reviewer``, on an entry
they sign off): the sign-off then records what was accepted.
"""

from __future__ import annotations

import copy
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

import polib

from ivr.definition.characters import NOT_IN_XML, describe
from ivr.definition.languages import family
from ivr.definition.model import FlowDocument
from ivr.definition.reviews import ReviewState, Translatable, sign_off, state_of, translatables
from ivr.definition.source import parse_yaml
from ivr.definition.texts import placeholders_in
from ivr.inspect.figure_differences import Difference, summary
from ivr.inspect.same_numbers import number_digits, text_differences
from ivr.loading import load_flow_text
from ivr.translations.flow_text import BOM, parse_document
from ivr.translations.import_writing import ImportPlan, set_value, sign, text_edit
from ivr.translations.po import FUZZY, flow_language
from ivr.translations.yaml_edit import CannotEdit, apply_edits


class ImportRefused(ValueError):
    """The file cannot be taken; nothing was written. One reason per thing to fix."""

    def __init__(self, reasons: list[str]) -> None:
        super().__init__("\n".join(reasons))
        self.reasons = reasons


@dataclass(frozen=True)
class ImportResult:
    #: The flow file's new text (the same text when nothing changed).
    text: str
    language: str
    #: The texts whose translation changed, and the texts newly signed off.
    changed: tuple[str, ...] = ()
    signed: tuple[str, ...] = ()
    #: What the operator should know although the import went through.
    notes: tuple[str, ...] = field(default=())


def import_po(
    flow_text: str,
    po: polib.POFile,
    *,
    today: str,
    reviewer: str | None = None,
    language: str | None = None,
    base: FsPath | None = None,
    flow_name: str = "the flow file",
    accept: frozenset[str] = frozenset(),
) -> ImportResult:
    """The flow text with the PO file's texts and sign-offs in it; :class:`ImportRefused`
    with every reason when it cannot be taken. ``today`` is the sign-offs' date; ``accept``
    names the texts (``nodes.welcome.say``) whose numbers or keys may differ from the source's,
    accepted by ``reviewer``."""
    bom = BOM if flow_text.startswith(BOM) else ""
    body = flow_text.removeprefix(BOM)
    source, document = parse_document(body, flow_name)
    code = _language(document, po, language)
    if accept and not reviewer:
        raise ImportRefused(
            ["--accept needs --reviewer: a difference is accepted by a named reviewer, recorded in their sign-off"]
        )
    plan = ImportPlan(source, document, code, expected=copy.deepcopy(source.data), accept=accept)
    plan.numbers = number_digits(document)
    items = {item.key: item for item in translatables(document, code)}
    seen: set[str] = set()
    for entry in (e for e in po if not e.obsolete):
        reason = _take(plan, entry, items, seen, reviewer, today)
        if reason:
            plan.refusals.append(f"{entry.msgctxt or '(no msgctxt)'} (line {entry.linenum}): {reason}")
    plan.refusals += [f"--accept {key}: this file has no such text in {code}" for key in sorted(accept - seen)]
    if not plan.refusals and plan.signed:
        sign(plan)
    if plan.refusals:
        raise ImportRefused(plan.refusals)
    if not plan.edits:
        return ImportResult(flow_text, code, notes=tuple(plan.notes))
    new_body = apply_edits(body, plan.edits)
    _same_data(new_body, plan.expected)
    notes = _checked(body, new_body, base, flow_name)
    return ImportResult(bom + new_body, code, tuple(plan.changed), tuple(plan.signed), (*plan.notes, *notes))


def _language(document: FlowDocument, po: polib.POFile, given: str | None) -> str:
    line = document.line
    header = flow_language(po.metadata.get("Language", ""))
    wanted = given or header
    if not wanted:
        raise ImportRefused(["the file does not say its language (no Language header): give --language"])
    if given and header and given.lower() != header.lower():
        raise ImportRefused([f"the file says it is in {header}, not {given}: check which file this is"])
    codes = {code.lower(): code for code in line.languages}
    code = codes.get(wanted.lower())
    same_family = [c for c in line.languages if family(c) == family(wanted) and c != line.language]
    if code is None and len(same_family) == 1:
        code = same_family[0]  # a tool that writes only the language ("pl") for pl-PL
    if code is None:
        offered = ", ".join(c for c in line.languages if c != line.language) or "none"
        raise ImportRefused([f"the flow does not offer {wanted}; it offers {offered}: add the language first"])
    if code == line.language:
        raise ImportRefused([f"{code} is the line's first language, the source of every translation"])
    return code


def _take(
    plan: ImportPlan,
    entry: polib.POEntry,
    items: dict[str, Translatable],
    seen: set[str],
    reviewer: str | None,
    today: str,
) -> str:
    """Plan one entry's edits; the reason it cannot be taken, or an empty string."""
    key = entry.msgctxt or ""
    item = items.get(key)
    if item is None:
        return f"not a text of this flow in {plan.code}: export the file again"
    if key in seen:
        return "this text is in the file twice: keep one"
    seen.add(key)
    if entry.msgid != item.source:
        return (
            f"the source text has changed since the file was exported; it now says {item.source!r}: "
            "export again and merge your translations into it (msgmerge, or your tool's 'update from POT')"
        )
    text = entry.msgstr
    if not text.strip():
        return ""  # not translated yet: the flow keeps what it has
    unsayable = NOT_IN_XML.search(text)
    if unsayable:
        return (
            f"the translation of {entry.msgid!r} has {describe(unsayable.group())} as its character "
            f"{unsayable.start() + 1}, which TwiML cannot carry: delete it, or retype the translation "
            "(translation tools often do not show it)"
        )
    wanted, written = Counter(placeholders_in(item.source)), Counter(placeholders_in(text))
    if wanted != written:
        return (
            f"its placeholders differ from the source's: the source has {_names(wanted)}, the translation "
            f"{_names(written)}; write each {{...}} exactly as the source does"
        )
    now = Translatable(item.key, item.path, item.source, text, item.field)
    found = text_differences(now, plan.document.line.language, plan.code, plan.numbers)
    accepted = summary(found, plan.document.line.language) if found else None
    signed = plan.document.reviews.get(plan.code, {}).get(key)
    if found and signed is not None and signed.accepted and state_of(now, signed) is ReviewState.REVIEWED:
        return ""  # accepted before, and neither text has changed since: nothing to take or sign
    if found and key not in plan.accept:
        return (
            f"its numbers or keys differ from the source's: it {'; it '.join(_said(found, plan))}. Correct the "
            f"translation; if the difference is right (a local number, say), a reviewer who has checked it "
            f"accepts it: --reviewer NAME --accept {key}"
        )
    if found and FUZZY in entry.flags:
        return (
            "it is marked 'needs work' (fuzzy), and a reviewer accepts a difference in numbers or keys only in a "
            "text they sign off: clear 'needs work' on it, or leave out --accept and correct the translation"
        )
    if not found and key in plan.accept:
        plan.notes.append(f"{key}: nothing to accept, its numbers and keys are the same as the source's")
    if text != item.translation:
        try:
            plan.edits.append(text_edit(plan, item, text))
        except CannotEdit as exc:
            return str(exc)
        set_value(plan.expected, item.path, text)
        plan.changed.append(key)
    unsigned = state_of(now, signed) is not ReviewState.REVIEWED or (signed is not None and signed.accepted != accepted)
    if reviewer and FUZZY not in entry.flags and unsigned:
        plan.signed[key] = sign_off(item.source, text, reviewer, today, accepted).model_dump(exclude_none=True)
    return ""


def _said(found: list[Difference], plan: ImportPlan) -> list[str]:
    return [difference.describe(plan.document.line.language) for difference in found]


def _names(placeholders: Counter[str]) -> str:
    if not placeholders:
        return "none"
    return ", ".join(f"{{{name}}}" + (f" {n} times" if n > 1 else "") for name, n in sorted(placeholders.items()))


def _same_data(new_text: str, expected: Any) -> None:
    """The edited file reads as exactly the data intended: nothing else moved."""
    source, _ = parse_yaml(new_text)
    if source is None or source.data != expected:
        raise AssertionError("the edited flow does not read back as intended: a bug in ivr translations")


def _checked(old_text: str, new_text: str, base: FsPath | None, flow_name: str) -> tuple[str, ...]:
    """Refuse a result with errors the flow did not have before; note the ones it had."""
    before = Counter((p.code, p.message) for p in load_flow_text(old_text, base).errors)
    after = load_flow_text(new_text, base).errors
    new = [p for p in after if not _seen(before, (p.code, p.message))]
    if new:
        raise ImportRefused(
            ["with these texts the flow would not pass 'ivr check':"] + [p.format(flow_name) for p in new]
        )
    if after:
        return (f"the flow still has {len(after)} error(s) from before this import: run 'ivr check {flow_name}'",)
    return ()


def _seen(before: Counter[tuple[str, str]], key: tuple[str, str]) -> bool:
    if before[key] > 0:
        before[key] -= 1
        return True
    return False
