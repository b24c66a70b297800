"""WorldStateInstrumentation records the registry's world-state metrics with bounded attributes."""

from __future__ import annotations

from pathlib import Path

from aztec.stdlib.trees import TreeId
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.world_state import (
    DB_MAP_SIZE,
    DB_NUM_ITEMS,
    DB_USED_SIZE,
    WORLD_STATE_COMMITTED_HEIGHT,
    WORLD_STATE_FORK_DURATION,
    WORLD_STATE_SYNC_DURATION,
    WORLD_STATE_TREE_INSERTION_DURATION,
    WORLD_STATE_TREE_SIZE,
)
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state import WorldState
from tests.world_state.blocks import block_effects, block_hash
from tests.world_state.support import SMALL, opened

MAP_SIZE = 1 << 26


def test_apply_block_records_durations_by_tree(tmp_path: Path, telemetry: InMemoryTelemetryClient) -> None:
    with WorldState.open(tmp_path, telemetry, map_size=MAP_SIZE) as world_state:
        world_state.apply_block(1, block_effects(1, txs=3), block_hash(1))
        world_state.apply_block(2, block_effects(2, txs=3), block_hash(2))
        for tree in (TreeId.NOTE_HASH, TreeId.NULLIFIER, TreeId.PUBLIC_DATA):
            insertion = telemetry.histogram(WORLD_STATE_TREE_INSERTION_DURATION, {a.MERKLE_TREE_NAME: tree.value})
            assert insertion.count == 6  # one batch per tx
            assert insertion.sum > 0
        assert telemetry.histogram(WORLD_STATE_TREE_INSERTION_DURATION, {a.MERKLE_TREE_NAME: "archive"}).count == 2
        assert telemetry.histogram(WORLD_STATE_SYNC_DURATION).count == 2
        assert telemetry.histogram(WORLD_STATE_FORK_DURATION).count == 2


def test_empty_batches_are_not_recorded(tmp_path: Path, telemetry: InMemoryTelemetryClient) -> None:
    with opened(tmp_path, telemetry=telemetry) as world_state, world_state.fork() as fork:
        fork.insert_nullifiers([])
        fork.append_leaves(TreeId.NOTE_HASH, [])
        fork.write_public([])
        assert telemetry.series(WORLD_STATE_TREE_INSERTION_DURATION) == []


def test_fork_duration_is_recorded_on_commit_and_rollback(tmp_path: Path, telemetry: InMemoryTelemetryClient) -> None:
    with opened(tmp_path, telemetry=telemetry) as world_state:
        with world_state.fork() as fork:
            fork.commit(1)
        world_state.fork().rollback()
        assert telemetry.histogram(WORLD_STATE_FORK_DURATION).count == 2


def test_observables_report_the_committed_state(tmp_path: Path, telemetry: InMemoryTelemetryClient) -> None:
    with opened(tmp_path, telemetry=telemetry) as world_state:
        with world_state.fork() as fork:
            fork.insert_nullifiers([1, 2, 3])
            fork.append_leaves(TreeId.NOTE_HASH, [5])
            fork.commit(7)
        uncommitted = world_state.fork()
        uncommitted.append_leaves(TreeId.NOTE_HASH, [6, 7])
        sizes = {
            tree: telemetry.gauge_value(WORLD_STATE_TREE_SIZE, {a.MERKLE_TREE_NAME: tree.value}) for tree in TreeId
        }
        assert sizes == {TreeId.NOTE_HASH: 1, TreeId.NULLIFIER: 4, TreeId.PUBLIC_DATA: 1, TreeId.ARCHIVE: 0}
        assert telemetry.gauge_value(WORLD_STATE_COMMITTED_HEIGHT) == 7
        db = {a.DB_NAME: "world_state"}
        assert telemetry.gauge_value(DB_MAP_SIZE, db) >= 1 << 20
        assert 0 < telemetry.gauge_value(DB_USED_SIZE, db) <= telemetry.gauge_value(DB_MAP_SIZE, db)
        assert telemetry.gauge_value(DB_NUM_ITEMS, {a.DB_NAME: "world_state.nullifier.leaves"}) == 4
        assert telemetry.gauge_value(DB_NUM_ITEMS, {a.DB_NAME: "world_state.nullifier.keys"}) == 4
        assert telemetry.gauge_value(DB_NUM_ITEMS, {a.DB_NAME: "world_state.note_hash.values"}) == 1
        uncommitted.rollback()


def test_map_size_is_reported_as_opened(tmp_path: Path, telemetry: InMemoryTelemetryClient) -> None:
    with WorldState.open(tmp_path, telemetry, SMALL, map_size=MAP_SIZE):
        assert telemetry.gauge_value(DB_MAP_SIZE, {a.DB_NAME: "world_state"}) == MAP_SIZE


def test_closing_stops_the_observables(tmp_path: Path, telemetry: InMemoryTelemetryClient) -> None:
    with opened(tmp_path, telemetry=telemetry):
        pass
    assert telemetry.series(WORLD_STATE_TREE_SIZE) == []
    assert telemetry.series(WORLD_STATE_COMMITTED_HEIGHT) == []
