"""TxPoolInstrumentation: what each pool operation records, with the strict in-memory client and the no-op one."""

from __future__ import annotations

import pytest

from aztec.p2p import EvictionReason, PoolRejectionReason
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.mempool import (
    MEMPOOL_CAPACITY,
    MEMPOOL_PENDING_TXS,
    MEMPOOL_TX_ADDED_COUNT,
    MEMPOOL_TX_EVICTED_COUNT,
    MEMPOOL_TX_MINED_DELAY,
    MEMPOOL_TX_REJECTED_COUNT,
    MEMPOOL_TX_SIZE,
)
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state import WorldState
from tests.p2p.support import BASE_FEE, FakeClock, OpenPool, commit_nullifiers, tx_paying


def rejected(telemetry: InMemoryTelemetryClient, reason: PoolRejectionReason) -> float:
    return telemetry.counter_value(MEMPOOL_TX_REJECTED_COUNT, {a.TX_VALIDATION_REASON: reason.value})


def evicted(telemetry: InMemoryTelemetryClient, reason: EvictionReason) -> float:
    return telemetry.counter_value(MEMPOOL_TX_EVICTED_COUNT, {a.EVICTION_REASON: reason.value})


def test_added_size_count_and_capacity(open_pool: OpenPool, telemetry: InMemoryTelemetryClient) -> None:
    pool = open_pool(telemetry, max_pending_txs=5)
    txs = [tx_paying(10, sender=1), tx_paying(10, sender=2, nullifiers=[1, 2, 3])]
    for tx in txs:
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    assert telemetry.counter_value(MEMPOOL_TX_ADDED_COUNT) == 2
    size = telemetry.histogram(MEMPOOL_TX_SIZE)
    assert (size.count, size.sum) == (2, sum(tx.size for tx in txs))
    assert telemetry.gauge_value(MEMPOOL_PENDING_TXS) == 2
    assert telemetry.gauge_value(MEMPOOL_CAPACITY) == 5
    pool.mark_mined([txs[0].tx_hash], block_number=1)
    assert telemetry.gauge_value(MEMPOOL_PENDING_TXS) == 1


def test_rejections_by_reason(open_pool: OpenPool, telemetry: InMemoryTelemetryClient) -> None:
    pool = open_pool(telemetry, max_pending_txs=1)
    tx = tx_paying(10, sender=1)
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.DUPLICATE
    assert pool.add_tx(tx_paying(10, sender=2), base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.POOL_FULL
    assert pool.add_tx(tx_paying(1, sender=3), base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.FEE_TOO_LOW
    assert pool.add_tx_bytes(b"\x00", base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.MALFORMED
    assert pool.add_tx_bytes(b"\x00", base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.MALFORMED
    counts = {reason: rejected(telemetry, reason) for reason in PoolRejectionReason}
    assert {reason: n for reason, n in counts.items() if n} == {
        PoolRejectionReason.DUPLICATE: 1,
        PoolRejectionReason.POOL_FULL: 1,
        PoolRejectionReason.FEE_TOO_LOW: 1,
        PoolRejectionReason.MALFORMED: 2,
    }
    assert telemetry.counter_value(MEMPOOL_TX_ADDED_COUNT) == 1


def test_evictions_by_reason(open_pool: OpenPool, telemetry: InMemoryTelemetryClient, world_state: WorldState) -> None:
    pool = open_pool(telemetry, max_pending_txs=3)
    low, spent, bad = tx_paying(10, sender=1), tx_paying(20, sender=2, nullifiers=[77]), tx_paying(30, sender=3)
    for tx in (low, spent, bad, tx_paying(40, sender=4)):
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.evict_invalid([bad.tx_hash], "setup_failed")
    commit_nullifiers(world_state, [77], block_number=1)
    pool.evict_spent(world_state.committed)
    assert evicted(telemetry, EvictionReason.LOW_FEE) == 1
    assert evicted(telemetry, EvictionReason.INVALID) == 2
    assert telemetry.gauge_value(MEMPOOL_PENDING_TXS) == 1


def test_mined_delay_is_time_since_arrival(
    open_pool: OpenPool, telemetry: InMemoryTelemetryClient, clock: FakeClock
) -> None:
    pool = open_pool(telemetry)
    first, second = tx_paying(10, sender=1), tx_paying(10, sender=2)
    assert pool.add_tx(first, base_fee_per_gas=BASE_FEE).ok
    clock.advance(1.0)
    assert pool.add_tx(second, base_fee_per_gas=BASE_FEE).ok
    clock.advance(2.5)
    pool.mark_mined([first.tx_hash, second.tx_hash, tx_paying(10, sender=3).tx_hash], block_number=1)
    delay = telemetry.histogram(MEMPOOL_TX_MINED_DELAY)
    assert delay.count == 2
    assert delay.sum == pytest.approx(3.5 + 2.5)


def test_closing_stops_the_observables(open_pool: OpenPool, telemetry: InMemoryTelemetryClient) -> None:
    pool = open_pool(telemetry)
    assert pool.add_tx(tx_paying(10), base_fee_per_gas=BASE_FEE).ok
    assert telemetry.gauge_value(MEMPOOL_PENDING_TXS) == 1
    pool.close()
    assert telemetry.series(MEMPOOL_PENDING_TXS) == []


def test_everything_works_with_the_noop_client(open_pool: OpenPool, world_state: WorldState) -> None:
    pool = open_pool(NoopTelemetryClient(), max_pending_txs=1)
    cheap, rich = tx_paying(10, sender=1, nullifiers=[5]), tx_paying(20, sender=2)
    assert pool.add_tx(cheap, base_fee_per_gas=BASE_FEE).ok
    assert pool.add_tx(rich, base_fee_per_gas=BASE_FEE).evicted == (cheap.tx_hash,)
    assert pool.add_tx(cheap, base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.POOL_FULL
    assert pool.mark_mined([rich.tx_hash], block_number=1) == [rich.tx_hash]
    assert pool.add_tx(cheap, base_fee_per_gas=BASE_FEE).ok
    commit_nullifiers(world_state, [5], block_number=1)
    assert pool.evict_spent(world_state.committed) == [cheap.tx_hash]
    assert len(pool) == 0
