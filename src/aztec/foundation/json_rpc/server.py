"""A JSON-RPC 2.0 server over HTTP (aiohttp): POST ``/`` with a request or a batch.

It binds 127.0.0.1 unless given another host, and port 0 picks a free port (read :attr:`port`).
A body over ``max_body_bytes`` is refused with HTTP 413 and a JSON-RPC error; the connection stays
usable. Every other answer is HTTP 200 with a JSON-RPC response, or 204 when only notifications came.
``GET /healthz`` answers 200 while the server runs (liveness); ``GET /readyz`` answers 200 when the
``ready`` callback says so and 503 otherwise (readiness; without a callback, as ``/healthz``).

    registry = MethodRegistry()
    registry.register("echo", echo, params=(Param("text", str),))
    async with JsonRpcServer(registry, telemetry, port=0) as server:
        print(server.url)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Final

from aiohttp import web

from aztec.foundation.json_rpc.dispatcher import JsonRpcDispatcher
from aztec.foundation.json_rpc.errors import RequestTooLargeError
from aztec.foundation.json_rpc.instrumentation import JsonRpcInstrumentation
from aztec.foundation.json_rpc.registry import MethodRegistry
from aztec.foundation.timer import Timer
from aztec.telemetry.api import TelemetryClient

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
DEFAULT_MAX_BATCH_SIZE: Final = 100
JSON_CONTENT_TYPE: Final = "application/json"


class JsonRpcServer:
    """Serves ``registry`` over HTTP; start with ``async with`` or :meth:`start` / :meth:`stop`."""

    def __init__(
        self,
        registry: MethodRegistry,
        telemetry: TelemetryClient,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
        shutdown_timeout_s: float = 5.0,
        ready: Callable[[], Awaitable[bool]] | None = None,
    ) -> None:
        if max_body_bytes < 1:
            raise ValueError(f"max_body_bytes must be at least 1, got {max_body_bytes}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be in [0, 65535], got {port}")
        self.registry = registry
        self.host = host
        self.max_body_bytes = max_body_bytes
        self._requested_port = port
        self._shutdown_timeout_s = shutdown_timeout_s
        self._ready = ready
        instrumentation = JsonRpcInstrumentation(telemetry, registry)
        self._dispatcher = JsonRpcDispatcher(registry, instrumentation, max_batch_size=max_batch_size)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    @property
    def port(self) -> int:
        """The bound port (the one chosen by the OS when constructed with port 0)."""
        if self._port is None:
            raise RuntimeError("the JSON-RPC server is not started")
        return self._port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def running(self) -> bool:
        return self._runner is not None

    async def start(self) -> None:
        if self._runner is not None:
            raise RuntimeError("the JSON-RPC server is already started")
        app = web.Application(client_max_size=self.max_body_bytes)
        app.router.add_post("/", self._handle)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=self._shutdown_timeout_s)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self._requested_port)
        try:
            await site.start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])

    async def stop(self) -> None:
        """Stop accepting, let running calls finish (up to the shutdown timeout), close. Idempotent."""
        runner, self._runner = self._runner, None
        if runner is not None:
            await runner.cleanup()
        self._port = None

    async def __aenter__(self) -> JsonRpcServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    async def _healthz(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def _readyz(self, _request: web.Request) -> web.Response:
        if self._ready is None or await self._ready():
            return web.Response(text="ready\n")
        return web.Response(status=503, text="not ready\n")

    async def _handle(self, request: web.Request) -> web.Response:
        timer = Timer()
        declared = request.content_length
        if declared is not None and declared > self.max_body_bytes:
            return self._too_large(declared, timer)
        try:
            body = await request.read()
        except web.HTTPRequestEntityTooLarge:
            return self._too_large(None, timer)
        response = await self._dispatcher.handle(body)
        if response is None:
            return web.Response(status=204)
        return web.Response(body=response, content_type=JSON_CONTENT_TYPE)

    def _too_large(self, size: int | None, timer: Timer) -> web.Response:
        body_text = "body" if size is None else f"body of {size} bytes"
        error = RequestTooLargeError(
            f"Invalid request: {body_text} exceeds the limit of {self.max_body_bytes} bytes",
            {"limit": self.max_body_bytes},
        )
        body = self._dispatcher.reject(error, timer.s())
        return web.Response(status=413, body=body, content_type=JSON_CONTENT_TYPE)
