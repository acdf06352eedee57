"""The one loading pipeline: a flow file or text, read, parsed, checked and compiled into
the runtime flow the line serves, or refused with every problem at its line and column.

Two ways to run the same functions:

- :mod:`~ivr.loading.pipeline`: in this process (the command line, the tests, a
  revision published from the database);
- :mod:`~ivr.loading.isolated`: in a child process with a time and a memory limit (a
  serving worker's watcher, an operator's draft in the console), so no file can take a
  worker down.

A package of its own, below publishing, because the child imports it under a tight memory
limit: it must not pull in the database or the web framework. Code outside this package
imports from here, never from the modules inside (an import-linter contract holds it).
"""

from __future__ import annotations

from ivr.loading.isolated import ChildFailed, check_text_isolated, load_isolated, run_child
from ivr.loading.pipeline import (
    MAX_FILE_BYTES,
    LoadResult,
    flow_version,
    is_too_large,
    load_flow_file,
    load_flow_text,
    read_regular_file,
    too_large,
)

__all__ = [
    "MAX_FILE_BYTES",
    "ChildFailed",
    "LoadResult",
    "check_text_isolated",
    "flow_version",
    "is_too_large",
    "load_flow_file",
    "load_flow_text",
    "load_isolated",
    "read_regular_file",
    "run_child",
    "too_large",
]
