"""Mined txs stay retrievable by hash for a bounded history, across a reopen (``node_getTxByHash``)."""

from __future__ import annotations

from aztec.p2p import PoolTxLookup, PoolTxStatus
from tests.p2p.support import BASE_FEE, OpenPool, tx_paying


def test_a_mined_tx_is_kept_oldest_forgotten_first_and_survives_a_reopen(open_pool: OpenPool) -> None:
    pool = open_pool(mined_history=2)
    txs = [tx_paying(10 + i, sender=i) for i in range(4)]
    for tx in txs:
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.mark_mined([txs[0].tx_hash], block_number=1)
    assert pool.get_tx(txs[0].tx_hash) == txs[0]
    assert pool.get_status(txs[0].tx_hash) == PoolTxLookup(PoolTxStatus.UNKNOWN)  # not pending any more
    pool.mark_mined([txs[1].tx_hash, txs[2].tx_hash], block_number=2)
    assert pool.get_tx(txs[0].tx_hash) is None  # past the history of 2
    assert [pool.get_tx(t.tx_hash) for t in txs[1:3]] == txs[1:3]
    pool.close()

    reopened = open_pool(mined_history=2)
    assert [reopened.get_tx(t.tx_hash) for t in txs[1:3]] == txs[1:3]
    assert reopened.get_pending() == [txs[3]]
    reopened.mark_mined([txs[3].tx_hash], block_number=3)
    assert reopened.get_tx(txs[1].tx_hash) is None
    assert reopened.get_tx(txs[3].tx_hash) == txs[3]


def test_evicted_txs_are_not_kept_as_mined(open_pool: OpenPool) -> None:
    pool = open_pool()
    tx = tx_paying(10)
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    pool.evict_invalid([tx.tx_hash], "double_spend")
    assert pool.get_tx(tx.tx_hash) is None
