"""Every standard error over real HTTP, each followed by a good call on the same server."""

from __future__ import annotations

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
from tests.json_rpc.http_helpers import assert_still_serving, post, request


def error_of(answer: Any, code: int) -> dict[str, Any]:
    assert answer["jsonrpc"] == "2.0"
    assert "result" not in answer
    error: dict[str, Any] = answer["error"]
    assert error["code"] == code, error
    assert isinstance(error["message"], str)
    return error


@pytest.mark.parametrize(
    ("body", "what"),
    [
        (b'{"jsonrpc": "2.0", "method": "echo"', "Expecting"),
        (b"", "Expecting value"),
        (b"not json at all", "Expecting value"),
        (b'{"jsonrpc": "2.0", "method": "\xff\xfe"}', "not UTF-8"),
        (b'{"jsonrpc": "2.0", "method": "add", "params": [NaN, 1], "id": 1}', "NaN is not valid JSON"),
        (b"[" * 2000 + b"]" * 2000, "nested too deeply"),
    ],
    ids=["truncated", "empty", "garbage", "bad-utf8", "nan", "deep-nesting"],
)
async def test_malformed_json_is_a_parse_error(
    http: aiohttp.ClientSession, server: JsonRpcServer, body: bytes, what: str
) -> None:
    status, answer = await post(http, server, body)
    assert status == 200
    error = error_of(answer, PARSE_ERROR)
    assert answer["id"] is None
    assert what in error["message"]
    await assert_still_serving(http, server)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"jsonrpc": "1.0", "method": "echo", "params": ["x"], "id": 7}, '"jsonrpc" must be "2.0"'),
        ({"method": "echo", "params": ["x"], "id": 7}, '"jsonrpc" must be "2.0"'),
        ({"jsonrpc": 2.0, "method": "echo", "params": ["x"], "id": 7}, '"jsonrpc" must be "2.0"'),
        ({"jsonrpc": "2.0", "method": 5, "id": 7}, '"method" must be a string'),
        ({"jsonrpc": "2.0", "id": 7}, '"method" must be a string'),
        ({"jsonrpc": "2.0", "method": "echo", "params": "x", "id": 7}, '"params" must be an array or an object'),
        ({"jsonrpc": "2.0", "method": "echo", "params": ["x"], "id": True}, "id must be"),
        ({"jsonrpc": "2.0", "method": "echo", "params": ["x"], "id": {"a": 1}}, "id must be"),
        (42, "a request is an object, got int"),
        ("just a string", "a request is an object, got str"),
    ],
    ids=[
        "wrong-version",
        "no-version",
        "numeric-version",
        "method-number",
        "no-method",
        "params-string",
        "id-bool",
        "id-object",
        "number",
        "string",
    ],
)
async def test_invalid_requests(http: aiohttp.ClientSession, server: JsonRpcServer, body: Any, message: str) -> None:
    status, answer = await post(http, server, body)
    assert status == 200
    error = error_of(answer, INVALID_REQUEST)
    assert message in error["message"]
    readable_id = isinstance(body, dict) and isinstance(body.get("id"), int) and not isinstance(body["id"], bool)
    assert answer["id"] == (body["id"] if readable_id else None)
    await assert_still_serving(http, server)


async def test_unknown_method(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    status, answer = await post(http, server, request("node_doesNotExist", [], "abc"))
    assert status == 200
    error = error_of(answer, METHOD_NOT_FOUND)
    assert "node_doesNotExist" in error["message"]
    assert answer["id"] == "abc"
    await assert_still_serving(http, server)


@pytest.mark.parametrize(
    ("method", "params", "message"),
    [
        ("add", [1], "add takes 2 parameter(s), got 1"),
        ("add", [1, 2, 3], "add takes 2 parameter(s), got 3"),
        ("add", [], "add takes 2 parameter(s), got 0"),
        ("add", [1, "2"], "parameter 1 (right) must be an integer, got string"),
        ("add", [1.5, 2], "parameter 0 (left) must be an integer written without fraction or exponent, got 1.5"),
        ("add", [True, 2], "parameter 0 (left) must be an integer, got boolean"),
        ("add", [None, 2], "parameter 0 (left) must be an integer, got null"),
        ("echo", [["x"]], "parameter 0 (text) must be a string, got array"),
        ("echo", [{"x": 1}], "parameter 0 (text) must be a string, got object"),
        ("greet", ["a", "b", "c"], "greet takes 1 to 2 parameter(s), got 3"),
        ("add", {"left": 1}, "missing parameter 'right'"),
        ("add", {"left": 1, "right": 2, "extra": 3}, "unknown parameter(s) ['extra']"),
        ("greet", {"greeting": "hi"}, "missing parameter 'name'"),
    ],
)
async def test_invalid_params(
    http: aiohttp.ClientSession, server: JsonRpcServer, method: str, params: Any, message: str
) -> None:
    status, answer = await post(http, server, request(method, params))
    assert status == 200
    error = error_of(answer, INVALID_PARAMS)
    assert message in error["message"]
    assert answer["id"] == 1
    await assert_still_serving(http, server)


async def test_params_by_name_and_optional(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    assert (await post(http, server, request("add", {"right": 2, "left": 40})))[1]["result"] == 42
    assert (await post(http, server, request("greet", ["ann"])))[1]["result"] == "hello ann"
    assert (await post(http, server, request("greet", ["ann", "hi"])))[1]["result"] == "hi ann"
    assert (await post(http, server, request("greet", {"name": "bo", "greeting": "yo"})))[1]["result"] == "yo bo"


@pytest.mark.parametrize("method", ["crash", "unserializable"])
async def test_internal_error_leaks_nothing(
    http: aiohttp.ClientSession, server: JsonRpcServer, method: str, caplog: pytest.LogCaptureFixture
) -> None:
    status, answer = await post(http, server, request(method))
    assert status == 200
    error = error_of(answer, INTERNAL_ERROR)
    assert error == {"code": INTERNAL_ERROR, "message": "Internal error"}
    text = str(answer)
    assert "Traceback" not in text
    assert "secret" not in text
    assert f"JSON-RPC method {method} failed" in caplog.text  # the operator still gets the stack
    await assert_still_serving(http, server)


async def test_application_error_carries_data(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    status, answer = await post(http, server, request("teapot", [], 3))
    assert status == 200
    assert answer == {
        "jsonrpc": "2.0",
        "id": 3,
        "error": {"code": -32042, "message": "I am a teapot", "data": {"reason": "short_and_stout"}},
    }


async def test_get_is_not_allowed(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    async with http.get(server.url) as response:
        assert response.status == 405
    await assert_still_serving(http, server)
