"""``ivr alert``: try the alert's destinations, and see its state, without waiting for the
helpline to fail (settings from the environment, as the servers have them)."""

from __future__ import annotations

import os
import time

import click

from ivr.platform import AlertSettings, ConfigError, database_url_of


@click.group(help="The alert that says callers are not reaching the helpline.")
def alert() -> None:
    pass


def _settings() -> AlertSettings:
    try:
        return AlertSettings.from_environment(os.environ)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None


@alert.command("test", help="Send a test message to IVR_ALERT_WEBHOOK_URL and IVR_ALERT_EMAIL_TO now.")
def alert_test() -> None:
    from ivr.stats.alert_delivery import NotDelivered, deliver

    settings = _settings()
    if not settings.webhook_url and not settings.email_to:
        raise click.ClickException(
            "no destination is set: set IVR_ALERT_WEBHOOK_URL (a Slack-compatible incoming webhook) "
            "and/or IVR_ALERT_EMAIL_TO, as on the servers"
        )
    subject = f"Test: the helpline alert of {settings.line} reaches you"
    text = (
        "This is a test, sent with 'ivr alert test'. When more than "
        f"{settings.failure_share:.0%} of at least {settings.min_attempts} transfers to the helpline in "
        f"{round(settings.window_seconds / 60)} minutes do not connect, a message like this one says so, "
        "and another when it is over."
    )
    try:
        sent_to = deliver(settings, subject, text)
    except NotDelivered as failure:
        raise click.ClickException(f"the test message was not delivered ({failure}); check the settings") from None
    wanted = (["webhook"] if settings.webhook_url else []) + (["email"] if settings.email_to else [])
    for destination in wanted:
        click.echo(f"{destination}: {'sent' if destination in sent_to else 'NOT sent'}")
    if set(sent_to) != set(wanted):
        raise SystemExit(1)


@alert.command("status", help="Whether an episode is going on now, and when a server last looked.")
def alert_status() -> None:
    from sqlalchemy import select

    from ivr.database import Database, line_alerts
    from ivr.stats.alert import NAME

    engine = Database(database_url_of(os.environ)).engine
    with engine.connect() as connection:
        row = connection.execute(select(line_alerts).where(line_alerts.c.name == NAME)).first()
    engine.dispose()
    if row is None:
        click.echo("No server has looked yet (the alert needs call statistics: IVR_STATS on).")
        return

    def when(at: float) -> str:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(at))

    state = "FAILING: callers are not reaching the helpline" if row.failing else "ok"
    click.echo(f"{state}, since {when(row.changed)}")
    if row.notified:
        click.echo("told: yes")
    elif row.failed_sends:
        click.echo(f"told: not yet: {row.failed_sends} tries failed to deliver; the next one at {when(row.next_send)}")
    else:
        click.echo("told: not yet (tried at the next look)")
    click.echo(f"last look by a server: {when(row.checked)}")
