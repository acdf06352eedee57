"""New passwords are checked as NIST SP 800-63B 5.1.1.2 asks: not a commonly used or breached
one, not repetitive or sequential, not made of the operator's name or the line's own words;
everywhere a password is set (the console's new operator, your own password, the command line).
The refusal says why, and what a good one is."""

from __future__ import annotations

import pytest
from test_console import PASSWORD, Browser
from test_console_editing import engine_of, words

from ivr.console.accounts import AccountError, add_operator, set_password
from ivr.console.passwords import password_weakness

GOOD = (
    "A good password is a passphrase of three or four unrelated words, such as 'kettle orbit mustard lantern' "
    "(not that one), used nowhere else"
)
GUESSABLE = "the password is too easy to guess: "


@pytest.mark.parametrize(
    ("password", "why"),
    [
        (" " * 12, "the password is only spaces"),
        ("aaaaaaaaaaaa", GUESSABLE + "it repeats a character or a few characters"),
        ("abcdefghijkl", GUESSABLE + "it is a run such as abcd or 1234"),
        ("123456789012", GUESSABLE + "it is on the lists of the passwords people use most, or close to one"),
        ("qwertyuiopas", GUESSABLE + "it is on the lists of the passwords people use most, or close to one"),
        ("asdfghjkl;'zx", GUESSABLE + "it is a run of neighbouring keys such as qwerty"),
        ("password1234", GUESSABLE + "it is on the lists of the passwords people use most, or close to one"),
        ("P@ssw0rd2024", GUESSABLE + "it is on the lists of the passwords people use most, or close to one"),
        ("bob-helpline-99", GUESSABLE + "it is made from the operator's name or the line's own words"),
        ("Modern Slavery Helpline", GUESSABLE + "it is made from the operator's name or the line's own words"),
        ("kettle orbit mustard lantern", GUESSABLE + "it is made from the operator's name or the line's own words"),
        ("short", "the password must be 12 to 200 characters long"),
    ],
)
def test_guessable_passwords_are_refused_with_why_and_what_a_good_one_is(password, why):
    assert password_weakness(password, "bob") == f"{why}. {GOOD}"


@pytest.mark.parametrize("password", [PASSWORD, "my dog likes carrots", "purple monkey dishwasher fog"])
def test_passphrases_of_unrelated_words_are_accepted(password):
    assert password_weakness(password, "bob") == ""


def test_every_place_a_password_is_set_refuses_a_guessable_one(make_app, tmp_path, monkeypatch):
    app = make_app()
    engine = engine_of(app)
    with pytest.raises(AccountError) as refused:
        add_operator(engine, "carol", "aaaaaaaaaaaa")
    assert str(refused.value) == f"{GUESSABLE}it repeats a character or a few characters. {GOOD}"
    add_operator(engine, "alice", PASSWORD, admin=True)
    with pytest.raises(AccountError):
        set_password(engine, "alice", "alice alice alice")

    alice = Browser(app)
    assert alice.login("alice").status_code == 302
    added = alice.post("/console/operators", {"do": "add", "name": "dan", "password": "dan-helpline-1"})
    assert added.status_code == 400
    assert (
        "The password is too easy to guess: it is made from the operator's name or the line's own words. "
        f"{GOOD}." in words(added)
    )
    changed = alice.post("/console/password", {"current": PASSWORD, "new": "123456789012", "again": "123456789012"})
    assert changed.status_code == 400
    assert (
        "The password is too easy to guess: it is on the lists of the passwords people use most, or close to one. "
        f"{GOOD}." in words(changed)
    )

    from click.testing import CliRunner

    from ivr.cli import main

    monkeypatch.setenv("IVR_DATABASE_FILE", str(tmp_path / "ops.sqlite3"))
    runner = CliRunner()
    weak = "qwertyuiopas\nqwertyuiopas\n"
    said = f"Error: {GUESSABLE}it is on the lists of the passwords people use most, or close to one. {GOOD}\n"
    added = runner.invoke(main, ["operator", "add", "erin"], input=weak)
    assert (added.exit_code, added.output) == (1, said)
    assert runner.invoke(main, ["operator", "add", "erin"], input=f"{PASSWORD}\n{PASSWORD}\n").exit_code == 0
    changed = runner.invoke(main, ["operator", "password", "erin"], input=weak)
    assert (changed.exit_code, changed.output) == (1, said)
