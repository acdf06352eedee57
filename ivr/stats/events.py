"""What a call event is in the ``call_events`` table: its kinds, its columns, how a batch of
them is inserted and how old ones go.

The webhooks record three kinds of event: a call's start, each step (with the engine's
:class:`~ivr.runtime.outcomes.Outcome`, and how the caller answered: by key, by speech, or
not at all; never the words said), and its end (with Twilio's ``CallStatus``).
"""

from __future__ import annotations

import time
from typing import Any

from sqlalchemy import Delete, Engine, delete

from ivr.database import call_events
from ivr.definition.limits import DAY_SECONDS

KIND_START = "start"
KIND_STEP = "step"
KIND_END = "end"
KINDS = frozenset({KIND_START, KIND_STEP, KIND_END})
#: How a caller answered at a step (``answered_by``); "" when they did not (a silence, a
#: transfer's end). The kind of answer only: the words said are never kept.
BY_KEY = "key"
BY_SPEECH = "speech"
ANSWERED_BY = frozenset({BY_KEY, BY_SPEECH})

#: The columns an event fills, in the table's order. The ``call_events`` table
#: (:mod:`ivr.database.tables`) is the one list of what an event holds: the insert below,
#: the empty event and the recorder's closed set are all made from it.
EVENT_COLUMNS: tuple[str, ...] = tuple(column.name for column in call_events.columns if not column.primary_key)
#: What each column holds when an event does not say: the table's default for it; None
#: where there is none (``call``, ``at`` and ``kind``, which every event gives, and
#: ``duration``, which only an end knows).
EMPTY_EVENT: dict[str, Any] = {
    column.name: column.default.arg if column.default is not None else None
    for column in call_events.columns
    if not column.primary_key
}
Row = dict[str, Any]


def insert_statement(paramstyle: str, rows: list[Row]) -> tuple[str, list[Any]]:
    """The batch insert of ``rows`` in the placeholders of the database's driver
    (``dialect.paramstyle``), and its parameters: straight to the driver's
    ``executemany``, a third of the cost of SQLAlchemy's compiled insert."""
    columns = ", ".join(EVENT_COLUMNS)
    if paramstyle in ("named", "pyformat"):
        marks = ", ".join((f":{c}" if paramstyle == "named" else f"%({c})s") for c in EVENT_COLUMNS)
        return f"INSERT INTO call_events ({columns}) VALUES ({marks})", rows
    mark = {"qmark": "?", "format": "%s"}.get(paramstyle)
    marks = ", ".join(mark or f":{i + 1}" for i in range(len(EVENT_COLUMNS)))  # numeric: :1, :2 ...
    return f"INSERT INTO call_events ({columns}) VALUES ({marks})", [
        tuple(row[c] for c in EVENT_COLUMNS) for row in rows
    ]


def older_than(cutoff: float) -> Delete:
    """The deletion of every event before ``cutoff`` (a time.time())."""
    return delete(call_events).where(call_events.c.at < cutoff)


def delete_old_events(engine: Engine, retention_days: int) -> int:
    """Delete the events past retention now (``ivr stats clean``); how many went."""
    with engine.begin() as connection:
        return connection.execute(older_than(time.time() - retention_days * DAY_SECONDS)).rowcount or 0
