"""JSON-RPC metrics: count and duration by method and status, bounded labels, batch size; no-op client."""

from __future__ import annotations

import aiohttp
import pytest

from aztec.foundation.json_rpc import JsonRpcClient, JsonRpcServer, RequestTooLargeError
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.node import JSON_RPC_BATCH_SIZE, JSON_RPC_REQUEST_COUNT, JSON_RPC_REQUEST_DURATION
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.json_rpc.http_helpers import notification, post, request
from tests.json_rpc.methods import TestMethods


def count(telemetry: InMemoryTelemetryClient, method: str, status: str) -> float:
    return telemetry.counter_value(JSON_RPC_REQUEST_COUNT, {a.RPC_METHOD: method, a.RPC_STATUS: status})


async def test_calls_are_counted_by_method_and_status(
    http: aiohttp.ClientSession, server: JsonRpcServer, telemetry: InMemoryTelemetryClient
) -> None:
    await post(http, server, request("add", [1, 2]))
    await post(http, server, request("add", [1, 2]))
    await post(http, server, request("add", ["x", 2]))
    await post(http, server, request("crash"))
    await post(http, server, request("teapot"))
    await post(http, server, notification("ping", ["n"]))
    assert count(telemetry, "add", "ok") == 2
    assert count(telemetry, "add", "invalid_params") == 1
    assert count(telemetry, "crash", "internal_error") == 1
    assert count(telemetry, "teapot", "teapot") == 1
    assert count(telemetry, "ping", "ok") == 1
    duration = telemetry.histogram(JSON_RPC_REQUEST_DURATION, {a.RPC_METHOD: "add", a.RPC_STATUS: "ok"})
    assert duration.count == 2
    assert duration.sum > 0


async def test_method_label_is_bounded_to_registered_methods(
    http: aiohttp.ClientSession, server: JsonRpcServer, telemetry: InMemoryTelemetryClient
) -> None:
    for i in range(5):
        await post(http, server, request(f"made_up_{i}", [], f"id-{i}"))
    await post(http, server, b"{broken")
    await post(http, server, {"jsonrpc": "2.0", "method": ["not", "a", "string"], "id": 1})
    await post(http, server, {"jsonrpc": "1.0", "method": "add", "params": [1, 2], "id": 1})
    await post(http, server, [])
    assert count(telemetry, "unknown", "method_not_found") == 5
    assert count(telemetry, "unknown", "parse_error") == 1
    assert count(telemetry, "unknown", "invalid_request") == 2
    assert count(telemetry, "add", "invalid_request") == 1  # a registered name is a bounded label
    labels = {series.attributes[a.RPC_METHOD] for series in telemetry.series(JSON_RPC_REQUEST_COUNT)}
    assert labels == {"unknown", "add"}
    for series in telemetry.series(JSON_RPC_REQUEST_COUNT) + telemetry.series(JSON_RPC_REQUEST_DURATION):
        assert set(series.attributes) == {a.RPC_METHOD, a.RPC_STATUS}  # never ids or params


async def test_oversized_body_is_counted(server: JsonRpcServer, telemetry: InMemoryTelemetryClient) -> None:
    async with JsonRpcClient(server.url) as client:
        with pytest.raises(RequestTooLargeError):
            await client.call("echo", "x" * server.max_body_bytes)
    assert count(telemetry, "unknown", "request_too_large") == 1


async def test_batch_size_and_every_entry_are_recorded(
    http: aiohttp.ClientSession, server: JsonRpcServer, telemetry: InMemoryTelemetryClient
) -> None:
    await post(http, server, [request("add", [1, 2], i) for i in range(3)] + [request("nope", [], 9)])
    await post(http, server, [request("echo", ["x"], 1)])
    batch = telemetry.histogram(JSON_RPC_BATCH_SIZE)
    assert batch.count == 2
    assert batch.sum == 5
    assert count(telemetry, "add", "ok") == 3
    assert count(telemetry, "unknown", "method_not_found") == 1
    await post(http, server, request("add", [1, 2]))
    assert telemetry.histogram(JSON_RPC_BATCH_SIZE).count == 2  # a single request is not a batch


async def test_serves_with_the_noop_client(methods: TestMethods) -> None:
    async with (
        JsonRpcServer(methods.registry()) as server,
        JsonRpcClient(server.url) as client,
    ):
        assert await client.call("add", 2, 3) == 5
        assert await client.batch([("echo", ["a"]), ("add", [1, 1])]) == ["a", 2]
