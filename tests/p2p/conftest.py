"""Fixtures: a pool over real LMDB in the test's temporary directory, on the real ``world_state`` fixture."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aztec.p2p import TxPool, TxPoolConfig
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.p2p.support import FakeClock, OpenPool


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def open_pool(tmp_path: Path, world_state: WorldState, clock: FakeClock) -> Iterator[OpenPool]:
    """``open_pool(telemetry=None, **config)`` opens the pool at tmp_path/pool; all are closed after the test."""
    opened: list[TxPool] = []

    def open_(telemetry: TelemetryClient | None = None, **config: Any) -> TxPool:
        pool = TxPool.open(
            tmp_path / "pool",
            world_state.committed,
            telemetry or NoopTelemetryClient(),
            TxPoolConfig(**config),
            clock=clock,
        )
        opened.append(pool)
        return pool

    yield open_
    for pool in opened:
        pool.close()


@pytest.fixture
def pool(open_pool: OpenPool) -> TxPool:
    return open_pool()
