"""Why the pool refuses a transaction, and why a pending transaction leaves it unmined."""

from __future__ import annotations

import enum

from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.telemetry import attributes as a


class PoolRejectionReason(enum.StrEnum):
    """Why :meth:`TxPool.add_tx` refused a transaction (values of the ``aztec.tx.rejection_reason`` attribute)."""

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    FEE_TOO_LOW = "fee_too_low"
    GAS_LIMIT_TOO_HIGH = "gas_limit_too_high"
    DOUBLE_SPEND = "double_spend"
    """A nullifier is already in the tree, or claimed by another pending transaction."""
    TOO_LARGE = "too_large"
    DUPLICATE = "duplicate"
    """The same transaction is already pending."""
    POOL_FULL = "pool_full"
    """The pool is at capacity and the transaction pays no more than the cheapest pending one."""

    @classmethod
    def from_validation(cls, reason: TxRejectionReason) -> PoolRejectionReason:
        """The pool's reason for a :class:`~aztec.p2p.tx_validator.TxValidator` rejection."""
        return cls(reason.value)


class EvictionReason(enum.StrEnum):
    """Why a pending transaction was evicted (values of the ``aztec.mempool.eviction_reason`` attribute)."""

    LOW_FEE = "low_fee"
    """Pushed out of a full pool by a transaction paying more."""
    INVALID = "invalid"
    """Can no longer be mined: found invalid by the sequencer, or its nullifiers are now spent."""


VALIDATION_REASONS: frozenset[str] = frozenset(a.TX_VALIDATION_REASON.values or ())
"""Every value a dropped transaction's reason may take besides ``low_fee``."""


def check_validation_reason(reason: str) -> str:
    """``reason`` as a plain string; ValueError naming it if it is not a TX_VALIDATION_REASON value."""
    value = str(reason)
    if value not in VALIDATION_REASONS:
        allowed = ", ".join(sorted(VALIDATION_REASONS))
        raise ValueError(f"unknown rejection reason {value!r}: expected one of {allowed}")
    return value
