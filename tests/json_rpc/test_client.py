"""JsonRpcClient against the real server: results, typed errors, batches, notifications, transport errors."""

from __future__ import annotations

import pytest

from aztec.foundation.json_rpc import (
    InternalError,
    InvalidParamsError,
    JsonRpcClient,
    JsonRpcError,
    JsonRpcServer,
    JsonRpcTransportError,
    MethodNotFoundError,
    MethodRegistry,
    RequestTooLargeError,
)
from tests.json_rpc.methods import TestMethods
from tests.json_rpc.server_limits import MAX_BATCH_SIZE, MAX_BODY_BYTES


async def test_call_returns_the_result(client: JsonRpcClient) -> None:
    assert await client.call("add", 40, 2) == 42
    assert await client.call("echo", "héllo ✓") == "héllo ✓"
    assert await client.call("greet", "ann") == "hello ann"


async def test_errors_are_typed_with_code_message_and_data(client: JsonRpcClient) -> None:
    with pytest.raises(MethodNotFoundError) as not_found:
        await client.call("missing")
    assert not_found.value.code == -32601
    with pytest.raises(InvalidParamsError) as invalid:
        await client.call("add", 1, "2")
    assert invalid.value.data == {"param": "right", "index": 1}
    with pytest.raises(InternalError):
        await client.call("crash")
    with pytest.raises(JsonRpcError) as teapot:
        await client.call("teapot")
    assert (teapot.value.code, teapot.value.message, teapot.value.data) == (
        -32042,
        "I am a teapot",
        {"reason": "short_and_stout"},
    )


async def test_batch_keeps_order_and_returns_errors_in_place(client: JsonRpcClient) -> None:
    results = await client.batch([("add", [1, 2]), ("missing", []), ("echo", ["x"]), ("add", ["a", 1])])
    assert results[0] == 3
    assert isinstance(results[1], MethodNotFoundError)
    assert results[2] == "x"
    assert isinstance(results[3], InvalidParamsError)
    assert await client.batch([]) == []


async def test_batch_refused_as_a_whole_raises(client: JsonRpcClient) -> None:
    with pytest.raises(JsonRpcError, match="batch of"):
        await client.batch([("echo", ["x"])] * (MAX_BATCH_SIZE + 1))


async def test_oversized_call_raises_request_too_large(client: JsonRpcClient) -> None:
    with pytest.raises(RequestTooLargeError) as refused:
        await client.call("echo", "z" * MAX_BODY_BYTES)
    assert refused.value.data == {"limit": MAX_BODY_BYTES}
    assert await client.call("echo", "small") == "small"


async def test_notify(client: JsonRpcClient, methods: TestMethods) -> None:
    await client.notify("ping", "n")
    assert methods.pinged == ["n"]


async def test_connection_refused_is_a_transport_error() -> None:
    server = JsonRpcServer(MethodRegistry())
    async with server:
        url = server.url
    async with JsonRpcClient(url, timeout_s=5) as client:
        with pytest.raises(JsonRpcTransportError, match="failed"):
            await client.call("anything")


async def test_an_answer_that_is_not_json_rpc_is_a_transport_error(server: JsonRpcServer) -> None:
    async with JsonRpcClient(server.url + "nowhere") as client:
        with pytest.raises(JsonRpcTransportError, match="HTTP 404"):
            await client.call("echo", "x")
