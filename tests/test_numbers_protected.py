"""The numbers callers are connected to: only an admin may change them, always with a second
person's approval, and every page that shows the change says it first, in words."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import DEFAULT_FLOW
from test_console import PASSWORD
from test_console_editing import LIVE_TEXT, check, engine_of, logged_in, words

from ivr.cli import main
from ivr.console.roster import make_admin
from ivr.console.views import add_operator
from ivr.inspect.destinations import destination_changes
from ivr.loading import load_flow_text
from ivr.publishing import history

OTHER_NUMBER = LIVE_TEXT.replace("number: 0800 0121 700", "number: 020 7946 0123", 1)
CHANGED_SENTENCE = (
    "This changes the number callers are connected to for the Modern Slavery Helpline (helpline), "
    "from +44 800 012 1700 to +44 20 7946 0123."
)
NOT_AN_ADMIN = (
    "Not published: only an admin may change the numbers callers are connected to, and another person must "
    "approve it. Ask an admin to make this change."
)


def _flow(text: str):
    result = load_flow_text(text, DEFAULT_FLOW.parent)
    assert result.flow is not None, [p.format("flow") for p in result.errors]
    return result.flow


@pytest.fixture
def app(make_app):
    app = make_app()
    engine = engine_of(app)
    for name in ("alice", "bob"):
        add_operator(engine, name, PASSWORD)
    for name in ("ada", "ben"):
        add_operator(engine, name, PASSWORD, admin=True)
    return app


def test_every_change_to_where_callers_are_connected_is_said_in_words():
    live = _flow(LIVE_TEXT)
    assert destination_changes(live, _flow(LIVE_TEXT.replace("open 24 hours a day.", "open all night.", 1))) == []
    assert destination_changes(live, _flow(OTHER_NUMBER)) == [CHANGED_SENTENCE]
    shown = LIVE_TEXT.replace(
        "number: 0800 0121 700\n", "number: 0800 0121 700\n    show_caller_number: true\n", 1
    )  # fmt: skip
    assert destination_changes(live, _flow(shown)) == [
        "This now shows callers' own number to the Modern Slavery Helpline (helpline, +44 800 012 1700)."
    ]
    swapped = LIVE_TEXT.replace("number: 0800 0121 700", "number: 0800 555 111", 1)
    crimestoppers = "\n    name:\n      en-GB: Crimestoppers"
    swapped = swapped.replace("number: 0800 555 111" + crimestoppers, "number: 0800 0121 700" + crimestoppers, 1)
    assert destination_changes(live, _flow(swapped)) == [
        "This changes the number callers are connected to for Crimestoppers (crimestoppers), "
        "from +44 800 555111 to +44 800 012 1700.",
        "This changes the number callers are connected to for the Modern Slavery Helpline (helpline), "
        "from +44 800 012 1700 to +44 800 555111.",
    ]
    assert destination_changes(None, _flow(OTHER_NUMBER)) == []  # nothing live to compare with


def test_an_operator_who_is_not_an_admin_sees_the_change_first_in_red_and_cannot_publish_it(app):
    alice = logged_in(app, "alice")
    check(alice, OTHER_NUMBER)
    page = alice.get("/console/edit/changes").get_data(as_text=True)
    assert page.index('class="numbers-changed"') < page.index("<h2>What callers will hear</h2>")
    assert words(alice.get("/console/edit/changes")).split("This changes who callers are connected to ")[1].split(
        " What callers will hear"
    )[0] == (
        f"{CHANGED_SENTENCE} Only an admin may make this change, and another person must approve it before "
        "callers are connected anywhere new. Check each number against its official source."
    )
    refused = alice.post("/console/edit/publish", {"text": OTHER_NUMBER, "message": "new number"})
    assert refused.status_code == 403
    assert f"{NOT_AN_ADMIN} {CHANGED_SENTENCE}" in words(refused)
    assert history(engine_of(app)) == []


def test_an_admins_change_of_number_waits_for_a_second_admin_even_with_approval_off(app):
    ada, bob, ben = logged_in(app, "ada"), logged_in(app, "bob"), logged_in(app, "ben")
    asked = ada.post("/console/edit/publish", {"text": OTHER_NUMBER, "message": "the helpline moved"})
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/console/approvals/1")
    assert history(engine_of(app)) == []
    assert "It changes the numbers callers are connected to, so it is waiting for another operator's approval " \
        "(draft 1)." in words(ada.get("/console/approvals/1"))  # fmt: skip
    refused = bob.post("/console/approvals/1", {"do": "approve"})
    assert refused.status_code == 400
    assert "This draft changes the numbers callers are connected to: only an admin may approve it." in words(refused)
    assert history(engine_of(app)) == []
    assert ben.post("/console/approvals/1", {"do": "approve"}).status_code == 302
    [revision] = history(engine_of(app))
    assert (revision.author, revision.approved_by, revision.text) == ("ada", "ben", OTHER_NUMBER)


def test_a_rollback_that_changes_a_number_needs_an_admin_and_a_second_person(app):
    engine = engine_of(app)
    make_admin(engine, "alice")
    alice, ben = logged_in(app, "alice"), logged_in(app, "ben")
    alice.post("/console/edit/publish", {"text": OTHER_NUMBER, "message": "the helpline moved"})
    ben.post("/console/approvals/1", {"do": "approve"})
    assert len(history(engine)) == 1
    alice.post("/console/edit/publish", {"text": LIVE_TEXT, "message": "moved back"})
    ben.post("/console/approvals/2", {"do": "approve"})
    assert len(history(engine)) == 2
    bob = logged_in(app, "bob")
    refused = bob.post("/console/history/1/rollback", {"message": "back to the moved number"})
    assert refused.status_code == 400
    assert NOT_AN_ADMIN.replace("Not published", "Not rolled back") in words(refused)
    asked = alice.post("/console/history/1/rollback", {"message": "back to the moved number"})
    assert asked.status_code == 302 and asked.headers["Location"].endswith("/console/approvals/3")
    assert len(history(engine)) == 2


def test_the_command_line_publishes_a_change_of_number_only_when_told_it_was_checked(tmp_path):
    database = tmp_path / "ivr.sqlite3"
    runner = CliRunner(env={"DATABASE_URL": f"sqlite:///{database}", "IVR_FLOW_FILE": str(DEFAULT_FLOW)})
    live, other = tmp_path / "live.yaml", tmp_path / "other.yaml"
    live.write_text(LIVE_TEXT)
    other.write_text(OTHER_NUMBER)
    assert runner.invoke(main, ["publish", str(live), "-m", "as shipped", "--as", "ci"]).exit_code == 0
    refused = runner.invoke(main, ["publish", str(other), "-m", "moved", "--as", "ada"])
    assert refused.exit_code == 1
    assert refused.output == (
        f"{CHANGED_SENTENCE}\nError: not published: it changes the numbers callers are connected to. Have a second "
        "person check each number against its official source, then publish again with --change-numbers.\n"
    )
    done = runner.invoke(main, ["publish", str(other), "-m", "moved", "--as", "ada", "--change-numbers"])
    assert done.exit_code == 0, done.output
    assert Path(other).read_text() == OTHER_NUMBER


# -- the numbers the line may dial, kept in settings ----------------------------------------------
SHIPPED = "0800 0121 700, 0800 555 111"


def test_destinations_are_read_as_numbers_and_a_mistake_stops_the_line_starting():
    from ivr.platform import ConfigError, Settings

    settings = Settings.load({}, {"IVR_DEV": True, "IVR_DESTINATIONS": SHIPPED})
    assert settings.destinations == ("+448000121700", "+44800555111")
    with pytest.raises(ConfigError) as refused:
        Settings.load({}, {"IVR_DEV": True, "IVR_DESTINATIONS": "0800 0121 700, helpline"})
    assert str(refused.value) == (
        "IVR_DESTINATIONS: 'helpline' is not a phone number. Write the numbers the line may connect callers to, "
        "separated by commas, e.g. 0800 0121 700, 0800 555 111"
    )


def test_a_number_the_settings_do_not_list_is_refused_at_every_transfer_that_dials_it():
    from ivr.definition.allowed import Allowed
    from ivr.platform import destinations_of

    listed = Allowed.of(destinations=destinations_of({"IVR_DESTINATIONS": SHIPPED}))
    assert load_flow_text(LIVE_TEXT, DEFAULT_FLOW.parent, allowed=listed).errors == []
    result = load_flow_text(OTHER_NUMBER, DEFAULT_FLOW.parent, allowed=listed)
    lines = OTHER_NUMBER.splitlines()
    helpline_at = next(n for n, line in enumerate(lines, 1) if line.strip() == "helpline: helpline")
    transfers = [n for n, line in enumerate(lines, 1) if line.strip() == "to: helpline"]
    assert [p.format("flow", with_code=True).split("\n")[0] for p in result.errors] == [
        f"flow:{line}:{lines[line - 1].index(':') + 3}: error: 'helpline' (020 7946 0123) is not a number this line "
        "may connect callers to: IVR_DESTINATIONS lists only +448000121700, +44800555111 [destination-not-allowed]"
        for line in sorted([helpline_at, *transfers])
    ]
    assert load_flow_text(OTHER_NUMBER, DEFAULT_FLOW.parent).errors == []  # without the setting: any number


def test_ivr_check_and_the_console_refuse_a_number_the_settings_do_not_list(tmp_path, make_app, flow_file):
    flow_file.write_text(OTHER_NUMBER)
    runner = CliRunner(env={"IVR_DESTINATIONS": SHIPPED})
    checked = runner.invoke(main, ["check", str(flow_file)])
    assert checked.exit_code == 1 and "[destination-not-allowed]" in checked.output
    flow_file.write_text(LIVE_TEXT)
    app = make_app(IVR_DESTINATIONS=SHIPPED)
    add_operator(engine_of(app), "ada", PASSWORD, admin=True)
    answer = check(logged_in(app, "ada"), OTHER_NUMBER).get_json()
    assert (answer["publishable"], {p["code"] for p in answer["problems"] if p["severity"] == "error"}) == (
        False,
        {"destination-not-allowed"},
    )
