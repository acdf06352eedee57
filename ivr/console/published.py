"""What is live, as the console shows it: the newest published revision, read from the database.

Each server takes a new revision within seconds (:mod:`ivr.serve.store` polls for it), but
an operator must not see the flow from before their own publish, or someone else's, in
those seconds: the editor would start a draft from the old text, and publishing it would
undo the new one. So every console page asks the database (one small query) what is
live, and the editor starts from that revision's text, never from this server's copy.
With nothing published yet, the flow this server serves (the file) is what is live.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app

from ivr.loading import load_flow_file
from ivr.publishing import Revision, latest, latest_head
from ivr.serve.store import LiveFlow


@dataclass(frozen=True)
class Published:
    """``version`` and ``text`` of what is live; ``revision``: its revision, None when nothing
    has been published (the file serves); ``served_here``: whether this server has taken it yet."""

    version: str
    text: str
    revision: Revision | None
    served_here: bool

    def described(self) -> str:
        """Who put it live, when and why, in one sentence: what an operator asks first."""
        if self.revision is None:
            return f"version {self.version}, from the flow file (nothing has been published in the console yet)"
        r = self.revision
        approved = f", approved by {r.approved_by}" if r.approved_by else ""
        return f"{r.named}, published by {r.author}{approved} on {when(r.at)}"


def served() -> LiveFlow:
    """This server's live flow (what its callers hear this second)."""
    return current_app.extensions["ivr"].store.live


def live_version() -> str:
    """Only the version that is live (one small query, no text): what the editor compares a
    draft's start with on every keystroke's check."""
    head = latest_head(current_app.extensions["ivr.console"].database.engine)
    return head[1] if head is not None else served().flow.version


def published() -> Published:
    """What is live on the line now: the database's newest revision, else this server's flow."""
    here = served()
    revision = latest(current_app.extensions["ivr.console"].database.engine)
    if revision is not None:
        return Published(revision.version, revision.text, revision, revision.version == here.flow.version)
    text = here.text or load_flow_file(current_app.config["IVR_SETTINGS"].flow_file).text
    return Published(here.flow.version, text, None, True)


def when(at: float | None) -> str:
    """A moment as operators read it, to the minute, in the server's time zone."""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(at)) if at else ""
