"""Every path of the default flow, explored as a caller could take it, ends in help.

Starting from the first answer of a call, every reachable point where the line waits
(a menu, a ringing transfer) is tried with every key, silence and a few spoken answers,
and every dial result; and every key is pressed during every different thing the line
says on the way (a message, the words before a transfer, a goodbye). The line keeps no
state, so a call can be forked at any point.
"""

from __future__ import annotations

from collections import deque

from support import CRIMESTOPPERS, HELPLINE

from ivr.tools.simulator import SimulatedCall

KEYS = list("0123456789*#")
SPEECH = [
    "repeat",
    "helpline",
    "slower",
    "something nobody expects",
    "victim",
    "report",
    "police",
    "try again",
    "I am scared",
    "nine nine nine",
]
DIAL_RESULTS = ["completed", "answered", "busy", "no-answer", "failed", "canceled"]
HELP_NUMBERS = {HELPLINE, CRIMESTOPPERS}


def _position(call: SimulatedCall) -> tuple:
    waiting = call.waiting
    if waiting.kind == "gather":
        return ("gather", waiting.element.get("action"), tuple(v.element.text for v in waiting.rest))
    return ("dial", waiting.element.get("action"), call.dialled_number)


def _answers(call: SimulatedCall):
    if call.waiting_for == "gather":
        yield from ((f"press {k}", lambda c, k=k: c.press(k)) for k in KEYS)
        yield ("silence", lambda c: c.silence())
        yield from ((f"say {w}", lambda c, w=w: c.say(w)) for w in SPEECH)
    else:
        yield from ((f"dial {s}", lambda c, s=s: c.dial_result(s)) for s in DIAL_RESULTS)


def _keys_during_words(call: SimulatedCall, tried: set):
    """Every key during each thing the line said on the way here (once for each)."""
    for waiting in call.passed:
        words = (waiting.element.get("action"), tuple(h.text for h in waiting.heard))
        if words in tried:
            continue
        tried.add(words)
        node = waiting.element.get("action").split("n=")[1].split("&")[0]
        for key in KEYS:

            def act(c: SimulatedCall, waiting=waiting, key=key):
                c.passed = [waiting]
                return c.press_during(key)

            yield (f"press {key} during {node}", act)


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


def _ending(label: str, heard) -> str:
    """How the line may end a call: only after a finished transfer (saying the number),
    on the caller's quick exit (9, at a menu or during any words: not a word more), or when
    the caller presses during the goodbye (* and 8 say it again first)."""
    kinds = [h.kind for h in heard]
    text = " ".join(h.text for h in heard)
    says_the_number = "oh eight hundred" in text or "0 8 0 0" in text
    if label == "press 9" or label.startswith("press 9 during "):
        assert kinds == ["hangup"], "the quick exit says nothing"
        return "quick exit"
    if label in ("dial completed", "dial answered"):
        assert kinds == ["say", "hangup"] and says_the_number
        return label
    assert label.endswith(" during _after_call"), label
    if label in ("press * during _after_call", "press 8 during _after_call"):
        assert kinds == ["say", "hangup"] and says_the_number  # the goodbye again
    else:
        assert kinds == ["hangup"], label
    return "a key during the goodbye"


def test_every_reachable_point_of_the_default_flow_ends_in_help(new_call):
    first = new_call()
    first.start()
    seen = {_position(first)}
    queue = deque([(first, ("start",))])
    tried: set = set()
    endings = set()

    def follow(branch: SimulatedCall, heard, route) -> None:
        assert not any(h.kind == "error" for h in heard), f"error after {route}: {heard}"
        assert not branch.ran_out_of_verbs, f"the call ran out of TwiML after {route}"
        for label, act in _keys_during_words(branch, tried):
            twin = branch.fork()
            follow(twin, act(twin), route + (label,))
        if branch.ended:
            assert branch.hung_up_by_line, route
            endings.add(_ending(route[-1], heard))
            return
        position = _position(branch)
        if position not in seen:
            seen.add(position)
            queue.append((branch, route))

    follow(first, first.heard, ("start",))
    while queue:
        call, path = queue.popleft()
        assert call.waiting_for, path
        if call.waiting_for == "gather":
            assert _silence_reaches_help(call), f"silence does not reach the helpline after {path}"
        else:
            assert call.dialled_number in HELP_NUMBERS, f"dialled {call.dialled_number} after {path}"
        for label, act in _answers(call):
            branch = call.fork()
            follow(branch, act(branch), path + (label,))
    assert len(seen) > 30  # the whole flow was explored, not a corner of it
    assert len(tried) > 30  # and keys were pressed during everything it says
    assert endings == {"quick exit", "dial completed", "dial answered", "a key during the goodbye"}


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
            for message in branch.passed:  # said on the way, each listening for keys
                reached.add(message.element.get("action").split("n=")[1].split("&")[0])
            if branch.waiting_for == "gather":
                position = branch.waiting.element.get("action")
                if position not in seen:
                    seen.add(position)
                    queue.append(branch)
            elif branch.waiting_for == "dial":
                reached.add(branch.waiting.element.get("action").split("n=")[1].split("&")[0])
    # Messages are said inline with the menu after them, each in a <Gather> of its own.
    assert nodes <= reached
