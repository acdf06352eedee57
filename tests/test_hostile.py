"""Hostile and broken input: random webhook requests and random flow files.

Every signed request gets well-formed TwiML that leads to help; every unsigned one gets
403; the checker never crashes and points every problem inside the file; a flow it
accepts never has a dead end.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import CRIMESTOPPERS, DEFAULT_FLOW, HELPLINE, PUBLIC, TOKEN
from twilio.request_validator import RequestValidator

from ivr.loading import load_flow_text
from ivr.runtime import flow as rt

HELP_NUMBERS = {HELPLINE, CRIMESTOPPERS}
PATHS = [
    "/voice",
    "/voice/node",
    "/voice/input",
    "/voice/silence",
    "/voice/dialed",
    "/voice/fallback",
    "/voice/fallback/dialed",
    "/voice/fallback/key",
]
PARAM_NAMES = [
    "CallSid",
    "From",
    "To",
    "Caller",
    "Digits",
    "SpeechResult",
    "Confidence",
    "DialCallStatus",
    "CallStatus",
    "ErrorCode",
    "AccountSid",
    "Unknown",
]
NODE_NAMES = [
    "main_menu",
    "choose_language",
    "welcome",
    "_helpline",
    "_after_call",
    "_quick_exit",
    "_no_answer:connect_helpline",
    "_busy:connect_helpline",
    "_failed:connect_helpline",
    "_transfer:crimestoppers",
    "_busy:_transfer:crimestoppers",
    "connect_helpline",
    "danger",
    "no_such_node",
    "../../etc",
    "<script>",
    "",
]
text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=300)
values = st.one_of(
    text,
    st.sampled_from(
        [
            "",
            "1",
            "0",
            "9",
            "*",
            "#",
            "12",
            "a",
            "helpline",
            "completed",
            "busy",
            "+447700900123",
            "+441234567890",
            "sip:line@example.org",
            "0.1",
            "x" * 10_000,
            "\x00\x01\x1f",
            "مساعدة",
            "1 or 1=1",
        ]
    ),
)
queries = st.fixed_dictionaries(
    {},
    optional={
        "n": st.one_of(st.sampled_from(NODE_NAMES), text),
        "l": st.sampled_from(["en-GB", "pl-PL", "ar-EG", "xx", ""]),
        "s": st.sampled_from(["0", "1", "2", "5", "99", "-1", "x", "9999999"]),
        "i": st.sampled_from(["0", "1", "2", "99", "-3", "1e9"]),
        "e": st.sampled_from(["", "silence", "invalid", "unclear", "now", "zzz"]),
        "slow": st.sampled_from(["1", "0", "yes"]),
    },
)
forms = st.dictionaries(st.sampled_from(PARAM_NAMES), values, max_size=8)


E164 = re.compile(r"\+[1-9][0-9]{6,14}")


def _while_speaking(gather: ET.Element) -> bool:
    """A <Gather> that only listens for keys during the line's words (a message, the words
    before a transfer, a goodbye): the call goes on after it."""
    return gather.attrib.get("input") == "dtmf" and gather.get("timeout") == "1" and gather.get("finishOnKey") == ""


def leads_to_help(twiml: bytes, to: str = "") -> None:
    """Well-formed TwiML that connects to help, waits for the caller with a way on, or ends
    the call only as the line itself may (after a transfer, or the caller's quick exit).
    Every word is said inside a <Gather>, so that keys work during it, and every transfer
    shows the line's own number (the request's To), never the caller's."""
    root = ET.fromstring(twiml)
    assert root.tag == "Response"
    verbs = [child.tag for child in root]
    assert verbs, "empty TwiML ends the call"
    assert not [v for v in verbs if v in ("Say", "Play")], f"words outside a <Gather>: {verbs}"
    assert verbs[-1] in ("Redirect", "Dial", "Hangup"), f"the call would run out of verbs: {verbs}"
    dials = root.findall("Dial")
    assert len(dials) <= 1 and (not dials or verbs[-1] == "Dial"), verbs
    for dial in dials:
        assert dial.find("Number").text in HELP_NUMBERS
        assert dial.get("callerId") == (to if E164.fullmatch(to) else None), (dial.attrib, to)
    gathers = root.findall("Gather")
    for gather in gathers:
        assert gather.get("action"), "keys pressed during a <Gather> must go somewhere"
    menus = [i for i, verb in enumerate(root) if verb.tag == "Gather" and not _while_speaking(verb)]
    if menus:
        assert menus == [len(verbs) - 2] and verbs[-1] == "Redirect", "a menu needs a verb after <Gather> for silence"
    if "Hangup" in verbs:
        assert verbs[-1] == "Hangup" and all(v == "Gather" for v in verbs[:-1]), verbs


@pytest.fixture(scope="module")
def hostile_client(tmp_path_factory):
    import shutil

    from ivr import create_app

    folder = tmp_path_factory.mktemp("hostile")
    shutil.copy(DEFAULT_FLOW, folder / "call_flows.yaml")
    app = create_app(
        {
            "TWILIO_AUTH_TOKEN": TOKEN,
            "IVR_DATABASE_FILE": str(folder / "ivr.sqlite3"),
            "IVR_FLOW_FILE": str(folder / "call_flows.yaml"),
            "IVR_PUBLIC_URL": PUBLIC,
            "IVR_LOG_LEVEL": "WARNING",
        },
        environ={},
    )
    return app.test_client()


SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


@SETTINGS
@given(path=st.sampled_from(PATHS), query=queries, form=forms)
def test_any_signed_request_gets_twiml_that_leads_to_help(hostile_client, path, query, form):
    query_string = "&".join(f"{quote(k)}={quote(v)}" for k, v in query.items())
    url = path + ("?" + query_string if query_string else "")
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + url, form)
    response = hostile_client.post(url, data=form, headers={"X-Twilio-Signature": signature})
    if len(urlencode(form)) > 64 * 1024:
        assert response.status_code == 413  # larger than any request Twilio sends
        return
    assert response.status_code == 200, response.data[:200]
    leads_to_help(response.data, form.get("To", "")[:20])


@SETTINGS
@given(
    path=st.sampled_from(PATHS),
    form=forms,
    signature=st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=60),
)
def test_any_unsigned_or_forged_request_is_refused(hostile_client, path, form, signature):
    headers = {"X-Twilio-Signature": signature} if signature else {}
    response = hostile_client.post(path, data=form, headers=headers)
    too_big = len(urlencode(form)) > 64 * 1024
    assert response.status_code == (413 if too_big else 403)


def test_a_forged_host_cannot_steer_the_url_that_is_checked(hostile_client):
    """With a public URL set, the Host and X-Forwarded-Host a client sends change nothing."""
    form = {"CallSid": "CA" + "3" * 32}
    for host in ("evil.example", "line.example.org"):
        signature = RequestValidator(TOKEN).compute_signature(f"https://{host}/voice", form)
        response = hostile_client.post(
            "/voice",
            data=form,
            headers={
                "X-Twilio-Signature": signature,
                "Host": host,
                "X-Forwarded-Host": host,
                "X-Forwarded-Proto": "https",
            },
        )
        assert response.status_code == (200 if f"https://{host}" == PUBLIC else 403)


def test_methods_other_than_post_and_big_bodies(hostile_client):
    for method in ("GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"):
        assert hostile_client.open("/voice/input", method=method).status_code == 405
    assert hostile_client.post("/voice", data={"SpeechResult": "x" * 100_000}).status_code == 413


def test_twilio_retrying_the_same_request_gets_the_same_answer(hostile_client):
    form = {"CallSid": "CA" + "4" * 32, "Digits": "1", "From": "+447700900123"}
    url = "/voice/input?n=main_menu&l=en-GB"
    signature = RequestValidator(TOKEN).compute_signature(PUBLIC + url, form)
    answers = {hostile_client.post(url, data=form, headers={"X-Twilio-Signature": signature}).data for _ in range(3)}
    assert len(answers) == 1


# -- the flow loader --------------------------------------------------------------------
FLOW = DEFAULT_FLOW.read_text()
FLOW_LINES = FLOW.splitlines(keepends=True)


def assert_problems_inside(text: str) -> None:
    result = load_flow_text(text)
    lines = text.count("\n") + 1
    for problem in result.problems:
        assert 1 <= problem.line <= lines + 1, problem
        assert problem.column >= 1, problem
    if result.flow is not None:
        assert_no_dead_end(result.flow)


def assert_no_dead_end(flow: rt.Flow) -> None:
    """Every node leads on to nodes that exist, and no messages go round without a way out."""
    for node in flow.nodes.values():
        if isinstance(node, rt.Menu):
            assert all(c.target in flow.nodes for c in node.choices)
        elif isinstance(node, (rt.Message, rt.LanguageMenu)):
            assert node.next in flow.nodes
        elif isinstance(node, rt.Transfer):
            assert set(node.if_not_connected) == {"busy", "no-answer", "failed"}
            for status in ("busy", "no-answer", "failed", "canceled", ""):
                assert node.after(status) in flow.nodes
    for name, node in flow.nodes.items():
        seen = {name}
        while isinstance(node, rt.Message):
            node = flow.nodes[node.next]
            assert node.name not in seen, f"messages round in a circle from {name}"
            seen.add(node.name)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_the_checker_never_crashes_on_any_text(text):
    assert_problems_inside(text)


yaml_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=20)),
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=150, deadline=None)
@given(yaml_values)
def test_the_checker_never_crashes_on_any_yaml_document(document):
    import yaml

    assert_problems_inside(yaml.safe_dump(document, allow_unicode=True))


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, len(FLOW_LINES) - 1),
            st.sampled_from(["delete", "duplicate", "swap", "indent", "dedent", "truncate", "digit"]),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_mutations_of_the_default_flow_never_crash_and_never_go_live_with_a_dead_end(mutations):
    lines = list(FLOW_LINES)
    for index, kind in mutations:
        index %= len(lines)
        line = lines[index]
        if kind == "delete":
            del lines[index]
        elif kind == "duplicate":
            lines.insert(index, line)
        elif kind == "swap" and index + 1 < len(lines):
            lines[index], lines[index + 1] = lines[index + 1], line
        elif kind == "indent":
            lines[index] = "  " + line
        elif kind == "dedent":
            lines[index] = line[2:] if line.startswith("  ") else line
        elif kind == "truncate":
            lines[index] = line[: len(line) // 2] + "\n"
        elif kind == "digit":
            lines[index] = line.replace("0", "9", 1).replace("1", "7", 1)
        if not lines:
            break
    assert_problems_inside("".join(lines))
