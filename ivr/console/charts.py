"""Charts for the console, drawn on the server as SVG: no scripts, no CDN, readable by a
screen reader (each chart has a title, a description and the figures as text)."""

from __future__ import annotations

import re

from markupsafe import Markup, escape

WIDTH = 640
BAR = 22
LABEL = 250


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
            f'<text x="{LABEL - 8}" y="{y + 16}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{LABEL}" y="{y}" width="{length:.1f}" height="{BAR}" fill="#2e7d32"/>'
            f'<text x="{LABEL + length + 6:.1f}" y="{y + 16}">{count}</text>'
        )
    return _svg(title, height, "".join(rows), items)


def columns(title: str, items: list[tuple[str, int]]) -> Markup:
    """Vertical columns over time (calls per day), labelled every week."""
    if not items:
        return _empty(title)
    top = max(count for _, count in items) or 1
    chart_height = 160
    step = (WIDTH - 40) / len(items)
    parts = []
    for i, (label, count) in enumerate(items):
        h = chart_height * count / top
        x = 30 + i * step
        parts.append(
            f'<rect x="{x:.1f}" y="{30 + chart_height - h:.1f}" width="{max(step - 2, 1):.1f}" '
            f'height="{h:.1f}" fill="#1565c0"><title>{escape(label)}: {count}</title></rect>'
        )
        if i % 7 == 0 or i == len(items) - 1:
            parts.append(f'<text x="{x:.1f}" y="{chart_height + 48}" font-size="12">{escape(label[5:])}</text>')
    parts.append(
        f'<text x="0" y="40" font-size="12">{top}</text><text x="0" y="{30 + chart_height}" font-size="12">0</text>'
    )
    return _svg(title, chart_height + 60, "".join(parts), items)


def _svg(title: str, height: int, body: str, items: list[tuple[str, int]]) -> Markup:
    description = "; ".join(f"{label}: {count}" for label, count in items)
    # Ids unique on the page, so that a screen reader names each chart after its own title.
    chart = "chart-" + (re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "untitled")
    # In a region of its own that scrolls sideways on a narrow phone, so that the page does
    # not, and the text stays its size (a chart shrunk to 375 px would be 6 px text).
    return Markup(
        f'<div class="chart" role="region" tabindex="0" aria-label="{escape(title)}">'
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{WIDTH}" height="{height}" '
        f'viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="13" '
        f'aria-labelledby="{chart}-title {chart}-desc">'
        f'<title id="{chart}-title">{escape(title)}</title><desc id="{chart}-desc">{escape(description)}</desc>'
        f'<text x="0" y="16" font-weight="bold">{escape(title)}</text>{body}</svg></div>'
    )


def _empty(title: str, why: str) -> Markup:
    return Markup(f"<p><strong>{escape(title)}</strong>: {escape(why)}.</p>")
