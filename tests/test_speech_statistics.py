"""The statistics count, per language, how often callers who spoke were understood, asked
to confirm, said yes or no to that, or asked again; the words said never reach the
database (issue 25, item 5)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from support import DEFAULT_FLOW, PUBLIC, TOKEN
from test_console import PASSWORD, Browser

from ivr.cli import main
from ivr.console.accounts import add_operator
from ivr.database import metadata
from ivr.loading import load_flow_file
from ivr.runtime.engine import where_speech_goes
from ivr.runtime.speech import corpus
from ivr.stats.report import summarise
from ivr.stats.spoken import SpokenAnswers
from ivr.tools.simulator import SimulatedCall
from ivr.tools.transports import flask_transport

#: Said at the main menu and understood by no meaning, in each language.
NONSENSE = {"en-GB": "purple elephant bicycle", "pl-PL": "fioletowy słoń rower"}


@pytest.fixture(scope="module")
def said():
    """What callers say at the main menu for each thing the line may do with it, found in the
    corpus (what the line learned from), so the tests do not depend on the model's thresholds."""
    flow = load_flow_file(DEFAULT_FLOW).flow

    def find(language: str, wanted) -> str:  # type: ignore[no-untyped-def]
        for u in corpus.training_part():  # a few words: "1" would be in any table
            if u.language != language or u.menu != "main_menu" or u.is_danger or len(u.say.split()) < 3:
                continue
            if wanted(where_speech_goes(flow, "main_menu", language, u.say)):
                return u.say
        pytest.fail(f"nothing in the {language} corpus does this at the main menu: the thresholds may be wrong")

    for language, words in NONSENSE.items():
        assert where_speech_goes(flow, "main_menu", language, words) == "reprompt"
    return {
        "understood en-GB": find("en-GB", lambda got: got in flow.nodes and got != "danger"),
        "unsure en-GB": find("en-GB", lambda got: got.startswith("confirm:") and got != "confirm:danger"),
        "understood pl-PL": find("pl-PL", lambda got: got in flow.nodes and got != "danger"),
    }


@pytest.fixture
def calls(app, said):
    """Seven calls, by key and by speech, in English and Polish; the figures they make."""

    def call(language_key: str) -> SimulatedCall:
        c = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
        c.start()
        c.press(language_key)
        return c

    call("1").press("1")  # English, by key only: no spoken answer
    call("1").say(said["understood en-GB"])  # understood
    call("1").say("repeat")  # understood: the same again (recorded with the key it stands for, *)
    yes = call("1")
    yes.say(said["unsure en-GB"])  # asked to confirm
    yes.say("yes")  # yes to that
    no = call("1")
    no.say(said["unsure en-GB"])  # asked to confirm
    no.say("no")  # no to that: a person offered, the menu again (a retry)
    by_key = call("1")
    by_key.say(said["unsure en-GB"])  # asked to confirm
    by_key.press("1")  # yes on the keypad: a key, not a spoken answer
    polish = call("8")
    polish.say(NONSENSE["pl-PL"])  # asked again (a retry)
    polish.say(said["understood pl-PL"])  # understood
    assert app.extensions["ivr"].recorder.flush()
    return app


def answers(language: str, **counts: int) -> SpokenAnswers:
    return SpokenAnswers(language, {result.replace("_", "-"): n for result, n in counts.items()})


def test_spoken_answers_are_counted_per_language_by_what_the_line_did(calls):
    report = summarise(calls.extensions["ivr.database"].engine, 30)
    assert (report.spoken, report.spoken_in_all, report.answers_unknown) == (
        [
            answers("en-GB", understood=2, asked_to_confirm=3, confirmed=1, declined=1),
            answers("pl-PL", asked_again=1, understood=1),
        ],
        answers("", understood=3, asked_to_confirm=3, confirmed=1, declined=1, asked_again=1),
        0,
    )
    assert (report.calls, report.needed_retry) == (7, 2)  # a no, and words not understood; a yes is none


def test_ivr_stats_speech_prints_the_table(calls):
    database = calls.extensions["ivr.database"].url.removeprefix("sqlite:///")
    result = CliRunner().invoke(main, ["stats", "speech", "--days", "7"], env={"IVR_DATABASE_FILE": database})
    assert (result.exit_code, result.output) == (
        0,
        "Spoken answers, last 7 days:\n"
        "Language       Spoken  Understood  Asked to confirm  Yes to that  No to that  Asked again  "
        "Too many tries: helpline  Other\n"
        "en-GB          7       2 (29%)     3 (43%)           1 (14%)      1 (14%)     0 (0%)       "
        "0 (0%)                    0 (0%)\n"
        "pl-PL          2       1 (50%)     0 (0%)            0 (0%)       0 (0%)      1 (50%)      "
        "0 (0%)                    0 (0%)\n"
        "All languages  9       3 (33%)     3 (33%)           1 (11%)      1 (11%)     1 (11%)      "
        "0 (0%)                    0 (0%)\n",
    )


def test_the_console_shows_the_table_with_languages_by_name(calls):
    add_operator(calls.extensions["ivr.database"].engine, "alice", PASSWORD)
    browser = Browser(calls)
    browser.login()
    page = browser.get("/console/stats").get_data(as_text=True)
    table = page[page.index('<table class="figures">') : page.index("</table>") + len("</table>")]
    assert table == (
        '<table class="figures">\n'
        "  <caption>What the line did with spoken answers, last 30 days: how many, and their share of the "
        "spoken answers in that language. A yes or no pressed on the keypad is not counted here. The words said "
        "are never stored.</caption>\n"
        '  <thead><tr><th scope="col">Language</th><th scope="col">Spoken answers</th>'
        '<th scope="col">Understood</th><th scope="col">Asked to confirm</th><th scope="col">Yes to that</th>'
        '<th scope="col">No to that</th><th scope="col">Asked again</th>'
        '<th scope="col">Too many tries: helpline</th><th scope="col">Other</th></tr></thead>\n'
        '  <tbody><tr><th scope="row">English (en-GB)</th><td>7</td><td>2 (29%)</td><td>3 (43%)</td>'
        "<td>1 (14%)</td><td>1 (14%)</td><td>0 (0%)</td><td>0 (0%)</td><td>0 (0%)</td></tr>"
        '<tr><th scope="row">Polski (pl-PL)</th><td>2</td><td>1 (50%)</td><td>0 (0%)</td>'
        "<td>0 (0%)</td><td>0 (0%)</td><td>1 (50%)</td><td>0 (0%)</td><td>0 (0%)</td></tr></tbody>\n"
        '  <tfoot><tr><th scope="row">All languages</th><td>9</td><td>3 (33%)</td><td>3 (33%)</td>'
        "<td>1 (11%)</td><td>1 (11%)</td><td>1 (11%)</td><td>0 (0%)</td><td>0 (0%)</td></tr></tfoot>\n"
        "</table>"
    )
    assert "needed a retry (silence, a wrong key, words not understood, or a no to" in page


def test_no_word_a_caller_said_reaches_any_table(calls, said):
    engine = calls.extensions["ivr.database"].engine
    with engine.connect() as connection:
        stored = "\n".join(
            str(value).casefold()
            for table in metadata.sorted_tables
            for row in connection.execute(select(table))
            for value in row
            if isinstance(value, str)
        )
    assert "main_menu" in stored and "speech" in stored  # the steps are there
    utterances = [*said.values(), *NONSENSE.values()]  # ("repeat", "yes", "no" are the line's own words too)
    assert [words for words in utterances if words.casefold() in stored] == []


def test_steps_from_before_the_line_kept_how_callers_answered_are_counted_as_unknown(app):
    engine = app.extensions["ivr.database"].engine
    with engine.begin() as connection:
        connection.exec_driver_sql(
            "INSERT INTO call_events (call, at, kind, node, outcome, choice, language, label)"
            " VALUES ('old', strftime('%s','now'), 'step', 'main_menu', 'choice', 'speech', 'en-GB', '')"
        )
    report = summarise(engine, 30)
    database = app.extensions["ivr.database"].url.removeprefix("sqlite:///")
    result = CliRunner().invoke(main, ["stats", "speech"], env={"IVR_DATABASE_FILE": database})
    assert (report.spoken, report.answers_unknown, result.output) == (
        [],
        1,
        "Spoken answers, last 30 days:\nNo spoken answers in this period.\n"
        "1 step recorded before the line kept how callers answered is not counted.\n",
    )


def test_each_step_keeps_how_the_caller_answered_whatever_key_a_spoken_word_stands_for(app):
    call = SimulatedCall(flask_transport(app), PUBLIC, TOKEN)
    call.start()
    call.press("1")  # English
    call.say("repeat")  # spoken, recorded with the key it stands for
    call.say("...")  # words the line heard as nothing: a silence (this menu's one), no answer
    assert app.extensions["ivr"].recorder.flush()
    with app.extensions["ivr.database"].engine.connect() as connection:
        rows = connection.exec_driver_sql(
            "SELECT kind, node, outcome, choice, answered_by FROM call_events ORDER BY id"
        ).all()
    assert rows == [
        ("start", "choose_language", "", "", ""),
        ("step", "choose_language", "language:en-GB", "1", "key"),
        ("step", "main_menu", "repeat", "*", "speech"),
        ("step", "main_menu", "silence-limit", "", ""),
    ]
