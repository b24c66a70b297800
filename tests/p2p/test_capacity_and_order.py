"""Bounded size: the cheapest pending tx is evicted for a better-paying one; ordering for the sequencer."""

from __future__ import annotations

from aztec.p2p import EvictionReason, PoolRejectionReason, PoolTxLookup, PoolTxStatus, TxPool
from aztec.stdlib.tx.tx import Tx
from tests.p2p.support import BASE_FEE, FakeClock, OpenPool, tx_paying


def add_all(pool: TxPool, *txs: Tx) -> None:
    for tx in txs:
        result = pool.add_tx(tx, base_fee_per_gas=BASE_FEE)
        assert result.ok, result.detail


def test_order_is_fee_then_arrival(pool: TxPool, clock: FakeClock) -> None:
    txs = [tx_paying(fee, sender=i) for i, fee in enumerate([10, 30, 20, 30, 10, 50])]
    for tx in txs:
        add_all(pool, tx)
        clock.advance(1)
    expected = [txs[5], txs[1], txs[3], txs[2], txs[0], txs[4]]
    assert pool.get_pending() == expected
    assert pool.get_pending(3) == expected[:3]
    assert pool.get_pending(0) == []
    assert pool.get_pending(100) == expected


def test_full_pool_evicts_the_cheapest_latest(open_pool: OpenPool) -> None:
    pool = open_pool(max_pending_txs=3)
    old_cheap, new_cheap, rich = tx_paying(10, sender=1), tx_paying(10, sender=2), tx_paying(40, sender=3)
    add_all(pool, old_cheap, new_cheap, rich)

    better = tx_paying(11, sender=4)
    result = pool.add_tx(better, base_fee_per_gas=BASE_FEE)
    assert (result.ok, result.evicted) == (True, (new_cheap.tx_hash,))
    assert pool.get_pending() == [rich, better, old_cheap]
    assert pool.get_status(new_cheap.tx_hash) == PoolTxLookup(PoolTxStatus.DROPPED, EvictionReason.LOW_FEE.value)

    result = pool.add_tx(tx_paying(12, sender=5), base_fee_per_gas=BASE_FEE)
    assert result.evicted == (old_cheap.tx_hash,)
    assert len(pool) == 3


def test_full_pool_rejects_a_tx_paying_no_more_than_the_cheapest(open_pool: OpenPool) -> None:
    pool = open_pool(max_pending_txs=2)
    add_all(pool, tx_paying(10, sender=1), tx_paying(20, sender=2))
    before = pool.get_pending()
    for fee in (10, 9):
        late = tx_paying(fee, sender=3, nonce=fee)
        result = pool.add_tx(late, base_fee_per_gas=BASE_FEE)
        assert (result.reason, result.evicted) == (PoolRejectionReason.POOL_FULL, ())
        assert "cheapest pays 10 per gas" in result.detail
        assert pool.get_status(late.tx_hash).status is PoolTxStatus.UNKNOWN
    assert pool.get_pending() == before


def test_validation_comes_before_eviction(open_pool: OpenPool) -> None:
    pool = open_pool(max_pending_txs=1)
    cheap = tx_paying(10, sender=1, nullifiers=[5])
    add_all(pool, cheap)
    conflicting = tx_paying(99, sender=2, nullifiers=[5])
    assert pool.add_tx(conflicting, base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.DOUBLE_SPEND
    assert pool.add_tx(cheap, base_fee_per_gas=BASE_FEE).reason is PoolRejectionReason.DUPLICATE
    assert pool.get_pending() == [cheap]


def test_an_evicted_tx_can_come_back_once_there_is_room(open_pool: OpenPool) -> None:
    pool = open_pool(max_pending_txs=1)
    cheap, rich = tx_paying(10, sender=1), tx_paying(20, sender=2)
    add_all(pool, cheap, rich)
    assert pool.get_status(cheap.tx_hash).status is PoolTxStatus.DROPPED
    pool.mark_mined([rich.tx_hash], block_number=1)
    add_all(pool, cheap)
    assert pool.get_status(cheap.tx_hash).status is PoolTxStatus.PENDING
