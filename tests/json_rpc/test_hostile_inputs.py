"""Client mistakes of every kind get a JSON-RPC error with the right code, never HTTP 500 nor -32603.

Each case posts raw bytes to a real server and checks the HTTP status, the error code and that the
id is echoed exactly (as its own text, for numbers no float or int conversion holds).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from aztec.foundation.json_rpc import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    JsonRpcServer,
)
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.node import JSON_RPC_REQUEST_COUNT
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.telemetry.wrappers.json_rpc import JsonRpcServerTelemetry
from tests.json_rpc.http_helpers import assert_still_serving
from tests.json_rpc.methods import TestMethods


@pytest.fixture
async def server(methods: TestMethods, telemetry: InMemoryTelemetryClient) -> AsyncIterator[JsonRpcServer]:
    """The test methods with the default 1 MiB body limit, so large hostile bodies reach the parser."""
    async with JsonRpcServer(methods.registry(), JsonRpcServerTelemetry(telemetry), port=0) as server:
        yield server


HUGE_INT = "9" * 5000  # more digits than int() converts by default
BEYOND_FLOAT = "1e400"
BEYOND_U64 = str(2**64)
BEYOND_I64 = str(2**63)
DEEP = 100_000

# (body, expected HTTP status, expected code or None for a result, the id text the answer carries)
CASES: list[tuple[str, bytes, int, int | None, str]] = [
    (
        "id huge integer",
        f'{{"jsonrpc":"2.0","id":{HUGE_INT},"method":"echo","params":["x"]}}'.encode(),
        200,
        None,
        HUGE_INT,
    ),
    (
        "id beyond float",
        f'{{"jsonrpc":"2.0","id":{BEYOND_FLOAT},"method":"echo","params":["x"]}}'.encode(),
        200,
        None,
        BEYOND_FLOAT,
    ),
    (
        "id precise decimal",
        b'{"jsonrpc":"2.0","id":0.10000000000000000001,"method":"echo","params":["x"]}',
        200,
        None,
        "0.10000000000000000001",
    ),
    ("id negative zero", b'{"jsonrpc":"2.0","id":-0,"method":"echo","params":["x"]}', 200, None, "0"),
    (
        "id u64+1",
        f'{{"jsonrpc":"2.0","id":{BEYOND_U64},"method":"echo","params":["x"]}}'.encode(),
        200,
        None,
        BEYOND_U64,
    ),
    (
        "id long string",
        b'{"jsonrpc":"2.0","id":"' + b"a" * 100_000 + b'","method":"echo","params":["x"]}',
        200,
        None,
        '"' + "a" * 100_000 + '"',
    ),
    (
        "id unicode",
        '{"jsonrpc":"2.0","id":"\u2603\U0001f600","method":"echo","params":["x"]}'.encode(),
        200,
        None,
        '"\\u2603\\ud83d\\ude00"',
    ),
    ("id lone surrogate", b'{"jsonrpc":"2.0","id":"\\ud800","method":"echo","params":["x"]}', 200, None, '"\\ud800"'),
    ("id object", b'{"jsonrpc":"2.0","id":{"a":1},"method":"echo","params":["x"]}', 200, INVALID_REQUEST, "null"),
    ("id array", b'{"jsonrpc":"2.0","id":[1],"method":"echo","params":["x"]}', 200, INVALID_REQUEST, "null"),
    ("id boolean", b'{"jsonrpc":"2.0","id":true,"method":"echo","params":["x"]}', 200, INVALID_REQUEST, "null"),
    (
        "id deep",
        b'{"jsonrpc":"2.0","id":' + b"[" * 500 + b"]" * 500 + b',"method":"echo"}',
        200,
        INVALID_REQUEST,
        "null",
    ),
    (
        "param huge int",
        f'{{"jsonrpc":"2.0","id":1,"method":"add","params":[{HUGE_INT},1]}}'.encode(),
        200,
        INVALID_PARAMS,
        "1",
    ),
    (
        "param beyond i64",
        f'{{"jsonrpc":"2.0","id":1,"method":"add","params":[{BEYOND_I64},1]}}'.encode(),
        200,
        INVALID_PARAMS,
        "1",
    ),
    (
        "param beyond float",
        f'{{"jsonrpc":"2.0","id":1,"method":"add","params":[{BEYOND_FLOAT},1]}}'.encode(),
        200,
        INVALID_PARAMS,
        "1",
    ),
    ("param -1e400", b'{"jsonrpc":"2.0","id":1,"method":"add","params":[-1e400,1]}', 200, INVALID_PARAMS, "1"),
    (
        "param deep array",
        b'{"jsonrpc":"2.0","id":1,"method":"echo","params":[' + b"[" * 900 + b"]" * 900 + b"]}",
        200,
        INVALID_PARAMS,
        "1",
    ),
    (
        "param object for string",
        b'{"jsonrpc":"2.0","id":1,"method":"echo","params":[{"a":[1,2,{"b":null}]}]}',
        200,
        INVALID_PARAMS,
        "1",
    ),
    (
        "params by name, huge key",
        b'{"jsonrpc":"2.0","id":1,"method":"echo","params":{"' + b"k" * 10_000 + b'":1}}',
        200,
        INVALID_PARAMS,
        "1",
    ),
    ("params a string", b'{"jsonrpc":"2.0","id":1,"method":"echo","params":"x"}', 200, INVALID_REQUEST, "1"),
    (
        "params a number",
        f'{{"jsonrpc":"2.0","id":1,"method":"echo","params":{HUGE_INT}}}'.encode(),
        200,
        INVALID_REQUEST,
        "1",
    ),
    ("method a number", b'{"jsonrpc":"2.0","id":1,"method":1e400}', 200, INVALID_REQUEST, "1"),
    ("method huge name", b'{"jsonrpc":"2.0","id":1,"method":"' + b"m" * 100_000 + b'"}', 200, METHOD_NOT_FOUND, "1"),
    ("method rpc.* unknown", b'{"jsonrpc":"2.0","id":1,"method":"rpc.nope"}', 200, METHOD_NOT_FOUND, "1"),
    ("jsonrpc 1.0", b'{"jsonrpc":"1.0","id":1,"method":"echo","params":["x"]}', 200, INVALID_REQUEST, "1"),
    ("jsonrpc number", b'{"jsonrpc":2.0,"id":1,"method":"echo","params":["x"]}', 200, INVALID_REQUEST, "1"),
    ("deep nesting body", b"[" * DEEP + b"]" * DEEP, 200, PARSE_ERROR, "null"),
    ("deep object body", b'{"a":' * DEEP + b"1" + b"}" * DEEP, 200, PARSE_ERROR, "null"),
    ("NaN", b'{"jsonrpc":"2.0","id":NaN,"method":"echo"}', 200, PARSE_ERROR, "null"),
    ("Infinity param", b'{"jsonrpc":"2.0","id":1,"method":"add","params":[Infinity,1]}', 200, PARSE_ERROR, "null"),
    ("not UTF-8", b'{"jsonrpc":"2.0","id":"\xff\xfe","method":"echo"}', 200, PARSE_ERROR, "null"),
    ("truncated", b'{"jsonrpc":"2.0","id":1,"method":"ec', 200, PARSE_ERROR, "null"),
    ("empty body", b"", 200, PARSE_ERROR, "null"),
    ("a bare number", HUGE_INT.encode(), 200, INVALID_REQUEST, "null"),
    ("a bare string", b'"hello"', 200, INVALID_REQUEST, "null"),
    ("null", b"null", 200, INVALID_REQUEST, "null"),
    ("empty batch", b"[]", 200, INVALID_REQUEST, "null"),
    ("NUL bytes", b"\x00" * 100, 200, PARSE_ERROR, "null"),
]


def _id_text(raw: bytes) -> str:
    """The id member of a single response exactly as the server wrote it."""
    text = raw.decode()
    start = text.index('"id":') + len('"id":')
    end = text.index(',"result"') if '"result"' in text else text.index(',"error"')
    return text[start:end]


@pytest.mark.parametrize(("name", "body", "status", "code", "id_text"), CASES, ids=[c[0] for c in CASES])
async def test_hostile_body(
    http: aiohttp.ClientSession,
    server: JsonRpcServer,
    telemetry: InMemoryTelemetryClient,
    name: str,
    body: bytes,
    status: int,
    code: int | None,
    id_text: str,
) -> None:
    async with http.post(server.url, data=body, headers={"Content-Type": "application/json"}) as response:
        raw = await response.read()
        assert response.status == status, raw[:300]
    answer: Any = json.loads(raw) if not id_text.startswith(HUGE_INT[:10]) else None
    if code is None:
        assert b'"result":"x"' in raw
    else:
        assert answer is not None and answer["error"]["code"] == code, raw[:300]
        assert answer["error"]["code"] != INTERNAL_ERROR
    assert _id_text(raw) == id_text
    internal = {a.RPC_METHOD: "unknown", a.RPC_STATUS: "internal_error"}
    assert telemetry.counter_value(JSON_RPC_REQUEST_COUNT, internal) == 0
    await assert_still_serving(http, server)


async def test_a_batch_of_hostile_entries(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    body = (
        b'[{"jsonrpc":"2.0","id":' + HUGE_INT.encode() + b',"method":"echo","params":["a"]},'
        b'{"jsonrpc":"2.0","id":1e400,"method":"add","params":[1e400,1]},'
        b'{"jsonrpc":"2.0","id":{"x":1},"method":"echo"},'
        b"7,"
        b'{"jsonrpc":"2.0","method":"echo","params":[1]}]'
    )
    async with http.post(server.url, data=body, headers={"Content-Type": "application/json"}) as response:
        assert response.status == 200
        raw = await response.read()
    text = raw.decode()
    assert text.startswith("[") and text.count('"jsonrpc"') == 4  # the notification gets no answer
    assert f'"id":{HUGE_INT},"result":"a"' in text
    assert '"id":1e400,"error":{"code":-32602' in text
    assert text.count('"id":null,"error":{"code":-32600') == 2


async def test_a_node_fault_is_internal_logged_once_and_counted(
    http: aiohttp.ClientSession,
    server: JsonRpcServer,
    telemetry: InMemoryTelemetryClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = b'{"jsonrpc":"2.0","id":5,"method":"crash"}'
    async with http.post(server.url, data=body, headers={"Content-Type": "application/json"}) as response:
        assert response.status == 200
        answer = await response.json()
    assert answer["error"] == {"code": INTERNAL_ERROR, "message": "Internal error"}
    records = [r for r in caplog.records if "JSON-RPC method crash failed" in r.getMessage()]
    assert len(records) == 1 and records[0].exc_info is not None
    attributes = {a.RPC_METHOD: "crash", a.RPC_STATUS: "internal_error"}
    assert telemetry.counter_value(JSON_RPC_REQUEST_COUNT, attributes) == 1
