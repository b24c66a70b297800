"""What the JSON-RPC listener refuses before any method runs, and the limits that hold under attack."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import AsyncIterator, Mapping

import aiohttp
import pytest

from aztec.foundation.http import ConnectionLimits
from aztec.foundation.http.hosts import host_name
from aztec.foundation.json_rpc import INVALID_REQUEST, JsonRpcServer
from tests.json_rpc.methods import TestMethods
from tests.support.polling import wait_until_async

ECHO = b'{"jsonrpc":"2.0","id":1,"method":"echo","params":["hi"]}'
JSON = {"Content-Type": "application/json"}
FAST_LIMITS = ConnectionLimits(max_connections=8, header_timeout_s=0.5, body_timeout_s=0.5, idle_timeout_s=1.0)


@pytest.fixture
async def strict() -> AsyncIterator[JsonRpcServer]:
    ready_state = {"synced": True}

    async def readiness() -> Mapping[str, bool]:
        return dict(ready_state)

    server = JsonRpcServer(
        TestMethods().registry(),
        limits=FAST_LIMITS,
        allowed_hosts=(),
        cors_origins=("https://app.example",),
        readiness=readiness,
    )
    server.ready_state = ready_state  # type: ignore[attr-defined]
    async with server:
        yield server


async def _raw(port: int, data: bytes, *, read_timeout: float = 5.0) -> bytes:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.read(65536), read_timeout)
    finally:
        writer.close()
        with contextlib.suppress(ConnectionError):
            await writer.wait_closed()


def _post(host: str, body: bytes = ECHO, content_type: str | None = "application/json", extra: str = "") -> bytes:
    ctype = f"Content-Type: {content_type}\r\n" if content_type is not None else ""
    head = f"POST / HTTP/1.1\r\nHost: {host}\r\n{ctype}{extra}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    return head.encode() + body


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("localhost", True),
        ("localhost:8080", True),
        ("LOCALHOST.", True),
        ("127.0.0.1:1234", True),
        ("[::1]:8080", True),
        ("10.1.2.3", True),
        ("evil.example", False),
        ("evil.example:8080", False),
        ("localhost.evil.example", False),
        ("127.0.0.1.nip.io", False),
    ],
)
async def test_host_allow_list_defeats_dns_rebinding(strict: JsonRpcServer, host: str, allowed: bool) -> None:
    answer = await _raw(strict.port, _post(host))
    if allowed:
        assert answer.startswith(b"HTTP/1.1 200"), answer[:200]
    else:
        assert answer.startswith(b"HTTP/1.1 403"), answer[:200]
        assert f'"code":{INVALID_REQUEST}'.encode() in answer and b"--rpc-allowed-hosts" in answer


async def test_listed_hosts_and_any() -> None:
    registry = TestMethods().registry()
    async with JsonRpcServer(registry, allowed_hosts=("node.internal",)) as server:
        assert (await _raw(server.port, _post("node.internal:80"))).startswith(b"HTTP/1.1 200")
        assert (await _raw(server.port, _post("localhost"))).startswith(b"HTTP/1.1 403")
    async with JsonRpcServer(TestMethods().registry(), allowed_hosts=("*",)) as server:
        assert (await _raw(server.port, _post("anything.example"))).startswith(b"HTTP/1.1 200")


def test_host_name_parsing() -> None:
    assert host_name("Example.COM:8080") == "example.com"
    assert host_name("[::1]:80") == "::1"
    assert host_name("node.") == "node"


@pytest.mark.parametrize(
    "content_type", [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"]
)
async def test_a_non_json_content_type_is_refused_with_415(strict: JsonRpcServer, content_type: str | None) -> None:
    answer = await _raw(strict.port, _post("localhost", content_type=content_type))
    assert answer.startswith(b"HTTP/1.1 415"), answer[:200]
    assert f'"code":{INVALID_REQUEST}'.encode() in answer


@pytest.mark.parametrize(
    "content_type", ["application/json; charset=utf-8", "application/json-rpc", "APPLICATION/JSON"]
)
async def test_json_content_types_are_accepted(strict: JsonRpcServer, content_type: str) -> None:
    assert (await _raw(strict.port, _post("localhost", content_type=content_type))).startswith(b"HTTP/1.1 200")


async def test_cors_off_by_default() -> None:
    async with (
        JsonRpcServer(TestMethods().registry()) as server,
        aiohttp.ClientSession() as http,
    ):
        headers = {**JSON, "Origin": "https://app.example"}
        async with http.post(server.url, data=ECHO, headers=headers) as response:
            assert response.status == 200
            assert "Access-Control-Allow-Origin" not in response.headers
        preflight = {"Origin": "https://app.example", "Access-Control-Request-Method": "POST"}
        async with http.options(server.url, headers=preflight) as response:
            assert response.status == 403
            assert "Access-Control-Allow-Origin" not in response.headers


async def test_cors_for_listed_origins_with_preflight(strict: JsonRpcServer) -> None:
    async with aiohttp.ClientSession() as http:
        preflight = {
            "Origin": "https://app.example",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        }
        async with http.options(strict.url, headers=preflight) as response:
            assert response.status == 204
            assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
            assert "POST" in response.headers["Access-Control-Allow-Methods"]
            assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]
        async with http.post(strict.url, data=ECHO, headers={**JSON, "Origin": "https://app.example"}) as response:
            assert response.headers["Access-Control-Allow-Origin"] == "https://app.example"
        async with http.post(strict.url, data=ECHO, headers={**JSON, "Origin": "https://evil.example"}) as response:
            assert "Access-Control-Allow-Origin" not in response.headers
        async with http.options(strict.url, headers={**preflight, "Origin": "https://evil.example"}) as response:
            assert response.status == 403


async def test_healthz_and_readyz(strict: JsonRpcServer) -> None:
    async with aiohttp.ClientSession() as http:
        base = strict.url.rstrip("/")
        async with http.get(f"{base}/healthz") as response:
            assert response.status == 200 and (await response.json()) == {"status": "alive"}
        async with http.get(f"{base}/readyz") as response:
            assert response.status == 200 and (await response.json())["ready"] is True
        strict.ready_state["synced"] = False  # type: ignore[attr-defined]
        async with http.get(f"{base}/readyz") as response:
            assert response.status == 503
            assert (await response.json()) == {"ready": False, "checks": {"synced": False}}
        for method, path, status in (("GET", "/", 405), ("GET", "/nope", 404), ("POST", "/healthz", 405)):
            async with http.request(method, f"{base}{path}", headers=JSON) as response:
                assert response.status == status


async def test_a_slow_body_gets_408_and_the_connection_closes(strict: JsonRpcServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", strict.port)
    try:
        writer.write(
            b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(65536), 5)
        assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
        assert await asyncio.wait_for(reader.read(), 5) == b""
    finally:
        writer.close()


async def test_slow_headers_are_cut_and_a_normal_client_still_gets_in(strict: JsonRpcServer) -> None:
    slow = [await asyncio.open_connection("127.0.0.1", strict.port) for _ in range(3 * FAST_LIMITS.max_connections)]
    try:
        for _, writer in slow:
            writer.write(b"POST / HTTP/1.1\r\nHost: localhost\r\n")
        started = time.monotonic()
        assert (await _raw(strict.port, _post("localhost"))).startswith(b"HTTP/1.1 200")
        assert time.monotonic() - started < 2
        assert strict.listener.guard.open_connections <= FAST_LIMITS.max_connections
        # every slow connection is closed: evicted, or cut by the header timeout
        for reader, _ in slow:
            assert await asyncio.wait_for(reader.read(), 5) == b""
        assert strict.listener.guard.stats.header_timeouts >= 1
    finally:
        for _, writer in slow:
            writer.close()


async def test_when_every_connection_is_busy_a_new_one_gets_503() -> None:
    release = asyncio.Event()
    registry = TestMethods().registry()

    async def hold() -> str:
        await release.wait()
        return "done"

    registry.register("hold", hold)
    limits = ConnectionLimits(max_connections=2, header_timeout_s=5, body_timeout_s=5, idle_timeout_s=5)
    async with JsonRpcServer(registry, limits=limits) as server:
        body = b'{"jsonrpc":"2.0","id":1,"method":"hold"}'
        busy = [asyncio.create_task(_raw(server.port, _post("localhost", body))) for _ in range(2)]
        await wait_until_async(
            lambda: server.listener.guard.busy_connections >= 2, timeout=5, message="two busy connections"
        )
        refused = await _raw(server.port, _post("localhost"))
        assert refused.startswith(b"HTTP/1.1 503"), refused[:100]
        release.set()
        for task in busy:
            assert (await task).startswith(b"HTTP/1.1 200")
        assert server.listener.guard.stats.refused == 1


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"GARBAGE\r\n\r\n", b"400"),
        (b"POST / HTTP/9.9\r\nHost: localhost\r\n\r\n", b"400"),
        (b"POST / HTTP/1.1\r\nHost: localhost\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n", b"400"),
        (b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: -1\r\n\r\n", b"400"),
        (b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Length: 99999999999999999999999\r\n\r\n", b"400"),
        (
            b"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\n\r\nzz\r\n",
            b"400",
        ),
        (b"POST / HTTP/1.1\r\nHost: localhost\r\nHost: evil.example\r\n\r\n", b"400"),
    ],
    ids=["garbage", "http-9.9", "huge-header", "negative-length", "huge-length", "bad-chunk", "two-hosts"],
)
async def test_broken_http_is_a_4xx_never_a_500(
    strict: JsonRpcServer, raw: bytes, status: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = await _raw(strict.port, raw)
    assert answer.split(b" ", 2)[1] == status, answer[:200]
    assert (await _raw(strict.port, _post("localhost"))).startswith(b"HTTP/1.1 200")
    loud = [r for r in caplog.records if r.levelno >= logging.INFO]
    assert loud == [], "a client's malformed request is logged at debug level only"


async def test_an_idle_keep_alive_connection_is_closed_after_the_idle_timeout(strict: JsonRpcServer) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", strict.port)
    try:
        head = f"POST / HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: {len(ECHO)}"
        writer.write(head.encode() + b"\r\n\r\n" + ECHO)
        assert (await asyncio.wait_for(reader.readuntil(b'"hi"}'), 5)).startswith(b"HTTP/1.1 200")
        started = time.monotonic()
        assert await asyncio.wait_for(reader.read(), FAST_LIMITS.idle_timeout_s + 5) == b""
        assert time.monotonic() - started >= FAST_LIMITS.idle_timeout_s * 0.9
    finally:
        writer.close()
