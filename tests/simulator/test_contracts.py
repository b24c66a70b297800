"""Token and Counter semantics, run by the public processor on a real world-state fork."""

from __future__ import annotations

import pytest

from aztec.simulator.contracts import COUNTER_ADDRESS, MAX_AMOUNT, TOKEN_ADDRESS, ContractRegistry, Counter
from aztec.simulator.executor import PublicExecutor
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.storage import storage_slot
from aztec.stdlib.tx.processed_tx import PublicDataWrite
from aztec.stdlib.tx.tx import call
from aztec.telemetry.noop import NoopTelemetryClient
from tests.simulator.helpers import ALICE, BOB, run, view_call, wallet


def balance(fork: WorldStateFork, owner: int) -> int:
    return view_call(fork, TOKEN_ADDRESS, "balance_of", owner)[0]


def test_mint_credits_balance_and_supply(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    result = run(fork, alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, 100)]))
    assert [p.effect.reverted for p in result.processed] == [False]
    assert balance(fork, ALICE.address) == 100
    assert view_call(fork, TOKEN_ADDRESS, "total_supply") == (100,)


def test_mint_writes_slots_derived_from_contract_field_and_key(fork: WorldStateFork) -> None:
    tx = wallet().create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", BOB.address, 5)])
    (processed,) = run(fork, tx).processed
    assert processed.effect.public_data_writes == (
        PublicDataWrite(storage_slot(TOKEN_ADDRESS, "total_supply"), 5),
        PublicDataWrite(storage_slot(TOKEN_ADDRESS, "balances", BOB.address), 5),
    )
    assert fork.read_public(storage_slot(TOKEN_ADDRESS, "balances", BOB.address)) == 5


def test_transfer_moves_tokens(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    run(fork, alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, 100)]))
    result = run(fork, alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "transfer", BOB.address, 30)]))
    assert not result.processed[0].effect.reverted
    assert (balance(fork, ALICE.address), balance(fork, BOB.address)) == (70, 30)
    assert view_call(fork, TOKEN_ADDRESS, "total_supply") == (100,)


def test_transfer_to_self_keeps_balance(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    run(
        fork,
        alice.create_tx(
            app_logic=[
                call(TOKEN_ADDRESS, "mint", ALICE.address, 10),
                call(TOKEN_ADDRESS, "transfer", ALICE.address, 10),
            ]
        ),
    )
    assert balance(fork, ALICE.address) == 10


def test_transfer_with_insufficient_balance_reverts_and_changes_nothing(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    run(fork, alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, 10)]))
    result = run(fork, alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "transfer", BOB.address, 11)]))
    (processed,) = result.processed
    assert processed.effect.reverted
    assert processed.effect.public_data_writes == ()
    app_logic = processed.phases[1]
    assert app_logic.reverted
    assert app_logic.revert_reason is not None
    assert "insufficient balance: has 10, transfers 11" in app_logic.revert_reason
    assert (balance(fork, ALICE.address), balance(fork, BOB.address)) == (10, 0)


def test_amounts_are_u128(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    result = run(
        fork,
        alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, MAX_AMOUNT)]),
        alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", ALICE.address, 1)]),
        alice.create_tx(app_logic=[call(TOKEN_ADDRESS, "mint", BOB.address, MAX_AMOUNT + 1)]),
    )
    assert [p.effect.reverted for p in result.processed] == [False, True, True]
    assert "total supply would exceed u128" in (result.processed[1].phases[1].revert_reason or "")
    assert balance(fork, ALICE.address) == MAX_AMOUNT


def test_counter_counts(fork: WorldStateFork) -> None:
    alice = wallet(ALICE)
    increment = call(COUNTER_ADDRESS, "increment")
    run(fork, alice.create_tx(app_logic=[increment, increment]), alice.create_tx(app_logic=[increment]))
    assert view_call(fork, COUNTER_ADDRESS, "get") == (3,)
    assert view_call(fork, COUNTER_ADDRESS, "increment") == (4,)
    assert view_call(fork, COUNTER_ADDRESS, "get") == (3,), "simulate keeps nothing"


def test_bad_calls_revert_with_a_reason(fork: WorldStateFork) -> None:
    executor = PublicExecutor(ContractRegistry.with_defaults(), NoopTelemetryClient())
    cases = {
        call(12345, "get"): "no contract at address 0x3039",
        call(COUNTER_ADDRESS, "decrement"): "Counter has no public function 'decrement'",
        call(TOKEN_ADDRESS, "transfer", 1): "Token.transfer takes 2 arguments, got 1",
        call(COUNTER_ADDRESS, "invoke"): "Counter has no public function 'invoke'",
    }
    for bad_call, reason in cases.items():
        result = executor.simulate(fork, bad_call)
        assert result.reverted
        assert result.revert_reason == reason


def test_registry_refuses_two_contracts_at_one_address() -> None:
    registry = ContractRegistry.with_defaults()
    assert len(registry) == 2
    with pytest.raises(ValueError, match="already holds a Token"):
        registry.register(TOKEN_ADDRESS, Counter())
