"""The public processor on a real world state: canonical insertion order, witnesses, failures and limits."""

from __future__ import annotations

import itertools

from aztec.simulator.contracts import COUNTER_ADDRESS
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.tx import call
from tests.simulator.helpers import ALICE, BOB, processor, run, wallet

INCREMENT = call(COUNTER_ADDRESS, "increment")


def test_effects_are_inserted_nullifiers_then_note_hashes_then_public_writes(fork: WorldStateFork) -> None:
    start = fork.get_state_reference()
    tx = wallet().create_tx(note_hashes=[101, 102], nullifiers=[201], app_logic=[INCREMENT])
    (processed,) = run(fork, tx).processed
    effect, witnesses = processed.effect, processed.witnesses

    assert effect.tx_hash == tx.tx_hash
    assert processed.tx_bytes == tx.to_bytes()
    assert effect.nullifiers == (tx.tx_nullifier, 201)
    assert effect.note_hashes == (101, 102)
    assert witnesses.start_state == start
    assert witnesses.end_state == fork.get_state_reference()
    assert [w.key for w in witnesses.nullifiers] == list(effect.nullifiers)
    assert [w.index for w in witnesses.note_hashes] == [start.note_hash.size, start.note_hash.size + 1]
    assert [(w.key, w.value) for w in witnesses.public_data] == [(w.slot, w.value) for w in effect.public_data_writes]
    assert witnesses.end_state.note_hash.size == start.note_hash.size + 2
    assert witnesses.end_state.nullifier.size == start.nullifier.size + 2
    assert fork.find_leaf_index(TreeId.NOTE_HASH, 102) == start.note_hash.size + 1

    first = witnesses.nullifiers[0].low_leaf
    assert first.path.root_for(first.leaf.hash(), first.index) == start.nullifier.root, (
        "nullifiers go in first, so the first low-leaf witness proves against the tx's start root"
    )


def test_consecutive_txs_chain_their_state_references(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    result = run(fork, *(alice.create_tx(app_logic=[INCREMENT], note_hashes=[i]) for i in range(3)))
    states = [(p.witnesses.start_state, p.witnesses.end_state) for p in result.processed]
    for (_, end), (next_start, _) in itertools.pairwise(states):
        assert end == next_start


def test_replay_in_the_same_run_is_a_double_spend(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(note_hashes=[5], app_logic=[INCREMENT])
    proc = processor(fork)
    first = proc.process([tx])
    after_first = fork.get_state_reference()
    second = proc.process([tx])
    assert len(first.processed) == 1
    assert second.processed == []
    assert [(f.tx, f.reason) for f in second.failed] == [(tx, TxRejectionReason.DOUBLE_SPEND)]
    assert fork.get_state_reference() == after_first


def test_private_nullifier_already_spent_fails_the_later_tx(fork: WorldStateFork) -> None:
    result = run(
        fork,
        wallet(ALICE).create_tx(nullifiers=[999]),
        wallet(BOB).create_tx(nullifiers=[998, 999], note_hashes=[1], app_logic=[INCREMENT]),
    )
    assert len(result.processed) == 1
    assert result.failed[0].reason is TxRejectionReason.DOUBLE_SPEND
    assert not fork.has_nullifier(998), "all or nothing"
    assert fork.find_leaf_index(TreeId.NOTE_HASH, 1) is None


def test_fee_below_the_base_fee_fails(fork: WorldStateFork) -> None:
    before = fork.get_state_reference()
    tx = wallet().create_tx(app_logic=[INCREMENT], max_fee_per_gas=4)
    result = run(fork, tx, base_fee=5)
    assert [(f.reason, f.detail) for f in result.failed] == [
        (TxRejectionReason.FEE_TOO_LOW, "max_fee_per_gas 4 is below the base fee 5")
    ]
    assert fork.get_state_reference() == before
    assert len(run(fork, tx, base_fee=4).processed) == 1


def test_max_txs_skips_the_rest(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    txs = [alice.create_tx(app_logic=[INCREMENT]) for _ in range(4)]
    result = processor(fork, max_txs=2).process(txs)
    assert [p.effect.tx_hash for p in result.processed] == [txs[0].tx_hash, txs[1].tx_hash]
    assert result.skipped == txs[2:]
    assert result.failed == []


def test_max_gas_skips_txs_whose_limit_does_not_fit(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    small = [alice.create_tx(gas_limit=20_000) for _ in range(2)]
    big = alice.create_tx(gas_limit=50_000)
    result = processor(fork, max_gas=45_000).process([small[0], big, small[1]])
    assert [p.effect.tx_hash for p in result.processed] == [small[0].tx_hash, small[1].tx_hash]
    assert result.skipped == [big]
    assert result.total_gas == sum(p.effect.gas_used for p in result.processed) <= 45_000


def test_empty_run(fork: WorldStateFork) -> None:
    result = run(fork)
    assert (result.processed, result.failed, result.total_gas, result.skipped) == ([], [], 0, [])
