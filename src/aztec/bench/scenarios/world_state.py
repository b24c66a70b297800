"""World state: insertion duration per tree for batches of 16, 64 and 256 leaves.

Each round forks the committed state, inserts one batch of each size into every tree (appends to the
note hash and archive trees, nullifier insertions, public data writes to new slots), and commits it, so
the trees grow as a node's do. Leaves are pseudo-random field elements from a fixed seed, the same in
every run. Batch sizes are interleaved, so every size sees the same tree sizes.

Records (bucket keys in brackets): ``aztec.world_state.tree_insertion.duration`` [batch size class:
the leaf count rounded up to a power of two / tree], ``aztec.world_state.fork.duration``, and the
observables at the end (tree sizes [tree], committed height, LMDB sizes).
"""

from __future__ import annotations

import random
import tempfile
from pathlib import Path
from typing import Final

from aztec.bench.scenarios.base import RunSettings, Scenario, scaled
from aztec.foundation.fields import FIELD_MODULUS, Fr
from aztec.stdlib.trees import TreeId
from aztec.telemetry.api import TelemetryClient
from aztec.world_state.world_state import WorldState

BATCH_SIZES: Final = (16, 64, 256)
"""Leaves per insertion batch at scale 1."""
ROUNDS: Final = 30
"""Batches of each size into each tree at scale 1."""
SEED: Final = 6


def batch_sizes(scale: float) -> list[int]:
    """The batch sizes of a run at ``scale``."""
    return [scaled(size, scale) for size in BATCH_SIZES]


class _Leaves:
    """Pseudo-random nonzero field elements from a fixed seed."""

    def __init__(self, seed: int) -> None:
        self._random = random.Random(seed)

    def take(self, count: int) -> list[Fr]:
        return [self._random.randrange(1, FIELD_MODULUS) for _ in range(count)]


def run(telemetry: TelemetryClient, settings: RunSettings) -> None:
    scale = settings.scale
    sizes = batch_sizes(scale)
    leaves = _Leaves(SEED)
    with (
        tempfile.TemporaryDirectory(prefix="aztec-bench-") as directory,
        WorldState.open(Path(directory) / "world_state", telemetry) as world_state,
    ):
        for _ in range(scaled(ROUNDS, scale)):
            for size in sizes:
                with world_state.fork() as fork:
                    fork.append_leaves(TreeId.NOTE_HASH, leaves.take(size))
                    fork.insert_nullifiers(leaves.take(size))
                    fork.write_public(list(zip(leaves.take(size), leaves.take(size), strict=True)))
                    fork.append_leaves(TreeId.ARCHIVE, leaves.take(size))
                    fork.commit(world_state.committed_block_number + 1)
        telemetry.flush()


SCENARIO: Final = Scenario("world-state", "Insertion duration per tree for batches of 16, 64 and 256 leaves", run)
