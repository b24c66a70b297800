"""The node's API as a Python protocol; the JSON-RPC server maps ``node_*`` methods onto it.

Field elements travel over JSON-RPC as 0x-prefixed 64-digit hex strings, transactions as the hex of
their canonical encoding (:meth:`aztec.stdlib.tx.tx.Tx.to_bytes`).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from aztec.foundation.fields import Fr
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.tx.tx import Tx


class TxStatus(enum.StrEnum):
    PENDING = "pending"
    """In the pool, not yet in a block."""
    MINED = "mined"
    """In a proposed block."""
    PROVEN = "proven"
    """In a block whose proof was accepted on L1."""
    DROPPED = "dropped"
    """Was in the pool, left it unmined (evicted or invalidated)."""
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class TxReceipt:
    tx_hash: Fr
    status: TxStatus
    block_number: int | None = None
    reverted: bool | None = None
    fee: int | None = None
    reason: str | None = None
    """Why a dropped tx left the pool (a TX_VALIDATION_REASON / eviction reason value)."""


class TxRejectedError(Exception):
    """The node refused a transaction; ``reason`` is a TX_VALIDATION_REASON value."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class NodeInfo:
    version: str
    role: str
    """sequencer, follower or prover."""
    l1_chain_id: int
    rollup_address: str
    base_fee_per_gas: int
    """The base fee the next block will charge (a tx's max_fee_per_gas must be at least this)."""
    block_gas_limit: int
    max_tx_size: int
    contracts: dict[str, Fr]
    """Addresses of the deployed public contracts by name (token, counter)."""


class AztecNode(Protocol):
    async def send_tx(self, tx: Tx) -> Fr:
        """Validate and pool ``tx``; its hash, or :class:`TxRejectedError`."""
        ...

    async def send_tx_bytes(self, data: bytes) -> Fr:
        """Decode, validate and pool a tx as received (``too_large`` and ``malformed`` are rejections)."""
        ...

    async def get_tx_receipt(self, tx_hash: Fr) -> TxReceipt: ...
    async def get_tx_by_hash(self, tx_hash: Fr) -> Tx | None: ...
    async def get_block_number(self) -> int: ...
    async def get_proven_block_number(self) -> int: ...
    async def get_block(self, number: int) -> L2Block | None: ...
    async def get_public_storage_at(self, slot: Fr) -> Fr: ...
    async def get_node_info(self) -> NodeInfo: ...
    async def is_ready(self) -> bool: ...
