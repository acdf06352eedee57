"""A draft of the flow as the console shows it: its problems, what it changes against the
live flow (run in a child process by :mod:`ivr.console.comparing`), and a call on it.
Checking it is :mod:`ivr.console.checking`.

A call on a draft goes through the line's real webhooks (:class:`ivr.serve.webhooks.VoiceApp`),
signed as Twilio signs, but to a copy of them in this process that serves the draft and
counts nothing. The draft never reaches a real caller: only a logged-in operator's browser
can start such a call, and only on their own draft.
"""

from __future__ import annotations

import difflib
import logging
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from urllib.parse import urlsplit

from werkzeug.test import Client
from werkzeug.wrappers import Response as WerkzeugResponse

from ivr.load import LoadResult
from ivr.runtime import flow as rt
from ivr.runtime.state import CallState
from ivr.runtime.twiml import Renderer
from ivr.serve import webhooks
from ivr.serve.answers import LineServices
from ivr.serve.store import LiveFlow
from ivr.tools.heard import heard_of
from ivr.tools.transports import Transport

#: Shown in place of the words of a part of a flow whose document Twilio could not read
#: (a flow loaded before the line refused characters XML forbids, or a hand-edited database).
NOT_TWIML = "(this part of the flow is not valid TwiML: roll back)"
#: Shown in place of the words of a part of a flow the line fails to render.
NOT_RENDERED = "(the line fails on this part of the flow, and connects callers here to the helpline: roll back)"

log = logging.getLogger("ivr.console")


def problems_of(result: LoadResult) -> list[dict[str, object]]:
    """Every problem, in the order of the text, as the editor shows it at its line."""
    return [
        {
            "line": p.line,
            "column": p.column,
            "severity": p.severity.value,
            "message": p.message,
            "hint": p.hint,
            "code": p.code,
        }
        for p in result.problems
    ]


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same", "removed", "added", or "gap" between the parts shown
    line: int  # its line number in the new text ("removed": in the old text); 0 for a gap
    text: str


def text_diff(before: str, after: str, context: int = 2) -> list[DiffLine]:
    """The lines that change, with ``context`` lines around each change, in order."""
    old, new = before.splitlines(), after.splitlines()
    shown: list[DiffLine] = []
    for group in difflib.SequenceMatcher(None, old, new, autojunk=False).get_grouped_opcodes(context):
        if shown:
            shown.append(DiffLine("gap", 0, ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                shown += [DiffLine("same", j1 + k + 1, new[j1 + k]) for k in range(j2 - j1)]
                continue
            shown += [DiffLine("removed", i + 1, old[i]) for i in range(i1, i2)]
            shown += [DiffLine("added", j + 1, new[j]) for j in range(j1, j2)]
    return shown


# -- what callers would hear ------------------------------------------------------------------
@dataclass(frozen=True)
class HeardChange:
    place: str  # the node a caller arrives at
    before: str  # what they hear there now ("" when the node is new)
    after: str  # what they would hear with the draft ("" when the node goes)


def heard_changes(
    served: LiveFlow | None, drafted: LiveFlow, limit: int | None = None
) -> list[tuple[str, list[HeardChange]]]:
    """Per language (named as operators know it), every place where a caller arriving would
    hear something else with the draft: the words of each node as the line renders them in
    that language (with each flow's own renderer, which keeps what it made), compared with
    the live flow's. Languages only one flow has are compared with nothing. ``limit``: stop
    after that many places in all (a page shows no more)."""
    live, draft = (served.flow if served else None), drafted.flow
    renderers = (served.renderer if served else None, drafted.renderer)
    changes = []
    shown = 0
    codes = list(draft.languages) + [c for c in (live.languages if live else {}) if c not in draft.languages]
    for code in codes:
        language = draft.languages.get(code) or (live.languages[code] if live else None)
        assert language is not None
        names = list(draft.nodes) + [n for n in (live.nodes if live else {}) if n not in draft.nodes]
        found = []
        for name in names:
            if limit is not None and shown + len(found) >= limit:
                break
            before = _heard(live, renderers[0], name, code)
            after = _heard(draft, renderers[1], name, code)
            if before != after:
                found.append(HeardChange(name, before, after))
        if found:
            changes.append((f"{language.name} ({code})", found))
            shown += len(found)
    return changes


def _heard(flow: rt.Flow | None, renderer: Renderer | None, node: str, language: str) -> str:
    """What a caller hears on arriving at ``node`` in ``language``, one line a verb.

    Never raises: the pages that show it (what a draft changes, an approval, a rollback)
    must work whatever the live flow is, above all when it is the one to roll back."""
    if flow is None or renderer is None or node not in flow.nodes or language not in flow.languages:
        return ""
    try:
        document = renderer.body(CallState(node, language), "")
    except Exception:
        log.exception("rendering a node for the console failed", extra={"fields": {"event": "heard-failed"}})
        return NOT_RENDERED
    return words_heard(document)


def words_heard(document: bytes) -> str:
    """The words and recordings of a TwiML document, one line a verb; :data:`NOT_TWIML`
    when the document is not XML, as Twilio would find it."""
    try:
        root = ET.fromstring(document)
    except ET.ParseError:
        return NOT_TWIML
    lines = []
    for verb in root.iter():
        heard = heard_of(verb)
        if heard is not None and heard.kind == "say":
            lines.append(heard.text)
        elif heard is not None and heard.kind == "play":
            lines.append(f"(recording {heard.text.rsplit('/', 1)[-1]})")
    return "\n".join(lines)


# -- a call tried in the browser ----------------------------------------------------------------------
class _Fixed:
    """A flow store that always serves one flow: the draft."""

    def __init__(self, live: LiveFlow) -> None:
        self.live = live


def webhooks_in_process(live: LiveFlow, line: LineServices) -> Transport:
    """Requests to the line's webhooks serving ``live`` (a draft, or the live flow), in this
    process, counted nowhere (no recorder); everything else as the line: signature, hosts,
    limits. The console's own app serves no webhooks (the line's callers have workers of
    their own), so a call tried in the browser is answered here."""
    services = LineServices(
        _Fixed(live),  # type: ignore[arg-type]
        line.validator,
        line.public_url,
        line.log_secret,
        line.max_request_bytes,
        None,
        line.allowed_hosts,
    )
    client = Client(webhooks.mount(_not_found, webhooks.VoiceApp(services)), WerkzeugResponse)

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        # Werkzeug's client takes the host from base_url only: the signature is over both.
        parts = urlsplit(url)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        response = client.post(path, base_url=f"{parts.scheme}://{parts.netloc}", data=params, headers=headers)
        return response.status_code, response.get_data(as_text=True)

    return post


def _not_found(environ: dict, start_response) -> list[bytes]:  # type: ignore[no-untyped-def, type-arg]
    start_response("404 Not Found", [("Content-Type", "text/plain")])
    return [b"Not found\n"]
