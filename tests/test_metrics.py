"""Prometheus metrics: what the line counts, who may read them, and that gunicorn's workers
are added up (prometheus_client's multiprocess mode)."""

from __future__ import annotations

import collections
import socket
import time
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from prometheus_client.parser import text_string_to_metric_families
from support import PUBLIC, TOKEN

from ivr.platform import ConfigError
from ivr.runtime import twilio as tw
from ivr.tools.simulator import SimulatedCall, flask_transport, http_transport

METRICS_TOKEN = "metrics-token-" + "0123456789abcdef" * 2
AUTHORIZED = {"Authorization": f"Bearer {METRICS_TOKEN}"}
HANDLERS = {
    "/voice": "answer",
    tw.PATH_INPUT: "input",
    tw.PATH_SILENCE: "silence",
    tw.PATH_DIALED: "dialed",
    tw.PATH_NODE: "node",
    tw.PATH_STATUS: "status",
}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a scrape, by name and labels."""
    found = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def series(found: dict, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {labels: value for (n, labels), value in found.items() if n == name}


def requests_made(*calls: SimulatedCall) -> dict[tuple[tuple[str, str], ...], float]:
    """The requests the calls sent, as the requests metric should count them."""
    counted: collections.Counter = collections.Counter()
    for call in calls:
        for url, _, status in call.requests:
            counted[(("handler", HANDLERS[urlsplit(url).path]), ("status", str(status)))] += 1
    return {labels: float(n) for labels, n in counted.items()}


def test_the_line_counts_requests_transfers_and_quick_exits_and_names_no_caller(make_app):
    app = make_app(IVR_METRICS_TOKEN=METRICS_TOKEN)
    transport = flask_transport(app)
    quick_exit = SimulatedCall(transport, PUBLIC, TOKEN)
    quick_exit.start()
    quick_exit.press("9")
    busy = SimulatedCall(transport, PUBLIC, TOKEN)
    busy.start()
    busy.press("0")
    busy.dial_result(tw.DIAL_BUSY)
    talked = SimulatedCall(transport, PUBLIC, TOKEN)
    talked.start()
    talked.press("0")
    talked.dial_result(tw.DIAL_COMPLETED)
    client = app.test_client()
    assert client.post("/voice", data={"CallSid": "CA" + "0" * 32, "From": "+447700900123"}).status_code == 403
    assert client.post("/voice/nowhere").status_code == 404

    response = client.get("/metrics", headers=AUTHORIZED)
    assert response.status_code == 200
    assert response.headers["Content-Type"].startswith("text/plain; version=")
    text = response.get_data(as_text=True)
    found = samples(text)
    assert series(found, "ivr_transfers_total") == {
        (("destination", "helpline"), ("result", "busy")): 1.0,
        (("destination", "helpline"), ("result", "connected")): 1.0,
    }
    assert series(found, "ivr_quick_exits_total") == {(): 1.0}
    assert series(found, "ivr_flow_reloads_refused_total") == {(): 0.0}
    assert series(found, "ivr_webhook_requests_total") == {
        **requests_made(quick_exit, busy, talked),
        (("handler", "answer"), ("status", "403")): 1.0,
        (("handler", "unknown"), ("status", "404")): 1.0,
    }
    answered = sum(requests_made(quick_exit, busy, talked).values()) + 2
    assert sum(series(found, "ivr_webhook_request_seconds_count").values()) == answered
    # Nothing about a caller or a call: no number, no CallSid, no hash of one. (The callers'
    # number whole: a histogram's sum of seconds, 0.0017104079995770007, once held "7700".)
    assert "7700900123" not in text and quick_exit.call_sid not in text and "CA" + "0" * 32 not in text
    assert {label for (_, labels) in found for label, _ in labels} <= {
        "handler",
        "status",
        "destination",
        "result",
        "reason",
        "language",
        "le",
    }


def test_spoken_answers_are_counted_by_the_flows_language_and_result_never_the_words(make_app):
    from twilio.request_validator import RequestValidator

    app = make_app(IVR_METRICS_TOKEN=METRICS_TOKEN)
    transport = flask_transport(app)
    english = SimulatedCall(transport, PUBLIC, TOKEN)
    english.start()
    english.press("1")  # English, by key: not a spoken answer
    english.say("repeat")  # understood
    english.say("purple elephant bicycle")  # asked again
    polish = SimulatedCall(transport, PUBLIC, TOKEN)
    polish.start()
    polish.press("8")
    polish.say("fioletowy słoń rower")  # asked again
    tried = SimulatedCall(transport, PUBLIC, TOKEN, extra_params={tw.TEST_CALL_PARAM: "1"})
    tried.start()
    tried.press("1")
    tried.say("repeat")  # the console's own test call: not counted
    url = PUBLIC + "/voice/input?n=main_menu&l=xx-XX"  # a language the flow does not have
    form = {"CallSid": "CA" + "1" * 32, tw.SPEECH_RESULT: "purple elephant bicycle", tw.CONFIDENCE: "0.9"}
    signed = {"X-Twilio-Signature": RequestValidator(TOKEN).compute_signature(url, form)}
    assert app.test_client().post(url, data=form, headers=signed).status_code == 200

    text = app.test_client().get("/metrics", headers=AUTHORIZED).get_data(as_text=True)
    assert series(samples(text), "ivr_spoken_answers_total") == {
        (("language", "en-GB"), ("result", "understood")): 1.0,
        (("language", "en-GB"), ("result", "asked-again")): 1.0,
        (("language", "pl-PL"), ("result", "asked-again")): 1.0,
        (("language", "other"), ("result", "asked-again")): 1.0,
    }
    assert "elephant" not in text and "fioletowy" not in text


def test_metrics_need_the_token_and_are_not_served_without_one(make_app):
    client = make_app(IVR_METRICS_TOKEN=METRICS_TOKEN).test_client()
    for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": METRICS_TOKEN}):
        response = client.get("/metrics", headers=headers)
        assert (response.status_code, response.headers["WWW-Authenticate"]) == (401, 'Bearer realm="metrics"')
        assert b"ivr_" not in response.data
    assert make_app().test_client().get("/metrics", headers=AUTHORIZED).status_code == 404


def test_a_short_metrics_token_or_one_reused_from_another_secret_is_refused_at_start(make_app):
    for reused in ({"IVR_METRICS_TOKEN": "short"}, {"IVR_METRICS_TOKEN": TOKEN}, {"IVR_SECRET_KEY": METRICS_TOKEN}):
        with pytest.raises(ConfigError) as refused:
            make_app(**{"IVR_METRICS_TOKEN": METRICS_TOKEN, **reused})
        assert str(refused.value).startswith("IVR_METRICS_TOKEN must be at least 32 random characters and not")


def _scrape(url: str, headers: dict[str, str] | None = None) -> dict:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=10) as answer:  # noqa: S310 (our own server)
        return samples(answer.read().decode())


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_under_gunicorn_every_scrape_adds_up_every_worker(gunicorn_server, flow_file):
    metrics_port = _free_port()
    server = gunicorn_server(
        IVR_METRICS_TOKEN=METRICS_TOKEN, IVR_METRICS_BIND=f"127.0.0.1:{metrics_port}", IVR_RELOAD_SECONDS="0.3"
    )
    # The console's master (Procfile console:) runs with the same settings beside it, and
    # leaves the private port to the line's.
    console = gunicorn_server("console", IVR_METRICS_TOKEN=METRICS_TOKEN, IVR_METRICS_BIND=f"127.0.0.1:{metrics_port}")
    assert console.process.poll() is None
    transport = http_transport()
    calls = [SimulatedCall(transport, server.url, TOKEN) for _ in range(20)]
    for call in calls:
        call.start()
    assert len(set(server.workers())) == 2
    expected = {(("handler", "answer"), ("status", "200")): 20.0}
    # Whichever worker answers the scrape, it counts both workers' requests.
    for _ in range(6):
        assert series(_scrape(server.url + "/metrics", AUTHORIZED), "ivr_webhook_requests_total") == expected
    on_the_private_port = _scrape(f"http://127.0.0.1:{metrics_port}/metrics")
    assert series(on_the_private_port, "ivr_webhook_requests_total") == expected

    flow_file.write_text("line: [\n")  # an operator's broken edit: each worker refuses it, once
    deadline = time.monotonic() + 10
    refused = {}
    while time.monotonic() < deadline:
        refused = series(_scrape(server.url + "/metrics", AUTHORIZED), "ivr_flow_reloads_refused_total")
        if refused == {(): 2.0}:
            break
        time.sleep(0.2)
    assert refused == {(): 2.0}
