"""The alert: callers are not reaching the helpline.

Every transfer's end is a call event (``connected:helpline``, ``not-connected:helpline:busy``
...), written by every server into the one database. So the alert reads the database,
not one server's memory: it sees the whole line. Every ``check_seconds`` it counts the
transfers to the helpline that ended in the last window. An **episode** starts when there
were at least ``min_attempts`` of them and more than ``failure_share`` were busy, not
answered or failed. It is over when the window holds a connected transfer again and the
share is back at or under the limit (a quiet window proves nothing, so it does not end one).

Each change is logged (event ``alert``) and sent (:mod:`ivr.stats.alert_delivery`) once:
the state lives in the ``line_alerts`` row, and a server changes it only with an update
that names the state it read, so when several servers look at once one of them tells.
A message that could not be delivered is tried again with backoff (30 s, doubling, at most
every 30 minutes), counted in the same row, so the whole fleet together sends a dead or
hanging webhook a few tries an hour; the log says once that delivery fails and once that it
works again. Messages hold counts and times only: nothing about any caller.

Each worker runs one :class:`AlertWatch` thread; the ``checked`` time in the row lets
only one of them, across the fleet, count per period.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from ivr.database import call_events, line_alerts
from ivr.platform import AlertSettings
from ivr.runtime.outcomes import Outcome
from ivr.stats.alert_delivery import LIMITS, NotDelivered, deliver
from ivr.stats.events import KIND_STEP
from ivr.stats.writer import HasEngine

log = logging.getLogger("ivr.alert")

NAME = "helpline-unreachable"
#: The backoff after a failed delivery: the first retry at the next look (the default check
#: period), then twice as long each time, capped so a message is never more than half an
#: hour late once the destination works again.
BACKOFF_FIRST_SECONDS = 30.0
BACKOFF_MAX_SECONDS = 30 * 60.0
#: While one server sends, no other may (the longest a delivery can take, with a margin).
SEND_TURN_SECONDS = 2 * LIMITS.total + 5
#: The dial statuses that mean the helpline was not reached (a caller hanging up while it
#: rang, "canceled", is the caller's choice, not the helpline's failure).
FAILURES = ("busy", "no-answer", "failed")


@dataclass(frozen=True)
class Transfers:
    """The transfers to the helpline that ended in a window, by how."""

    connected: int
    failed: dict[str, int]  # by dial status, every one of FAILURES

    @property
    def attempts(self) -> int:
        return self.connected + sum(self.failed.values())

    @property
    def failed_share(self) -> float:
        return sum(self.failed.values()) / self.attempts if self.attempts else 0.0


def count_transfers(connection: Connection, helpline: str, since: float) -> Transfers:
    """One grouped count over the events since ``since`` (the ``at`` index finds them)."""
    connected = str(Outcome.connected(helpline))
    failures = {str(Outcome.not_connected(helpline, status)): status for status in FAILURES}
    rows = connection.execute(
        select(call_events.c.outcome, func.count())
        .where(call_events.c.at >= since, call_events.c.kind == KIND_STEP)
        .where(call_events.c.outcome.in_([connected, *failures]))
        .group_by(call_events.c.outcome)
    ).all()
    found = dict(rows)
    return Transfers(found.get(connected, 0), {status: found.get(text, 0) for text, status in failures.items()})


def is_failing(settings: AlertSettings, transfers: Transfers, was_failing: bool) -> bool:
    limit = settings.failure_share
    if not was_failing:
        return transfers.attempts >= settings.min_attempts and transfers.failed_share > limit
    return not (transfers.connected > 0 and transfers.failed_share <= limit)


def episode_since(connection: Connection) -> float | None:
    """When the episode going on now started (a time.time()), or None: for the console."""
    row = connection.execute(select(line_alerts.c.failing, line_alerts.c.changed).where(line_alerts.c.name == NAME))
    found = row.first()
    return found.changed if found is not None and found.failing else None


class HelplineAlert:
    """Counts, decides and tells; :meth:`check` is one look (the thread calls it)."""

    def __init__(
        self,
        database: HasEngine,
        settings: AlertSettings,
        helpline: Callable[[], str],
        send: Callable[[AlertSettings, str, str], list[str]] = deliver,
    ) -> None:
        self.database = database
        self.settings = settings
        self.helpline = helpline  # the live flow's name for the helpline's number
        self.send = send

    def check(self, now: float | None = None) -> bool:
        """Look, if no server looked in this period; whether this one did."""
        now = time.time() if now is None else now
        engine = self.database.engine
        changed = 0
        with engine.begin() as connection:
            if not self._claim(connection, now):
                return False
            row = connection.execute(select(line_alerts).where(line_alerts.c.name == NAME)).one()
            transfers = count_transfers(connection, self.helpline(), now - self.settings.window_seconds)
            failing = is_failing(self.settings, transfers, row.failing)
            if failing != row.failing:
                changed = connection.execute(
                    update(line_alerts)
                    .where(line_alerts.c.name == NAME, line_alerts.c.failing == row.failing)
                    .values(failing=failing, changed=now, notified=False)
                ).rowcount
            since = now if changed else row.changed
            due = bool(changed) or (failing == row.failing and not row.notified)
            # The turn to send: only when the backoff allows, and taken in this transaction,
            # so a slow delivery is not tried again by another server meanwhile.
            sending = due and self._take_turn(connection, now, row.next_send)
        if changed:  # logged once the change is in the database, by the server that made it
            self._log_change(failing, transfers)
        if sending:
            self._tell(failing, since, transfers, now, row.failed_sends)
        return True

    def _take_turn(self, connection: Connection, now: float, next_send: float) -> bool:
        if not (self.settings.webhook_url or self.settings.email_to):
            return True  # logged only: nothing to wait for
        if now < next_send:
            return False
        return bool(
            connection.execute(
                update(line_alerts)
                .where(line_alerts.c.name == NAME, line_alerts.c.next_send == next_send)
                .values(next_send=now + SEND_TURN_SECONDS)
            ).rowcount
        )

    def _claim(self, connection: Connection, now: float) -> bool:
        """Take this period's look: only the server whose update moves ``checked`` on."""
        period = self.settings.check_seconds * 0.9  # a little early rather than a period skipped
        moved = connection.execute(
            update(line_alerts)
            .where(line_alerts.c.name == NAME, line_alerts.c.checked <= now - period)
            .values(checked=now)
        ).rowcount
        if moved:
            return True
        if connection.execute(select(line_alerts.c.name).where(line_alerts.c.name == NAME)).first() is not None:
            return False
        try:
            with connection.begin_nested():
                connection.execute(
                    insert(line_alerts).values(name=NAME, failing=False, changed=now, notified=True, checked=now)
                )
        except IntegrityError:  # another server made the row at the same moment: it looks
            return False
        return True

    def _log_change(self, failing: bool, transfers: Transfers) -> None:
        fields: dict[str, Any] = {
            "event": "alert",
            "alert": NAME,
            "state": "failing" if failing else "resolved",
            "attempts": transfers.attempts,
            "connected": transfers.connected,
            **{status.replace("-", "_"): n for status, n in transfers.failed.items()},
            "window_minutes": round(self.settings.window_seconds / 60, 1),
        }
        if failing:
            log.error("ALERT: callers are not reaching the helpline", extra={"fields": fields})
        else:
            log.warning("alert over: callers are reaching the helpline again", extra={"fields": fields})

    def _tell(self, failing: bool, since: float, transfers: Transfers, now: float, failed_before: int) -> None:
        """Send the message of the state that began at ``since``; mark it told once it went
        (not before: a message that did not go is sent again after the backoff). The log says
        once that delivery fails, and once that it works again, not at every try."""
        subject, text = message(self.settings, failing, transfers, since)
        if self.settings.webhook_url or self.settings.email_to:
            try:
                sent_to = self.send(self.settings, subject, text)
            except NotDelivered as failure:
                self._not_delivered(str(failure), now, failed_before + 1)
                return
            fields: dict[str, Any] = {"event": "alert-sent", "alert": NAME, "to": sent_to}
            if failed_before:
                fields["failed_tries"] = failed_before
                log.info(f"alert sent, after {failed_before} failed tries", extra={"fields": fields})
            else:
                log.info("alert sent", extra={"fields": fields})
        with self.database.engine.begin() as connection:
            connection.execute(
                update(line_alerts).where(line_alerts.c.name == NAME).values(failed_sends=0, next_send=0)
            )
            connection.execute(
                update(line_alerts)
                .where(line_alerts.c.name == NAME, line_alerts.c.changed == since)
                .values(notified=True)
            )

    def _not_delivered(self, error: str, now: float, failed: int) -> None:
        wait = backoff_seconds(failed)
        with self.database.engine.begin() as connection:
            connection.execute(
                update(line_alerts).where(line_alerts.c.name == NAME).values(failed_sends=failed, next_send=now + wait)
            )
        fields = {"event": "alert-not-delivered", "alert": NAME, "error": error, "failed_tries": failed}
        if failed == 1:
            log.warning(
                f"the alert could not be sent: trying again in {wait:g} s, then less and less often "
                f"(at most every {BACKOFF_MAX_SECONDS // 60:g} min) until it goes",
                extra={"fields": fields},
            )
        else:
            log.debug("the alert could still not be sent", extra={"fields": {**fields, "next_try_in": wait}})


def backoff_seconds(failed: int) -> float:
    """How long every server waits after ``failed`` tries in a row: 30 s, doubling, at most
    30 minutes. A webhook down for an hour gets 7 posts from the whole fleet, not 120; once
    it is back, the message is at most half an hour late."""
    return min(BACKOFF_FIRST_SECONDS * 2 ** (failed - 1), BACKOFF_MAX_SECONDS)


def message(settings: AlertSettings, failing: bool, transfers: Transfers, since: float) -> tuple[str, str]:
    """The subject and text of a change: counts and times only."""
    minutes = round(settings.window_seconds / 60)
    at = time.strftime("%H:%M UTC on %d %b %Y", time.gmtime(since))
    why = ", ".join(f"{n} {status}" for status, n in transfers.failed.items() if n) or "none failed"
    counts = (
        f"{transfers.attempts} transfers to the helpline in the last {minutes} minutes: "
        f"{transfers.connected} connected, {why}."
    )
    if failing:
        return (
            f"Callers are not reaching the helpline ({settings.line})",
            f"Since {at}, more than {settings.failure_share:.0%} of transfers from {settings.line} to the helpline "
            f"did not connect. {counts} Check the helpline's number and its phones; callers are still told the "
            "number to dial themselves.",
        )
    return (
        f"Resolved: callers are reaching the helpline again ({settings.line})",
        f"Since {at}, transfers from {settings.line} to the helpline connect again. {counts}",
    )


class AlertWatch:
    """The thread that checks every ``check_seconds``; one per worker process."""

    def __init__(self, alert: HelplineAlert) -> None:
        self.alert = alert
        self._pid = 0
        self._lock = threading.Lock()
        self._stopped = threading.Event()

    def start(self) -> None:
        """Start in this process (a forked worker starts its own); once."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid = os.getpid()
            threading.Thread(target=self._run, name="ivr-alert", daemon=True).start()

    def stop(self) -> None:
        """End the checks (a test's database goes before its process does)."""
        self._stopped.set()

    def _run(self) -> None:
        while not self._stopped.wait(self.alert.settings.check_seconds):
            try:
                self.alert.check()
            except Exception:  # the database is down, a bug: logged, then look again later
                log.exception(
                    "the alert check failed; it looks again later", extra={"fields": {"event": "alert-check-failed"}}
                )
