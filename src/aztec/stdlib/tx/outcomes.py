"""How a transaction fared: its processing outcome, and why it was rejected or failed."""

from __future__ import annotations

import enum


class TxOutcome(enum.StrEnum):
    """Outcome of processing one transaction (the ``aztec.outcome`` attribute of the tx count)."""

    SUCCESS = "success"
    REVERTED = "reverted"
    """Included, but its app logic or teardown reverted."""
    FAILED = "failed"
    """Not included: invalid at processing time."""


class TxRejectionReason(enum.StrEnum):
    """Why a transaction was rejected by validation or failed in processing.

    The values are those of the ``aztec.tx.rejection_reason`` attribute (a test checks it).
    """

    MALFORMED = "malformed"
    BAD_SIGNATURE = "bad_signature"
    FEE_TOO_LOW = "fee_too_low"
    GAS_LIMIT_TOO_HIGH = "gas_limit_too_high"
    DOUBLE_SPEND = "double_spend"
    TOO_LARGE = "too_large"
    SETUP_FAILED = "setup_failed"
