"""The ``world_state`` fixture: a real LMDB world state in the test's temporary directory.

Registered for every test by the root conftest (``pytest_plugins``). A folder whose tests need other tree
depths overrides ``world_state_depths`` in its conftest.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import TreeDepths, WorldState


@pytest.fixture
def world_state_depths() -> TreeDepths | None:
    """The depths ``world_state`` is created with; None for the defaults."""
    return None


@pytest.fixture
def world_state(tmp_path: Path, world_state_depths: TreeDepths | None) -> Iterator[WorldState]:
    """A world state at ``tmp_path/world_state`` without telemetry, closed after the test."""
    state = WorldState.open(tmp_path / "world_state", NoopTelemetryClient(), world_state_depths)
    yield state
    state.close()
