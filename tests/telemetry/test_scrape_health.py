"""The scrape endpoint's ``/healthz`` and ``/readyz``: a real client's endpoint, real HTTP, real checks."""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Mapping
from typing import Any

import aiohttp
import pytest

from aztec.foundation.json_rpc import JsonRpcServer, MethodRegistry
from aztec.telemetry import NoopTelemetryClient
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.slow_clients import SLOW_SOCKETS, closed_by_server, slow_socket


@pytest.fixture
async def client() -> AsyncIterator[OtelTelemetryClient]:
    client = OtelTelemetryClient(TelemetryConfig(service_name="svc", prometheus_port=0, host_metrics=False))
    try:
        yield client
    finally:
        await asyncio.to_thread(client.stop)


def _base(client: OtelTelemetryClient) -> str:
    assert client.prometheus is not None
    return client.prometheus.url.removesuffix("/metrics")


async def _get(url: str) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        body = await response.json() if response.content_type == "application/json" else await response.text()
        return response.status, body


class Checks:
    """A readiness callable whose answer the test sets, recording the loop it ran on."""

    def __init__(self) -> None:
        self.answer: Mapping[str, bool] | Exception = {"synced": True}
        self.loops: list[asyncio.AbstractEventLoop] = []

    async def __call__(self) -> Mapping[str, bool]:
        self.loops.append(asyncio.get_running_loop())
        if isinstance(self.answer, Exception):
            raise self.answer
        return self.answer


async def test_healthz_is_alive_and_readyz_without_checks_is_ready(client: OtelTelemetryClient) -> None:
    base = _base(client)
    assert await _get(base + "/healthz") == (200, {"status": "alive"})
    assert await _get(base + "/readyz") == (200, {"ready": True, "checks": {}})


async def test_readyz_runs_the_checks_on_the_loop_that_set_them(client: OtelTelemetryClient) -> None:
    checks = Checks()
    client.set_readiness(checks)
    base = _base(client)
    assert await _get(base + "/readyz") == (200, {"ready": True, "checks": {"synced": True}})
    # The endpoint serves on its own thread; the checks ran on this loop (the component's), not on that one.
    assert checks.loops == [asyncio.get_running_loop()]
    checks.answer = {"l1Reachable": True, "synced": False}
    assert await _get(base + "/readyz") == (503, {"ready": False, "checks": {"l1Reachable": True, "synced": False}})
    assert (await _get(base + "/healthz"))[0] == 200, "not ready is still alive"
    client.set_readiness(None)
    assert await _get(base + "/readyz") == (200, {"ready": True, "checks": {}})


async def test_a_raising_or_hanging_check_is_not_ready_never_a_500(client: OtelTelemetryClient) -> None:
    checks = Checks()
    client.set_readiness(checks)
    base = _base(client)
    checks.answer = RuntimeError("the database is gone")
    assert await _get(base + "/readyz") == (503, {"ready": False, "checks": {"checked": False}})

    never = asyncio.Event()

    async def hangs() -> Mapping[str, bool]:
        await never.wait()
        return {"never": True}

    assert client.prometheus is not None
    client.prometheus.probes.timeout_s = 0.2
    client.set_readiness(hangs)
    assert await _get(base + "/readyz") == (503, {"ready": False, "checks": {"checked": False}})


async def test_a_check_set_outside_a_loop_runs_on_the_endpoints_own(client: OtelTelemetryClient) -> None:
    checks = Checks()
    await asyncio.to_thread(client.set_readiness, checks)  # a thread with no loop running
    assert await _get(_base(client) + "/readyz") == (200, {"ready": True, "checks": {"synced": True}})
    assert checks.loops and checks.loops[0] is not asyncio.get_running_loop()


async def test_unknown_paths_are_still_404(client: OtelTelemetryClient) -> None:
    client.set_readiness(Checks())
    base = _base(client)
    for path in ("/healthz/", "/readyz/", "/readyzx", "/health", "/ready", "/livez"):
        assert (await _get(base + path))[0] == 404, path


async def test_probes_answer_while_slow_clients_hold_connections(client: OtelTelemetryClient) -> None:
    client.set_readiness(Checks())
    assert client.prometheus is not None
    port = client.prometheus.port
    slow: list[socket.socket] = [slow_socket(port) for _ in range(SLOW_SOCKETS)]
    try:
        base = _base(client)
        for _ in range(3):
            assert (await _get(base + "/healthz"))[0] == 200
            assert (await _get(base + "/readyz"))[0] == 200
        listener = client.prometheus.listener
        assert listener is not None and listener.guard.open_connections <= listener.guard.limits.max_connections
        assert any(closed_by_server(s) for s in slow), "past the cap the oldest slow clients made room"
    finally:
        for sock in slow:
            with contextlib.suppress(OSError):
                sock.close()


async def test_the_scrape_endpoint_and_the_json_rpc_server_answer_alike(client: OtelTelemetryClient) -> None:
    checks = Checks()
    client.set_readiness(checks)
    base = _base(client)
    async with JsonRpcServer(MethodRegistry(), port=0, readiness=checks) as server:
        rpc = server.url.rstrip("/")
        for answer in ({"synced": True}, {"synced": False, "l1Reachable": True}, RuntimeError("down")):
            checks.answer = answer
            for path in ("/healthz", "/readyz"):
                assert await _get(base + path) == await _get(rpc + path), (path, answer)


def test_the_noop_client_takes_a_readiness_callable_and_does_nothing() -> None:
    client = NoopTelemetryClient()
    client.set_readiness(Checks())
    client.set_readiness(None)
