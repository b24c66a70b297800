"""Persistence: a reopened pool has the same pending txs, order, arrival times and dropped reasons."""

from __future__ import annotations

from pathlib import Path

import lmdb
import pytest

from aztec.p2p import (
    EvictionReason,
    PoolRejectionReason,
    PoolTxLookup,
    PoolTxStatus,
    TxPool,
    TxPoolConfig,
    TxPoolStoreError,
)
from aztec.telemetry.metrics.mempool import MEMPOOL_TX_MINED_DELAY
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.p2p.support import BASE_FEE, FakeClock, OpenPool, tx_paying


def test_reopen_keeps_pending_txs_in_order(open_pool: OpenPool) -> None:
    pool = open_pool()
    txs = [tx_paying(fee, sender=i, nullifiers=[1000 + i]) for i, fee in enumerate([10, 30, 10, 20])]
    for tx in txs:
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    before = pool.get_pending()
    pool.close()

    reopened = open_pool()
    assert reopened.get_pending() == before
    late = tx_paying(10, sender=9)
    assert reopened.add_tx(late, base_fee_per_gas=BASE_FEE).ok
    assert reopened.get_pending() == [*before, late]  # arrival order continues after the stored txs
    clash = tx_paying(99, sender=8, nullifiers=[1002])
    assert reopened.add_tx(clash, base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.DOUBLE_SPEND
    assert reopened.add_tx(txs[0], base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.DUPLICATE


def test_mined_delay_counts_from_the_first_arrival(
    open_pool: OpenPool, clock: FakeClock, telemetry: InMemoryTelemetryClient
) -> None:
    tx = tx_paying(10)
    pool = open_pool()
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.close()
    clock.advance(7.5)
    reopened = open_pool(telemetry)
    assert reopened.mark_mined([tx.tx_hash], block_number=1) == [tx.tx_hash]
    assert telemetry.histogram(MEMPOOL_TX_MINED_DELAY).sum == pytest.approx(7.5)


def test_reopen_keeps_dropped_reasons(open_pool: OpenPool) -> None:
    pool = open_pool(max_pending_txs=1)
    cheap, rich = tx_paying(10, sender=1), tx_paying(20, sender=2)
    for tx in (cheap, rich):
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.evict_invalid([rich.tx_hash], "setup_failed")
    pool.close()
    reopened = open_pool(max_pending_txs=1)
    assert reopened.get_status(cheap.tx_hash) == PoolTxLookup(PoolTxStatus.DROPPED, EvictionReason.LOW_FEE.value)
    assert reopened.get_status(rich.tx_hash) == PoolTxLookup(PoolTxStatus.DROPPED, "setup_failed")
    assert len(reopened) == 0


def test_dropped_history_stays_bounded_on_disk(open_pool: OpenPool) -> None:
    pool = open_pool(dropped_history=3)
    txs = [tx_paying(10, sender=i) for i in range(5)]
    for tx in txs:
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.evict_invalid([tx.tx_hash for tx in txs], "fee_too_low")
    pool.close()
    reopened = open_pool(dropped_history=3)
    statuses = [reopened.get_status(tx.tx_hash).status for tx in txs]
    assert statuses == [PoolTxStatus.UNKNOWN] * 2 + [PoolTxStatus.DROPPED] * 3


def test_reopen_with_a_smaller_capacity_evicts_the_cheapest(open_pool: OpenPool) -> None:
    pool = open_pool()
    txs = [tx_paying(fee, sender=i) for i, fee in enumerate([10, 40, 20, 30])]
    for tx in txs:
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.close()
    smaller = open_pool(max_pending_txs=2)
    assert smaller.get_pending() == [txs[1], txs[3]]
    assert smaller.get_status(txs[0].tx_hash).reason == EvictionReason.LOW_FEE.value


def test_a_corrupt_record_is_named_and_kept(open_pool: OpenPool, tmp_path: Path) -> None:
    pool = open_pool()
    tx = tx_paying(10)
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.close()
    key = tx.tx_hash.to_bytes(32, "big")
    with lmdb.open(str(tmp_path / "pool"), max_dbs=4) as env, env.begin(write=True) as txn:
        db = env.open_db(b"pending", txn=txn)
        stored = txn.get(key, db=db)
        assert stored is not None
        txn.put(key, stored[:-1], db=db)
    with pytest.raises(TxPoolStoreError, match=f"pending record {key.hex()} does not hold a valid tx"):
        open_pool()
    with lmdb.open(str(tmp_path / "pool"), max_dbs=4) as env, env.begin() as txn:
        assert txn.get(key, db=env.open_db(b"pending", txn=txn)) is not None


def test_an_unknown_layout_version_is_refused(open_pool: OpenPool, tmp_path: Path) -> None:
    open_pool().close()
    with lmdb.open(str(tmp_path / "pool"), max_dbs=4) as env, env.begin(write=True) as txn:
        txn.put(b"format", bytes([9]), db=env.open_db(b"meta", txn=txn))
    with pytest.raises(TxPoolStoreError, match="has layout version 09, this node reads version 1"):
        open_pool()


def test_a_closed_pool_refuses_changes(pool: TxPool) -> None:
    tx = tx_paying(10)
    pool.close()
    pool.close()
    with pytest.raises(TxPoolStoreError, match="closed"):
        pool.add_tx(tx, base_fee_per_gas=BASE_FEE)
    with pytest.raises(TxPoolStoreError, match="closed"):
        pool.mark_mined([tx.tx_hash], block_number=1)


def test_a_full_map_rejects_as_pool_full_and_keeps_the_pool(open_pool: OpenPool) -> None:
    pool = open_pool(map_size=64 * 1024)
    accepted: list[int] = []
    for i in range(200):
        result = pool.add_tx(
            tx_paying(10, sender=i, nullifiers=range(100 * i + 1, 100 * i + 60)),
            base_fee_per_gas=BASE_FEE,
        )
        if not result.ok:
            assert result.reason is PoolRejectionReason.POOL_FULL
            assert "LMDB map is full" in result.detail
            break
        accepted.append(i)
    else:
        pytest.fail("the map never filled up")
    assert len(pool) == len(accepted) > 0
    pool.close()
    assert len(open_pool(map_size=64 * 1024)) == len(accepted)


@pytest.mark.parametrize(
    ("setting", "value"),
    [("max_pending_txs", 0), ("max_tx_size", -1), ("dropped_history", 1.5), ("map_size", None), ("fsync", 1)],
)
def test_config_values_are_checked(setting: str, value: object) -> None:
    with pytest.raises(ValueError, match=f"TxPoolConfig.{setting} must be"):
        TxPoolConfig(**{setting: value})  # type: ignore[arg-type]


def test_without_fsync_changes_still_survive_a_reopen(open_pool: OpenPool) -> None:
    pool = open_pool(fsync=False)
    tx = tx_paying(10)
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.close()
    assert open_pool(fsync=False).get_pending() == [tx]
