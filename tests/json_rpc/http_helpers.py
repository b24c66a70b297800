"""Posting raw bodies to the server under test and reading its answers."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from aztec.foundation.json_rpc import JsonRpcServer


async def post(http: aiohttp.ClientSession, server: JsonRpcServer, body: bytes | Any) -> tuple[int, Any]:
    """POST ``body`` (bytes as they are, anything else as JSON); the status and the decoded answer."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    async with http.post(server.url, data=data, headers={"Content-Type": "application/json"}) as response:
        raw = await response.read()
        return response.status, (json.loads(raw) if raw else None)


def request(method: str, params: Any = None, request_id: Any = 1) -> dict[str, Any]:
    body: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": request_id}
    if params is not None:
        body["params"] = params
    return body


def notification(method: str, params: Any = None) -> dict[str, Any]:
    body = request(method, params)
    del body["id"]
    return body


async def assert_still_serving(http: aiohttp.ClientSession, server: JsonRpcServer) -> None:
    status, answer = await post(http, server, request("echo", ["still here"], 99))
    assert status == 200
    assert answer == {"jsonrpc": "2.0", "id": 99, "result": "still here"}
