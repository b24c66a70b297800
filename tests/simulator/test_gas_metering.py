"""Gas metering: exact costs from the documented constants, fees, and running out of gas."""

from __future__ import annotations

from aztec.simulator.contracts import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.stdlib.accounts import Wallet
from aztec.stdlib.gas.costs import CALL_GAS, HASH_GAS, SIDE_EFFECT_GAS, STORAGE_READ_GAS, STORAGE_WRITE_GAS, TX_BASE_GAS
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.tx import call
from tests.simulator.helpers import ALICE, BOB, run, view_call, wallet

TRANSFER_GAS = CALL_GAS + 2 * (HASH_GAS + STORAGE_READ_GAS) + 2 * (HASH_GAS + STORAGE_WRITE_GAS)
"""A transfer reads and writes two balances, deriving a slot for each access."""


def mint_to_alice(fork: WorldStateFork, alice: Wallet, amount: int) -> None:
    run(fork, alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, amount)]))


def test_intrinsic_gas_is_charged_for_private_side_effects(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(note_hashes=[1, 2], nullifiers=[3])
    (processed,) = run(fork, tx, base_fee=3).processed
    assert processed.effect.gas_used == TX_BASE_GAS + 3 * SIDE_EFFECT_GAS
    assert processed.effect.fee == processed.effect.gas_used * 3


def test_transfer_costs_exactly_its_reads_writes_and_hashes(fork: WorldStateFork) -> None:
    assert TRANSFER_GAS == 13_720
    alice = wallet(ALICE)
    mint_to_alice(fork, alice, 50)
    tx = alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "transfer", BOB.address, 20)])
    (processed,) = run(fork, tx, base_fee=5).processed
    assert processed.phases[1].gas_used == TRANSFER_GAS
    assert processed.effect.gas_used == TX_BASE_GAS + TRANSFER_GAS
    assert processed.effect.fee == (TX_BASE_GAS + TRANSFER_GAS) * 5


def test_exact_gas_limit_succeeds_and_one_less_runs_out(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    mint_to_alice(fork, alice, 50)
    transfer = call(TOKEN_ADDRESS, "transfer", BOB.address, 20)
    short = alice.create_tx(app_logic=[transfer], gas_limit=TX_BASE_GAS + TRANSFER_GAS - 1)
    exact = alice.create_tx(app_logic=[transfer], gas_limit=TX_BASE_GAS + TRANSFER_GAS)
    out_of_gas, enough = run(fork, short, exact).processed
    assert out_of_gas.effect.reverted
    assert out_of_gas.effect.gas_used == short.gas.gas_limit, "running out consumes the whole limit"
    assert out_of_gas.effect.public_data_writes == ()
    assert "out of gas" in (out_of_gas.phases[1].revert_reason or "")
    assert not enough.effect.reverted
    assert view_call(fork, TOKEN_ADDRESS, "balance_of", BOB.address) == (20,)


def test_out_of_gas_in_app_logic_leaves_none_for_teardown(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(
        app_logic=[call(COUNTER_ADDRESS, "increment")] * 8, teardown=[call(COUNTER_ADDRESS, "get")], gas_limit=20_000
    )
    (processed,) = run(fork, tx).processed
    assert [p.reverted for p in processed.phases] == [False, True, True]
    assert processed.effect.gas_used == 20_000


def test_out_of_gas_in_setup_fails_the_tx(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(setup=[call(COUNTER_ADDRESS, "increment")], gas_limit=TX_BASE_GAS + CALL_GAS)
    result = run(fork, tx)
    assert result.processed == []
    assert result.failed[0].reason is TxRejectionReason.SETUP_FAILED
    assert "out of gas" in result.failed[0].detail
