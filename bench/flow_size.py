"""How the line grows with the size of its flow: 100, 1,000 and 10,000 nodes.

    .venv/bin/python bench/flow_size.py            # everything below
    .venv/bin/python bench/flow_size.py --chains   # only how the check grows with a chain

For each size it generates a flow (menus of three choices, each with a message and a
transfer, in two languages), then prints: the time to load and check it (YAML, model,
checks, compile, lints — everything `ivr check` and a reload do) and the memory that
takes, and the time to serve one webhook request from the running app (signed, parsed,
decided, rendered — first without, then with the TwiML cache warm), as a ratio of the
100-node flow's. Targets: 10,000 nodes checked in under 2 s; serving cost within 1.2x
of the 100-node flow's.

Then it checks chains of 1,000 and 2,000 messages (median of several runs each) and prints
how much longer the longer takes: a check that grows linearly takes about twice as long;
more than :data:`CHAIN_RATIO_TARGET` times means something in it grows faster than the flow.
"""

from __future__ import annotations

import gc
import io
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from twilio.request_validator import RequestValidator  # noqa: E402

from ivr import create_app  # noqa: E402
from ivr.loading import load_flow_text  # noqa: E402

TOKEN = "bench-token"
SIZES = (100, 1_000, 10_000)
CHAIN_SIZES = (1_000, 2_000)
CHAIN_REPEATS = 7
#: Checking twice the messages may take at most this many times as long (2.0 is linear).
CHAIN_RATIO_TARGET = 2.3


def generate(nodes: int) -> str:
    """A flow of about ``nodes`` nodes: a chain of menus, each with a message and a transfer."""
    menus = max(1, nodes // 3)
    out = [
        "line:\n  name: Generated\n  start: menu_0\n  helpline: helpline\n  language: en-GB\n  languages:\n",
        "    en-GB: {name: English, key: '1', choose: For English press 1., voice: Polly.Amy, reviewed: true}\n",
        "    pl-PL: {name: Polski, key: '2', choose: Po polsku naciśnij 2., voice: Polly.Ewa, reviewed: true}\n",
        "  messages:\n",
    ]
    for message in (
        "danger",
        "no_input",
        "invalid",
        "keys",
        "last_try",
        "to_helpline",
        "no_answer",
        "try_again",
        "other_number",
        "after_call",
    ):
        placeholder = {
            "keys": " {keys}",
            "no_answer": " {number}",
            "other_number": " {other_name}",
            "to_helpline": " {helpline}",
            "after_call": " {helpline}",
        }.get(message, "")
        out.append(
            f"    {message}: {{en-GB: 'Text {message}.{placeholder}', pl-PL: 'Tekst {message}.{placeholder}'}}\n"
        )
    out.append("numbers:\n  helpline:\n    number: 0800 0121 700\n    name: {en-GB: the helpline, pl-PL: infolinia}\n")
    out.append("  crimestoppers:\n    number: 0800 555 111\n    name: {en-GB: Crimestoppers, pl-PL: Crimestoppers}\n")
    out.append("nodes:\n")
    for i in range(menus):
        following = f"menu_{i + 1}" if i + 1 < menus else "menu_0"
        out.append(
            f"  menu_{i}:\n    type: menu\n"
            f"    say: {{en-GB: 'Menu {i}. For information press 1. For the next menu press 2. For help press 3.',"
            f" pl-PL: 'Menu {i}. Informacje 1. Dalej 2. Pomoc 3.'}}\n"
            f"    choices:\n"
            f"      '1': {{go: info_{i}, words: {{en-GB: [information {i}], pl-PL: [informacje {i}]}}}}\n"
            f"      '2': {following}\n"
            f"      '3': connect_{i}\n"
            f"  info_{i}:\n    type: message\n"
            f"    say: {{en-GB: 'Information number {i}. Call {{helpline}}.',"
            f" pl-PL: 'Informacja {i}. {{helpline}}.'}}\n"
            f"    next: menu_{i}\n"
            f"  connect_{i}:\n    type: transfer\n    to: helpline\n"
            f"    say: {{en-GB: 'Connecting. {{helpline}}.', pl-PL: 'Łączę. {{helpline}}.'}}\n"
        )
    return "".join(out)


def generate_chain(messages: int) -> str:
    """The flow above with one long chain of messages in front of its first menu: the shape
    that made the old message-loop check cubic (4,000 messages took 141 s)."""
    base = generate(99).replace("  start: menu_0", "  start: chain_0")
    return base + message_chain(messages, lambda i: f"{{en-GB: 'Part {i}.', pl-PL: 'Część {i}.'}}", "menu_0")


def message_chain(messages: int, say: Callable[[int], str], then: str) -> str:
    """Nodes ``chain_0`` to ``chain_{messages - 1}`` for the end of a flow's ``nodes:``, each a
    message saying ``say(i)`` (YAML) and leading to the next, the last to ``then``. Shared with
    tests/test_check_cost.py, which counts the calls the same chain costs the live flow."""
    return "".join(
        f"  chain_{i}:\n    type: message\n    say: {say(i)}\n"
        f"    next: {f'chain_{i + 1}' if i + 1 < messages else then}\n"
        for i in range(messages)
    )


def generate_dangling(references: int) -> str:
    """A flow whose menus point at thousands of nodes that do not exist: each is an error
    with a "did you mean", which compared every name with every other (19 s for 4,000)."""
    return generate(references).replace("go: info_", "go: inf_")


def load_figures(text: str) -> tuple[float, float, int]:
    """Seconds to load and check (best of three), peak MiB doing it, and the number of nodes.

    Memory is measured in a separate run: tracing allocations slows loading several times.
    """
    seconds = []
    for _ in range(3):
        gc.collect()
        started = time.perf_counter()
        result = load_flow_text(text)
        seconds.append(time.perf_counter() - started)
    assert result.flow is not None, [p.format("generated") for p in result.errors[:5]]
    gc.collect()
    tracemalloc.start()
    load_flow_text(text)
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return min(seconds), peak, len([n for n in result.flow.nodes if not n.startswith("_")])


def check_seconds(text: str, repeats: int) -> float:
    """Median seconds to check ``text`` as `ivr check` does (load, model, checks, compile,
    lints), after one run that warms the caches every check shares (vocabularies, regexes)."""
    load_flow_text(text)
    seconds = []
    for _ in range(repeats):
        gc.collect()
        started = time.perf_counter()
        load_flow_text(text)
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


def chain_growth() -> None:
    """How the check grows with a chain of messages: 1,000 then 2,000, and their ratio."""
    medians = {}
    for messages in CHAIN_SIZES:
        medians[messages] = check_seconds(generate_chain(messages), CHAIN_REPEATS)
        print(f"a chain of {messages:,} messages: checked in {medians[messages]:.3f} s (median of {CHAIN_REPEATS})")
    small, large = CHAIN_SIZES
    ratio = medians[large] / medians[small]
    verdict = "met" if ratio <= CHAIN_RATIO_TARGET else "NOT met"
    print(f"{large:,} vs {small:,} messages: {ratio:.2f}x (target at most {CHAIN_RATIO_TARGET}x: {verdict})")


def serving_microseconds(flow_file: Path, menus: int, warm: bool) -> float:
    """Median time to serve a signed webhook request (a key pressed at a menu) in-process."""
    app = create_app(
        {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_STATS": False,
            "IVR_FLOW_FILE": str(flow_file),
            "IVR_LOG_LEVEL": "WARNING",
            "IVR_RELOAD_SECONDS": -1,
            "IVR_ALLOWED_HOSTS": "127.0.0.1",
        },
        environ={},
    )
    validator = RequestValidator(TOKEN)
    requests = []
    for i in range(0, menus, max(1, menus // 200)):
        query = f"n=menu_{i}&l=en-GB"
        params = {"CallSid": f"CA{i:032d}", "Digits": "2", "From": "+447700900123", "To": "+441234567890"}
        signature = validator.compute_signature(f"http://127.0.0.1/voice/input?{query}", params)
        body = urlencode(params).encode()
        requests.append((query, body, signature))

    def serve(query: str, body: bytes, signature: str) -> None:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": "/voice/input",
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "HTTP_HOST": "127.0.0.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(body),
            "CONTENT_LENGTH": str(len(body)),
            "CONTENT_TYPE": "application/x-www-form-urlencoded",
            "HTTP_X_TWILIO_SIGNATURE": signature,
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.errors": sys.stderr,
        }
        statuses = []
        b"".join(app(environ, lambda status, headers: statuses.append(status)))
        assert statuses == ["200 OK"], statuses

    if warm:
        for request in requests:
            serve(*request)
    timings = []
    for request in requests:
        started = time.perf_counter()
        serve(*request)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings) * 1e6


def main() -> None:
    if "--chains" in sys.argv[1:]:
        chain_growth()
        return
    print(
        f"{'nodes':>7} {'file KiB':>9} {'load+check s':>13} {'peak MiB':>9} "
        f"{'serve us (cold)':>16} {'serve us (warm)':>16} {'warm vs 100':>12}"
    )
    first_warm = None
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            text = generate(size)
            seconds, peak, nodes = load_figures(text)
            flow_file = Path(folder) / f"flow_{size}.yaml"
            flow_file.write_text(text)
            cold = serving_microseconds(flow_file, size // 3, warm=False)
            warm = serving_microseconds(flow_file, size // 3, warm=True)
            first_warm = first_warm or warm
            print(
                f"{nodes:>7} {len(text.encode()) / 1024:>9.0f} {seconds:>13.3f} {peak:>9.1f} "
                f"{cold:>16.0f} {warm:>16.0f} {warm / first_warm:>11.2f}x"
            )
        for label, text in (
            ("a chain of 4,000 messages", generate_chain(4_000)),
            ("a chain of 10,000 messages", generate_chain(10_000)),
            ("3,333 references to missing nodes", generate_dangling(10_000)),
        ):
            started = time.perf_counter()
            result = load_flow_text(text)
            seconds = time.perf_counter() - started
            print(f"{label}: checked in {seconds:.3f} s ({len(result.errors)} errors, {len(text) / 1024:.0f} KiB)")
    chain_growth()
    print("\ntargets: 10,000 nodes of any shape checked in under 1 s; warm serving within 1.2x of the 100-node flow's")


if __name__ == "__main__":
    main()
