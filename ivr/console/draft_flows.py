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
from dataclasses import dataclass
from urllib.parse import urlsplit

from werkzeug.test import Client
from werkzeug.wrappers import Response as WerkzeugResponse

from ivr.console.word_changes import Marked, marked_words
from ivr.loading import LoadResult
from ivr.runtime import flow as rt
from ivr.serve import webhooks
from ivr.serve.answers import LineServices
from ivr.serve.store import LiveFlow
from ivr.tools.heard_places import (  # noqa: F401 (NOT_RENDERED, NOT_TWIML, words_heard: as the console knows them)
    NOT_RENDERED,
    NOT_TWIML,
    HeardPlace,
    heard_places,
    words_heard,
)
from ivr.tools.transports import Transport


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
    where: str  # the place, as a person reads it: "Main menu: the question"
    before: str  # what callers hear there now ("" when the place is new)
    after: str  # what they would hear with the draft ("" when the place goes)
    spoken_in: str  # the language code of the words
    #: The words of each side with the removed (before) and added (after) ones marked;
    #: empty when one side is empty, as there is nothing to mark against.
    before_marked: tuple[Marked, ...] = ()
    after_marked: tuple[Marked, ...] = ()


@dataclass(frozen=True)
class HeardLanguage:
    code: str
    name: str  # as the language calls itself: "Polski"
    changes: list[HeardChange]


def heard_changes(served: LiveFlow | None, drafted: LiveFlow, limit: int | None = None) -> list[HeardLanguage]:
    """Per language, every place where a caller would hear something else with the draft
    (:func:`ivr.tools.heard_places.heard_places`), with the words that change marked.
    Languages only one flow has are compared with nothing. ``limit``: stop after that many
    places in all (a page shows no more)."""
    live, draft = (served.flow if served else None), drafted.flow
    changes = []
    shown = 0
    codes = list(draft.languages) + [c for c in (live.languages if live else {}) if c not in draft.languages]
    for code in codes:
        language = draft.languages.get(code) or (live.languages[code] if live else None)
        assert language is not None
        was = _places(live, code)
        now = _places(draft, code)
        found = []
        for key in list(now) + [k for k in was if k not in now]:
            if limit is not None and shown + len(found) >= limit:
                break
            before, after = was.get(key), now.get(key)
            said_before, said_after = (before.words if before else ""), (after.words if after else "")
            if said_before != said_after:
                shown_place = after or before
                assert shown_place is not None
                marked = marked_words(said_before, said_after) if said_before and said_after else ((), ())
                found.append(HeardChange(shown_place.where, said_before, said_after, shown_place.spoken_in, *marked))
        if found:
            changes.append(HeardLanguage(code, language.name, found))
            shown += len(found)
    return changes


def _places(flow: rt.Flow | None, code: str) -> dict[tuple[str, str], HeardPlace]:
    if flow is None or code not in flow.languages:
        return {}
    return {place.key: place for place in heard_places(flow, code)}


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
