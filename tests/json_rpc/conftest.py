"""Fixtures: the test methods, and a fake node's ``node_*`` methods, served by real JSON-RPC servers."""

from __future__ import annotations

from collections.abc import AsyncIterator

import aiohttp
import pytest

from aztec.foundation.json_rpc import JsonRpcClient, JsonRpcServer
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.telemetry.wrappers.json_rpc import JsonRpcServerTelemetry
from aztec.world_state import WorldState
from tests.json_rpc.fake_node import FakeNode
from tests.json_rpc.methods import TestMethods
from tests.json_rpc.server_limits import MAX_BATCH_SIZE, MAX_BODY_BYTES


@pytest.fixture
def methods() -> TestMethods:
    return TestMethods()


@pytest.fixture
async def server(methods: TestMethods, telemetry: InMemoryTelemetryClient) -> AsyncIterator[JsonRpcServer]:
    async with JsonRpcServer(
        methods.registry(),
        JsonRpcServerTelemetry(telemetry),
        port=0,
        max_body_bytes=MAX_BODY_BYTES,
        max_batch_size=MAX_BATCH_SIZE,
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


@pytest.fixture
def fake_node(world_state: WorldState) -> FakeNode:
    return FakeNode(world_state)


@pytest.fixture
async def node_server(fake_node: FakeNode, telemetry: InMemoryTelemetryClient) -> AsyncIterator[JsonRpcServer]:
    async with build_node_rpc_server(fake_node, telemetry, max_body_bytes=256 * 1024) as server:
        yield server


@pytest.fixture
async def node_client(node_server: JsonRpcServer) -> AsyncIterator[NodeRpcClient]:
    async with NodeRpcClient(node_server.url) as client:
        yield client
