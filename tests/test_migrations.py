"""The database's schema by Alembic migrations alone: a new database and one at each older
schema end with the same tables as the code's model, rows kept, on SQLite and PostgreSQL;
one with no record of its schema is refused, unchanged, until someone says which it is."""

from __future__ import annotations

import logging

import pytest
from alembic.autogenerate import compare_metadata
from alembic.command import downgrade as alembic_downgrade
from alembic.command import upgrade as alembic_upgrade
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect, select, text
from support import database_at_schema, migrate

from ivr.console.accounts import add_operator
from ivr.database import Database, SchemaUnknown, call_events, driver_url, line_alerts, metadata, operators


def differences(engine) -> list:
    """What Alembic would change to make the database match the code's tables (none, we hope)."""
    with engine.connect() as connection:
        found = compare_metadata(MigrationContext.configure(connection), metadata)
    return [
        d for d in found if not (isinstance(d, tuple) and d[0] == "remove_table" and d[1].name == "alembic_version")
    ]


def head(engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def test_a_new_database_gets_every_table_of_the_model(database_url):
    engine = Database(database_url).engine
    assert (head(engine), differences(engine)) == ("0005", [])
    engine.dispose()


ALICE = "INSERT INTO operators (name, password_hash, created) VALUES ('alice', 'x', 1.0)"
AN_EVENT = (
    "INSERT INTO call_events (call, at, kind, node, outcome, choice, language, label) "
    "VALUES ('abcdefgh', 2.0, 'start', '', '', '', '', '')"
)


@pytest.mark.parametrize("revision", ["0001", "0002", "0003", "0004"])
def test_a_database_at_each_earlier_schema_is_upgraded_in_place_with_its_rows(database_url, revision):
    database_at_schema(database_url, revision, ALICE, AN_EVENT)
    engine = Database(database_url).engine
    assert (head(engine), differences(engine)) == ("0005", [])
    with engine.connect() as connection:
        assert connection.execute(select(operators.c.name, operators.c.admin, operators.c.disabled)).all() == [
            ("alice", False, None)
        ]
        assert connection.execute(select(call_events.c.call, call_events.c.answered_by)).all() == [("abcdefgh", None)]
    add_operator(engine, "bob", "a long enough password", admin=True)  # the new columns work
    engine.dispose()


def _tables_and_rows(url: str) -> tuple[list[str], list[tuple]]:
    engine = create_engine(driver_url(url))
    with engine.connect() as connection:
        shape = (
            sorted(inspect(connection).get_table_names()),
            connection.execute(text("SELECT name FROM operators")).all(),
        )
    engine.dispose()
    return shape


def test_a_database_without_a_record_of_its_schema_is_refused_unchanged_and_said_once(database_url, caplog):
    made = create_engine(driver_url(database_url))
    metadata.create_all(made)  # as a script might make it: which migration it matches, nothing records
    with made.begin() as connection:
        connection.execute(text(ALICE))
    made.dispose()
    before = _tables_and_rows(database_url)
    database = Database(database_url)
    with caplog.at_level(logging.ERROR, logger="ivr"):
        for _ in range(2):
            with pytest.raises(SchemaUnknown) as refused:
                database.engine  # noqa: B018 (the first use makes the engine, which migrates)
    assert str(refused.value) == SCHEMA_UNKNOWN
    assert [(r.getMessage(), r.fields) for r in caplog.records] == [  # type: ignore[attr-defined]
        (SCHEMA_UNKNOWN, {"event": "database-schema-unknown"})
    ]
    assert _tables_and_rows(database_url) == before


SCHEMA_UNKNOWN = (
    "The database has the line's tables but no record of which schema they are (Alembic's "
    "alembic_version table), so the line will not change it: it was made by a line from before "
    "4 December 2026. Back it up, then run 'ivr database upgrade --schema-is 0001' "
    "(or 0002 if it has a flow_revisions table) once."
)


@pytest.mark.parametrize("revision", ["0001", "0002"])
def test_a_database_made_before_migrations_is_upgraded_once_someone_says_its_schema(database_url, revision):
    from click.testing import CliRunner

    from ivr.cli import main

    database_at_schema(database_url, revision, ALICE, AN_EVENT, marked=False)
    runner = CliRunner()
    refused = runner.invoke(main, ["database", "upgrade"], env={"DATABASE_URL": database_url})
    told = runner.invoke(main, ["database", "upgrade", "--schema-is", revision], env={"DATABASE_URL": database_url})
    assert (refused.exit_code, refused.output) == (1, f"Error: {SCHEMA_UNKNOWN}\n")
    assert (told.exit_code, told.output) == (
        0,
        f"The database was upgraded from schema {revision} (as you said) to schema 0005; every row was kept.\n",
    )
    engine = Database(database_url).engine
    with engine.connect() as connection:
        kept = (
            connection.execute(select(operators.c.name)).scalars().all(),
            connection.execute(select(call_events.c.call)).scalars().all(),
        )
    assert (head(engine), differences(engine), kept) == ("0005", [], (["alice"], ["abcdefgh"]))
    engine.dispose()


def test_starting_again_changes_nothing(database_url):
    Database(database_url).engine.dispose()
    engine = Database(database_url).engine
    assert (head(engine), differences(engine)) == ("0005", [])
    engine.dispose()


def test_ivr_database_upgrade_says_what_it_did_and_then_that_nothing_is_left(database_url):
    from click.testing import CliRunner

    from ivr.cli import main

    database_at_schema(database_url, "0002")
    runner = CliRunner()
    first = runner.invoke(main, ["database", "upgrade"], env={"DATABASE_URL": database_url})
    again = runner.invoke(main, ["database", "upgrade"], env={"DATABASE_URL": database_url})
    assert (first.exit_code, first.output) == (
        0,
        "The database was upgraded from schema 0002 to schema 0005; every row was kept.\n",
    )
    assert (again.exit_code, again.output) == (0, "The database is up to date (schema 0005).\n")


def test_an_alert_row_of_schema_0003_is_kept_and_starts_with_no_failed_deliveries(database_url):
    database_at_schema(
        database_url,
        "0003",
        "INSERT INTO line_alerts (name, failing, changed, notified, checked) "
        "VALUES ('helpline-unreachable', true, 5.0, false, 6.0)",
    )
    engine = Database(database_url).engine
    assert (head(engine), differences(engine)) == ("0005", [])
    with engine.connect() as connection:
        kept = connection.execute(select(line_alerts)).all()
    assert kept == [("helpline-unreachable", True, 5.0, False, 6.0, 0, 0.0)]
    engine.dispose()


def _call_events_shape(engine) -> tuple[list[tuple[str, bool]], list[tuple[str, list[str]]]]:
    """The events table's columns (name, nullable) and indexes (name, columns)."""
    with engine.connect() as connection:
        found = inspect(connection)
        columns = [(c["name"], c["nullable"]) for c in found.get_columns("call_events")]
        indexes = sorted((i["name"], i["column_names"]) for i in found.get_indexes("call_events"))
    return columns, indexes


def test_0005_keeps_how_callers_answered_beside_every_older_event_and_0004_takes_it_away(database_url):
    old = create_engine(driver_url(database_url))
    migrate(old, alembic_upgrade, "0004")
    with old.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO call_events (call, at, kind, node, outcome, choice, language, label) "
                "VALUES ('abcdefgh', 2.0, 'step', 'main_menu', 'choice', 'speech', 'en-GB', '')"
            )
        )
    shape_of_0004 = _call_events_shape(old)
    old.dispose()

    engine = Database(database_url).engine
    with engine.connect() as connection:
        kept = connection.execute(select(call_events.c.call, call_events.c.choice, call_events.c.answered_by)).all()
    assert (head(engine), differences(engine), kept) == ("0005", [], [("abcdefgh", "speech", None)])  # unknown
    assert _call_events_shape(engine) == (shape_of_0004[0] + [("answered_by", True)], shape_of_0004[1])

    migrate(engine, alembic_downgrade, "0004")
    with engine.connect() as connection:
        kept = connection.execute(text("SELECT call, at, kind, node, outcome, choice, language FROM call_events")).all()
    assert (head(engine), _call_events_shape(engine), kept) == (
        "0004",
        shape_of_0004,
        [("abcdefgh", 2.0, "step", "main_menu", "choice", "speech", "en-GB")],
    )
    engine.dispose()
