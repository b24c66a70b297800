"""Fixtures: a real LMDB world state in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import TreeDepths, WorldState


@pytest.fixture
def world_state(tmp_path: Path) -> Iterator[WorldState]:
    state = WorldState.open(tmp_path / "world_state", NoopTelemetryClient(), TreeDepths(20, 20, 20, 10))
    yield state
    state.close()
