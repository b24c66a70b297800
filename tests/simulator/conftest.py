"""Fixtures: a real LMDB world state in a temporary directory, and a fork of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState


@pytest.fixture
def world_state(tmp_path: Path) -> Iterator[WorldState]:
    state = WorldState.open(tmp_path / "world_state", NoopTelemetryClient())
    yield state
    state.close()


@pytest.fixture
def fork(world_state: WorldState) -> Iterator[WorldStateFork]:
    fork = world_state.fork()
    yield fork
    fork.rollback()
