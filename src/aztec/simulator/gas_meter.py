"""The gas meter that enforces a transaction's gas limit (costs: :mod:`aztec.stdlib.gas.costs`)."""

from __future__ import annotations


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
