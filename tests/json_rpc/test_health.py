"""GET /healthz and /readyz on the JSON-RPC port: the probes a container orchestrator (or Docker) uses."""

from __future__ import annotations

import aiohttp

from aztec.foundation.json_rpc import JsonRpcServer
from aztec.telemetry.noop import NoopTelemetryClient
from tests.json_rpc.methods import TestMethods


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_healthz_is_live_and_readyz_follows_the_callback(methods: TestMethods) -> None:
    ready = False

    async def is_ready() -> bool:
        return ready

    async with JsonRpcServer(methods.registry(), NoopTelemetryClient(), ready=is_ready) as server:
        assert await _get(f"{server.url}healthz") == (200, "ok\n")
        assert await _get(f"{server.url}readyz") == (503, "not ready\n")
        ready = True
        assert await _get(f"{server.url}readyz") == (200, "ready\n")
        status, _ = await _get(f"{server.url}nothing")
        assert status == 404


async def test_without_a_callback_readyz_is_liveness(methods: TestMethods) -> None:
    async with JsonRpcServer(methods.registry(), NoopTelemetryClient()) as server:
        assert await _get(f"{server.url}readyz") == (200, "ready\n")
