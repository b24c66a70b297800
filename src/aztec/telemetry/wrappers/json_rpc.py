"""Metrics and spans of the JSON-RPC server and client, attached through their hooks.

Server: call duration and count by method and status, batch size, and a server span per single call
(named after its method) or per batch, child of the caller's W3C trace context. Client: a client span
per call whose context goes to the server in ``traceparent``. The method label is the method's name
only when it is registered (anything else is ``unknown``) and the status is ``ok`` or a
:class:`JsonRpcError` subclass's fixed ``name``, so both stay bounded; request ids and params never
reach a metric (the request id is on the span).

    server = JsonRpcServer(registry, JsonRpcServerTelemetry(telemetry))
    client = JsonRpcClient(url, hooks=JsonRpcClientTracing(tracer, url))
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager
from types import TracebackType
from urllib.parse import urlsplit

from aztec.foundation.json_rpc.dispatcher import JSONRPC_VERSION
from aztec.foundation.json_rpc.hooks import CallScope
from aztec.telemetry import attributes as a
from aztec.telemetry.api import BoundCounter, BoundHistogram, Span, SpanScope, TelemetryClient, Tracer
from aztec.telemetry.definitions import AttributeKey, AttributeValue
from aztec.telemetry.metrics.node import JSON_RPC_BATCH_SIZE, JSON_RPC_REQUEST_COUNT, JSON_RPC_REQUEST_DURATION
from aztec.telemetry.noop import NOOP_TRACER


class _SpanCall:
    """A call's span: entering it starts the span; :meth:`failed` sets the error code (and exception)."""

    __slots__ = ("_scope", "_span")

    def __init__(self, scope: SpanScope) -> None:
        self._scope = scope
        self._span: Span | None = None

    async def __aenter__(self) -> CallScope:
        self._span = await self._scope.__aenter__()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self._scope.__aexit__(exc_type, exc, tb)

    def failed(self, code: int, error: BaseException | None = None) -> None:
        if self._span is None:
            return
        self._span.set_attribute(a.RPC_JSONRPC_ERROR_CODE, code)
        if error is not None:
            self._span.record_exception(error)


class JsonRpcServerTelemetry:
    """The server's hooks: meters and traces ``JsonRpcServer`` (its meter and tracer carry that name)."""

    def __init__(self, telemetry: TelemetryClient) -> None:
        meter = telemetry.get_meter("JsonRpcServer")
        self._tracer = telemetry.get_tracer("JsonRpcServer")
        self._duration = meter.create_histogram(JSON_RPC_REQUEST_DURATION)
        self._count = meter.create_counter(JSON_RPC_REQUEST_COUNT)
        self._batch_size = meter.create_histogram(JSON_RPC_BATCH_SIZE)
        self._bound: dict[tuple[str, str], tuple[BoundHistogram, BoundCounter]] = {}

    @property
    def traced(self) -> bool:
        return self._tracer is not NOOP_TRACER

    def call_scope(
        self, method: str, request_id: str | None, trace_headers: Mapping[str, str]
    ) -> AbstractAsyncContextManager[CallScope]:
        attributes: dict[AttributeKey, AttributeValue] = {
            a.RPC_SYSTEM: "jsonrpc",
            a.RPC_METHOD: method,
            a.RPC_JSONRPC_VERSION: JSONRPC_VERSION,
        }
        if request_id is not None:
            attributes[a.RPC_JSONRPC_REQUEST_ID] = request_id
        return _SpanCall(self._tracer.span(method, attributes, kind="server", parent=dict(trace_headers) or None))

    def batch_scope(self, trace_headers: Mapping[str, str]) -> AbstractAsyncContextManager[object]:
        attributes = {a.RPC_SYSTEM: "jsonrpc", a.RPC_JSONRPC_VERSION: JSONRPC_VERSION}
        return self._tracer.span("batch", attributes, kind="server", parent=dict(trace_headers) or None)

    def on_call(self, method: str, status: str, duration_s: float) -> None:
        key = (method, status)
        bound = self._bound.get(key)
        if bound is None:
            attributes = {a.RPC_METHOD: method, a.RPC_STATUS: status}
            bound = (self._duration.bind(attributes), self._count.bind(attributes))
            self._bound[key] = bound
        bound[0].record(duration_s)
        bound[1].add()

    def on_batch(self, size: int) -> None:
        self._batch_size.record(size)


class JsonRpcClientTracing:
    """The client's hooks: a client span per call to ``url`` (``rpc.*``, ``server.address``/``port``)."""

    def __init__(self, tracer: Tracer, url: str) -> None:
        self._tracer = tracer
        parts = urlsplit(url)
        self._attributes: dict[AttributeKey, AttributeValue] = {
            a.RPC_SYSTEM: "jsonrpc",
            a.RPC_JSONRPC_VERSION: JSONRPC_VERSION,
            a.SERVER_ADDRESS: parts.hostname or "",
            a.SERVER_PORT: parts.port or (443 if parts.scheme == "https" else 80),
        }

    @property
    def traced(self) -> bool:
        return self._tracer is not NOOP_TRACER

    def call_scope(self, method: str, request_id: int) -> AbstractAsyncContextManager[CallScope]:
        attributes = {**self._attributes, a.RPC_METHOD: method, a.RPC_JSONRPC_REQUEST_ID: str(request_id)}
        return _SpanCall(self._tracer.span(method, attributes, kind="client"))

    def trace_headers(self) -> Mapping[str, str]:
        return self._tracer.inject()
