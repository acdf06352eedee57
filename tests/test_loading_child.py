"""The loading pipeline's child process (ivr.loading.isolated) runs under a tight memory
limit: it imports the pipeline alone, never the database or publishing, so a flow that
loads in the parent also loads in the child."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("sqlalchemy", "ivr.database.tables", "ivr.publishing", "ivr.console", "ivr.serve")


def test_the_loading_child_imports_neither_the_database_nor_publishing():
    script = f"import sys, ivr.loading.isolated; print([m for m in {HEAVY!r} if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout == "[]\n"
