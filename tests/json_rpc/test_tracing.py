"""JSON-RPC spans: a client span per call, a server span per call as its child (W3C traceparent), rpc.* attributes."""

from __future__ import annotations

import pytest
from opentelemetry.trace import SpanKind, StatusCode

from aztec.foundation.json_rpc import JsonRpcClient, JsonRpcError, JsonRpcServer
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.telemetry.wrappers.json_rpc import JsonRpcClientTracing


async def test_a_call_is_one_trace_from_client_to_server(
    server: JsonRpcServer, telemetry: InMemoryTelemetryClient
) -> None:
    tracer = telemetry.get_tracer("Caller")
    async with JsonRpcClient(server.url, hooks=JsonRpcClientTracing(tracer, server.url)) as client:
        async with tracer.span("caller"):
            assert await client.call("add", 1, 2) == 3
        with pytest.raises(JsonRpcError):
            await client.call("crash")
    spans = telemetry.finished_spans("add")
    client_span = next(s for s in spans if s.kind is SpanKind.CLIENT)
    server_span = next(s for s in spans if s.kind is SpanKind.SERVER)
    (caller,) = telemetry.finished_spans("caller")
    assert client_span.parent is not None and client_span.parent.span_id == caller.context.span_id
    assert server_span.parent is not None and server_span.parent.span_id == client_span.context.span_id
    assert server_span.context.trace_id == caller.context.trace_id
    assert server_span.attributes is not None
    assert dict(server_span.attributes) == {
        "rpc.system": "jsonrpc",
        "rpc.method": "add",
        "rpc.jsonrpc.version": "2.0",
        "rpc.jsonrpc.request_id": "1",
    }
    assert client_span.attributes is not None and client_span.attributes["server.address"] == "127.0.0.1"
    crash_server = next(s for s in telemetry.finished_spans("crash") if s.kind is SpanKind.SERVER)
    assert crash_server.status.status_code is StatusCode.ERROR
    assert crash_server.attributes is not None and crash_server.attributes["rpc.jsonrpc.error_code"] == -32603


async def test_an_unregistered_method_gets_a_bounded_span_name(
    server: JsonRpcServer, telemetry: InMemoryTelemetryClient
) -> None:
    async with JsonRpcClient(server.url) as client:
        with pytest.raises(JsonRpcError):
            await client.call("no_such_method_12345")
    (span,) = [s for s in telemetry.finished_spans() if s.kind is SpanKind.SERVER]
    assert span.name == "unknown"


async def test_a_batch_is_one_server_span(server: JsonRpcServer, telemetry: InMemoryTelemetryClient) -> None:
    async with JsonRpcClient(server.url) as client:
        assert await client.batch([("add", [1, 2]), ("add", [3, 4])]) == [3, 7]
    spans = [s for s in telemetry.finished_spans() if s.kind is SpanKind.SERVER]
    assert [s.name for s in spans] == ["batch"]
