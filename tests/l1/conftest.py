"""Fixtures: a development L1 in a temporary file (mined explicitly), and an L2 block builder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.l1 import DevL1Chain, DevL1Config
from tests.l1.l2_blocks import L2BlockBuilder


@pytest.fixture
def l2(tmp_path: Path) -> Iterator[L2BlockBuilder]:
    builder = L2BlockBuilder(tmp_path / "world_state")
    yield builder
    builder.close()


@pytest.fixture
def chain_path(tmp_path: Path) -> Path:
    return tmp_path / "l1" / "chain.sqlite"


@pytest.fixture
def chain(chain_path: Path, l2: L2BlockBuilder) -> Iterator[DevL1Chain]:
    """A chain whose rollup starts at ``l2``'s genesis; blocks are mined only by ``chain.mine()``."""
    dev = DevL1Chain.open(chain_path, l2.archive_root, DevL1Config(block_time_s=0.05))
    yield dev
    dev.close()
