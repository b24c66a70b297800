"""What the pool answers: the result of adding a transaction, and a transaction's status in the pool."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from aztec.foundation.fields import Fr
from aztec.p2p.reasons import PoolRejectionReason
from aztec.stdlib.tx.tx import Tx


@dataclass(frozen=True, slots=True)
class AddTxResult:
    """The outcome of :meth:`TxPool.add_tx`; an invalid transaction gives ``reason``, never an exception."""

    tx: Tx | None
    """The transaction (None when its bytes could not be decoded)."""
    reason: PoolRejectionReason | None
    """None when the transaction was added."""
    detail: str = ""
    """What was wrong, for the sender."""
    evicted: tuple[Fr, ...] = ()
    """Hashes of pending transactions evicted (``low_fee``) to make room for this one."""

    @property
    def ok(self) -> bool:
        return self.reason is None

    @property
    def tx_hash(self) -> Fr | None:
        return None if self.tx is None else self.tx.tx_hash


class PoolTxStatus(enum.StrEnum):
    """Where a hash stands in the pool; the values match the node's ``TxStatus``."""

    PENDING = "pending"
    DROPPED = "dropped"
    """Left the pool unmined (evicted or invalidated); remembered for a bounded number of recent hashes."""
    UNKNOWN = "unknown"
    """Never seen, mined, or dropped too long ago."""


@dataclass(frozen=True, slots=True)
class PoolTxLookup:
    status: PoolTxStatus
    reason: str | None = None
    """For a dropped transaction: ``low_fee`` or a TX_VALIDATION_REASON value (``double_spend``, ...)."""
