"""A plain `pip install .` ships the whole line: the console's pages and files included,
and the files a new line starts from.

The wheel is built from the checkout, installed (without its dependencies, which this
environment already has) into a folder outside the checkout, and the app is started from
there: the console's login page, its stylesheet, and its fonts with their licence must be
served. Then ``ivr init`` from the installed package writes a new line's files, the
checkout's own, into an empty folder."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import sys
from ivr import create_app
app = create_app({"TWILIO_AUTH_TOKEN": "t" * 32, "IVR_DEV": True, "IVR_FLOW_FILE": sys.argv[1],
                  "IVR_DATABASE_FILE": sys.argv[2], "IVR_STATS": False, "IVR_LOG_LEVEL": "WARNING"}, environ={})
assert app.import_name == "ivr"
import ivr
print(ivr.__file__)
client = app.test_client()
for path in ("/console/login", "/console/static/console.css", "/console/static/try.js",
             "/console/static/fonts.css", "/console/static/fonts/noto-sans-arabic-arabic-400-normal.woff2",
             "/console/static/fonts/OFL-noto-sans-arabic.txt"):
    response = client.get(path)
    print(path, response.status_code)
    response.close()
"""


def run_installed(site: Path, cwd: Path, script: str, *args: str) -> subprocess.CompletedProcess:
    """``script`` run by Python with the installed package, from ``cwd``, outside the checkout."""
    return subprocess.run(
        [sys.executable, "-c", script, *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
    )


def test_the_installed_wheel_serves_the_console(tmp_path):
    # A clean copy: a build/ folder left in the checkout would hide files the package lacks.
    source = tmp_path / "source"
    shutil.copytree(
        ROOT,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", "*.sqlite3*", "tests"),
    )
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path / "dist"), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("*.whl"))
    site = tmp_path / "site"
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert installed.returncode == 0, installed.stderr[-2000:]
    ran = run_installed(site, tmp_path, SCRIPT, str(ROOT / "call_flows.yaml"), str(tmp_path / "db.sqlite3"))
    assert ran.returncode == 0, ran.stderr[-2000:]
    lines = ran.stdout.splitlines()
    assert lines[0] == str(site / "ivr" / "__init__.py")  # the installed copy, not the checkout
    assert lines[1:] == [
        "/console/login 200",
        "/console/static/console.css 200",
        "/console/static/try.js 200",
        "/console/static/fonts.css 200",  # the fonts, and their licence beside them
        "/console/static/fonts/noto-sans-arabic-arabic-400-normal.woff2 200",
        "/console/static/fonts/OFL-noto-sans-arabic.txt 200",
    ]
    started = run_installed(site, tmp_path, "from ivr.cli import main; main()", "init", "new line")
    assert started.returncode == 0, started.stderr[-2000:]
    assert started.stdout.splitlines() == [
        "wrote call_flows.yaml, app.py, gunicorn.conf.py, Procfile, call_flows.schema.json in new line",
        "Next: 'ivr check' checks the flow, 'ivr serve --dev' runs the line on this machine to try it (in new "
        "line); for callers, run gunicorn with these files, as the README's 'Running it for real' says.",
    ]
    for name in ("call_flows.yaml", "app.py", "gunicorn.conf.py", "Procfile"):
        assert (tmp_path / "new line" / name).read_bytes() == (ROOT / name).read_bytes(), name
