"""The transaction validator: one reason per kind of invalid tx, a result object, never an exception."""

from __future__ import annotations

from aztec.p2p.tx_validator import TxValidator
from aztec.simulator.contracts import COUNTER_ADDRESS
from aztec.stdlib.accounts import Account
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.tx import Tx, call
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from tests.simulator.helpers import ALICE, BOB, run, wallet

INCREMENT = call(COUNTER_ADDRESS, "increment")


def validator(world_state: WorldState, **limits: int) -> TxValidator:
    return TxValidator(world_state.committed, NoopTelemetryClient(), **limits)


def test_valid_tx_passes_and_is_decoded(world_state: WorldState) -> None:
    tx = wallet().create_tx(app_logic=[INCREMENT], nullifiers=[3])
    result = validator(world_state).validate_bytes(tx.to_bytes(), base_fee_per_gas=10)
    assert result.ok
    assert (result.tx, result.reason) == (tx, None)


def test_malformed_and_too_large(world_state: WorldState) -> None:
    data = wallet().create_tx(app_logic=[INCREMENT]).to_bytes()
    malformed = validator(world_state).validate_bytes(data[:-1], base_fee_per_gas=1)
    assert (malformed.ok, malformed.tx, malformed.reason) == (False, None, TxRejectionReason.MALFORMED)
    assert "truncated" in malformed.detail
    too_large = validator(world_state, max_tx_size=len(data) - 1).validate_bytes(data, base_fee_per_gas=1)
    assert too_large.reason is TxRejectionReason.TOO_LARGE
    decoded = Tx.from_bytes(data)
    assert validator(world_state, max_tx_size=100).validate(decoded, base_fee_per_gas=1).reason is (
        TxRejectionReason.TOO_LARGE
    )


def test_bad_signature(world_state: WorldState) -> None:
    tx = wallet().create_tx(app_logic=[INCREMENT])
    mallory = Account.from_seed(b"z" * 32)
    forged = tx.with_signature(mallory.sign(Tx(origin=mallory.public_key, nonce=0, gas=tx.gas)).signature)
    assert validator(world_state).validate(forged, base_fee_per_gas=1).reason is TxRejectionReason.BAD_SIGNATURE


def test_fee_too_low_and_gas_limit_too_high(world_state: WorldState) -> None:
    cheap = wallet().create_tx(max_fee_per_gas=9)
    result = validator(world_state).validate(cheap, base_fee_per_gas=10)
    assert result.reason is TxRejectionReason.FEE_TOO_LOW
    assert result.detail == "max_fee_per_gas 9 is below the base fee 10"
    greedy = wallet().create_tx(gas_limit=500_001)
    result = validator(world_state, max_gas_limit=500_000).validate(greedy, base_fee_per_gas=1)
    assert result.reason is TxRejectionReason.GAS_LIMIT_TOO_HIGH
    assert result.detail == "gas_limit 500001 exceeds the block's 500000"


def test_double_spend_against_committed_nullifiers(world_state: WorldState) -> None:
    alice = wallet(ALICE)
    mined = alice.create_tx(app_logic=[INCREMENT], nullifiers=[42])
    fork = world_state.fork()
    assert len(run(fork, mined).processed) == 1
    fork.commit(1)

    check = validator(world_state)
    replay = check.validate(mined, base_fee_per_gas=1)
    assert replay.reason is TxRejectionReason.DOUBLE_SPEND
    assert "nonce already used" in replay.detail
    same_nonce = ALICE.create_tx(mined.nonce, app_logic=[INCREMENT, INCREMENT])
    assert check.validate(same_nonce, base_fee_per_gas=1).reason is TxRejectionReason.DOUBLE_SPEND
    reuses_note = wallet(BOB).create_tx(nullifiers=[7, 42])
    result = check.validate(reuses_note, base_fee_per_gas=1)
    assert (result.reason, result.detail) == (TxRejectionReason.DOUBLE_SPEND, "nullifiers[1] is already in the tree")
    assert check.validate(alice.create_tx(nullifiers=[43]), base_fee_per_gas=1).ok


def test_private_nullifier_equal_to_the_tx_nullifier(world_state: WorldState) -> None:
    tx = ALICE.create_tx(0)
    clash = ALICE.create_tx(0, nullifiers=[tx.tx_nullifier])
    assert validator(world_state).validate(clash, base_fee_per_gas=1).reason is TxRejectionReason.DOUBLE_SPEND
