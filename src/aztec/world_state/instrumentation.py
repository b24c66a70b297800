"""Metrics of the world state: insertion, fork and sync durations; tree sizes, height and LMDB usage."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aztec.stdlib.trees import TreeId
from aztec.telemetry import attributes as a
from aztec.telemetry.api import BatchObservableResult, BoundHistogram, TelemetryClient
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
from aztec.telemetry.size_class import batch_size_class

__all__ = ["WorldStateInstrumentation", "WorldStateStats", "batch_size_class"]


@dataclass(frozen=True, slots=True)
class WorldStateStats:
    """What the observable instruments report, read at collection time."""

    block_number: int
    tree_sizes: dict[TreeId, int]
    db_name: str
    map_size: int
    used_bytes: int
    items: dict[str, int]
    """Entries per LMDB sub-database, by the name reported in ``aztec.db.name``."""


class WorldStateInstrumentation:
    """Meter ``WorldState``: insertion duration by tree and batch size class, fork and sync durations, and observables.

    The observables (tree sizes, committed height, LMDB map size, used size and item counts) are fed by
    one batch callback that calls ``stats``; it returns None once the world state is closed.
    """

    def __init__(self, telemetry: TelemetryClient, stats: Callable[[], WorldStateStats | None]) -> None:
        self._meter = telemetry.get_meter("WorldState")
        self._stats = stats
        insertion = self._meter.create_histogram(WORLD_STATE_TREE_INSERTION_DURATION)
        self._insertion: dict[tuple[TreeId, str], BoundHistogram] = {
            (tree, size_class): insertion.bind({a.MERKLE_TREE_NAME: tree.value, a.BATCH_SIZE_CLASS: size_class})
            for tree in TreeId
            for size_class in a.BATCH_SIZE_CLASS.values or ()
        }
        self._fork_duration = self._meter.create_histogram(WORLD_STATE_FORK_DURATION)
        self._sync_duration = self._meter.create_histogram(WORLD_STATE_SYNC_DURATION)
        self._tree_size = self._meter.create_observable_gauge(WORLD_STATE_TREE_SIZE)
        self._height = self._meter.create_observable_gauge(WORLD_STATE_COMMITTED_HEIGHT)
        self._map_size = self._meter.create_observable_gauge(DB_MAP_SIZE)
        self._used_size = self._meter.create_observable_gauge(DB_USED_SIZE)
        self._num_items = self._meter.create_observable_gauge(DB_NUM_ITEMS)
        self._observables = (self._tree_size, self._height, self._map_size, self._used_size, self._num_items)
        self._callback = self._observe  # one bound method, so that removing it finds the same object
        self._meter.add_batch_observable_callback(self._callback, self._observables)

    def record_insertion(self, tree: TreeId, duration_s: float, leaves: int) -> None:
        """One batch of ``leaves`` inserted into ``tree`` (bucketed by :func:`batch_size_class`)."""
        self._insertion[tree, batch_size_class(leaves)].record(duration_s)

    def record_fork(self, duration_s: float) -> None:
        """A fork's life, from creation to commit or rollback."""
        self._fork_duration.record(duration_s)

    def record_sync(self, duration_s: float) -> None:
        """One :meth:`WorldState.apply_block`, from fork to commit."""
        self._sync_duration.record(duration_s)

    def close(self) -> None:
        self._meter.remove_batch_observable_callback(self._callback, self._observables)

    def _observe(self, result: BatchObservableResult) -> None:
        stats = self._stats()
        if stats is None:
            return
        for tree, size in stats.tree_sizes.items():
            result.observe(self._tree_size, size, {a.MERKLE_TREE_NAME: tree.value})
        result.observe(self._height, stats.block_number)
        result.observe(self._map_size, stats.map_size, {a.DB_NAME: stats.db_name})
        result.observe(self._used_size, stats.used_bytes, {a.DB_NAME: stats.db_name})
        for name, count in stats.items.items():
            result.observe(self._num_items, count, {a.DB_NAME: name})
