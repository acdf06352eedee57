"""``ivr init``: a folder a new line can start from, for whoever installed the package
rather than cloning the repository.

It writes the default call flow and the JSON Schema its first line names, the WSGI entry
points (app.py), gunicorn's settings (gunicorn.conf.py: the phone-number filter on every
log) and the Procfile that runs them, the same files the repository runs the line with.
The wheel carries them as ``ivr/starter/`` (setup.py copies them in when it is built); an
editable install of a checkout reads them from the checkout itself. A file that is already
there is never overwritten: it may be a line's live flow.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import click

#: The files copied as they are, in the order they are reported.
STARTER_FILES = ("call_flows.yaml", "app.py", "gunicorn.conf.py", "Procfile")
SCHEMA_FILE = "call_flows.schema.json"


def starter_folder() -> Path:
    """Where the starter files are: in the installed package, else (an editable install of
    a checkout, where nothing was built) the checkout the package is in."""
    shipped = Path(str(files("ivr"))) / "starter"
    if (shipped / STARTER_FILES[0]).is_file():
        return shipped
    return Path(str(files("ivr"))).parent


@click.command(
    help="Write a new line's files into FOLDER (default: here): the default call flow, its JSON Schema, "
    "app.py, gunicorn.conf.py and the Procfile. Never overwrites a file."
)
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path), default=Path("."))
def init(folder: Path) -> None:
    from ivr.definition.schema import flow_schema_text

    source = starter_folder()
    contents = {name: (source / name).read_bytes() for name in STARTER_FILES}
    contents[SCHEMA_FILE] = flow_schema_text().encode("utf-8")
    there = [name for name in contents if (folder / name).exists()]
    if there:
        raise click.ClickException(
            f"{folder} already has {', '.join(there)}: nothing was written. Run ivr init in a new folder, "
            "or move those files away first"
        )
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in contents.items():
        with open(folder / name, "xb") as written:  # "x": never over a file made meanwhile
            written.write(content)
    click.echo(f"wrote {', '.join(contents)} in {folder}")
    click.echo(
        f"Next: 'ivr check' checks the flow, 'ivr serve --dev' runs the line on this machine to try it (in {folder}); "
        "for callers, run gunicorn with these files, as the README's 'Running it for real' says."
    )
