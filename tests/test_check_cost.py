"""The check grows linearly with the flow: counted in function calls, not timed.

A check that walks every node once per node (reachability per message, a scan of all
names per name, a text rebuilt per message) makes twice the messages cost four times the
calls. Counting the calls the profiler sees is exact and the same on every machine, so it
catches such a change without a timed test; bench/flow_size.py measures the seconds.
"""

from __future__ import annotations

import cProfile
import pstats
import sys
from pathlib import Path

from ivr.loading import load_flow_text

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.flow_size import message_chain  # noqa: E402

LIVE_FLOW = Path(__file__).resolve().parent.parent / "call_flows.yaml"
LANGUAGES = ("en-GB", "pl-PL", "ro-RO", "vi-VN", "ar-EG")


def live_flow_with_chain(messages: int) -> str:
    """The live flow with a chain of ``messages`` messages before its first node."""
    text = LIVE_FLOW.read_text(encoding="utf-8")
    assert "  start: choose_language\n" in text, "the live flow no longer starts at choose_language: update the test"
    text = text.replace(
        "  start: choose_language\n", "  start: chain_0\n" if messages else "  start: choose_language\n"
    )
    return text + message_chain(
        messages, lambda i: f"{{{', '.join(f'{code}: Part {i}.' for code in LANGUAGES)}}}", "choose_language"
    )


def calls_to_check(text: str) -> int:
    """Function calls made by one check of ``text``, after a first check has filled the caches."""
    first = load_flow_text(text)
    assert first.errors == [], [p.format("flow") for p in first.errors[:3]]
    profile = cProfile.Profile()
    profile.enable()
    load_flow_text(text)
    profile.disable()
    return pstats.Stats(profile).total_calls


def test_twice_the_messages_cost_at_most_about_twice_the_calls():
    base = calls_to_check(live_flow_with_chain(0))
    small = calls_to_check(live_flow_with_chain(300)) - base
    large = calls_to_check(live_flow_with_chain(600)) - base
    assert small > 0
    assert large / small <= 2.1, f"300 messages: {small} calls, 600 messages: {large} calls"
