"""Fixtures: the world state's tree depths."""

from __future__ import annotations

import pytest

from aztec.world_state import TreeDepths


@pytest.fixture
def world_state_depths() -> TreeDepths:
    """Smaller trees than the defaults for the ``world_state`` fixture (tests/support/world_state.py)."""
    return TreeDepths(20, 20, 20, 10)
