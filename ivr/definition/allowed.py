"""What the line's settings allow a flow, beyond what its own checks accept.

Two things a flow file could use to hurt callers are limited from outside it, in settings
that only whoever runs the server can change (an operator who may edit the flow cannot):

* the hosts its ``https://`` recordings may come from (``IVR_MEDIA_HOSTS``; none: only the
  line's own ``recordings/``), since Twilio fetches them during calls and their host learns
  when people call;
* the numbers it may connect callers to (``IVR_DESTINATIONS``; none: any number the checks
  accept), since one changed digit sends frightened people to a stranger.

The checks read no settings: whoever loads a flow for the line hands this in (the server,
the console, the ``ivr`` commands), and a child process that loads a flow gets it on its
command line (:meth:`Allowed.to_argument`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Allowed:
    media_hosts: frozenset[str] = frozenset()
    #: E.164 numbers ("+448000121700"); empty: any number the checks accept.
    destinations: frozenset[str] = frozenset()

    @classmethod
    def of(cls, media_hosts: Iterable[str] = (), destinations: Iterable[str] = ()) -> Allowed:
        return cls(frozenset(host.lower() for host in media_hosts), frozenset(destinations))

    def to_argument(self) -> str:
        """One command-line argument a child process reads back with :meth:`from_argument`."""
        return json.dumps({"media_hosts": sorted(self.media_hosts), "destinations": sorted(self.destinations)})

    @classmethod
    def from_argument(cls, argument: str) -> Allowed:
        data = json.loads(argument) if argument else {}
        return cls.of(data.get("media_hosts", ()), data.get("destinations", ()))


#: Both settings unset: only the line's own recordings play, and any number the checks accept
#: may be dialled.
UNSET = Allowed()
