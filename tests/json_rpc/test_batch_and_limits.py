"""Batches, notifications and the body size limit, over real HTTP."""

from __future__ import annotations

import json

import aiohttp

from aztec.foundation.json_rpc import INVALID_PARAMS, INVALID_REQUEST, METHOD_NOT_FOUND, JsonRpcServer
from tests.json_rpc.http_helpers import assert_still_serving, notification, post, request
from tests.json_rpc.methods import TestMethods
from tests.json_rpc.raw_http import RawConnection
from tests.json_rpc.server_limits import MAX_BATCH_SIZE, MAX_BODY_BYTES


async def test_batch_with_good_and_bad_entries(
    http: aiohttp.ClientSession, server: JsonRpcServer, methods: TestMethods
) -> None:
    batch = [
        request("add", [1, 2], 1),
        {"jsonrpc": "1.0", "method": "add", "params": [1, 2], "id": 2},
        request("nope", [], 3),
        notification("ping", ["from-batch"]),
        request("add", [1], 4),
        {"foo": "boo"},
        request("echo", ["ok"], "five"),
        notification("nope"),
    ]
    status, answer = await post(http, server, batch)
    assert status == 200
    assert isinstance(answer, list)
    assert len(answer) == 6  # one per entry except the two notifications
    by_id = {r["id"]: r for r in answer if r["id"] is not None}
    assert by_id[1]["result"] == 3
    assert by_id[2]["error"]["code"] == INVALID_REQUEST
    assert by_id[3]["error"]["code"] == METHOD_NOT_FOUND
    assert by_id[4]["error"]["code"] == INVALID_PARAMS
    assert by_id["five"]["result"] == "ok"
    unidentified = [r for r in answer if r["id"] is None]
    assert [r["error"]["code"] for r in unidentified] == [INVALID_REQUEST]
    assert methods.pinged == ["from-batch"]
    await assert_still_serving(http, server)


async def test_empty_batch_is_one_invalid_request(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    status, answer = await post(http, server, [])
    assert status == 200
    assert isinstance(answer, dict)
    assert answer["id"] is None
    assert answer["error"]["code"] == INVALID_REQUEST
    assert "empty batch" in answer["error"]["message"]
    await assert_still_serving(http, server)


async def test_batch_over_the_size_limit(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    status, answer = await post(http, server, [request("echo", ["x"], i) for i in range(MAX_BATCH_SIZE + 1)])
    assert status == 200
    assert answer["error"]["code"] == INVALID_REQUEST
    assert answer["error"]["data"] == {"limit": MAX_BATCH_SIZE}
    status, answer = await post(http, server, [request("echo", ["x"], i) for i in range(MAX_BATCH_SIZE)])
    assert len(answer) == MAX_BATCH_SIZE


async def test_notification_gets_no_response_but_runs(
    http: aiohttp.ClientSession, server: JsonRpcServer, methods: TestMethods
) -> None:
    status, answer = await post(http, server, notification("ping", ["one"]))
    assert (status, answer) == (204, None)
    assert methods.pinged == ["one"]
    for failing in (notification("nope"), notification("add", ["x"]), notification("crash")):
        assert await post(http, server, failing) == (204, None)
    status, answer = await post(http, server, [notification("ping", ["two"]), notification("ping", ["three"])])
    assert (status, answer) == (204, None)
    assert sorted(methods.pinged) == ["one", "three", "two"]
    await assert_still_serving(http, server)


async def test_oversized_body_is_refused_and_the_connection_serves_on(server: JsonRpcServer) -> None:
    oversized = json.dumps(request("echo", ["x" * MAX_BODY_BYTES])).encode()
    good = json.dumps(request("echo", ["after"], 2)).encode()
    connection = await RawConnection.open(server.port)
    try:
        for chunked in (False, True):
            refused = await connection.post(oversized, chunked=chunked)
            assert refused.status == 413
            answer = refused.json()
            assert answer["error"]["code"] == INVALID_REQUEST
            assert f"exceeds the limit of {MAX_BODY_BYTES} bytes" in answer["error"]["message"]
            assert answer["error"]["data"] == {"limit": MAX_BODY_BYTES}
            served = await connection.post(good)  # same TCP connection
            assert served.status == 200
            assert served.json()["result"] == "after"
    finally:
        await connection.close()


async def test_body_at_the_limit_is_served(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    envelope = json.dumps(request("echo", [""])).encode()
    body = json.dumps(request("echo", ["y" * (MAX_BODY_BYTES - len(envelope))])).encode()
    assert len(body) == MAX_BODY_BYTES
    status, answer = await post(http, server, body)
    assert status == 200
    assert len(answer["result"]) == MAX_BODY_BYTES - len(envelope)
