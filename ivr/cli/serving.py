"""``ivr serve``: the line on this machine, with Flask's own server (production runs
gunicorn, see Procfile)."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(help="Run the line on this machine (Flask's server; production uses gunicorn, see Procfile).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True)
@click.option("--dev", is_flag=True, help="Local development mode: a made-up auth token if none is set.")
def serve(host: str, port: int, dev: bool) -> None:
    from ivr import create_app, start_background_work

    # --dev is one more setting over the environment's, as IVR_DEV=1 would be; the
    # process's environment is left as it is.
    app = create_app({"IVR_DEV": True} if dev else None)
    settings = app.config["IVR_SETTINGS"]
    flow_file = Path(settings.flow_file).resolve()
    click.echo(f"The line is running on http://{host}:{port}/voice, serving {flow_file}.")
    click.echo(
        f"The operators' console is on http://{host}:{port}/console "
        "(make an account first: .venv/bin/ivr operator add NAME)."
    )
    if settings.development:
        click.echo("To call it without a phone, in another terminal run:")
        click.echo(f"  .venv/bin/ivr call --url http://{host}:{port} --token {settings.auth_token}")
    _protect_access_log()
    start_background_work(app)
    app.run(host=host, port=port, debug=False, use_reloader=False)


def _protect_access_log() -> None:
    """Give Werkzeug's access log its handler now, with the number filter on it
    (docs/safety.md rule 2: caller numbers never reach the logs)."""
    import logging

    from ivr.platform import protect_handler

    access = logging.getLogger("werkzeug")
    if not access.handlers:
        access.addHandler(logging.StreamHandler())
    access.setLevel(logging.INFO)
    for handler in access.handlers:
        protect_handler(handler)
