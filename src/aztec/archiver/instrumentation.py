"""Archiver metrics: chain heights, per-block sync duration, transactions stored, database size."""

from __future__ import annotations

from collections.abc import Callable

from aztec.telemetry import BatchObservableResult, TelemetryClient
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.archiver import (
    ARCHIVER_BLOCK_HEIGHT,
    ARCHIVER_L1_BLOCK_HEIGHT,
    ARCHIVER_SYNC_DURATION,
    ARCHIVER_TX_COUNT,
)
from aztec.telemetry.metrics.world_state import DB_MAP_SIZE, DB_NUM_ITEMS, DB_USED_SIZE


class ArchiverInstrumentation:
    def __init__(
        self,
        telemetry: TelemetryClient,
        heights: Callable[[], tuple[int, int, int]],
        db_stats: Callable[[], tuple[int, int, int]],
    ) -> None:
        """``heights`` returns (proposed, proven, L1 synced); ``db_stats`` (map size, used, entries)."""
        meter = telemetry.get_meter("Archiver")
        self._sync_duration = meter.create_histogram(ARCHIVER_SYNC_DURATION)
        self._tx_count = meter.create_counter(ARCHIVER_TX_COUNT)
        block_height = meter.create_observable_gauge(ARCHIVER_BLOCK_HEIGHT)
        l1_height = meter.create_observable_gauge(ARCHIVER_L1_BLOCK_HEIGHT)
        map_size = meter.create_observable_gauge(DB_MAP_SIZE)
        used = meter.create_observable_gauge(DB_USED_SIZE)
        items = meter.create_observable_gauge(DB_NUM_ITEMS)
        db = {a.DB_NAME: "archiver"}

        def observe(result: BatchObservableResult) -> None:
            proposed, proven, l1 = heights()
            result.observe(block_height, proposed, {a.CHAIN_STATUS: "proposed"})
            result.observe(block_height, proven, {a.CHAIN_STATUS: "proven"})
            result.observe(l1_height, l1)
            size, in_use, entries = db_stats()
            result.observe(map_size, size, db)
            result.observe(used, in_use, db)
            result.observe(items, entries, db)

        self._meter = meter
        self._callback = observe
        self._observables = [block_height, l1_height, map_size, used, items]
        meter.add_batch_observable_callback(observe, self._observables)

    def close(self) -> None:
        """Stop observing (the store is about to close: reading it then would fail on every collection)."""
        self._meter.remove_batch_observable_callback(self._callback, self._observables)

    def record_block(self, seconds: float, tx_count: int) -> None:
        self._sync_duration.record(seconds)
        self._tx_count.add(tx_count)
