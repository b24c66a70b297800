"""The values an L1 client deals in: transactions, receipts, blocks and the rollup contract's events.

Addresses are ``0x``-prefixed 20-byte hex strings and hashes ``0x``-prefixed 32-byte hex strings, both
lowercase, as on Ethereum. Amounts are in wei and gas prices in wei per gas.
"""

from __future__ import annotations

import enum
import hashlib
import re
from dataclasses import dataclass
from typing import Final

from aztec.foundation.fields import Fr
from aztec.l1.errors import InvalidTransactionError

ETHER: Final = 10**18
"""Wei per ether."""
GWEI: Final = 10**9
"""Wei per gwei."""
_ADDRESS = re.compile(r"0x[0-9a-f]{40}")


def normalize_address(address: str) -> str:
    """The lowercase form of an address; raises :class:`InvalidTransactionError` if it is not one."""
    if not isinstance(address, str) or not _ADDRESS.fullmatch(address.lower()):
        raise InvalidTransactionError(f"not an L1 address (0x and 40 hex digits): {address!r}")
    return address.lower()


def dev_address(label: str) -> str:
    """A deterministic address for a named development account or contract."""
    return "0x" + hashlib.sha256(f"aztec.l1.dev:{label}".encode()).digest()[:20].hex()


class TxStatus(enum.Enum):
    SUCCESS = "success"
    FAILED = "failed"
    """Included and charged, but the call reverted (see the receipt's revert reason)."""


@dataclass(frozen=True, slots=True)
class L1TxRequest:
    """A transaction to send. Gas limit and max fee default to what the chain estimates."""

    sender: str
    to: str
    data: bytes = b""
    value: int = 0
    gas_limit: int | None = None
    """None: exactly the gas the transaction needs (the development chain's gas is deterministic)."""
    max_fee_per_gas: int | None = None
    """None: twice the current base fee (so the transaction survives a few blocks of rising fees)."""


@dataclass(frozen=True, slots=True)
class L1Transaction:
    """A transaction as the chain holds it; ``block_number`` is None while it is pending."""

    hash: str
    sender: str
    to: str
    data: bytes
    value: int
    nonce: int
    gas_limit: int
    max_fee_per_gas: int
    block_number: int | None


@dataclass(frozen=True, slots=True)
class TxReceipt:
    tx_hash: str
    status: TxStatus
    block_number: int
    block_hash: str
    transaction_index: int
    gas_used: int
    effective_gas_price: int
    """Wei per gas actually paid (the block's base fee)."""
    revert_reason: str | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is TxStatus.SUCCESS

    @property
    def fee(self) -> int:
        return self.gas_used * self.effective_gas_price


@dataclass(frozen=True, slots=True)
class L1Block:
    number: int
    hash: str
    parent_hash: str
    timestamp: float
    """Seconds since the Unix epoch (fractional: development block times can be below a second)."""
    base_fee: int
    gas_used: int
    gas_limit: int
    tx_hashes: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class L2BlockProposed:
    """The rollup contract's event for an accepted proposal; the block body is in the tx's calldata."""

    l2_block_number: int
    archive_root: Fr
    block_hash: Fr
    l1_block_number: int
    l1_tx_hash: str
