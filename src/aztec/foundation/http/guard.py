"""Per-connection limits for an asyncio HTTP server: a connection cap, a header timeout, eviction.

:class:`ConnectionGuard` wraps each protocol the server creates (aiohttp's request handler) and sees
every connection's state: ``waiting`` from accept (or from the first byte after a response) until the
request's headers are in, ``busy`` while a request is handled, ``idle`` between requests (aiohttp's
keep-alive timeout closes it). A connection whose headers are not complete ``header_timeout_s`` after
it started sending them is aborted, so a client trickling bytes holds nothing for long.

At the cap, a new connection evicts the oldest connection that is not handling a request (idle or
still sending headers): a flood of slow sockets cannot lock out a normal client, whose headers arrive
at once. Only when every connection is busy is the new one refused (HTTP 503, then closed).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from aztec.foundation.listener_defaults import BODY_TIMEOUT_S, HEADER_TIMEOUT_S, IDLE_TIMEOUT_S, MAX_CONNECTIONS

log = logging.getLogger(__name__)

_REFUSAL: Final = b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
_WARN_INTERVAL_S: Final = 60.0


@dataclass(frozen=True, slots=True)
class ConnectionLimits:
    """The limits of one listener; every value must be positive and finite."""

    max_connections: int = MAX_CONNECTIONS
    """Open connections at most; past it the oldest non-busy one is evicted (busy ones: refused)."""
    header_timeout_s: float = HEADER_TIMEOUT_S
    """A request's headers must be complete this long after its first byte (or after accept)."""
    body_timeout_s: float = BODY_TIMEOUT_S
    """A request's body must be complete this long after its headers."""
    idle_timeout_s: float = IDLE_TIMEOUT_S
    """A keep-alive connection with no new request for this long is closed."""

    def __post_init__(self) -> None:
        if type(self.max_connections) is not int or self.max_connections < 1:
            raise ValueError(f"max_connections must be a positive integer, got {self.max_connections!r}")
        for name in ("header_timeout_s", "body_timeout_s", "idle_timeout_s"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value <= 0:
                raise ValueError(f"{name} must be a positive finite number of seconds, got {value!r}")


@dataclass(slots=True)
class GuardStats:
    """What the guard did since it started (for tests and the operator's log)."""

    accepted: int = 0
    evicted: int = 0
    refused: int = 0
    header_timeouts: int = 0


class _Connection:
    __slots__ = ("busy", "handle", "since", "transport", "waiting_first_byte")

    def __init__(self, transport: asyncio.Transport, now: float) -> None:
        self.transport = transport
        self.busy = False
        self.waiting_first_byte = False
        self.since = now
        self.handle: asyncio.TimerHandle | None = None

    def cancel_timer(self) -> None:
        if self.handle is not None:
            self.handle.cancel()
            self.handle = None


class ConnectionGuard:
    """Tracks the connections of one listener; ``wrap`` its protocol factory, and tell it about requests."""

    def __init__(self, limits: ConnectionLimits, *, name: str) -> None:
        self.limits = limits
        self.name = name
        self.stats = GuardStats()
        self._connections: dict[asyncio.BaseTransport, _Connection] = {}
        self._last_warning = -math.inf

    @property
    def open_connections(self) -> int:
        return len(self._connections)

    @property
    def busy_connections(self) -> int:
        """Connections handling a request now."""
        return sum(1 for c in self._connections.values() if c.busy)

    def wrap(self, factory: Callable[[], asyncio.Protocol]) -> Callable[[], asyncio.Protocol]:
        """A protocol factory whose protocols report to this guard and delegate to ``factory``'s."""
        return lambda: _GuardedProtocol(factory(), self)

    # --- called by the server's request handling ---------------------------------------------------

    def request_started(self, transport: asyncio.BaseTransport | None) -> None:
        """The request's headers are in: stop the header clock."""
        connection = self._connections.get(transport) if transport is not None else None
        if connection is not None:
            connection.cancel_timer()
            connection.busy = True

    def request_finished(self, transport: asyncio.BaseTransport | None) -> None:
        """The response is handed over: the connection is idle until its next request's first byte."""
        connection = self._connections.get(transport) if transport is not None else None
        if connection is not None:
            connection.busy = False
            connection.waiting_first_byte = True
            connection.since = time.monotonic()

    # --- called by the protocols ---------------------------------------------------------------------

    def admit(self, transport: asyncio.Transport) -> bool:
        """Register a new connection; False (and the connection refused) when every slot is busy."""
        if len(self._connections) >= self.limits.max_connections and not self._evict_one():
            self.stats.refused += 1
            self._warn("all %d connections are handling requests; refusing a new one", self.limits.max_connections)
            transport.write(_REFUSAL)
            transport.close()
            return False
        connection = _Connection(transport, time.monotonic())
        self._connections[transport] = connection
        self.stats.accepted += 1
        self._arm_header_timer(connection)
        return True

    def data_received(self, transport: asyncio.BaseTransport) -> None:
        connection = self._connections.get(transport)
        if connection is not None and connection.waiting_first_byte:
            connection.waiting_first_byte = False
            connection.since = time.monotonic()
            self._arm_header_timer(connection)

    def closed(self, transport: asyncio.BaseTransport) -> None:
        connection = self._connections.pop(transport, None)
        if connection is not None:
            connection.cancel_timer()

    def close_all(self) -> None:
        """Abort every connection (on shutdown, after the server stopped accepting)."""
        for connection in list(self._connections.values()):
            connection.cancel_timer()
            connection.transport.abort()

    # --- internals -----------------------------------------------------------------------------------

    def _arm_header_timer(self, connection: _Connection) -> None:
        connection.cancel_timer()
        loop = asyncio.get_running_loop()
        connection.handle = loop.call_later(self.limits.header_timeout_s, self._header_timeout, connection)

    def _header_timeout(self, connection: _Connection) -> None:
        connection.handle = None
        if connection.busy or connection.transport not in self._connections:
            return
        self.stats.header_timeouts += 1
        log.debug("%s: request headers not complete within %.1f s; closing", self.name, self.limits.header_timeout_s)
        connection.transport.abort()

    def _evict_one(self) -> bool:
        candidates = [c for c in self._connections.values() if not c.busy]
        if not candidates:
            return False
        victim = min(candidates, key=lambda c: c.since)
        self.stats.evicted += 1
        self._warn("%d connections open (the limit); closing the oldest idle or slow ones", len(self._connections))
        self._connections.pop(victim.transport, None)
        victim.cancel_timer()
        victim.transport.abort()
        return True

    def _warn(self, message: str, *args: object) -> None:
        now = time.monotonic()
        if now - self._last_warning >= _WARN_INTERVAL_S:
            self._last_warning = now
            log.warning("%s: " + message, self.name, *args)


class _GuardedProtocol(asyncio.Protocol):
    """Delegates to the server's protocol; reports the connection's life to the guard."""

    __slots__ = ("_admitted", "_guard", "_inner", "_transport")

    def __init__(self, inner: asyncio.Protocol, guard: ConnectionGuard) -> None:
        self._inner = inner
        self._guard = guard
        self._transport: asyncio.BaseTransport | None = None
        self._admitted = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        self._admitted = self._guard.admit(transport)
        if self._admitted:
            self._inner.connection_made(transport)

    def data_received(self, data: bytes) -> None:
        if not self._admitted:
            return
        assert self._transport is not None
        self._guard.data_received(self._transport)
        self._inner.data_received(data)

    def eof_received(self) -> bool | None:
        return self._inner.eof_received() if self._admitted else None

    def connection_lost(self, exc: Exception | None) -> None:
        if self._transport is not None:
            self._guard.closed(self._transport)
        if self._admitted:
            self._inner.connection_lost(exc)

    def pause_writing(self) -> None:
        if self._admitted:
            self._inner.pause_writing()

    def resume_writing(self) -> None:
        if self._admitted:
            self._inner.resume_writing()
