"""Translators' files: one language's texts as a PO file, the format their tools open
(Poedit, Weblate, Lokalize, OmegaT...).

Each text is one entry: ``msgctxt`` names it (``nodes.welcome.say``, as ``reviews:`` does),
``msgid`` is the source text in the line's first language, ``msgstr`` this language's text
(empty when there is none yet). The extracted comment says where callers hear it and what
its placeholders say; ``python-brace-format`` marks a text with placeholders, so tools
check them too; ``fuzzy`` marks a text no reviewer has signed off.

For a language with no voice (:mod:`ivr.definition.recorded`) the text is the script a native
speaker reads for its recording, and each entry's translator comment says where that
recording stands ("recording: not recorded yet", "recording: reviewed by … on …"), so the
file that goes to a translator also says which recordings are missing or unreviewed.
"""

from __future__ import annotations

from pathlib import Path

import polib

from ivr.definition import recorded
from ivr.definition.model import FlowDocument
from ivr.definition.reviews import ReviewState, review
from ivr.definition.source import SourceDocument
from ivr.definition.texts import placeholders_in
from ivr.translations.context import describe
from ivr.translations.flow_text import written_at

BRACE_FORMAT = "python-brace-format"
FUZZY = "fuzzy"


def po_language(code: str) -> str:
    """A PO file's Language header: ``pl_PL`` for ``pl-PL``."""
    return code.replace("-", "_")


def flow_language(header: str) -> str:
    """The flow's code for a PO file's Language header: ``pl-PL`` for ``pl_PL``."""
    return header.strip().replace("_", "-")


def export_po(
    document: FlowDocument, source: SourceDocument, code: str, filename: str, base: Path | None = None
) -> polib.POFile:
    """The PO file of one language's texts, in the order the flow file has them; ``base``: the
    flow file's folder, where a language with no voice has its recordings."""
    line = document.line
    language = line.languages[code]
    po = polib.POFile(wrapwidth=78)
    spoken = recorded.recording_notes(document, base, code) if language.voice is None else {}
    po.header = (
        f"Texts of '{line.name}' in {language.name} ({code}), to translate from {line.language}.\n"
        + (
            "This language has no Twilio voice: each text is what a native speaker reads aloud for its\n"
            "recording, and the comment on each says where its recording stands.\n"
            if language.voice is None
            else ""
        )
        + "Keep every {...} as it is written: the line fills it in. Say every number and key exactly as\n"
        "the source does (999, phone numbers, 'press 0'): a file that adds, drops or changes one is\n"
        "refused unless a reviewer accepts it. Callers hear every word before they can act, so keep\n"
        "each text about as long as its source. An entry marked fuzzy (needs work)\n"
        "has not been signed off by a reviewer yet. Bring the file back with:\n"
        f"  ivr translations import FILE --reviewer 'Your Name' {filename}"
    )
    po.metadata = {
        "Project-Id-Version": line.name,
        "Language": po_language(code),
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "X-Source-Language": po_language(line.language),
    }
    texts = review(document, code).texts
    for text in sorted(texts, key=lambda t: written_at(source, t.item)):
        item = text.item
        flags = [BRACE_FORMAT] if placeholders_in(item.source) else []
        if text.state is not ReviewState.REVIEWED and item.translation:
            flags.append(FUZZY)
        where = source.position(item.path if item.translation is not None else item.path[:-1])
        po.append(
            polib.POEntry(
                msgctxt=item.key,
                msgid=item.source,
                msgstr=item.translation or "",
                comment=describe(document, item),
                tcomment=spoken.get(item.key, ""),
                occurrences=[(filename, str(where.line))],
                flags=flags,
            )
        )
    return po


def read_po(path: str) -> polib.POFile:
    """A PO file's entries; :class:`ValueError` saying what is wrong for one that cannot be read."""
    try:
        with open(path, encoding="utf-8") as file:
            content = file.read()
    except UnicodeDecodeError:
        raise ValueError("this file is not UTF-8: save it as UTF-8 in your tool") from None
    except OSError as exc:
        raise ValueError(f"cannot be read: {exc.strerror}") from None
    try:
        return polib.pofile(content + "\n")  # with a line break, polib never takes it for a file's name
    except (OSError, ValueError) as exc:
        raise ValueError(f"this is not a PO file a translators' tool wrote: {exc}") from None
