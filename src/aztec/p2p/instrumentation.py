"""Metrics of the transaction pool: size, arrivals, rejections and evictions by reason, mined delay."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from aztec.p2p.reasons import EvictionReason, PoolRejectionReason
from aztec.telemetry import attributes as a
from aztec.telemetry.api import BatchObservableResult, BoundCounter, TelemetryClient
from aztec.telemetry.metrics.mempool import (
    MEMPOOL_CAPACITY,
    MEMPOOL_PENDING_TXS,
    MEMPOOL_TX_ADDED_COUNT,
    MEMPOOL_TX_EVICTED_COUNT,
    MEMPOOL_TX_MINED_DELAY,
    MEMPOOL_TX_REJECTED_COUNT,
    MEMPOOL_TX_SIZE,
)


@dataclass(frozen=True, slots=True)
class TxPoolStats:
    """What the observable instruments report, read at collection time."""

    pending: int
    capacity: int


class TxPoolInstrumentation:
    """Meter ``TxPool``. Pending count and capacity are observed through ``stats`` (None once closed)."""

    def __init__(self, telemetry: TelemetryClient, stats: Callable[[], TxPoolStats | None]) -> None:
        self._meter = telemetry.get_meter("TxPool")
        self._stats = stats
        # bound once: a record on a bound instrument is one append (these three run for every tx)
        self._tx_size = self._meter.create_histogram(MEMPOOL_TX_SIZE).bind({})
        self._added = self._meter.create_counter(MEMPOOL_TX_ADDED_COUNT).bind({})
        evicted = self._meter.create_counter(MEMPOOL_TX_EVICTED_COUNT)
        self._evicted: dict[EvictionReason, BoundCounter] = {
            reason: evicted.bind({a.EVICTION_REASON: reason.value}) for reason in EvictionReason
        }
        rejected = self._meter.create_counter(MEMPOOL_TX_REJECTED_COUNT)
        self._rejected: dict[PoolRejectionReason, BoundCounter] = {
            reason: rejected.bind({a.TX_VALIDATION_REASON: reason.value}) for reason in PoolRejectionReason
        }
        self._mined_delay = self._meter.create_histogram(MEMPOOL_TX_MINED_DELAY).bind({})
        self._tx_count = self._meter.create_observable_gauge(MEMPOOL_PENDING_TXS)
        self._capacity = self._meter.create_observable_gauge(MEMPOOL_CAPACITY)
        self._observables = (self._tx_count, self._capacity)
        self._callback = self._observe  # one bound method, so that removing it finds the same object
        self._meter.add_batch_observable_callback(self._callback, self._observables)

    def record_added(self, size: int) -> None:
        self._added.add(1)
        self._tx_size.record(size)

    def record_rejected(self, reason: PoolRejectionReason) -> None:
        self._rejected[reason].add(1)

    def record_evicted(self, reason: EvictionReason, count: int) -> None:
        if count:
            self._evicted[reason].add(count)

    def record_mined(self, delay_s: float) -> None:
        """One transaction mined ``delay_s`` seconds after it arrived in the pool."""
        self._mined_delay.record(delay_s)

    def close(self) -> None:
        self._meter.remove_batch_observable_callback(self._callback, self._observables)

    def _observe(self, result: BatchObservableResult) -> None:
        stats = self._stats()
        if stats is None:
            return
        result.observe(self._tx_count, stats.pending)
        result.observe(self._capacity, stats.capacity)
