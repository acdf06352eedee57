"""The statistics' charts as drawn on the server: their words are HTML text (which contrast
checkers and high-contrast modes can read), and day labels never sit on top of each other."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest

from ivr.console import charts

WORDS = re.compile(
    r'<foreignObject x="([\d.]+)" [^>]*><div xmlns="http://www.w3.org/1999/xhtml" class="([^"]+)">([^<]*)</div>'
)


def test_a_bar_charts_words_are_html_text_on_their_own_white_never_svg_text():
    drawn = charts.bars("How calls ended", [("reached the helpline", 3), ("hung up at a menu", 1)])
    assert "<text" not in drawn
    assert [(kind, words) for _, kind, words in WORDS.findall(drawn)] == [
        ("chart-words start bold", "How calls ended"),
        ("chart-words end", "reached the helpline"),
        ("chart-words start", "3"),
        ("chart-words end", "hung up at a menu"),
        ("chart-words start", "1"),
    ]


def test_a_column_chart_labels_each_week_the_last_day_and_its_highest_count():
    days = [(f"2026-11-{day:02}", day % 4) for day in range(1, 31)]
    drawn = charts.columns("Calls per day, last 30 days", days)
    assert "<text" not in drawn
    assert [words for _, _, words in WORDS.findall(drawn)] == [
        "Calls per day, last 30 days",
        "11-01",
        "11-08",
        "11-15",
        "11-22",
        "11-30",  # the 29th is not labelled: its label would sit on the 30th's
        "3",
        "0",
    ]


@pytest.mark.parametrize("days", [1, 2, 7, 8, 30, 31, 90, 365])
def test_day_labels_never_overlap_and_stay_inside_the_chart(days):
    drawn = charts.columns("Calls per day", [(f"2026-01-01+{n}", 1) for n in range(days)])
    starts = [float(x) for x, kind, _ in WORDS.findall(drawn) if kind == "chart-words start small"][:-2]  # not 3, 0
    assert len(starts) >= 1 and starts == sorted(starts)
    assert all(later - earlier >= charts.DAY_LABEL - 0.1 for earlier, later in pairwise(starts))  # x to 0.1 px
    assert starts[-1] + charts.DAY_LABEL <= charts.WIDTH
