"""An aiohttp application served on an asyncio listener with :class:`ConnectionGuard` limits.

aiohttp's own keep-alive timeout closes idle connections (and ones that never finish their headers);
the guard adds the connection cap with eviction and the shorter header timeout; :func:`read_body`
bounds the time a request's body may take, and what is left of a body answered early is read for at
most the body timeout before the connection closes.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError

from aztec.foundation.http.guard import ConnectionGuard, ConnectionLimits

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class _ServerLog(logging.LoggerAdapter[logging.Logger]):
    """aiohttp's server log, where a malformed request (a client's mistake) is one debug line, no traceback.

    aiohttp logs every request it cannot parse with ``logger.exception``; the node's own faults keep
    their traceback (at ERROR).
    """

    def exception(self, msg: object, *args: object, exc_info: Any = True, **kwargs: Any) -> None:
        if isinstance(exc_info, HttpProcessingError):
            self.logger.debug("malformed HTTP request: %s", exc_info)
            return
        self.logger.error(msg, *args, exc_info=exc_info, **kwargs)

    def process(self, msg: Any, kwargs: MutableMapping[str, Any]) -> tuple[Any, MutableMapping[str, Any]]:
        return msg, kwargs


_SERVER_LOG = _ServerLog(logging.getLogger("aiohttp.server"))


class BodyTimeoutError(Exception):
    """The request's body did not arrive within the body timeout."""


async def read_body(request: web.Request, timeout_s: float) -> bytes:
    """The whole body, or :class:`BodyTimeoutError` if it takes longer than ``timeout_s``."""
    try:
        return await asyncio.wait_for(request.read(), timeout_s)
    except TimeoutError:
        raise BodyTimeoutError(f"request body not complete within {timeout_s:g} s") from None


class GuardedListener:
    """Serves ``app`` on ``host:port`` (0 = a free port) until :meth:`stop`."""

    def __init__(
        self,
        app: web.Application,
        limits: ConnectionLimits,
        *,
        host: str,
        port: int,
        name: str,
        shutdown_timeout_s: float = 5.0,
    ) -> None:
        self.guard = ConnectionGuard(limits, name=name)
        self.limits = limits
        self.host = host
        self._requested_port = port
        self._shutdown_timeout_s = shutdown_timeout_s
        app.middlewares.insert(0, self._track)
        self._app = app
        self._runner: web.AppRunner | None = None
        self._server: asyncio.Server | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        if self._port is None:
            raise RuntimeError("the listener is not started")
        return self._port

    async def start(self) -> None:
        runner = web.AppRunner(
            self._app,
            access_log=None,
            handle_signals=False,
            shutdown_timeout=self._shutdown_timeout_s,
            keepalive_timeout=self.limits.idle_timeout_s,
            logger=_SERVER_LOG,
            # after an early answer (413, 408) aiohttp reads what is left of the body for this long
            lingering_time=self.limits.body_timeout_s,
        )
        await runner.setup()
        server = runner.server
        assert server is not None
        loop = asyncio.get_running_loop()
        try:
            self._server = await loop.create_server(
                self.guard.wrap(server), self.host, self._requested_port, reuse_address=True
            )
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(self._server.sockets[0].getsockname()[1])

    async def stop(self) -> None:
        """Stop accepting, let running requests finish (up to the shutdown timeout), close. Idempotent."""
        server, self._server = self._server, None
        runner, self._runner = self._runner, None
        if server is not None:
            server.close()
        if runner is not None:
            await runner.cleanup()
        self.guard.close_all()
        self._port = None

    @web.middleware
    async def _track(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        self.guard.request_started(request.transport)
        try:
            return await handler(request)
        finally:
            self.guard.request_finished(request.transport)
