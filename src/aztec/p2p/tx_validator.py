"""Validation of incoming transactions, before they enter the pool or a block.

Checks, in order: size (``too_large``), encoding (``malformed``), signature (``bad_signature``), fee
against the base fee (``fee_too_low``), gas limit against the block's (``gas_limit_too_high``), and
nullifiers against the world state and each other (``double_spend``). Invalid input gives a result
with a reason and a detail message; nothing is raised.
"""

from __future__ import annotations

from dataclasses import dataclass

from aztec.foundation.timer import Timer
from aztec.p2p.tx_validator_instrumentation import TxValidatorInstrumentation
from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT
from aztec.stdlib.interfaces.world_state import WorldStateView
from aztec.stdlib.tx.outcomes import TxRejectionReason
from aztec.stdlib.tx.tx import DEFAULT_MAX_TX_SIZE, Tx, TxDecodeError, TxTooLargeError
from aztec.telemetry.api import TelemetryClient


@dataclass(frozen=True, slots=True)
class TxValidationResult:
    tx: Tx | None
    """The decoded transaction (None when it could not be decoded)."""
    reason: TxRejectionReason | None
    """None when the transaction is valid."""
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.reason is None


class TxValidator:
    """Validates transactions against ``state`` (the committed world state) and the node's limits."""

    def __init__(
        self,
        state: WorldStateView,
        telemetry: TelemetryClient,
        *,
        max_tx_size: int = DEFAULT_MAX_TX_SIZE,
        max_gas_limit: int = DEFAULT_BLOCK_GAS_LIMIT,
    ) -> None:
        self._state = state
        self.max_tx_size = max_tx_size
        self.max_gas_limit = max_gas_limit
        self._instrumentation = TxValidatorInstrumentation(telemetry)

    def validate_bytes(self, data: bytes, *, base_fee_per_gas: int) -> TxValidationResult:
        """Decode and validate a transaction as received from the network."""
        timer = Timer()
        try:
            tx = Tx.from_bytes(data, max_size=self.max_tx_size)
        except TxTooLargeError as error:
            result = TxValidationResult(None, TxRejectionReason.TOO_LARGE, str(error))
        except TxDecodeError as error:
            result = TxValidationResult(None, TxRejectionReason.MALFORMED, str(error))
        else:
            result = self._check(tx, base_fee_per_gas)
        self._instrumentation.record_validation(result.reason, timer.s())
        return result

    def validate(self, tx: Tx, *, base_fee_per_gas: int) -> TxValidationResult:
        """Validate an already decoded transaction."""
        timer = Timer()
        if tx.size > self.max_tx_size:
            detail = f"tx is {tx.size} bytes, the limit is {self.max_tx_size}"
            result = TxValidationResult(tx, TxRejectionReason.TOO_LARGE, detail)
        else:
            result = self._check(tx, base_fee_per_gas)
        self._instrumentation.record_validation(result.reason, timer.s())
        return result

    def _check(self, tx: Tx, base_fee_per_gas: int) -> TxValidationResult:
        if not tx.verify_signature():
            return TxValidationResult(tx, TxRejectionReason.BAD_SIGNATURE, "signature does not match the origin")
        if tx.gas.max_fee_per_gas < base_fee_per_gas:
            detail = f"max_fee_per_gas {tx.gas.max_fee_per_gas} is below the base fee {base_fee_per_gas}"
            return TxValidationResult(tx, TxRejectionReason.FEE_TOO_LOW, detail)
        if tx.gas.gas_limit > self.max_gas_limit:
            detail = f"gas_limit {tx.gas.gas_limit} exceeds the block's {self.max_gas_limit}"
            return TxValidationResult(tx, TxRejectionReason.GAS_LIMIT_TOO_HIGH, detail)
        nullifiers = tx.all_nullifiers
        if len(set(nullifiers)) != len(nullifiers):
            return TxValidationResult(
                tx, TxRejectionReason.DOUBLE_SPEND, "a private nullifier repeats the tx nullifier"
            )
        for index, nullifier in enumerate(nullifiers):
            if self._state.has_nullifier(nullifier):
                what = "the tx nullifier (nonce already used)" if index == 0 else f"nullifiers[{index - 1}]"
                return TxValidationResult(tx, TxRejectionReason.DOUBLE_SPEND, f"{what} is already in the tree")
        return TxValidationResult(tx, None)
