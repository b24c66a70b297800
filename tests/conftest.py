"""Shared fixtures."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from aztec.l1 import DevL1Chain
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.node.harness import open_chain

pytest_plugins = ("tests.support.world_state",)


@pytest.fixture
def telemetry() -> Iterator[InMemoryTelemetryClient]:
    """A strict in-memory telemetry client, stopped after the test."""
    client = InMemoryTelemetryClient()
    yield client
    client.stop()


@pytest.fixture
async def chain(tmp_path: Path) -> AsyncIterator[DevL1Chain]:
    """A development L1 in ``tmp_path``, not mining: tests mine explicitly, or ``await chain.start()``.
    Stopped and closed after the test (tests/l1 has its own, at the L2 builder's genesis)."""
    dev = open_chain(tmp_path / "l1.sqlite")
    yield dev
    await dev.stop()
    dev.close()
