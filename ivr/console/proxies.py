"""Noticing a proxy the line was not told about, and what the login brake counts behind it.

Behind nginx, every request reaches the line from the proxy's own address (127.0.0.1).
Only with ``IVR_TRUSTED_PROXIES`` set does the line read the client's address from the
proxy's ``X-Forwarded-For`` (Werkzeug's ``ProxyFix``, in the app factory). Left at 0, every
operator seems to log in from the one address, and ten wrong passwords from anyone would
lock every operator out of the console at once.

So a console request that carries ``X-Forwarded-For`` while the setting is 0 is noticed:
the first one in each process logs a warning that names the setting (never an address),
and the console's first page says it for as long as it goes on. The check reads one header
of the console's own requests; the webhooks, which callers wait for, never run it.

Failed logins are then counted per name only (:func:`counted_address` is ``None``), with
no name lock waived for a known address: the proxy's address is everybody's, so counting by
it locks everyone out, and waiving by it would waive for everyone. Guessing one operator's
password stays as slow as ever; what is lost until the setting is fixed is the brake on
one address trying many names, and an operator's pass through their own name's lock.
That happens only when the request comes from a loopback or private address, as from a
proxy on the same machine or network: a client on the internet that adds the header itself
is still counted by its own address.
"""

from __future__ import annotations

import ipaddress
import logging
import threading

from flask import Request, current_app, request

from ivr.console.accounts import address_of

log = logging.getLogger("ivr.console")

FORWARDED_FOR = "X-Forwarded-For"
UNTRUSTED_PROXY_WARNING = (
    "console requests come through a proxy (they carry X-Forwarded-For), but IVR_TRUSTED_PROXIES is 0: "
    "the line sees the proxy's address for every operator, so failed logins are counted per name only. "
    "Set IVR_TRUSTED_PROXIES to the number of proxies in front of the line (1 behind deploy/nginx.conf) "
    "and let nothing reach the line past them."
)


class ProxyNotice:
    """One process's look at the console's requests: has it said yet that a proxy is in front?"""

    def __init__(self, trusted_proxies: int) -> None:
        self.trusted_proxies = trusted_proxies
        self._said = False
        self._lock = threading.Lock()

    def untrusted_proxy(self, request: Request) -> bool:
        """The request came through a proxy whose headers the line was not told to read."""
        return not self.trusted_proxies and FORWARDED_FOR in request.headers

    def look(self, request: Request) -> None:
        """Say once per process, loudly, that a proxy is in front and the setting is 0."""
        if self._said or not self.untrusted_proxy(request):
            return
        with self._lock:
            if self._said:
                return
            self._said = True
        log.warning(UNTRUSTED_PROXY_WARNING, extra={"fields": {"event": "untrusted-proxy"}})

    def counted_address(self, request: Request) -> str | None:
        """The address failed logins count under; ``None`` when it is a proxy's, shared by all."""
        if self.untrusted_proxy(request) and _local(request.remote_addr):
            return None
        return address_of(request.remote_addr)


def _local(remote_addr: str | None) -> bool:
    try:
        ip = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    return ip.is_loopback or ip.is_private


def notice() -> ProxyNotice:
    return current_app.extensions["ivr.proxies"]


def look_at_request() -> None:
    """Before each console request (not the webhooks'): say it once if a proxy is in front."""
    notice().look(request)
