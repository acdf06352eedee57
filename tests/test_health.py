"""GET /health: what a load balancer or monitor needs, with no login and nothing secret."""

from __future__ import annotations

import json
import urllib.request


def test_health_says_the_live_flow_the_database_and_the_age_of_the_last_reload_check(app, client):
    store = app.extensions["ivr"].store
    store.check_now()
    response = client.get("/health")
    assert response.status_code == 200
    body = response.get_json()
    assert 0 <= body.pop("seconds_since_reload_check") < 5
    assert body == {
        "status": "serving",
        "flow": {"version": store.live.flow.version, "source": "the flow file"},
        "database": "answers",
    }


def test_a_database_that_does_not_answer_is_reported_and_calls_are_still_served(make_app, tmp_path):
    app = make_app(IVR_DATABASE_FILE=str(tmp_path / "no such folder" / "ivr.sqlite3"))
    app.extensions["ivr"].store.check_now()
    response = app.test_client().get("/health")
    assert response.status_code == 200
    assert response.get_json()["database"] == "does not answer"
    assert response.get_json()["status"] == "serving"


def test_health_needs_no_login_and_names_no_path_under_gunicorn(gunicorn_server, flow_file):
    server = gunicorn_server()
    with urllib.request.urlopen(server.url + "/health", timeout=10) as answer:  # noqa: S310 (our own server)
        status, text = answer.status, answer.read().decode()
    body = json.loads(text)
    assert status == 200 and body["status"] == "serving" and body["database"] == "answers"
    assert str(flow_file.parent) not in text and "token" not in text.lower()
