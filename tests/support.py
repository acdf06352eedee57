"""What the tests share besides fixtures: the line's test settings, well-known numbers, and
helpers that drive a call or a real server. Fixtures are in conftest.py.

Imported as ``support`` (pyproject.toml puts this folder on the path for pytest), which
works in every pytest import mode, ``importlib`` included.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import wave
from collections.abc import Callable
from pathlib import Path

from alembic.command import upgrade as alembic_upgrade
from alembic.config import Config
from sqlalchemy import Engine, create_engine, text

from ivr.database import MIGRATIONS, driver_url
from ivr.tools.simulator import SimulatedCall

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FLOW = ROOT / "call_flows.yaml"
TOKEN = "test-auth-token-0123456789abcdef"
PUBLIC = "https://line.example.org"
HELPLINE = "+448000121700"
CRIMESTOPPERS = "+44800555111"

#: The default flow's language menu as the terminal caller prints it: each line's language
#: (by its own name, and the code of its voice), then what is said.
LANGUAGE_MENU = [
    ("English", "en-GB", "If you are in danger now, hang up and dial 9 9 9. For the helpline, press 0."),
    ("English", "en-GB", "English: 1."),
    ("English", "en-GB", "Shcheep: 2."),
    ("Tiếng Việt", "vi-VN", "Tiếng Việt: 3."),
    ("English", "en-GB", "Tigrinya: 4."),
    ("العربية", "arb", "العربية: 5."),
    ("English", "en-GB", "Soomaali: 6."),
    ("Română", "ro-RO", "Română: 7."),
    ("Polski", "pl-PL", "Polski: 8."),
    ("English", "en-GB", "For any other language, stay on the line; the helpline has interpreters."),
]


def language_menu_heard(*, named: bool = True) -> list[str]:
    """The menu's lines as ``ivr call`` prints them: each labelled by its language's name,
    or (``named=False``, when the flow cannot be read) by its voice's code."""
    return [f"  line ({name if named else code}): {text}" for name, code, text in LANGUAGE_MENU]


def silence_until_transfer(call: SimulatedCall, limit: int = 8) -> SimulatedCall:
    """Stay silent at every menu until the line transfers the call (or stops waiting)."""
    for _ in range(limit):
        if call.waiting_for != "gather":
            break
        call.silence()
    return call


class GunicornServer:
    """The line under gunicorn, started as the Procfile does, on a free loopback port.
    ``serves``: the entry point in app.py (the Procfile's ``web:`` is ``line``, its
    ``console:`` is ``console``); ``everything`` serves both from one master."""

    def __init__(self, flow_file: Path, log_file: Path, serves: str = "line", **env: str) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.log_file = log_file
        self._log = log_file.open("w")
        environment = dict(
            os.environ,
            TWILIO_AUTH_TOKEN=TOKEN,
            IVR_FLOW_FILE=str(flow_file),
            IVR_PUBLIC_URL="",
            IVR_ALLOWED_HOSTS=f"127.0.0.1:{port}",
            GUNICORN_BIND=f"127.0.0.1:{port}",
            WEB_CONCURRENCY="2",
            IVR_DATABASE_FILE=str(log_file.parent / "server.sqlite3"),
        )
        environment.update(env)
        gunicorn = Path(sys.executable).with_name("gunicorn")
        self.process = subprocess.Popen(
            [str(gunicorn), "--config", "gunicorn.conf.py", f"app:{serves}()"],
            cwd=ROOT,
            env=environment,
            stdout=self._log,
            stderr=self._log,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and log_file.read_text().count('"worker ready"') < 2:
            time.sleep(0.1)  # ready when both workers are (gunicorn.conf.py)

    def workers(self) -> list[int]:
        master = self.process.pid
        return [int(pid) for pid in Path(f"/proc/{master}/task/{master}/children").read_text().split()]

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)
        self._log.close()


def write_wav(path: Path, seconds: float = 1.0) -> None:
    """A silent recording of ``seconds`` (8 kHz, 16-bit mono, as a telephone plays it), its
    folders made: what an operator uploads, for the recordings' tests."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))


def migrate(engine: Engine, change: Callable[[Config, str], None], revision: str) -> None:
    """Run Alembic's ``change`` (``alembic.command.upgrade`` or ``downgrade``) to ``revision``
    on ``engine``'s database, in one transaction: how a test makes, or goes back to, a
    database as an older line left it, with the line's own migrations."""
    with engine.begin() as connection:
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        change(config, revision)


def database_at_schema(url: str, revision: str, *statements: str, marked: bool = True) -> None:
    """A database as a line of schema ``revision`` left it, with ``statements`` run in it;
    without Alembic's mark (``marked=False``) as a line from before migrations made it."""
    old = create_engine(driver_url(url))
    migrate(old, alembic_upgrade, revision)
    with old.begin() as connection:
        if not marked:
            connection.execute(text("DROP TABLE alembic_version"))
        for statement in statements:
            connection.execute(text(statement))
    old.dispose()
