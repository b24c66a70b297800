"""Fixtures: a fake node (real world state, validator and processor) behind the real JSON-RPC server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from aztec.foundation.json_rpc import JsonRpcServer
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.json_rpc.fake_node import FakeNode


@pytest.fixture
def fake_node(world_state: WorldState) -> FakeNode:
    return FakeNode(world_state)


@pytest.fixture
async def node_server(fake_node: FakeNode) -> AsyncIterator[JsonRpcServer]:
    async with build_node_rpc_server(fake_node, NoopTelemetryClient()) as server:
        yield server
