"""Fixtures: a fork of the real LMDB world state (the ``world_state`` fixture of tests/support/world_state.py)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.world_state import WorldState


@pytest.fixture
def fork(world_state: WorldState) -> Iterator[WorldStateFork]:
    fork = world_state.fork()
    yield fork
    fork.rollback()
