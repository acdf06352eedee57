"""The ivr command as operators use it."""

from __future__ import annotations

import shutil
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW, HELPLINE, PUBLIC, ROOT, TOKEN, language_menu_heard

from ivr.cli import main
from ivr.definition.builtins import is_builtin_node
from ivr.loading import load_flow_file
from ivr.tools.simulator import SimulatedCall, flask_transport


def run(*args: str, input: str | None = None):
    return CliRunner().invoke(main, list(args), input=input)


def test_check_passes_the_live_flow():
    result = run("check", str(DEFAULT_FLOW))
    assert result.exit_code == 0, result.output
    assert "no errors" in result.output and "may go live" in result.output and "version" in result.output


def test_check_lists_every_error_in_compiler_format_and_exits_1(flow_file):
    text = flow_file.read_text()
    flow_file.write_text(
        text.replace("    next: main_menu\n", "    next: main_meun\n", 1).replace(
            "    to: crimestoppers", "    to: emergency"
        )
    )
    result = run("check", str(flow_file))
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ": error: " in line]
    assert len(lines) == 2
    for line in lines:
        file, line_no, column, *_ = line.split(":")
        assert file == str(flow_file) and line_no.isdigit() and column.isdigit()
    assert "hint: did you mean 'main_menu'?" in result.output
    assert "2 error(s)" in result.output and "will NOT go live" in result.output


def test_check_exits_2_when_the_file_cannot_be_read(tmp_path):
    result = run("check", str(tmp_path / "nope.yaml"))
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_simulate_transcript_is_what_the_webhooks_return(make_app):
    # English, about slavery (a menu that waits twice), silence, star, then the helpline.
    result = run("simulate", str(DEFAULT_FLOW), "--script", "1,1,,*,0")
    assert result.exit_code == 0, result.output
    transcript = [line.split(": ", 1)[1] for line in result.output.splitlines() if line.strip().startswith("line (")]
    # The same answers given to the webhooks directly.
    call = SimulatedCall(flask_transport(make_app()), PUBLIC, TOKEN)
    call.start()
    call.press("1")
    call.press("1")
    retry = call.silence()
    call.press("*")
    call.press("0")
    assert transcript == [h.text for h in call.heard if h.kind == "say"]
    assert [h.text for h in retry] == [
        "Sorry, I did not hear a choice.",
        "If I do not hear a choice, I will connect you to the helpline.",
        "Press 0 for the helpline, 1 to hear what it can do, 2 to hear this again, 3 for the main menu.",
    ]
    assert call.dialled_number == HELPLINE
    assert f"[the line connects the call to {HELPLINE}]" in result.output


def test_simulate_refuses_a_flow_with_errors(flow_file):
    flow_file.write_text("line: [")
    result = run("simulate", str(flow_file), "--script", "1")
    assert result.exit_code == 1 and "ivr check" in result.output


def test_fallback_twiml_is_static_and_reaches_the_helpline():
    result = run("fallback-twiml", str(DEFAULT_FLOW))
    assert result.exit_code == 0
    root = ET.fromstring(result.output)
    assert [verb.tag for verb in root] == ["Say", "Say", "Dial", "Say", "Pause", "Dial", "Say", "Hangup"]
    dials = root.findall("Dial")
    for dial in dials:  # no server to call back; the Bin shows the line's own number ({{To}})
        assert dial.attrib == {"answerOnBridge": "true", "callerId": "{{To}}", "timeout": "30"}
        assert [number.text for number in dial] == [HELPLINE]
    assert root.find("Pause").attrib == {"length": "3"}
    # What a caller hears, played as Twilio plays a Bin: it cannot tell a finished transfer
    # from a failed one, so it says only what is true after either.
    call = SimulatedCall(lambda url, params, headers: (200, result.output), PUBLIC, TOKEN)
    call.start()
    call.dial_result("no-answer")
    call.dial_result("no-answer")
    number = "oh eight hundred … oh one two one … seven hundred …"
    assert [(h.kind, h.text) for h in call.heard] == [
        ("say", "If you are in danger now, hang up and dial 9 9 9."),
        ("say", "Connecting you to the helpline."),
        ("dial", HELPLINE),
        (
            "say",
            f"If you were not connected, the helpline number is {number} {number}. I will try once more now. "
            "If you have finished your call, you can hang up.",
        ),
        ("pause", "3"),
        ("dial", HELPLINE),
        (
            "say",
            "If you still need help, the Modern Slavery Helpline is free and open 24 hours a day, on "
            f"{number} {number}.",
        ),
        ("hangup", ""),
    ]


def test_graph_mermaid_shows_every_node_and_the_ways_to_help():
    result = run("graph", str(DEFAULT_FLOW), "--format", "mermaid")
    assert result.exit_code == 0
    for node in ("welcome", "main_menu", "about_slavery", "report_menu", "about_helpline", "connect_crimestoppers"):
        assert node in result.output
    assert "_helpline{{" in result.output  # the helpline box every menu reaches
    menus = [
        n
        for n in load_flow_file(DEFAULT_FLOW).flow.nodes.values()
        if n.kind in ("menu", "language") and not is_builtin_node(n.name)
    ]
    assert result.output.count("0 · silence · wrong keys") == len(menus) == 6  # one per menu
    assert "class " in result.output and " help" in result.output


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz is not installed (scripts/test installs it)")
@pytest.mark.parametrize("suffix, magic", [("svg", b"<svg"), ("png", b"\x89PNG")])
def test_graph_draws_svg_and_png(tmp_path, suffix, magic):
    out = tmp_path / f"flow.{suffix}"
    result = run("graph", str(DEFAULT_FLOW), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert magic in out.read_bytes()[:400]


def test_the_readme_picture_shows_the_live_flow():
    from support import ROOT

    picture = (ROOT / "docs" / "flow.svg").read_text()
    for node in ("main_menu", "about_slavery_menu", "report_menu", "police_menu", "about_helpline"):
        assert node in picture
    assert "docs/flow.svg" in (ROOT / "README.md").read_text()


def test_simulate_in_a_language():
    result = run("simulate", str(DEFAULT_FLOW), "--language", "pl-PL", "--script", "")
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "  line (Polski): Jeśli coś ci teraz grozi, rozłącz się i zadzwoń pod 9 9 9. W każdej chwili 0 łączy z "
        "infolinią. 9 od razu kończy rozmowę.",
        "  line (Polski): Jeśli ty lub ktoś znajomy może być ofiarą niewolnictwa, naciśnij 1. 2 to zgłoszenie "
        "anonimowe, 3 to policja, gdy nikomu nic nie grozi, a 4 to rady na wypadek zagrożenia. Z infolinią łączy "
        "0 albo czekanie na linii.",
        "  (you stay silent)",  # the main menu waits once: silence there means "stay on the line"
        "  line (Polski): Łączymy z infolinią.",
        f"  [the line connects the call to {HELPLINE}]",
        "  (end of script)",
    ]


def test_simulate_refuses_an_unknown_language():
    result = run("simulate", str(DEFAULT_FLOW), "--language", "xx-XX", "--script", "")
    assert result.exit_code == 1 and "not one of the line's languages" in result.output


def test_check_marks_each_problem_with_its_code_and_explains_a_code():
    checked = run("check", str(DEFAULT_FLOW))
    # The default flow keeps English and silent callers within issue 26's times, not yet every
    # voiced language's caller who presses 0, nor every one who stays silent after choosing.
    assert [line.rsplit(" ", 1)[-1] for line in checked.output.splitlines() if ": warning: " in line] == [
        *["[slow-to-helpline]"] * 9,
        *["[unreviewed-translation]"] * 4,
        *["[missing-recording]", "[unreviewed-translation]"] * 3,  # Albanian, Tigrinya, Somali
    ]
    explained = run("check", "--explain", "dial-short-number")
    assert explained.exit_code == 0
    assert explained.output.splitlines() == [
        "dial-short-number (error): the line would dial an emergency or short number (docs/safety.md rule 1)",
        "",
        "For example:",
        "    to: emergency   # 999",
        "Fix:",
        "    a message: 'If you are in danger now, hang up and dial 9 9 9.'",
        "",
        "An error: the flow does not go live until it is fixed; the line keeps serving the last good flow.",
    ]


def test_explaining_an_unknown_code_names_the_closest_and_exits_2():
    result = run("check", "--explain", "unknown-nod")
    assert result.exit_code == 2
    assert "'unknown-nod' is not a problem code: did you mean 'unknown-node'?" in result.output


def test_every_flow_command_reads_the_file_named_by_ivr_flow_file(tmp_path):
    missing = str(tmp_path / "missing.yaml")
    runner = CliRunner(env={"IVR_FLOW_FILE": missing})
    checked = runner.invoke(main, ["check"])
    assert (checked.exit_code, checked.output) == (
        2,
        f"{missing}:1:1: error: the file does not exist [unreadable]\n"
        "    hint: check its name and folder; to start a new line, 'ivr init' writes the default flow here\n"
        f"{missing}: cannot be read\n",
    )
    for command in ("graph", "fallback-twiml", "simulate"):
        result = runner.invoke(main, [command])
        assert result.exit_code == 1 and missing in result.output, command
    assert runner.invoke(main, ["check", str(DEFAULT_FLOW)]).exit_code == 0  # the argument wins


def test_serve_dev_passes_development_mode_to_the_app_and_leaves_the_environment(monkeypatch, tmp_path):
    import logging
    import os

    from flask import Flask

    served = []
    monkeypatch.setattr(Flask, "run", lambda app, **options: served.append(options))
    monkeypatch.setattr(logging.getLogger("werkzeug"), "handlers", [])
    for name in ("TWILIO_AUTH_TOKEN", "IVR_DEV", "IVR_PUBLIC_URL", "IVR_ALLOWED_HOSTS", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("IVR_FLOW_FILE", str(DEFAULT_FLOW))
    monkeypatch.setenv("IVR_DATABASE_FILE", str(tmp_path / "ivr.sqlite3"))
    monkeypatch.setenv("IVR_RELOAD_SECONDS", "-1")
    refused = run("serve")
    assert refused.exit_code == 1 and "Error: TWILIO_AUTH_TOKEN is not set" in refused.output
    result = run("serve", "--dev", "--port", "5099")
    assert result.exit_code == 0, result.output
    assert "To call it without a phone" in result.output
    assert served == [{"host": "127.0.0.1", "port": 5099, "debug": False, "use_reloader": False}]
    assert "IVR_DEV" not in os.environ


# -- ivr init --------------------------------------------------------------------------------------
STARTED = ("call_flows.yaml", "app.py", "gunicorn.conf.py", "Procfile")


def test_init_writes_a_new_lines_files_and_says_what_next(tmp_path):
    from ivr.definition.schema import flow_schema_text

    result = run("init", str(tmp_path / "line"))
    assert (result.exit_code, result.output.splitlines()) == (
        0,
        [
            f"wrote call_flows.yaml, app.py, gunicorn.conf.py, Procfile, call_flows.schema.json in {tmp_path / 'line'}",
            "Next: 'ivr check' checks the flow, 'ivr serve --dev' runs the line on this machine to try it (in "
            f"{tmp_path / 'line'}); for callers, run gunicorn with these files, as the README's 'Running it for "
            "real' says.",
        ],
    )
    written = sorted(path.name for path in (tmp_path / "line").iterdir())
    assert written == sorted([*STARTED, "call_flows.schema.json"])
    for name in STARTED:  # the repository's own files, as the line runs with them
        assert (tmp_path / "line" / name).read_bytes() == (ROOT / name).read_bytes(), name
    assert (tmp_path / "line" / "call_flows.schema.json").read_text(encoding="utf-8") == flow_schema_text()
    assert run("check", str(tmp_path / "line" / "call_flows.yaml")).exit_code == 0


def test_init_overwrites_nothing_and_names_every_file_in_the_way(tmp_path):
    (tmp_path / "call_flows.yaml").write_text("my live flow")
    (tmp_path / "Procfile").write_text("web: mine")
    result = run("init", str(tmp_path))
    assert (result.exit_code, result.output) == (
        1,
        f"Error: {tmp_path} already has call_flows.yaml, Procfile: nothing was written. Run ivr init in a new "
        "folder, or move those files away first\n",
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["Procfile", "call_flows.yaml"]
    assert (tmp_path / "call_flows.yaml").read_text() == "my live flow"


@pytest.mark.parametrize("flow_readable", [True, False], ids=["flow read", "flow not readable"])
def test_the_terminal_caller_names_each_language_as_a_caller_would(make_app, flow_file, monkeypatch, flow_readable):
    """'ivr call' labelled Arabic "(arb)", the code of its voice: a language is named by its
    own name from the flow, as the language menu and the console name it (by the code only
    when it cannot read the flow)."""
    from ivr.cli import calling

    app = make_app()
    monkeypatch.setattr(calling, "http_transport", lambda: flask_transport(app))
    flow = flow_file if flow_readable else flow_file.with_name("nope.yaml")
    result = run("call", "--url", PUBLIC, "--token", TOKEN, "--flow", str(flow), "--script", "5,hangup")
    assert result.exit_code == 0, result.output
    arabic = "العربية" if flow_readable else "arb"
    assert result.output.splitlines() == [
        *language_menu_heard(named=flow_readable),
        "  you press: 5",
        f"  line ({arabic}): إن كنت في خطر، أغلق الخط واطلب 9 9 9. لخط المساعدة اضغط 0 في أي وقت. للخروج فورًا اضغط 9.",
        f"  line ({arabic}): إن كنت ضحية للعبودية أو كان شخص تعرفه ضحية، اضغط 1. للإبلاغ دون اسم، 2. للشرطة دون خطر، "
        "3. لما تفعله في الخطر، 4. لخط المساعدة، 0 أو ابقَ على الخط.",
        "  [you hang up]",
    ]
