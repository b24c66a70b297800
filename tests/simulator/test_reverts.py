"""Revert semantics per phase: app logic and teardown reverts are included, a setup revert fails the tx."""

from __future__ import annotations

from aztec.simulator.contracts import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.storage import storage_slot
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.processed_tx import PublicDataWrite
from aztec.stdlib.tx.tx import call
from tests.simulator.helpers import ALICE, BOB, run, view_call, wallet

INCREMENT = call(COUNTER_ADDRESS, "increment")
COUNT_SLOT = storage_slot(COUNTER_ADDRESS, "count")
BOB_BALANCE_SLOT = storage_slot(TOKEN_ADDRESS, "balances", BOB.address)


def count(fork: WorldStateFork) -> int:
    return view_call(fork, COUNTER_ADDRESS, "get")[0]


def test_reads_see_earlier_writes_of_the_same_tx_across_phases(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(
        setup=[INCREMENT],
        app_logic=[call(COUNTER_ADDRESS, "assert_count", 1), INCREMENT],
        teardown=[call(COUNTER_ADDRESS, "assert_count", 2), INCREMENT],
    )
    (processed,) = run(fork, tx).processed
    assert not processed.effect.reverted
    assert processed.effect.public_data_writes == (PublicDataWrite(COUNT_SLOT, 3),), "squashed per slot"
    assert [p.public_writes for p in processed.phases] == [
        (PublicDataWrite(COUNT_SLOT, 1),),
        (PublicDataWrite(COUNT_SLOT, 2),),
        (PublicDataWrite(COUNT_SLOT, 3),),
    ]
    assert processed.phases[1].public_reads == ((COUNT_SLOT, 1), (COUNT_SLOT, 1))
    assert count(fork) == 3


def test_app_logic_revert_discards_only_app_logic(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(
        setup=[INCREMENT],
        app_logic=[call(TOKEN_ADDRESS, "mint", BOB.address, 5), call(COUNTER_ADDRESS, "assert_count", 99)],
        teardown=[INCREMENT],
    )
    result = run(fork, tx)
    assert result.failed == []
    (processed,) = result.processed
    setup, app_logic, teardown = processed.phases
    assert processed.effect.reverted
    assert (setup.reverted, app_logic.reverted, teardown.reverted) == (False, True, False)
    assert app_logic.calls == 2
    assert app_logic.public_writes == ()
    assert "count is 1, expected 99" in (app_logic.revert_reason or "")
    assert processed.effect.public_data_writes == (PublicDataWrite(COUNT_SLOT, 2),)
    assert fork.read_public(BOB_BALANCE_SLOT) == 0
    assert processed.effect.nullifiers[0] == tx.tx_nullifier
    assert fork.has_nullifier(tx.tx_nullifier), "a reverted tx is included: its nonce is spent"
    assert processed.effect.fee == processed.effect.gas_used * 2 > 0


def test_teardown_revert_discards_app_logic_and_teardown(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(
        note_hashes=[77],
        setup=[INCREMENT],
        app_logic=[call(TOKEN_ADDRESS, "mint", BOB.address, 5)],
        teardown=[INCREMENT, call(COUNTER_ADDRESS, "assert_count", 0)],
    )
    (processed,) = run(fork, tx).processed
    setup, app_logic, teardown = processed.phases
    assert processed.effect.reverted
    assert (setup.reverted, app_logic.reverted, teardown.reverted) == (False, True, True)
    assert app_logic.public_writes == () and teardown.public_writes == ()
    assert (app_logic.revert_reason or "").startswith("discarded by teardown call 1 (assert_count)")
    assert processed.effect.public_data_writes == (PublicDataWrite(COUNT_SLOT, 1),)
    assert processed.effect.note_hashes == (77,), "private effects stay"
    assert count(fork) == 1
    assert fork.read_public(BOB_BALANCE_SLOT) == 0


def test_setup_revert_fails_the_tx_and_leaves_the_fork_untouched(fork: WorldStateFork) -> None:
    before = fork.get_state_reference()
    tx = wallet().create_tx(
        note_hashes=[1],
        nullifiers=[2],
        setup=[INCREMENT, call(TOKEN_ADDRESS, "transfer", BOB.address, 1)],
        app_logic=[INCREMENT],
    )
    result = run(fork, tx)
    assert result.processed == []
    (failed,) = result.failed
    assert failed.tx == tx
    assert failed.reason is TxRejectionReason.SETUP_FAILED
    assert "insufficient balance" in failed.detail
    assert fork.get_state_reference() == before
    assert not fork.has_nullifier(tx.tx_nullifier)
    assert count(fork) == 0


def test_reverted_and_failed_txs_do_not_stop_the_run(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    result = run(
        fork,
        alice.create_tx(setup=[call(COUNTER_ADDRESS, "assert_count", 5)]),
        alice.create_tx(app_logic=[call(COUNTER_ADDRESS, "assert_count", 5)]),
        alice.create_tx(app_logic=[INCREMENT]),
    )
    assert [f.reason for f in result.failed] == [TxRejectionReason.SETUP_FAILED]
    assert [p.effect.reverted for p in result.processed] == [True, False]
    assert count(fork) == 1
