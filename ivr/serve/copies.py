"""The flow's texts on disk: the copies a server keeps, and the safe flow of last resort.

A server keeps the last flow file that passed its checks (the *last good copy*) and the
last published revision it served (the *revision copy*) beside the flow file, so a restart
serves what the line served before even when the file is broken or the database cannot be
reached. Only with neither does :func:`builtin_safe_flow` connect every caller to the
helpline. Loading never raises: a bug while loading refuses the text, never the line.
"""

from __future__ import annotations

import logging
import os
import tempfile
from importlib import resources
from pathlib import Path
from string import Template

from ivr.definition.allowed import UNSET, Allowed
from ivr.definition.phone import CRIMESTOPPERS, HELPLINE
from ivr.definition.problems import error
from ivr.loading import LoadResult, load_flow_file, load_flow_text, load_isolated
from ivr.runtime import flow as rt

log = logging.getLogger("ivr.flow")


def builtin_safe_flow() -> rt.Flow:
    """The flow served when no flow file has ever passed its checks. Its numbers are
    written ``$HELPLINE`` and ``$CRIMESTOPPERS`` in the file and filled in from
    :mod:`ivr.definition.phone`, their one home."""
    written = resources.files("ivr.serve").joinpath("last_resort_flow.yaml").read_text("utf-8")
    text = Template(written).substitute(HELPLINE=HELPLINE, CRIMESTOPPERS=CRIMESTOPPERS)
    result = load_flow_text(text)
    assert result.flow is not None, [p.format("last_resort_flow.yaml") for p in result.problems]
    return result.flow


def load_or_refuse(path: Path, isolated: bool = False, allowed: Allowed = UNSET) -> LoadResult:
    """Load a flow file; a bug that raises while loading refuses the file, never the line.
    ``allowed``: what the line's settings allow a flow (:mod:`ivr.definition.allowed`)."""
    try:
        if isolated:
            return load_isolated(path, allowed=allowed)
        return load_flow_file(path, allowed=allowed)
    except Exception as exc:
        log.exception("loading the flow failed", extra={"fields": {"event": "flow-load-error", "file": str(path)}})
        return LoadResult(None, [error(1, 1, f"the line could not load this file ({type(exc).__name__})",
                                       "report it: this is a bug in the line, not in the file", code="load-bug")],
                          readable=False)  # fmt: skip


def load_text_beside(flow_file: Path, text: str, isolated: bool, allowed: Allowed = UNSET) -> LoadResult:
    """Load a revision's text as if it were the flow file (its media paths are relative to
    the file's folder), in the child process like a changed file (``isolated``)."""
    try:
        handle, temporary = tempfile.mkstemp(dir=flow_file.parent, prefix=f".{flow_file.name}.", suffix=".new")
    except OSError as exc:
        why = f"the revision could not be written beside the flow file to be checked ({exc.strerror})"
        return LoadResult(None, [error(1, 1, why, "let the line write in the flow file's folder", code="load-bug")],
                          readable=False)  # fmt: skip
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(text.encode("utf-8"))
        return load_or_refuse(Path(temporary), isolated, allowed)
    finally:
        os.unlink(temporary)


def last_good_path(flow_file: Path) -> Path:
    return flow_file.with_name(f".{flow_file.name}.last-good")


def revision_copy_path(flow_file: Path) -> Path:
    """Where a server keeps the text of the last published revision it served."""
    return flow_file.with_name(f".{flow_file.name}.revision")


def save_copy(text: str, path: Path) -> None:
    """Keep a copy of the text that just went live, written whole or not at all."""
    try:
        data = text.encode("utf-8")
        if path.exists() and path.read_bytes() == data:
            return
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=path.name)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except OSError as exc:
        log.warning(
            "cannot save the last good copy of the flow",
            extra={"fields": {"event": "last-good-not-saved", "reason": exc.strerror}},
        )
