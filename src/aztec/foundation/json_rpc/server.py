"""A JSON-RPC 2.0 server over HTTP (aiohttp): POST ``/`` with a request or a batch; health probes.

It binds 127.0.0.1 unless given another host, and port 0 picks a free port (read :attr:`port`).
What it refuses, before any method runs, each answered with a JSON-RPC error body:

- a Host header not on the allow-list (HTTP 403; see :mod:`aztec.foundation.http.hosts`);
- a content type other than ``application/json`` (HTTP 415), which also keeps browsers' simple
  cross-origin form posts out;
- a body over ``max_body_bytes`` (HTTP 413; the connection stays usable), or one slower than the
  body timeout (HTTP 408, connection closed).

CORS headers are sent only for the origins in ``cors_origins`` (none by default), preflight included.
``GET /healthz`` answers 200 while the process serves; ``GET /readyz`` 200 or 503 with the checks of
``readiness`` (:mod:`aztec.foundation.http.health`, which the scrape endpoint mounts too). The
listener's connection cap and timeouts are :class:`ConnectionLimits`. Every other answer is HTTP 200
with a JSON-RPC response, or 204 when only notifications came. Request handling is in one place,
:meth:`JsonRpcServer._handle_rpc`. ``hooks`` (:mod:`aztec.foundation.json_rpc.hooks`)
observe every call: ``aztec.telemetry.wrappers.json_rpc.JsonRpcServerTelemetry`` records metrics and spans.

    registry = MethodRegistry()
    registry.register("echo", echo, params=(Param("text", str),))
    async with JsonRpcServer(registry, JsonRpcServerTelemetry(telemetry), port=0) as server:
        print(server.url)
"""

from __future__ import annotations

from collections.abc import Sequence
from types import TracebackType
from typing import Final

from aiohttp import web

from aztec.foundation.http.cors import CorsPolicy
from aztec.foundation.http.guard import ConnectionLimits
from aztec.foundation.http.health import HealthProbes, Readiness
from aztec.foundation.http.hosts import HostAllowList
from aztec.foundation.http.listener import BodyTimeoutError, GuardedListener, Handler, read_body
from aztec.foundation.json_rpc.dispatcher import JsonRpcDispatcher
from aztec.foundation.json_rpc.errors import (
    HostNotAllowedError,
    JsonRpcError,
    RequestTimeoutError,
    RequestTooLargeError,
    UnsupportedMediaTypeError,
)
from aztec.foundation.json_rpc.hooks import NO_SERVER_HOOKS, JsonRpcServerHooks
from aztec.foundation.json_rpc.registry import MethodRegistry
from aztec.foundation.timer import Timer

DEFAULT_HOST: Final = "127.0.0.1"
DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
DEFAULT_MAX_BATCH_SIZE: Final = 100
JSON_CONTENT_TYPE: Final = "application/json"
ACCEPTED_CONTENT_TYPES: Final = frozenset({"application/json", "application/json-rpc", "application/jsonrequest"})
"""What a POST may declare (geth's list); anything else, or nothing, is refused with 415."""

_TRACE_HEADERS: Final = ("traceparent", "tracestate")


class JsonRpcServer:
    """Serves ``registry`` over HTTP; start with ``async with`` or :meth:`start` / :meth:`stop`."""

    def __init__(
        self,
        registry: MethodRegistry,
        hooks: JsonRpcServerHooks = NO_SERVER_HOOKS,
        *,
        host: str = DEFAULT_HOST,
        port: int = 0,
        max_body_bytes: int = DEFAULT_MAX_BODY_BYTES,
        max_batch_size: int = DEFAULT_MAX_BATCH_SIZE,
        shutdown_timeout_s: float = 5.0,
        limits: ConnectionLimits | None = None,
        allowed_hosts: Sequence[str] = (),
        cors_origins: Sequence[str] = (),
        readiness: Readiness | None = None,
    ) -> None:
        if max_body_bytes < 1:
            raise ValueError(f"max_body_bytes must be at least 1, got {max_body_bytes}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be in [0, 65535], got {port}")
        self.registry = registry
        self.host = host
        self.max_body_bytes = max_body_bytes
        self.limits = limits or ConnectionLimits()
        self.hosts = HostAllowList(allowed_hosts, host)
        self.cors = CorsPolicy(cors_origins)
        self.probes = HealthProbes(readiness)
        self._requested_port = port
        self._shutdown_timeout_s = shutdown_timeout_s
        self._dispatcher = JsonRpcDispatcher(registry, hooks, max_batch_size=max_batch_size)
        self._listener: GuardedListener | None = None

    @property
    def port(self) -> int:
        """The bound port (the one chosen by the OS when constructed with port 0)."""
        if self._listener is None:
            raise RuntimeError("the JSON-RPC server is not started")
        return self._listener.port

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}/"

    @property
    def running(self) -> bool:
        return self._listener is not None

    @property
    def listener(self) -> GuardedListener:
        if self._listener is None:
            raise RuntimeError("the JSON-RPC server is not started")
        return self._listener

    async def start(self) -> None:
        if self._listener is not None:
            raise RuntimeError("the JSON-RPC server is already started")
        app = web.Application(client_max_size=self.max_body_bytes, middlewares=[self._http_policy])
        app.router.add_post("/", self._handle_rpc)
        app.router.add_route("OPTIONS", "/", self._preflight)
        self.probes.add_routes(app.router)
        listener = GuardedListener(
            app,
            self.limits,
            host=self.host,
            port=self._requested_port,
            name="JSON-RPC",
            shutdown_timeout_s=self._shutdown_timeout_s,
        )
        await listener.start()
        self._listener = listener

    async def stop(self) -> None:
        """Stop accepting, let running calls finish (up to the shutdown timeout), close. Idempotent."""
        listener, self._listener = self._listener, None
        if listener is not None:
            await listener.stop()

    async def __aenter__(self) -> JsonRpcServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()

    # --- HTTP ------------------------------------------------------------------------------------------

    @web.middleware
    async def _http_policy(self, request: web.Request, handler: Handler) -> web.StreamResponse:
        """Host allow-list before anything; CORS headers on every answer to an allowed origin."""
        host = request.headers.get("Host")
        if not self.hosts.allows(host):
            shown = (host or "")[:100]
            error = HostNotAllowedError(
                f"Invalid request: host {shown!r} is not allowed (allowed hosts: --rpc-allowed-hosts)"
            )
            return self._refusal(403, error, Timer())
        response = await handler(request)
        response.headers.update(self.cors.response_headers(request.headers.get("Origin")))
        return response

    async def _handle_rpc(self, request: web.Request) -> web.Response:
        """One HTTP request: check it, read its body within the limits, dispatch, answer."""
        timer = Timer()
        if request.content_type not in ACCEPTED_CONTENT_TYPES:
            shown = request.headers.get("Content-Type", "")[:100]
            message = f"Invalid request: content type {shown!r} is not supported, send {JSON_CONTENT_TYPE}"
            return self._refusal(415, UnsupportedMediaTypeError(message), timer)
        declared = request.content_length
        if declared is not None and declared > self.max_body_bytes:
            return self._too_large(declared, timer)
        try:
            body = await read_body(request, self.limits.body_timeout_s)
        except web.HTTPRequestEntityTooLarge:
            return self._too_large(None, timer)
        except BodyTimeoutError as error:
            response = self._refusal(408, RequestTimeoutError(f"Invalid request: {error}"), timer)
            response.force_close()
            return response
        carrier = {k: v for k in _TRACE_HEADERS if (v := request.headers.get(k)) is not None}
        response_body = await self._dispatcher.handle(body, carrier)
        if response_body is None:
            return web.Response(status=204)
        return web.Response(body=response_body, content_type=JSON_CONTENT_TYPE)

    async def _preflight(self, request: web.Request) -> web.Response:
        headers = self.cors.preflight_headers(request.headers.get("Origin"))
        if headers is None:
            return web.Response(status=403, text="CORS is not enabled for this origin (--rpc-cors-origins)\n")
        return web.Response(status=204, headers=headers)

    def _too_large(self, size: int | None, timer: Timer) -> web.Response:
        body_text = "body" if size is None else f"body of {size} bytes"
        error = RequestTooLargeError(
            f"Invalid request: {body_text} exceeds the limit of {self.max_body_bytes} bytes",
            {"limit": self.max_body_bytes},
        )
        return self._refusal(413, error, timer)

    def _refusal(self, status: int, error: JsonRpcError, timer: Timer) -> web.Response:
        body = self._dispatcher.reject(error, timer.s())
        return web.Response(status=status, body=body, content_type=JSON_CONTENT_TYPE)
