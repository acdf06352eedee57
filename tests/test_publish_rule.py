"""One publish rule: publishing at once and asking for approval refuse the same texts with
the same words, because both ask :mod:`ivr.publishing.rule`."""

from __future__ import annotations

import pytest
from test_console_editing import BROKEN_TEXT, CHANGED_TEXT, LIVE_TEXT, engine_of

from ivr.loading import flow_version
from ivr.publishing import LiveChangedSince, RevisionError, history, proposals, publish, submit


@pytest.fixture
def line(make_app, flow_file):
    """The line's database with the default flow published as revision 1, and its folder."""
    engine = engine_of(make_app())
    publish(engine, LIVE_TEXT, flow_file.parent, "alice", "the first flow")
    return engine, flow_file.parent


def refusals(engine, folder, text: str, message: str, started_from: str | None) -> list[tuple[type, str, list]]:
    """What publishing ``text`` at once, then asking for its approval, were refused with."""
    refused = []
    for attempt in (
        lambda: publish(engine, text, folder, "bob", message, started_from=started_from),
        lambda: submit(engine, "bob", text, message, folder, started_from=started_from),
    ):
        with pytest.raises(RevisionError) as caught:
            attempt()
        refused.append((type(caught.value), str(caught.value), caught.value.problems))
    return refused


def test_a_text_without_a_message_is_refused_the_same_both_ways(line):
    engine, folder = line
    expected = (RevisionError, 'say why with a message: -m "what changed and why"', [])
    assert refusals(engine, folder, CHANGED_TEXT, "  ", None) == [expected, expected]


def test_a_text_with_errors_is_refused_the_same_both_ways_with_every_error(line):
    engine, folder = line
    [(kind, message, problems), second] = refusals(engine, folder, BROKEN_TEXT, "try", None)
    assert (kind, message) == (
        RevisionError,
        "the flow has 1 error(s), so it was not published: fix them ('ivr check FILE' shows them)",
    )
    line = LIVE_TEXT[: LIVE_TEXT.index("nodes:")].count("\n") + 2
    assert problems == [
        f"flow:{line}:18: error: 'nope' is not a kind of node\n    hint: use one of: menu, message, transfer, language"
    ]
    assert second == (kind, message, problems)


def test_a_text_started_before_the_last_publish_is_refused_the_same_both_ways(line):
    engine, folder = line
    started = flow_version(LIVE_TEXT)
    publish(engine, CHANGED_TEXT, folder, "carol", "a newer change")
    [live, _] = history(engine)
    expected = (
        LiveChangedSince,
        f"the live flow changed since this text was started: carol published revision 2 (version {live.version}) "
        "since. Publishing this text as it is would undo their change. Look at what changed since, then carry "
        "your change onto the live flow, or throw it away",
        [],
    )
    text = LIVE_TEXT.replace("nodes:", "# bob's note\nnodes:", 1)
    assert refusals(engine, folder, text, "mine", started) == [expected, expected]


def test_the_text_already_live_is_refused_the_same_both_ways(line):
    engine, folder = line
    expected = (RevisionError, f"this text is already live (version {flow_version(LIVE_TEXT)}): nothing to publish", [])
    assert refusals(engine, folder, LIVE_TEXT, "again", flow_version(LIVE_TEXT)) == [expected, expected]
    assert [r.number for r in history(engine)] == [1]
    assert proposals(engine) == []
