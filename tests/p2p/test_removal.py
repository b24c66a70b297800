"""Departures: mined txs, txs the sequencer found invalid, and txs whose nullifiers a block spent."""

from __future__ import annotations

import pytest

from aztec.p2p import PoolTxLookup, PoolTxStatus, TxPool
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.processed_tx import TxEffect
from aztec.stdlib.tx.tx import Tx
from aztec.world_state import WorldState
from tests.p2p.support import ALICE, BASE_FEE, BOB, OpenPool, commit_nullifiers, tx_paying


def _block_of(number: int, txs: list[Tx], world_state: WorldState) -> L2Block:
    """A block whose effects are ``txs``' hashes and nullifiers (the state is not checked here)."""
    effects = [TxEffect(tx.tx_hash, False, 0, 0, (), tx.all_nullifiers, ()) for tx in txs]
    state = world_state.committed.get_state_reference()
    header = BlockHeader.build(0, state, GlobalVariables(number, 0, BASE_FEE), effects)
    return L2Block(header, 0, tuple(effects))


def test_mark_mined_removes_only_pending_ones(pool: TxPool) -> None:
    a, b, c = (tx_paying(10 + i, sender=i) for i in range(3))
    for tx in (a, b, c):
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    foreign = tx_paying(10, sender=9).tx_hash
    assert pool.mark_mined([a.tx_hash, foreign, c.tx_hash, a.tx_hash], block_number=1) == [a.tx_hash, c.tx_hash]
    assert pool.get_pending() == [b]
    assert pool.get_status(a.tx_hash) == PoolTxLookup(PoolTxStatus.UNKNOWN)
    assert pool.mark_mined([a.tx_hash], block_number=2) == []


def test_mined_txs_free_their_nullifiers(pool: TxPool) -> None:
    first = ALICE.create_tx(0, nullifiers=[8])
    assert pool.add_tx(first, base_fee_per_gas=BASE_FEE).ok
    pool.mark_mined([first.tx_hash], block_number=1)
    # The world state is not updated here, so the pool alone no longer refuses the nullifier.
    assert pool.add_tx(BOB.create_tx(0, nullifiers=[8]), base_fee_per_gas=BASE_FEE).ok


def test_evict_invalid_drops_with_the_reason(pool: TxPool) -> None:
    a, b = tx_paying(10, sender=1), tx_paying(10, sender=2)
    for tx in (a, b):
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    unknown = tx_paying(10, sender=3).tx_hash
    assert pool.evict_invalid([a.tx_hash, unknown], TxRejectionReason.SETUP_FAILED) == [a.tx_hash]
    assert pool.get_status(a.tx_hash) == PoolTxLookup(PoolTxStatus.DROPPED, "setup_failed")
    assert pool.get_status(unknown).status is PoolTxStatus.UNKNOWN
    assert pool.get_pending() == [b]


def test_evict_invalid_refuses_an_unknown_reason(pool: TxPool) -> None:
    tx = tx_paying(10)
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    with pytest.raises(ValueError, match="unknown rejection reason 'bored'"):
        pool.evict_invalid([tx.tx_hash], "bored")
    assert pool.get_pending() == [tx]


def test_evict_spent_after_a_block(pool: TxPool, world_state: WorldState) -> None:
    note_spent = tx_paying(10, sender=1, nullifiers=[100, 101])
    nonce_used = tx_paying(10, sender=2, nonce=4)
    fine = tx_paying(10, sender=3, nullifiers=[102])
    for tx in (note_spent, nonce_used, fine):
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    assert pool.evict_spent(world_state.committed) == []

    commit_nullifiers(world_state, [101, nonce_used.tx_nullifier], block_number=1)
    assert set(pool.evict_spent(world_state.committed)) == {note_spent.tx_hash, nonce_used.tx_hash}
    assert pool.get_pending() == [fine]
    for tx in (note_spent, nonce_used):
        assert pool.get_status(tx.tx_hash) == PoolTxLookup(PoolTxStatus.DROPPED, "double_spend")


def test_dropped_history_is_bounded(open_pool: OpenPool) -> None:
    pool = open_pool(dropped_history=2)
    txs = [tx_paying(10, sender=i) for i in range(3)]
    for tx in txs:
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
        pool.evict_invalid([tx.tx_hash], "fee_too_low")
    statuses = [pool.get_status(tx.tx_hash).status for tx in txs]
    assert statuses == [PoolTxStatus.UNKNOWN, PoolTxStatus.DROPPED, PoolTxStatus.DROPPED]


def test_evict_spent_with_the_block_nullifiers_checks_only_their_claimants(
    pool: TxPool, world_state: WorldState
) -> None:
    note_spent = tx_paying(10, sender=1, nullifiers=[200])
    nonce_used = tx_paying(10, sender=2, nonce=4)
    fine = tx_paying(10, sender=3, nullifiers=[202])
    for tx in (note_spent, nonce_used, fine):
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    block = [200, nonce_used.tx_nullifier, 999]
    commit_nullifiers(world_state, block, block_number=1)
    assert pool.evict_spent(world_state.committed, new_nullifiers=[]) == []
    assert pool.evict_spent(world_state.committed, new_nullifiers=[202]) == []  # claimed, but not in the tree
    assert pool.evict_spent(world_state.committed, new_nullifiers=block) == [note_spent.tx_hash, nonce_used.tx_hash]
    assert pool.get_pending() == [fine]
    assert pool.get_status(note_spent.tx_hash) == PoolTxLookup(PoolTxStatus.DROPPED, "double_spend")


def test_handle_mined_block_marks_its_txs_mined_and_evicts_their_rivals(pool: TxPool, world_state: WorldState) -> None:
    mine = tx_paying(10, sender=1, nullifiers=[300])
    rival = tx_paying(10, sender=2, nullifiers=[302])
    fine = tx_paying(10, sender=3, nullifiers=[301])
    for tx in (mine, rival, fine):
        assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    foreign = tx_paying(10, sender=4, nullifiers=[302])  # another node's tx, spending the rival's nullifier
    block = _block_of(1, [mine, foreign], world_state)
    commit_nullifiers(world_state, [n for effect in block.body for n in effect.nullifiers], block_number=1)
    assert pool.handle_mined_block(block, world_state.committed) == [mine.tx_hash]
    assert pool.get_tx(mine.tx_hash) == mine  # kept as recently mined
    assert pool.get_status(rival.tx_hash) == PoolTxLookup(PoolTxStatus.DROPPED, "double_spend")
    assert pool.get_pending() == [fine]
    # The sequencer's own block comes back from the archiver: the second call changes nothing.
    assert pool.handle_mined_block(block, world_state.committed) == []
    assert pool.get_pending() == [fine]
