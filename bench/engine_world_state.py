"""World-state insertion cost at the default tree depths: microseconds per leaf, by tree and batch size.

Run: ``.venv/bin/python bench/engine_world_state.py``. :func:`run` returns ``(label, us_per_leaf)`` rows
for ``bench/engine.py``. Each figure is the median over several fresh forks of a state that already
holds a few thousand leaves per tree, timing the insertion call (witnesses included) and the new root.
"""

from __future__ import annotations

import statistics
import tempfile
from collections.abc import Callable
from pathlib import Path

from aztec.foundation.fields import Fr, hash_fields
from aztec.foundation.timer import Timer
from aztec.stdlib.trees import TreeId
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import Fork, WorldState

BATCH_SIZES = (16, 64, 256)
REPEATS = 7
PREFILL_BLOCKS = 8
PREFILL_PER_BLOCK = 512


def _keys(seed: int, count: int) -> list[Fr]:
    return [hash_fields((seed, i)) for i in range(count)]


def _prefill(world_state: WorldState) -> None:
    for block in range(1, PREFILL_BLOCKS + 1):
        with world_state.fork() as fork:
            fork.insert_nullifiers(_keys(block, PREFILL_PER_BLOCK))
            fork.append_leaves(TreeId.NOTE_HASH, _keys(block + 1000, PREFILL_PER_BLOCK))
            fork.write_public([(slot, 1) for slot in _keys(block + 2000, PREFILL_PER_BLOCK)])
            fork.commit(block)


def _median_us_per_leaf(
    world_state: WorldState, size: int, tree: TreeId, insert: Callable[[Fork, list[Fr]], object]
) -> float:
    samples = []
    for repeat in range(REPEATS):
        leaves = _keys(10_000 + repeat * 1000 + size, size)
        with world_state.fork() as fork:
            timer = Timer()
            insert(fork, leaves)
            fork.get_snapshot(tree)  # hashing is lazy: the new root is part of the cost
            samples.append(timer.us() / size)
    return statistics.median(samples)


def _commit_us_per_leaf(world_state: WorldState, size: int) -> float:
    """One fork with ``size`` leaves in each of the three trees, committed: us per leaf written."""
    samples = []
    for repeat in range(REPEATS):
        with world_state.fork() as fork:
            fork.insert_nullifiers(_keys(50_000 + repeat, size))
            fork.append_leaves(TreeId.NOTE_HASH, _keys(60_000 + repeat, size))
            fork.write_public([(slot, 2) for slot in _keys(70_000 + repeat, size)])
            timer = Timer()
            fork.commit(world_state.committed_block_number + 1)
            samples.append(timer.us() / (3 * size))
    return statistics.median(samples)


OPERATIONS: dict[str, tuple[TreeId, Callable[[Fork, list[Fr]], object]]] = {
    "note hash append": (TreeId.NOTE_HASH, lambda fork, leaves: fork.append_leaves(TreeId.NOTE_HASH, leaves)),
    "nullifier insert": (TreeId.NULLIFIER, lambda fork, leaves: fork.insert_nullifiers(leaves)),
    "public data write": (TreeId.PUBLIC_DATA, lambda fork, leaves: fork.write_public([(slot, 7) for slot in leaves])),
}


def run() -> list[tuple[str, float]]:
    """``(label, microseconds per leaf)`` for each operation and batch size, and for commits."""
    rows: list[tuple[str, float]] = []
    with tempfile.TemporaryDirectory() as directory, WorldState.open(Path(directory), NoopTelemetryClient()) as ws:
        _prefill(ws)
        for name, (tree, insert) in OPERATIONS.items():
            for size in BATCH_SIZES:
                rows.append((f"world_state {name}, batch of {size}", _median_us_per_leaf(ws, size, tree, insert)))
        rows.append(("world_state commit, 256 leaves in each of 3 trees", _commit_us_per_leaf(ws, 256)))
    return rows


def main() -> None:
    timer = Timer()
    print("World-state insertion at default depths (note hash 40, nullifier 40, public data 40), median of forks")
    for label, us_per_leaf in run():
        print(f"  {label:<55} {us_per_leaf:9.1f} us/leaf")
    print(f"  (took {timer.s():.1f} s)")


if __name__ == "__main__":
    main()
