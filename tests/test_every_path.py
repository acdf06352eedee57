"""Every path of the default flow, explored as a caller could take it, ends in help.

Starting from the first answer of a call, every reachable point where the line waits
(a menu, a ringing transfer) is tried with every key, silence and a few spoken answers,
and every dial result. The line keeps no state, so a call can be forked at any point.
"""

from __future__ import annotations

from collections import deque

from conftest import CRIMESTOPPERS, HELPLINE

from ivr.caller import SimulatedCall

KEYS = list("0123456789*#")
SPEECH = ["repeat", "helpline", "slower", "something nobody expects", "victim", "report", "police", "try again"]
DIAL_RESULTS = ["completed", "answered", "busy", "no-answer", "failed", "canceled"]
HELP_NUMBERS = {HELPLINE, CRIMESTOPPERS}


def _position(call: SimulatedCall) -> tuple:
    waiting = call.waiting
    if waiting.kind == "gather":
        return ("gather", waiting.element.get("action"), tuple(v.text for v in waiting.rest))
    return ("dial", waiting.element.get("action"), call.dialled_number)


def _answers(call: SimulatedCall):
    if call.waiting_for == "gather":
        yield from ((f"press {k}", lambda c, k=k: c.press(k)) for k in KEYS)
        yield ("silence", lambda c: c.silence())
        yield from ((f"say {w}", lambda c, w=w: c.say(w)) for w in SPEECH)
    else:
        yield from ((f"dial {s}", lambda c, s=s: c.dial_result(s)) for s in DIAL_RESULTS)


def _silence_reaches_help(call: SimulatedCall) -> bool:
    """From here, a caller who does nothing at all is connected to the helpline."""
    call = call.fork()
    for _ in range(20):
        if call.waiting_for == "dial":
            return call.dialled_number == HELPLINE
        if call.waiting_for != "gather":
            return False
        call.silence()
    return False


def test_every_reachable_point_of_the_default_flow_ends_in_help(new_call):
    first = new_call()
    first.start()
    seen = {_position(first)}
    queue = deque([(first, ("start",))])
    endings = set()
    while queue:
        call, path = queue.popleft()
        assert call.waiting_for, path
        if call.waiting_for == "gather":
            assert _silence_reaches_help(call), f"silence does not reach the helpline after {path}"
        else:
            assert call.dialled_number in HELP_NUMBERS, f"dialled {call.dialled_number} after {path}"
        for label, act in _answers(call):
            branch = call.fork()
            heard = act(branch)
            route = path + (label,)
            assert not any(h.kind == "error" for h in heard), f"error after {route}: {heard}"
            assert not branch.ran_out_of_verbs, f"the call ran out of TwiML after {route}"
            if branch.ended:
                # The line hangs up only after a finished transfer or on the caller's quick exit.
                assert branch.hung_up_by_line
                assert label in ("press 9", "dial completed", "dial answered"), route
                if label != "press 9":
                    text = " ".join(h.text for h in heard)
                    assert "oh eight hundred" in text or "0 8 0 0" in text
                else:
                    assert [h.kind for h in heard] == ["hangup"], "the quick exit says nothing"
                endings.add(label)
                continue
            position = _position(branch)
            if position not in seen:
                seen.add(position)
                queue.append((branch, route))
    assert len(seen) > 30  # the whole flow was explored, not a corner of it
    assert endings == {"press 9", "dial completed", "dial answered"}


def test_every_node_of_the_default_flow_is_reached(app, new_call):
    live = app.extensions["ivr"].store.live
    nodes = {name for name in live.flow.nodes if not name.startswith("_")}
    reached = set()
    first = new_call()
    first.start()
    queue = deque([first])
    seen = set()
    while queue:
        call = queue.popleft()
        for url, _, _ in call.requests:
            if "n=" in url:
                reached.add(url.split("n=")[1].split("&")[0])
        for key in "12345":
            if call.waiting_for != "gather":
                break
            branch = call.fork()
            branch.press(key)
            if branch.waiting_for == "gather":
                position = branch.waiting.element.get("action")
                if position not in seen:
                    seen.add(position)
                    queue.append(branch)
            elif branch.waiting_for == "dial":
                reached.add(branch.waiting.element.get("action").split("n=")[1].split("&")[0])
    # Message nodes are said inline with the menu after them; menus and transfers have URLs.
    menus_and_transfers = {n for n in nodes if live.flow.nodes[n].kind != "message"}
    assert menus_and_transfers <= reached
