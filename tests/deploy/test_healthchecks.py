"""The compose healthcheck probes /readyz and the image's HEALTHCHECK /healthz on the node's RPC port; both
commands run for real against a served node."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from aztec.foundation.json_rpc import JsonRpcServer
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.json_rpc.fake_node import FakeNode
from tests.support.healthchecks import IMAGE_RPC_PORT, compose_healthcheck, dockerfile_healthcheck, run_against


def test_the_probes_point_at_the_node_rpc_port() -> None:
    assert f"http://127.0.0.1:{IMAGE_RPC_PORT}/readyz" in compose_healthcheck()[2]
    image_check = dockerfile_healthcheck()[2]
    assert "/healthz" in image_check and f"os.environ.get('AZTEC_RPC_PORT', '{IMAGE_RPC_PORT}')" in image_check


@pytest.fixture
async def served(world_state: WorldState) -> AsyncIterator[tuple[FakeNode, JsonRpcServer]]:
    node = FakeNode(world_state)
    async with build_node_rpc_server(node, NoopTelemetryClient()) as server:
        yield node, server


async def test_the_commands_pass_on_a_ready_node_and_readiness_fails_on_one_that_is_not(
    served: tuple[FakeNode, JsonRpcServer],
) -> None:
    node, server = served
    assert await asyncio.to_thread(run_against, compose_healthcheck(), server.port) == 0
    assert await asyncio.to_thread(run_against, dockerfile_healthcheck(), server.port) == 0
    node.ready = False
    assert await asyncio.to_thread(run_against, compose_healthcheck(), server.port) != 0
    assert await asyncio.to_thread(run_against, dockerfile_healthcheck(), server.port) == 0, "alive though not ready"
