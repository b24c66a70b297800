"""Round trips and refusals of the node's JSON-RPC encodings."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from aztec.foundation.fields import FIELD_MODULUS
from aztec.stdlib.interfaces.aztec_node import NodeInfo, TxReceipt, TxStatus
from aztec.stdlib.interfaces.aztec_node_codec import (
    NodeCodecError,
    bytes_from_hex,
    bytes_to_hex,
    fr_from_hex,
    fr_to_hex,
    node_info_from_json,
    node_info_to_json,
    receipt_from_json,
    receipt_to_json,
    tx_from_hex,
    tx_to_hex,
)
from aztec.stdlib.tx.tx import Tx
from tests.simulator.strategies import fields, txs

receipts = st.builds(
    TxReceipt,
    tx_hash=fields,
    status=st.sampled_from(TxStatus),
    block_number=st.none() | st.integers(min_value=0, max_value=2**40),
    reverted=st.none() | st.booleans(),
    fee=st.none() | st.integers(min_value=0, max_value=2**80),
    reason=st.none() | st.sampled_from(["low_fee", "invalid", "expired"]),
)
node_infos = st.builds(
    NodeInfo,
    version=st.text(max_size=10),
    role=st.sampled_from(["sequencer", "follower", "prover"]),
    l1_chain_id=st.integers(min_value=0, max_value=2**32),
    rollup_address=st.text(max_size=42),
    base_fee_per_gas=st.integers(min_value=0, max_value=2**64),
    block_gas_limit=st.integers(min_value=0, max_value=2**64),
    max_tx_size=st.integers(min_value=0, max_value=2**32),
    contracts=st.dictionaries(st.sampled_from(["token", "counter", "other"]), fields),
)


@given(fields)
def test_field_hex_round_trip(value: int) -> None:
    text = fr_to_hex(value)
    assert len(text) == 66
    assert fr_from_hex(text, "x") == value
    assert fr_from_hex(text.upper().replace("0X", "0x"), "x") == value


@given(st.binary(max_size=200))
def test_bytes_hex_round_trip(data: bytes) -> None:
    assert bytes_from_hex(bytes_to_hex(data), "x") == data


@given(txs())
def test_tx_hex_round_trip(tx: Tx) -> None:
    decoded = tx_from_hex(tx_to_hex(tx))
    assert decoded == tx
    assert decoded.tx_hash == tx.tx_hash


@given(receipts)
def test_receipt_round_trip(receipt: TxReceipt) -> None:
    encoded = receipt_to_json(receipt)
    assert set(encoded) == {"txHash", "status", "blockNumber", "reverted", "fee", "reason"}
    assert receipt_from_json(encoded) == receipt


@given(node_infos)
def test_node_info_round_trip(info: NodeInfo) -> None:
    assert node_info_from_json(node_info_to_json(info)) == info


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (None, "must be 0x followed by 64 hex digits, got None"),
        (5, "got 5"),
        ("0x" + "0" * 65, "64 hex digits"),
        ("0X" + "0" * 64, "64 hex digits"),
        (" 0x" + "0" * 64, "64 hex digits"),
        ("0x" + "0" * 63 + "\n", "64 hex digits"),
        (f"0x{FIELD_MODULUS:064x}", "not a field element"),
    ],
)
def test_bad_field_hex(text: Any, message: str) -> None:
    with pytest.raises(NodeCodecError, match="slot") as error:
        fr_from_hex(text, "slot")
    assert message in str(error.value)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ([], "receipt must be an object"),
        ({"txHash": fr_to_hex(1), "status": "lost"}, "receipt.status 'lost' is not one of"),
        ({"txHash": fr_to_hex(1)}, "receipt.status must be str, got None"),
        ({"txHash": "0x1", "status": "mined"}, "receipt.txHash must be 0x"),
        ({"txHash": fr_to_hex(1), "status": "mined", "blockNumber": True}, "receipt.blockNumber must be int"),
        ({"txHash": fr_to_hex(1), "status": "mined", "reverted": 1}, "receipt.reverted must be bool"),
    ],
)
def test_bad_receipts(value: Any, message: str) -> None:
    with pytest.raises(NodeCodecError) as error:
        receipt_from_json(value)
    assert message in str(error.value)


def test_bad_node_info() -> None:
    good = node_info_to_json(NodeInfo("v", "sequencer", 1, "0x0", 1, 2, 3, {"token": 7}))
    with pytest.raises(NodeCodecError, match=r"nodeInfo.contracts.token must be 0x"):
        node_info_from_json({**good, "contracts": {"token": "7"}})
    with pytest.raises(NodeCodecError, match=r"nodeInfo.baseFeePerGas must be int, got '1'"):
        node_info_from_json({**good, "baseFeePerGas": "1"})
    with pytest.raises(NodeCodecError, match=r"nodeInfo.contracts must be an object"):
        node_info_from_json({**good, "contracts": None})
