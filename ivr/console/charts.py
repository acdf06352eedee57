"""Charts for the console, drawn on the server as SVG: no scripts, no CDN, readable by a
screen reader (each chart has a title, a description and the figures as text).

The words in a chart are HTML inside the SVG (``foreignObject``), on a white of their own
(``.chart-words`` in console.css), not SVG ``<text>``: a browser's high-contrast mode recolours
HTML text but not SVG text, and axe-core can measure the contrast of HTML text only; it
leaves every SVG text "to review" (dequelabs/axe-core#1819).
"""

from __future__ import annotations

import math
import re

from markupsafe import Markup, escape

WIDTH = 640
BAR = 22
LABEL = 250
#: Room for a day's label under the columns ("12-07" at 12 px is about 32 px wide).
DAY_LABEL = 40


def bars(title: str, items: list[tuple[str, int]], empty: str = "no calls yet") -> Markup:
    """Horizontal bars: one a row, the label on the left, the count at the end; ``empty``
    says why there is nothing to draw."""
    if not items:
        return _empty(title, empty)
    top = max(count for _, count in items) or 1
    height = 30 + len(items) * (BAR + 8)
    rows = []
    for i, (label, count) in enumerate(items):
        y = 30 + i * (BAR + 8)
        length = (WIDTH - LABEL - 60) * count / top
        rows.append(
            _words(0, y + 2, LABEL - 8, label, align="end")
            + f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{BAR}" fill="#2e7d32"/>'
            + _words(LABEL + length + 6, y + 2, WIDTH - LABEL - length - 6, str(count))
        )
    return _svg(title, height, "".join(rows), items)


def columns(title: str, items: list[tuple[str, int]]) -> Markup:
    """Vertical columns over time (calls per day), labelled every week (every few weeks
    when the days are too narrow for a label each week) and on the last day."""
    if not items:
        return _empty(title)
    top = max(count for _, count in items) or 1
    chart_height = 160
    step = (WIDTH - 40) / len(items)
    last = len(items) - 1
    # Every week's first day, or every few weeks' when days are narrow, and the last day;
    # never two labels on top of each other.
    every = 7 * math.ceil(DAY_LABEL / (7 * step))
    label_at = [min(30 + i * step, WIDTH - DAY_LABEL) for i in range(len(items))]  # inside the chart
    labelled = {i for i in range(0, last, every) if label_at[last] - label_at[i] >= DAY_LABEL} | {last}
    parts = []
    for i, (label, count) in enumerate(items):
        h = chart_height * count / top
        x = 30 + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{30 + chart_height - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#1565c0"><title>{escape(label)}: {count}</title></rect>'
        )
        if i in labelled:
            parts.append(_words(label_at[i], chart_height + 36, DAY_LABEL, label[5:], small=True))
    parts.append(_words(0, 30, 28, str(top), small=True) + _words(0, 18 + chart_height, 28, "0", small=True))
    return _svg(title, chart_height + 60, "".join(parts), items)


def _svg(title: str, height: int, body: str, items: list[tuple[str, int]]) -> Markup:
    description = "; ".join(f"{label}: {count}" for label, count in items)
    # Ids unique on the page, so that a screen reader names each chart after its own title.
    chart = "chart-" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "untitled")
    # In a region of its own that scrolls sideways on a narrow phone, so that the page does
    # not, and the text stays its size (a chart shrunk to a 390 px phone would be 7 px text).
    return Markup(
        f'<div class="chart" role="region" tabindex="0" aria-label="{escape(title)}">'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" '
        f'aria-labelledby="{chart}-title {chart}-desc">'
        f'<title id="{chart}-title">{escape(title)}</title><desc id="{chart}-desc">{escape(description)}</desc>'
        f"{_words(0, 0, WIDTH, title, bold=True)}{body}</svg></div>"
    )


def _words(
    x: float, y: float, width: float, words: str, align: str = "start", *, small: bool = False, bold: bool = False
) -> str:
    """``words`` in a box ``width`` wide whose top left is at (x, y): 13 px, or 12 px if
    ``small``, aligned to its ``start`` or ``end``."""
    kind = " ".join(["chart-words", align] + ["small"] * small + ["bold"] * bold)
    return (
        f'<foreignObject x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{18 if small else 20}">'
        f'<div xmlns="http://www.w3.org/1999/xhtml" class="{kind}">{escape(words)}</div></foreignObject>'
    )


def _empty(title: str, why: str) -> Markup:
    return Markup(f"<p><strong>{escape(title)}</strong>: {escape(why)}.</p>")
