"""Fixtures: the test methods served by a real JSON-RPC server on a free port."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from aztec.foundation.json_rpc import JsonRpcClient, JsonRpcServer
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.json_rpc.methods import TestMethods

MAX_BODY_BYTES = 4096
MAX_BATCH_SIZE = 8


@pytest.fixture
def methods() -> TestMethods:
    return TestMethods()


@pytest.fixture
async def server(methods: TestMethods, telemetry: InMemoryTelemetryClient) -> AsyncIterator[JsonRpcServer]:
    async with JsonRpcServer(
        methods.registry(), telemetry, port=0, max_body_bytes=MAX_BODY_BYTES, max_batch_size=MAX_BATCH_SIZE
    ) as server:
        yield server


@pytest.fixture
async def client(server: JsonRpcServer) -> AsyncIterator[JsonRpcClient]:
    async with JsonRpcClient(server.url) as client:
        yield client


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session
