"""A throw-away PostgreSQL server for the tests: Debian's binaries, a cluster in a temporary
folder, reached only through a Unix socket in that folder, removed afterwards.

PostgreSQL refuses to run as root; when the tests run as root (CI, containers) the cluster is
made and run as the ``postgres`` user that Debian's package creates. Each test gets a
database of its own (``CREATE DATABASE``), so tests cannot see each other's rows.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

#: Why the PostgreSQL tests cannot run here, or "" when they can.
INSTALL_HINT = "PostgreSQL is not installed (Debian package postgresql; scripts/test installs it)"


def binaries() -> Path | None:
    """The newest installed PostgreSQL's bin folder."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


class Cluster:
    """``start()`` makes and starts the cluster; ``url(name)`` makes a database and gives its
    SQLAlchemy URL; ``stop()`` stops it and removes every file."""

    def __init__(self) -> None:
        bin_folder = binaries()
        if bin_folder is None:
            raise RuntimeError(INSTALL_HINT)
        self.bin = bin_folder
        self.folder = Path(tempfile.mkdtemp(prefix="ivr-pg-"))
        self.data = self.folder / "data"
        self._as_postgres = os.geteuid() == 0
        self._count = 0

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run([*prefix, *command], check=True, capture_output=True, timeout=60)

    def start(self) -> Cluster:
        if self._as_postgres:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")
        options = f"-k {self.folder} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        log = str(self.folder / "server.log")
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", log, "-w", "start")
        return self

    def url(self, name: str | None = None) -> str:
        """A new, empty database, as DATABASE_URL would name it."""
        import psycopg

        self._count += 1
        name = name or f"test_{self._count}"
        with psycopg.connect(host=str(self.folder), user="postgres", dbname="postgres", autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql://postgres@/{name}?host={self.folder}"

    def stop(self) -> None:
        with contextlib.suppress(subprocess.SubprocessError, OSError):
            self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
