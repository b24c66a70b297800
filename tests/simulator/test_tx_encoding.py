"""The canonical transaction encoding: round trip, and clear errors for every kind of bad input."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aztec.foundation.fields import FIELD_MODULUS
from aztec.simulator.contracts import TOKEN_ADDRESS
from aztec.stdlib.accounts import Account
from aztec.stdlib.tx.tx import (
    DEFAULT_MAX_TX_SIZE,
    MAX_ARGS_PER_CALL,
    MAX_CALLS_PER_PHASE,
    MAX_NOTE_HASHES_PER_TX,
    MAX_NULLIFIERS_PER_TX,
    TX_ENCODING_VERSION,
    GasSettings,
    PublicCall,
    Tx,
    TxDecodeError,
    TxFormatError,
    TxTooLargeError,
    call,
)
from tests.simulator.strategies import txs

ACCOUNT = Account.from_seed(bytes(range(32)))
HEADER = 4 + 1 + 32 + 8 + 8 + 8
"""magic, version, origin, nonce, max_fee_per_gas, gas_limit."""


def sample_tx() -> Tx:
    return ACCOUNT.create_tx(
        7,
        note_hashes=[11, 12],
        nullifiers=[21],
        setup=[call(TOKEN_ADDRESS, "balance_of", ACCOUNT.address)],
        app_logic=[call(TOKEN_ADDRESS, "transfer", 5, 100)],
    )


@given(txs())
@settings(max_examples=150)
def test_round_trip(tx: Tx) -> None:
    data = tx.to_bytes()
    decoded = Tx.from_bytes(data)
    assert decoded == tx
    assert decoded.to_bytes() == data
    assert decoded.tx_hash == tx.tx_hash
    assert len(data) == tx.size


@given(st.binary(max_size=400))
def test_arbitrary_bytes_decode_or_raise_decode_error(data: bytes) -> None:
    try:
        tx = Tx.from_bytes(b"AZTX\x01" + data)
    except TxDecodeError:
        return
    assert tx.to_bytes() == b"AZTX\x01" + data


def test_every_truncation_is_a_decode_error_naming_what_was_cut() -> None:
    data = sample_tx().to_bytes()
    for length in range(len(data)):
        with pytest.raises(TxDecodeError, match="truncated at byte"):
            Tx.from_bytes(data[:length])


def test_truncated_signature_is_named() -> None:
    data = sample_tx().to_bytes()
    with pytest.raises(TxDecodeError, match="reading signature: needs 64 bytes, 10 left"):
        Tx.from_bytes(data[:-54])


def test_trailing_bytes_are_rejected() -> None:
    with pytest.raises(TxDecodeError, match="3 unexpected trailing bytes"):
        Tx.from_bytes(sample_tx().to_bytes() + b"abc")


def test_wrong_magic_and_version() -> None:
    data = sample_tx().to_bytes()
    with pytest.raises(TxDecodeError, match="not a transaction"):
        Tx.from_bytes(b"XXXX" + data[4:])
    with pytest.raises(TxDecodeError, match=f"unsupported encoding version 9 .*version {TX_ENCODING_VERSION}"):
        Tx.from_bytes(data[:4] + b"\x09" + data[5:])


def test_oversized_input_is_too_large_before_decoding() -> None:
    data = sample_tx().to_bytes()
    with pytest.raises(TxTooLargeError, match=f"{len(data)} bytes, the limit is 100"):
        Tx.from_bytes(data, max_size=100)
    with pytest.raises(TxTooLargeError):
        Tx.from_bytes(bytes(DEFAULT_MAX_TX_SIZE + 1))
    assert issubclass(TxTooLargeError, TxDecodeError)


def test_largest_possible_tx_fits_the_default_limit() -> None:
    big_call = PublicCall(TOKEN_ADDRESS, "f" * 64, tuple(range(MAX_ARGS_PER_CALL)))
    calls = (big_call,) * MAX_CALLS_PER_PHASE
    tx = Tx(
        origin=ACCOUNT.public_key,
        nonce=0,
        gas=GasSettings(1, 10**9),
        note_hashes=tuple(range(MAX_NOTE_HASHES_PER_TX)),
        nullifiers=tuple(range(MAX_NULLIFIERS_PER_TX)),
        setup=calls,
        app_logic=calls,
        teardown=calls,
    )
    assert tx.size <= DEFAULT_MAX_TX_SIZE
    assert Tx.from_bytes(tx.to_bytes()) == tx


def test_field_out_of_range_is_named() -> None:
    data = bytearray(sample_tx().to_bytes())
    first_note_hash = HEADER + 2
    data[first_note_hash : first_note_hash + 32] = FIELD_MODULUS.to_bytes(32, "big")
    with pytest.raises(TxDecodeError, match=r"note_hashes\[0\] at byte 63 is not a field element"):
        Tx.from_bytes(bytes(data))


def test_count_over_limit_is_named() -> None:
    data = bytearray(sample_tx().to_bytes())
    data[HEADER : HEADER + 2] = (MAX_NOTE_HASHES_PER_TX + 1).to_bytes(2, "big")
    with pytest.raises(TxDecodeError, match=f"{MAX_NOTE_HASHES_PER_TX + 1} note_hashes at byte {HEADER}"):
        Tx.from_bytes(bytes(data))


def test_bad_function_name_and_bad_utf8() -> None:
    tx = sample_tx()
    data = tx.to_bytes()
    name_at = data.index(b"balance_of")
    renamed = data[:name_at] + b"Balance_of" + data[name_at + 10 :]
    with pytest.raises(TxDecodeError, match="function name 'Balance_of' is not an identifier"):
        Tx.from_bytes(renamed)
    garbled = data[:name_at] + b"\xff" + data[name_at + 1 :]
    with pytest.raises(TxDecodeError, match=r"setup\[0\] function name at byte \d+ is not valid UTF-8"):
        Tx.from_bytes(garbled)


def test_duplicate_private_nullifiers_are_malformed() -> None:
    with pytest.raises(TxFormatError, match="same nullifier twice"):
        ACCOUNT.create_tx(0, nullifiers=[5, 5])
    data = ACCOUNT.create_tx(0, nullifiers=[21, 22]).to_bytes()
    duplicated = data.replace((22).to_bytes(32, "big"), (21).to_bytes(32, "big"))
    with pytest.raises(TxDecodeError, match="malformed tx: nullifiers contains the same nullifier twice"):
        Tx.from_bytes(duplicated)


def test_construction_rules() -> None:
    with pytest.raises(TxFormatError, match="32-byte Ed25519 public key"):
        Tx(origin=b"short", nonce=0, gas=GasSettings(1, 10**6))
    with pytest.raises(TxFormatError, match="nonce must be an integer"):
        Tx(origin=ACCOUNT.public_key, nonce=-1, gas=GasSettings(1, 10**6))
    with pytest.raises(TxFormatError, match="gas_limit 100 is below the tx's intrinsic gas"):
        ACCOUNT.create_tx(0, gas_limit=100)
    with pytest.raises(TxFormatError, match="max_fee_per_gas must be an integer"):
        GasSettings(2**64, 1)
    with pytest.raises(TxFormatError, match=r"args of transfer\[1\] is not a field element"):
        call(TOKEN_ADDRESS, "transfer", 1, FIELD_MODULUS)
    with pytest.raises(TxFormatError, match="at most 8 allowed"):
        ACCOUNT.create_tx(0, app_logic=[call(TOKEN_ADDRESS, "get")] * 9)


def test_tx_hash_covers_payload_not_signature() -> None:
    tx = sample_tx()
    assert tx.with_signature(bytes(64)).tx_hash == tx.tx_hash
    other_nonce = ACCOUNT.create_tx(8, note_hashes=[11, 12], nullifiers=[21])
    assert other_nonce.tx_hash != tx.tx_hash
    assert other_nonce.tx_nullifier != tx.tx_nullifier
    assert tx.all_nullifiers == (tx.tx_nullifier, 21)
