"""Validation on arrival: every rejection reason is a result, never an exception, and changes nothing."""

from __future__ import annotations

import pytest

from aztec.p2p import PoolRejectionReason, PoolTxStatus, TxPool
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry import attributes as a
from aztec.world_state import WorldState
from tests.p2p.support import ALICE, BASE_FEE, BOB, OpenPool, commit_nullifiers, tx_paying, wallet


def assert_rejected(pool: TxPool, tx: Tx, reason: PoolRejectionReason, base_fee: int = BASE_FEE) -> str:
    before = pool.get_pending()
    result = pool.add_tx(tx, base_fee_per_gas=base_fee)
    assert (result.ok, result.reason) == (False, reason), result.detail
    assert result.evicted == ()
    assert pool.get_pending() == before
    return result.detail


def test_valid_tx_is_pending(pool: TxPool) -> None:
    tx = wallet().create_tx(nullifiers=[11], max_fee_per_gas=BASE_FEE)
    result = pool.add_tx(tx, base_fee_per_gas=BASE_FEE)
    assert (result.ok, result.reason, result.tx, result.tx_hash) == (True, None, tx, tx.tx_hash)
    assert pool.get_tx(tx.tx_hash) == tx
    assert pool.get_status(tx.tx_hash).status is PoolTxStatus.PENDING
    assert (len(pool), pool.pending_count) == (1, 1)


def test_bytes_from_the_network(pool: TxPool) -> None:
    tx = wallet().create_tx()
    result = pool.add_tx_bytes(tx.to_bytes(), base_fee_per_gas=BASE_FEE)
    assert result.ok and result.tx == tx
    garbage = pool.add_tx_bytes(b"not a tx", base_fee_per_gas=BASE_FEE)
    assert (garbage.reason, garbage.tx, garbage.tx_hash) == (PoolRejectionReason.MALFORMED, None, None)
    assert "not a transaction" in garbage.detail
    truncated = pool.add_tx_bytes(wallet(BOB).create_tx().to_bytes()[:-1], base_fee_per_gas=BASE_FEE)
    assert truncated.reason is PoolRejectionReason.MALFORMED
    assert pool.get_pending() == [tx]


def test_too_large(open_pool: OpenPool) -> None:
    pool = open_pool(max_tx_size=400)
    big = wallet().create_tx(nullifiers=range(1, 20))
    assert big.size > 400
    assert assert_rejected(pool, big, PoolRejectionReason.TOO_LARGE) == f"tx is {big.size} bytes, the limit is 400"
    from_bytes = pool.add_tx_bytes(big.to_bytes(), base_fee_per_gas=BASE_FEE)
    assert from_bytes.reason is PoolRejectionReason.TOO_LARGE
    assert pool.add_tx(wallet(BOB).create_tx(), base_fee_per_gas=BASE_FEE).ok


def test_bad_signature(pool: TxPool) -> None:
    tx = wallet().create_tx()
    forged = tx.with_signature(bytes(reversed(tx.signature)))
    assert assert_rejected(pool, forged, PoolRejectionReason.BAD_SIGNATURE) == "signature does not match the origin"
    other_signer = tx.with_signature(BOB.sign(BOB.create_tx(0)).signature)
    assert_rejected(pool, other_signer, PoolRejectionReason.BAD_SIGNATURE)


def test_fee_below_the_base_fee(pool: TxPool) -> None:
    cheap = wallet().create_tx(max_fee_per_gas=9)
    detail = assert_rejected(pool, cheap, PoolRejectionReason.FEE_TOO_LOW, base_fee=10)
    assert detail == "max_fee_per_gas 9 is below the base fee 10"
    assert pool.add_tx(cheap, base_fee_per_gas=9).ok


def test_gas_limit_above_the_block(open_pool: OpenPool) -> None:
    pool = open_pool(max_gas_limit=500_000)
    greedy = wallet().create_tx(gas_limit=500_001)
    assert assert_rejected(pool, greedy, PoolRejectionReason.GAS_LIMIT_TOO_HIGH) == (
        "gas_limit 500001 exceeds the block's 500000"
    )
    assert pool.add_tx(wallet(BOB).create_tx(gas_limit=500_000), base_fee_per_gas=BASE_FEE).ok


def test_duplicate(pool: TxPool) -> None:
    tx = wallet().create_tx()
    assert pool.add_tx(tx, base_fee_per_gas=BASE_FEE).ok
    assert assert_rejected(pool, tx, PoolRejectionReason.DUPLICATE) == "the tx is already pending"
    resent = pool.add_tx_bytes(tx.to_bytes(), base_fee_per_gas=BASE_FEE)
    assert resent.reason is PoolRejectionReason.DUPLICATE
    assert pool.get_pending() == [tx]


def test_double_spend_against_another_pending_tx(pool: TxPool) -> None:
    first = wallet(ALICE).create_tx(nullifiers=[42])
    assert pool.add_tx(first, base_fee_per_gas=BASE_FEE).ok
    same_note = wallet(BOB).create_tx(nullifiers=[7, 42])
    detail = assert_rejected(pool, same_note, PoolRejectionReason.DOUBLE_SPEND)
    assert detail == f"nullifier {42:#x} is already claimed by pending tx {first.tx_hash:#x}"
    same_nonce = ALICE.create_tx(first.nonce, max_fee_per_gas=50)  # same tx nullifier, higher fee
    assert same_nonce.tx_hash != first.tx_hash
    assert_rejected(pool, same_nonce, PoolRejectionReason.DOUBLE_SPEND)


def test_double_spend_against_the_tree(pool: TxPool, world_state: WorldState) -> None:
    spent_note = wallet(BOB).create_tx(nullifiers=[7, 42])
    replay = ALICE.create_tx(3)
    commit_nullifiers(world_state, [42, replay.tx_nullifier], block_number=1)
    assert assert_rejected(pool, spent_note, PoolRejectionReason.DOUBLE_SPEND) == (
        "nullifiers[1] is already in the tree"
    )
    assert "nonce already used" in assert_rejected(pool, replay, PoolRejectionReason.DOUBLE_SPEND)
    assert pool.add_tx(wallet(BOB).create_tx(nullifiers=[7, 43]), base_fee_per_gas=BASE_FEE).ok


def test_rejected_txs_are_unknown(pool: TxPool) -> None:
    cheap = tx_paying(1)
    assert not pool.add_tx(cheap, base_fee_per_gas=BASE_FEE).ok
    assert pool.get_status(cheap.tx_hash).status is PoolTxStatus.UNKNOWN
    assert pool.get_tx(cheap.tx_hash) is None


def test_reasons_are_attribute_values() -> None:
    allowed = set(a.TX_VALIDATION_REASON.values or ())
    assert {reason.value for reason in PoolRejectionReason} <= allowed
    validator_reasons = set(TxRejectionReason) - {TxRejectionReason.SETUP_FAILED}  # processing only
    assert {PoolRejectionReason.from_validation(reason) for reason in validator_reasons} <= set(PoolRejectionReason)


@pytest.mark.parametrize("limit", [-1, 1.5, "3"])
def test_get_pending_limit_must_be_a_count(pool: TxPool, limit: object) -> None:
    with pytest.raises(ValueError, match="limit must be None or an int >= 0"):
        pool.get_pending(limit)  # type: ignore[arg-type]
