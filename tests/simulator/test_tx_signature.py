"""Signatures: accounts sign what they build, and any change to a signed tx is detected."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aztec.simulator.contracts import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.tx.tx import Tx, TxDecodeError, address_from_public_key, call

ALICE = Account.from_seed(b"a" * 32)
BOB = Account.from_seed(b"b" * 32)


def signed_tx() -> Tx:
    return ALICE.create_tx(
        3,
        note_hashes=[1],
        nullifiers=[2],
        setup=[call(COUNTER_ADDRESS, "get")],
        app_logic=[call(TOKEN_ADDRESS, "transfer", BOB.address, 10)],
        teardown=[call(COUNTER_ADDRESS, "increment")],
    )


def test_account_signs_valid_transactions() -> None:
    tx = signed_tx()
    assert tx.verify_signature()
    assert tx.address == ALICE.address == address_from_public_key(ALICE.public_key)
    assert Tx.from_bytes(tx.to_bytes()).verify_signature()


@given(st.data())
def test_flipping_any_byte_is_detected(data: st.DataObject) -> None:
    encoded = bytearray(signed_tx().to_bytes())
    position = data.draw(st.integers(min_value=0, max_value=len(encoded) - 1))
    flip = data.draw(st.integers(min_value=1, max_value=255))
    encoded[position] ^= flip
    try:
        tampered = Tx.from_bytes(bytes(encoded))
    except TxDecodeError:
        return
    assert not tampered.verify_signature()


def test_signature_of_another_key_fails() -> None:
    tx = signed_tx()
    forged = Tx(
        origin=tx.origin,
        nonce=tx.nonce,
        gas=tx.gas,
        note_hashes=tx.note_hashes,
        nullifiers=tx.nullifiers,
        setup=tx.setup,
        app_logic=tx.app_logic,
        teardown=tx.teardown,
        signature=BOB.sign(Tx(origin=BOB.public_key, nonce=tx.nonce, gas=tx.gas)).signature,
    )
    assert not forged.verify_signature()
    assert not tx.with_signature(bytes(64)).verify_signature()


def test_account_refuses_to_sign_for_another_origin() -> None:
    with pytest.raises(ValueError, match="origin is another account"):
        BOB.sign(signed_tx())


def test_seed_round_trip_and_distinct_accounts() -> None:
    assert Account.from_seed(ALICE.private_bytes()).public_key == ALICE.public_key
    assert Account.generate().address != Account.generate().address
    with pytest.raises(ValueError, match="32 bytes, got 3"):
        Account.from_seed(b"abc")


def test_wallet_uses_consecutive_nonces() -> None:
    wallet = Wallet(ALICE, next_nonce=5)
    first = wallet.create_tx(app_logic=[call(COUNTER_ADDRESS, "increment")])
    second = wallet.create_tx()
    assert (first.nonce, second.nonce, wallet.next_nonce) == (5, 6, 7)
    assert first.verify_signature() and second.verify_signature()
    assert first.tx_nullifier != second.tx_nullifier
    assert wallet.address == ALICE.address


def test_wallet_keeps_its_nonce_when_building_fails() -> None:
    wallet = Wallet(ALICE)
    with pytest.raises(ValueError):
        wallet.create_tx(gas_limit=1)
    assert wallet.next_nonce == 0
