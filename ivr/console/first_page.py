"""The console's first page: what an operator asks first, in that order.

1. What is live: the revision, who published it, when and why (read from the database, so a
   publish a second ago shows at once, on every server).
2. Today's calls, and whether callers are reaching the helpline (the alert).
3. One line per kind of problem the live flow has ("4 languages have texts not yet
   reviewed"), with a link to every detail; errors in the flow file on disk after them.
4. The picture of the flow, fitted to the page, with its title, and zoom buttons.
"""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

from flask import Blueprint, current_app, g, render_template, request
from markupsafe import Markup

from ivr.console import editing, proxies
from ivr.console.limits import ConsoleBusy
from ivr.console.published import published, when
from ivr.definition.formats import older_format_note
from ivr.definition.problems import CODES, Problem
from ivr.loading import MAX_FILE_BYTES, LoadResult, load_flow_file
from ivr.stats.alert import episode_since
from ivr.stats.report import summarise

#: Each kind of warning in one line an operator understands; {n}: how many there are.
PROBLEM_KINDS = {
    "unreviewed-translation": "{n} languages have texts not yet reviewed by a native speaker",
    "missing-recording": "{n} languages have no voice and no recordings yet: their callers are put straight "
    "through to the helpline",
    "slow-to-helpline": "Callers wait longer for the helpline than the line promises, in {n} cases",
    "long-prompt": "{n} menus take long to say before the first choice",
    "long-message": "{n} messages take long to say",
}


def line() -> str:
    live, served = published(), current_app.extensions["ivr"].store.live
    settings = current_app.config["IVR_SETTINGS"]
    checked = _checked(live.text)
    on_disk = _file_on_disk(settings)
    return render_template(
        "console/line.html",
        live=live,
        flow=served.flow,
        served_since=time.strftime("%Y-%m-%d %H:%M", time.localtime(served.since)),
        unreachable_since=_helpline_unreachable_since(),
        untrusted_proxy=proxies.notice().untrusted_proxy(request),
        calls_today=_calls_today(),
        problem_lines=problem_lines(checked.warnings) if checked else None,
        older_format=_older_format(checked),
        on_disk=on_disk,
        file=settings.flow_file,
        disk_is_live=on_disk is not None and on_disk.version == live.version,
        serving_revisions=current_app.extensions["ivr"].store.serving_revisions,
        picture=_picture(served.flow),
        when=when,
    )


def problems_page() -> str:
    """Every warning of the live flow in full, grouped as the first page counts them."""
    live = published()
    checked = _checked(live.text)
    return render_template(
        "console/problems.html",
        live=live,
        problems=checked.warnings if checked else None,
        kinds=problem_lines(checked.warnings) if checked else [],
    )


def problem_lines(warnings: list[Problem]) -> list[tuple[str, str]]:
    """(code, one line in words) per kind of warning, most frequent first."""
    counts = Counter(p.code for p in warnings)
    lines = []
    for code, n in counts.most_common():
        known = CODES.get(code)
        words = PROBLEM_KINDS.get(code, "{n} warning(s): " + (known.meaning if known else code))
        said = words.format(n=n)
        lines.append((code, said.replace("1 languages have", "1 language has") if n == 1 else said))
    return lines


def _older_format(checked: LoadResult | None) -> str | None:
    """The live flow is in an older format the line still reads: said once, under what needs doing."""
    if checked is None:
        return None
    note = older_format_note(checked.format, "run 'ivr flow upgrade' on the flow file and publish it")
    return f"The live flow is {note}." if note else None


def _checked(text: str) -> LoadResult | None:
    """The live text's check (kept by version in the console's checker, so it runs once)."""
    try:
        return editing.draft_checker().check(text, g.operator).result
    except ConsoleBusy:
        return None


def _calls_today() -> int | None:
    if not current_app.config["IVR_SETTINGS"].stats:
        return None
    try:
        return summarise(current_app.extensions["ivr.console"].database.engine, 1).calls
    except Exception:  # the database does not answer: the page says what it can without it
        return None


def _file_on_disk(settings) -> LoadResult | None:  # type: ignore[no-untyped-def]
    """The flow file as it is on disk, checked as a draft is: in a child process, under the
    console's limits, kept by version, so opening this page again and again costs nothing.
    A file that cannot be read, or is too large, is refused before anything parses it.
    None when the console is too busy to check it just now."""
    path = Path(settings.flow_file)
    try:
        text = path.read_text(encoding="utf-8") if path.stat().st_size <= MAX_FILE_BYTES else None
    except (OSError, UnicodeDecodeError):
        text = None
    if text is None:
        return load_flow_file(path, allowed=current_app.config["IVR_ALLOWED"])  # says why, without parsing
    try:
        return editing.draft_checker().check(text, g.operator).result
    except ConsoleBusy:
        return None


def _helpline_unreachable_since() -> str | None:
    """When the alert's episode began, if callers are not reaching the helpline now."""
    if not current_app.config["IVR_SETTINGS"].stats:  # the alert counts the call statistics
        return None
    try:
        with current_app.extensions["ivr.database"].engine.connect() as connection:
            since = episode_since(connection)
    except Exception:  # the database does not answer: the page says what it can without it
        return None
    return time.strftime("%H:%M on %d %b %Y", time.localtime(since)) if since is not None else None


def _picture(flow) -> Markup:  # type: ignore[no-untyped-def]
    """The flow's picture as inline SVG that scales to the page (its fixed size taken off,
    its viewBox kept; its words HTML, :func:`ivr.tools.picture.words_as_html`), or its
    Mermaid text when Graphviz is not installed."""
    from ivr.tools.picture import to_mermaid, to_web_page_svg

    try:
        svg = to_web_page_svg(flow)
    except Exception:
        return Markup("<pre>") + to_mermaid(flow) + Markup("</pre>")
    head, rest = svg.split(">", 1)
    for attribute in ("width", "height"):
        head = _without(head, attribute)
    return Markup(head + ' class="flow-picture">' + rest)


def _without(tag: str, attribute: str) -> str:
    start = tag.find(f' {attribute}="')
    if start < 0:
        return tag
    end = tag.index('"', start + len(attribute) + 3)
    return tag[:start] + tag[end + 1 :]


def register(bp: Blueprint) -> None:
    bp.add_url_rule("/", "line", line)  # first: the address url_for gives
    bp.add_url_rule("", "line", line)
    bp.add_url_rule("/problems", "problems", problems_page)
