"""The node's JSON-RPC methods, declared once: params with their types and bounds, results, errors.

The dispatcher validates every call against these declarations (a value outside its type or bound
is an invalid param, -32602) and ``docs/openrpc.json`` is generated from them (``aztec rpc openrpc``).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Final

from aztec.foundation.json_rpc.registry import ErrorSpec, Param, Result
from aztec.foundation.json_rpc.types import U64_MAX, Boolean, Described, HexBytes, Integer, String, nullable
from aztec.stdlib.interfaces.aztec_node import TxStatus
from aztec.stdlib.interfaces.aztec_node_client import (
    GET_BLOCK,
    GET_BLOCK_NUMBER,
    GET_NODE_INFO,
    GET_PROVEN_BLOCK_NUMBER,
    GET_PUBLIC_STORAGE_AT,
    GET_TX_BY_HASH,
    GET_TX_RECEIPT,
    IS_READY,
    SEND_TX,
    TX_REJECTED_CODE,
)
from aztec.telemetry import attributes as a

FIELD_HEX: Final = String(
    pattern=r"0x[0-9a-fA-F]{64}",
    title="Field",
    description="0x followed by 64 hex digits: a field element, below the BN254 scalar field modulus",
)
TX_HEX: Final = HexBytes(title="TxHex", description="0x followed by the hex of a transaction's encoding")
U64: Final = Integer(0, U64_MAX, title="u64")
BLOCK_NUMBER: Final = Integer(0, U64_MAX, title="BlockNumber", description="an L2 block number (u64)")

TX_REJECTION_REASONS: Final = tuple(a.TX_VALIDATION_REASON.values or ())

RECEIPT: Final = Described(
    {
        "title": "TxReceipt",
        "type": "object",
        "required": ["txHash", "status"],
        "properties": {
            "txHash": FIELD_HEX.schema(),
            "status": {"type": "string", "enum": [s.value for s in TxStatus]},
            "blockNumber": {"oneOf": [U64.schema(), {"type": "null"}]},
            "reverted": {"type": ["boolean", "null"]},
            "fee": {"type": ["integer", "null"], "minimum": 0},
            "reason": {"type": ["string", "null"], "description": "why a dropped tx left the pool"},
        },
    }
)
BLOCK: Final = Described(
    {
        "title": "L2Block",
        "type": "object",
        "required": ["number", "hash", "archive", "txs"],
        "properties": {
            "number": BLOCK_NUMBER.schema(),
            "hash": FIELD_HEX.schema(),
            "archive": FIELD_HEX.schema(),
            "previousArchive": FIELD_HEX.schema(),
            "timestamp": U64.schema(),
            "baseFeePerGas": U64.schema(),
            "totalFees": {"type": "integer", "minimum": 0},
            "totalGasUsed": U64.schema(),
            "txEffectsHash": FIELD_HEX.schema(),
            "txs": {"type": "array", "items": {"type": "object"}},
        },
    }
)
NODE_INFO: Final = Described(
    {
        "title": "NodeInfo",
        "type": "object",
        "required": ["version", "role", "l1ChainId", "rollupAddress", "contracts"],
        "properties": {
            "version": {"type": "string"},
            "role": {"type": "string"},
            "l1ChainId": {"type": "integer"},
            "rollupAddress": {"type": "string"},
            "baseFeePerGas": {"type": "integer", "minimum": 0},
            "blockGasLimit": {"type": "integer", "minimum": 0},
            "maxTxSize": {"type": "integer", "minimum": 0},
            "contracts": {"type": "object", "additionalProperties": FIELD_HEX.schema()},
        },
    }
)

EXAMPLE_HASH: Final = "0x0b6f9b8e5c7d3a4f1e2d9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a88"


@cache
def example_tx_hex() -> str:
    """A real signed transaction (from a fixed key), so the example decodes."""
    from aztec.stdlib.accounts import Account

    tx = Account.from_seed(bytes(range(32))).create_tx(0)
    return "0x" + tx.to_bytes().hex()


@cache
def example_tx_hash() -> str:
    from aztec.stdlib.accounts import Account

    return f"0x{Account.from_seed(bytes(range(32))).create_tx(0).tx_hash:064x}"


@dataclass(frozen=True, slots=True)
class MethodDecl:
    """A method's name and everything declared about it except its handler."""

    name: str
    summary: str
    params: tuple[Param, ...]
    result: Result
    errors: tuple[ErrorSpec, ...] = ()


def _tx_hash_param() -> Param:
    return Param("txHash", FIELD_HEX, description="the transaction's hash", example=EXAMPLE_HASH)


def declarations() -> tuple[MethodDecl, ...]:
    """Every node method, in the order they are registered and documented."""
    rejected = ErrorSpec(
        TX_REJECTED_CODE,
        "transaction rejected: <reason>: <detail>",
        {"reason": "one of " + ", ".join(TX_REJECTION_REASONS)},
    )
    return (
        MethodDecl(
            SEND_TX,
            "Validate a transaction and add it to the pool; an oversized one is rejected as too_large, "
            "one that does not decode as malformed.",
            (Param("txHex", TX_HEX, description="the transaction's encoding", example=example_tx_hex()),),
            Result("txHash", FIELD_HEX, example=example_tx_hash()),
            (rejected,),
        ),
        MethodDecl(
            GET_TX_RECEIPT,
            "The status of a transaction: pending, mined or proven (with block, fee, reverted), dropped, unknown.",
            (_tx_hash_param(),),
            Result(
                "receipt",
                RECEIPT,
                example={
                    "txHash": EXAMPLE_HASH,
                    "status": "mined",
                    "blockNumber": 12,
                    "reverted": False,
                    "fee": 23720,
                    "reason": None,
                },
            ),
        ),
        MethodDecl(
            GET_TX_BY_HASH,
            "A transaction this node received, pending or mined (mined ones for a bounded history); "
            "null when it has none.",
            (_tx_hash_param(),),
            Result("tx", nullable(TX_HEX), example=None),
        ),
        MethodDecl(GET_BLOCK_NUMBER, "The latest archived L2 block number.", (), Result("number", U64, example=12)),
        MethodDecl(
            GET_PROVEN_BLOCK_NUMBER,
            "The latest L2 block whose proof L1 accepted.",
            (),
            Result("number", U64, example=10),
        ),
        MethodDecl(
            GET_BLOCK,
            "An archived block by number; null when there is no such block.",
            (Param("number", BLOCK_NUMBER, description="the block number", example=123456789),),
            Result("block", nullable(BLOCK), example=None),
        ),
        MethodDecl(
            GET_PUBLIC_STORAGE_AT,
            "A public storage value at the committed world state.",
            (Param("slotHex", FIELD_HEX, description="the storage slot (a field element)", example=EXAMPLE_HASH),),
            Result("value", FIELD_HEX, example="0x" + "0" * 64),
        ),
        MethodDecl(GET_NODE_INFO, "The node's version, role, L1 and contracts.", (), Result("info", NODE_INFO)),
        MethodDecl(
            IS_READY,
            "Synced to L1's pending chain, and every block applied.",
            (),
            Result("ready", Boolean(), example=True),
        ),
    )
