"""Thread safety: racing adds of txs that claim the same nullifiers admit exactly one per nullifier."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from aztec.p2p import AddTxResult, PoolRejectionReason, TxPool
from aztec.stdlib.tx.tx import Tx
from tests.p2p.support import BASE_FEE, OpenPool, tx_paying

THREADS = 4
NULLIFIERS = 40


def racing_txs(thread: int) -> list[Tx]:
    """Thread ``thread``'s txs: one per shared nullifier, from its own sender."""
    return [tx_paying(10 + thread, sender=thread, nonce=i, nullifiers=[9_000 + i]) for i in range(NULLIFIERS)]


def test_racing_threads_admit_one_tx_per_nullifier(open_pool: OpenPool) -> None:
    pool = open_pool()
    batches = [racing_txs(thread) for thread in range(THREADS)]

    def add_batch(txs: list[Tx]) -> list[AddTxResult]:
        return [pool.add_tx(tx, base_fee_per_gas=BASE_FEE) for tx in txs]

    with ThreadPoolExecutor(THREADS) as executor:
        results = [result for batch in executor.map(add_batch, batches) for result in batch]

    accepted = [result.tx for result in results if result.ok]
    assert len(accepted) == NULLIFIERS
    assert {result.reason for result in results if not result.ok} == {PoolRejectionReason.DOUBLE_SPEND}
    assert sorted(tx.nullifiers[0] for tx in accepted if tx is not None) == [9_000 + i for i in range(NULLIFIERS)]
    assert set(pool.get_pending()) == set(accepted)
    pool.close()
    assert set(open_pool().get_pending()) == set(accepted)


async def test_called_from_the_loop_and_from_worker_threads(pool: TxPool) -> None:
    txs = [tx_paying(10, sender=i) for i in range(20)]
    on_loop = [pool.add_tx(tx, base_fee_per_gas=BASE_FEE) for tx in txs[:10]]
    in_threads = await asyncio.gather(
        *(asyncio.to_thread(pool.add_tx, tx, base_fee_per_gas=BASE_FEE) for tx in txs[10:]),
        asyncio.to_thread(pool.mark_mined, [txs[0].tx_hash], 1),
    )
    assert all(result.ok for result in on_loop)
    assert all(isinstance(result, AddTxResult) and result.ok for result in in_threads[:-1])
    assert set(pool.get_pending()) == set(txs[1:])
