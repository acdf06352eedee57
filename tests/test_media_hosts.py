"""Recordings at https addresses play only from the hosts the operator names (IVR_MEDIA_HOSTS).

Twilio fetches such a recording during calls, so its host learns when people call and can
change what they hear without a check. The checks read no settings: every place that loads
a flow for the line hands the setting in — the server's store (in its child process too),
the console's draft checker and the ``ivr`` commands. tests/checker/recordings-on-other-hosts
shows what ``ivr check`` says with the setting empty.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import PUBLIC, TOKEN

from ivr.cli import main
from ivr.definition.allowed import Allowed
from ivr.loading import check_text_isolated, flow_version, load_flow_file, load_flow_text, load_isolated
from ivr.platform import ConfigError, Settings
from ivr.serve.store import BUILTIN
from ivr.tools.simulator import SimulatedCall, flask_transport

CASE = Path(__file__).resolve().parent / "checker" / "recordings-on-other-hosts.flow.yaml"
URL = "https://media.example.org/welcome.mp3"
FLOW = f"""\
version: 2
line:
  name: Recorded line
  start: welcome
  helpline: helpline
  language: en-GB
numbers:
  helpline: {{number: 0800 0121 700, name: the helpline}}
nodes:
  welcome:
    type: message
    say: {{en-GB: {{play: "{URL}"}}}}
    next: menu
  menu:
    type: menu
    say: For the helpline press 1, or 0.
    choices:
      "1": connect
  connect:
    type: transfer
    to: helpline
"""
REFUSED = (
    f"12:25: error: '{URL}' is on media.example.org, which the line does not play recordings from: Twilio would "
    "fetch it during calls, so that host would learn when people call\n"
    "    hint: put the file in recordings/ beside the flow file; or, if media.example.org is your own media "
    "server, name it in the setting IVR_MEDIA_HOSTS (not set now: only recordings/ play)"
)


def _errors(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [p.format("").removeprefix(":") for p in result.errors]


def test_a_recording_on_a_host_the_operator_named_passes_and_only_that_host():
    assert _errors(load_flow_text(FLOW)) == [REFUSED]
    assert _errors(load_flow_text(FLOW, allowed=Allowed.of(["media.example.org"]))) == []
    assert _errors(load_flow_text(FLOW, allowed=Allowed.of(["example.org", "other.example.org"]))) == [
        REFUSED.replace("(not set now: only recordings/ play)", "(now: example.org, other.example.org)")
    ]


def test_an_address_parsers_could_read_differently_is_refused_even_when_its_hosts_are_named():
    result = load_flow_file(CASE, allowed=Allowed.of(["media.example.org", "line.example.org", "tracker.example.com"]))
    assert _errors(result) == [
        "28:25: error: 'https://line.example.org@tracker.example.com/advice.mp3' is not a plain https address "
        "(https://host/path)\n"
        "    hint: put the file in recordings/ beside the flow file, or write https://host/path with a host named in "
        "the setting IVR_MEDIA_HOSTS (now: line.example.org, media.example.org, tracker.example.com)"
    ]


def test_the_child_process_checks_with_the_hosts_it_is_given(tmp_path):
    flow_file = tmp_path / "call_flows.yaml"
    flow_file.write_text(FLOW)
    assert _errors(load_isolated(flow_file)) == [REFUSED]
    assert load_isolated(flow_file, allowed=Allowed.of(("media.example.org",))).errors == []
    assert _errors(check_text_isolated(FLOW, tmp_path)) == [REFUSED]
    assert check_text_isolated(FLOW, tmp_path, allowed=Allowed.of(("media.example.org",))).errors == []


def test_the_setting_takes_host_names_only():
    settings = Settings.load({}, {"IVR_DEV": True, "IVR_MEDIA_HOSTS": " Media.Example.org. ,, cdn.example.net "})
    assert settings.media_hosts == ("media.example.org", "cdn.example.net")
    assert Settings.load({}, {"IVR_DEV": True}).media_hosts == ()
    with pytest.raises(ConfigError) as refused:
        Settings.load({}, {"IVR_DEV": True, "IVR_MEDIA_HOSTS": "https://media.example.org/audio"})
    assert str(refused.value) == (
        "IVR_MEDIA_HOSTS: 'https://media.example.org/audio' is not a host name. Write only host names, separated "
        "by commas, e.g. media.example.org (no https:// and no path)"
    )


def test_the_line_serves_such_a_flow_only_with_its_host_named(make_app, flow_file):
    flow_file.write_text(FLOW)
    refused = make_app(IVR_RELOAD_SECONDS=-1, IVR_STATS=False)
    assert refused.extensions["ivr"].store.live.source == BUILTIN
    app = make_app(IVR_RELOAD_SECONDS=-1, IVR_STATS=False, IVR_MEDIA_HOSTS="media.example.org")
    assert app.extensions["ivr"].store.live.source == str(flow_file)
    heard = SimulatedCall(flask_transport(app), PUBLIC, TOKEN).start()
    assert [(h.kind, h.text) for h in heard if h.kind == "play"] == [("play", URL)]


def test_the_console_checks_a_draft_with_the_lines_hosts(make_app, flow_file):
    for hosts, expected in (("", [REFUSED]), ("media.example.org", [])):
        app = make_app(IVR_RELOAD_SECONDS=-1, IVR_STATS=False, IVR_MEDIA_HOSTS=hosts)
        with app.app_context():
            assert _errors(app.extensions["ivr.drafts"].check(FLOW, "alice").result) == expected


def test_ivr_check_publish_and_rollback_use_the_setting(tmp_path, flow_file):
    flow_file.write_text(FLOW)
    environment = {"DATABASE_URL": f"sqlite:///{tmp_path / 'ivr.sqlite3'}", "IVR_FLOW_FILE": str(flow_file)}
    without = CliRunner(env=environment)
    checked = without.invoke(main, ["check", str(flow_file)])
    head, hint = REFUSED.split("\n")
    assert (checked.exit_code, checked.output) == (
        1,
        f"{flow_file}:{head} [audio-host]\n{hint}\n"
        f"{flow_file}:18:7: warning: key 1 in menu connects to the helpline, which 0 does on every menu: a person "
        "is on a different key in different menus [inconsistent-key]\n"
        "    hint: remove this choice and say 'press 0' for the helpline in the menu's words\n"
        f"{flow_file} (version {flow_version(FLOW)}): 1 error(s), 1 warning(s): it will NOT go live; the line keeps "
        "serving the last good flow ('ivr check --explain CODE' says what a [code] means)\n",
    )
    assert without.invoke(main, ["publish", str(flow_file), "-m", "recorded welcome", "--as", "amira"]).exit_code == 1
    named = CliRunner(env={**environment, "IVR_MEDIA_HOSTS": "media.example.org"})
    assert named.invoke(main, ["check", str(flow_file)]).exit_code == 0
    published = named.invoke(main, ["publish", str(flow_file), "-m", "recorded welcome", "--as", "amira"])
    assert published.exit_code == 0, published.output
    flow_file.write_text(FLOW.replace("For the helpline", "To talk to the helpline"))
    assert named.invoke(main, ["publish", str(flow_file), "-m", "clearer menu", "--as", "amira"]).exit_code == 0
    version = published.output.split()[2]
    assert without.invoke(main, ["rollback", version, "-m", "back", "--as", "ben"]).exit_code == 1
    rolled_back = named.invoke(main, ["rollback", version, "-m", "back", "--as", "ben"])
    assert rolled_back.exit_code == 0, rolled_back.output
