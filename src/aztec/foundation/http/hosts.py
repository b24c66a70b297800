"""The Host-header allow-list that keeps web pages out through DNS rebinding (geth's ``--http.vhosts``).

A page on ``evil.example`` whose name an attacker re-points at 127.0.0.1 makes the browser send
``Host: evil.example``; refusing names not on the list stops it. As in geth, a request with an IP
address as its host (which no rebinding can produce) or with no Host header (no browser) is let
through; ``*`` lets every host through.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from typing import Final

LOCALHOST_NAMES: Final = ("localhost",)
ANY_HOST: Final = "*"


def host_name(header: str) -> str:
    """The name in a Host header, without port, brackets or trailing dot, lower case."""
    value = header.strip()
    if value.startswith("["):
        end = value.find("]")
        return value[1:end].lower() if end > 0 else value.lower()
    name, sep, port = value.rpartition(":")
    if sep and port.isdigit():
        value = name
    return value.rstrip(".").lower()


def _is_ip(name: str) -> bool:
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostAllowList:
    """Which Host headers a listener answers; default: the localhost names and the bound address."""

    def __init__(self, entries: Iterable[str], bind_host: str) -> None:
        names = [e.strip().lower().rstrip(".") for e in entries if e.strip()]
        self.any = ANY_HOST in names
        defaults = [*LOCALHOST_NAMES, bind_host.lower()] if not names else []
        self.names = frozenset(n for n in [*names, *defaults] if n != ANY_HOST)

    def allows(self, header: str | None) -> bool:
        if self.any or header is None or header.strip() == "":
            return True
        name = host_name(header)
        return name in self.names or _is_ip(name)
