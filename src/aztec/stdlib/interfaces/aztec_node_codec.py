"""How the node's values travel over JSON-RPC: field elements, transactions, receipts and node info.

Field elements are 0x-prefixed 64-digit hex (either case on input, lower case on output), transactions
the 0x-prefixed hex of :meth:`Tx.to_bytes`, receipts and node info objects with camelCase keys.
Anything malformed raises :class:`NodeCodecError` naming the value and what is wrong with it.
"""

from __future__ import annotations

import re
from typing import Any, Final, TypeVar

from aztec.foundation.fields import FIELD_MODULUS, Fr
from aztec.stdlib.interfaces.aztec_node import NodeInfo, TxReceipt, TxStatus
from aztec.stdlib.tx.tx import Tx, TxDecodeError

T = TypeVar("T")

_FIELD_HEX: Final = re.compile(r"0x[0-9a-fA-F]{64}\Z")
_BYTES_HEX: Final = re.compile(r"0x(?:[0-9a-fA-F]{2})*\Z")


class NodeCodecError(ValueError):
    """A value is not in the node's JSON-RPC encoding."""


def _preview(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 80 else f"{text[:77]}..."


def fr_to_hex(value: Fr) -> str:
    return f"0x{value:064x}"


def fr_from_hex(text: object, what: str) -> Fr:
    """A field element from ``0x`` + 64 hex digits, below the field modulus."""
    if not isinstance(text, str) or not _FIELD_HEX.match(text):
        raise NodeCodecError(f"{what} must be 0x followed by 64 hex digits, got {_preview(text)}")
    value = int(text, 16)
    if value >= FIELD_MODULUS:
        raise NodeCodecError(f"{what} {text} is not a field element (it is not below the field modulus)")
    return value


def bytes_to_hex(data: bytes) -> str:
    return "0x" + data.hex()


def bytes_from_hex(text: object, what: str) -> bytes:
    """Bytes from ``0x`` + an even number of hex digits."""
    if not isinstance(text, str) or not _BYTES_HEX.match(text):
        raise NodeCodecError(f"{what} must be 0x followed by an even number of hex digits, got {_preview(text)}")
    return bytes.fromhex(text[2:])


def tx_to_hex(tx: Tx) -> str:
    return bytes_to_hex(tx.to_bytes())


def tx_from_hex(text: object, what: str = "txHex") -> Tx:
    """A transaction from the hex of its encoding.

    Its size is not limited here (the request body limit bounds it); the node's validator refuses a tx
    over the node's limit with the ``too_large`` reason.
    """
    data = bytes_from_hex(text, what)
    try:
        return Tx.from_bytes(data, max_size=len(data))
    except TxDecodeError as error:
        raise NodeCodecError(f"{what}: {error}") from None


def receipt_to_json(receipt: TxReceipt) -> dict[str, Any]:
    return {
        "txHash": fr_to_hex(receipt.tx_hash),
        "status": receipt.status.value,
        "blockNumber": receipt.block_number,
        "reverted": receipt.reverted,
        "fee": receipt.fee,
        "reason": receipt.reason,
    }


def receipt_from_json(value: object) -> TxReceipt:
    obj = _object(value, "receipt")
    status = _field(obj, "status", str, "receipt")
    try:
        tx_status = TxStatus(status)
    except ValueError:
        raise NodeCodecError(f"receipt.status {status!r} is not one of {[s.value for s in TxStatus]}") from None
    return TxReceipt(
        tx_hash=fr_from_hex(obj.get("txHash"), "receipt.txHash"),
        status=tx_status,
        block_number=_optional(obj, "blockNumber", int, "receipt"),
        reverted=_optional(obj, "reverted", bool, "receipt"),
        fee=_optional(obj, "fee", int, "receipt"),
        reason=_optional(obj, "reason", str, "receipt"),
    )


def node_info_to_json(info: NodeInfo) -> dict[str, Any]:
    return {
        "version": info.version,
        "role": info.role,
        "l1ChainId": info.l1_chain_id,
        "rollupAddress": info.rollup_address,
        "baseFeePerGas": info.base_fee_per_gas,
        "blockGasLimit": info.block_gas_limit,
        "maxTxSize": info.max_tx_size,
        "contracts": {name: fr_to_hex(address) for name, address in info.contracts.items()},
    }


def node_info_from_json(value: object) -> NodeInfo:
    obj = _object(value, "nodeInfo")
    contracts = _object(obj.get("contracts"), "nodeInfo.contracts")
    return NodeInfo(
        version=_field(obj, "version", str, "nodeInfo"),
        role=_field(obj, "role", str, "nodeInfo"),
        l1_chain_id=_field(obj, "l1ChainId", int, "nodeInfo"),
        rollup_address=_field(obj, "rollupAddress", str, "nodeInfo"),
        base_fee_per_gas=_field(obj, "baseFeePerGas", int, "nodeInfo"),
        block_gas_limit=_field(obj, "blockGasLimit", int, "nodeInfo"),
        max_tx_size=_field(obj, "maxTxSize", int, "nodeInfo"),
        contracts={name: fr_from_hex(address, f"nodeInfo.contracts.{name}") for name, address in contracts.items()},
    )


def block_number_from_json(value: object, what: str) -> int:
    """A block number: a non-negative integer."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise NodeCodecError(f"{what} must be a non-negative integer, got {_preview(value)}")
    return value


def _object(value: object, what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NodeCodecError(f"{what} must be an object, got {_preview(value)}")
    return value


def _field(obj: dict[str, Any], key: str, kind: type[T], what: str) -> T:
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise NodeCodecError(f"{what}.{key} must be {kind.__name__}, got {_preview(value)}")
    return value


def _optional(obj: dict[str, Any], key: str, kind: type[T], what: str) -> T | None:
    return None if obj.get(key) is None else _field(obj, key, kind, what)
