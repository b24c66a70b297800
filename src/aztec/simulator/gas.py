"""Gas: what each unit of work costs, and the meter that enforces a transaction's gas limit.

Costs (in gas units; the fee is ``gas_used * base_fee_per_gas``):

=====================  ========  ==============================================================
constant               gas       charged for
=====================  ========  ==============================================================
TX_BASE_GAS            10_000    every transaction (its own nullifier, signature, bookkeeping)
SIDE_EFFECT_GAS        1_000     each private note hash or nullifier it carries
CALL_GAS               2_000     each public call dispatched
STORAGE_READ_GAS       800       each public storage read
STORAGE_WRITE_GAS      5_000     each public storage write
HASH_GAS               30        each hash, including deriving a storage slot
=====================  ========  ==============================================================

``TX_BASE_GAS`` and ``SIDE_EFFECT_GAS`` make up a transaction's *intrinsic* gas, charged before its setup
phase; a transaction whose gas limit does not cover it is malformed. A token transfer costs 23,720 gas
(13,720 of it public).
"""

from __future__ import annotations

from typing import Final

TX_BASE_GAS: Final = 10_000
SIDE_EFFECT_GAS: Final = 1_000
CALL_GAS: Final = 2_000
STORAGE_READ_GAS: Final = 800
STORAGE_WRITE_GAS: Final = 5_000
HASH_GAS: Final = 30

DEFAULT_BLOCK_GAS_LIMIT: Final = 10_000_000
"""The largest gas limit a single transaction may ask for, and the default gas budget of a block."""


def intrinsic_gas(side_effects: int) -> int:
    """Gas a transaction with ``side_effects`` private note hashes and nullifiers pays before any public call."""
    return TX_BASE_GAS + SIDE_EFFECT_GAS * side_effects


class OutOfGasError(Exception):
    """A charge would take gas used past the limit; the meter is then exhausted (used == limit)."""


class GasMeter:
    """Counts gas used against a limit; running out consumes everything, as in the EVM and the AVM."""

    __slots__ = ("_limit", "_used")

    def __init__(self, limit: int) -> None:
        if limit < 0:
            raise ValueError(f"gas limit must be >= 0, got {limit}")
        self._limit = limit
        self._used = 0

    @property
    def limit(self) -> int:
        return self._limit

    @property
    def used(self) -> int:
        return self._used

    @property
    def remaining(self) -> int:
        return self._limit - self._used

    def consume(self, amount: int, what: str) -> None:
        """Charge ``amount`` for ``what``; raises :class:`OutOfGasError` (naming it) past the limit."""
        if self._used + amount > self._limit:
            needed = self._used + amount
            self._used = self._limit
            raise OutOfGasError(f"out of gas: {what} needs {amount} gas, total {needed} exceeds limit {self._limit}")
        self._used += amount
