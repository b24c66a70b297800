"""Per-account nonces.

A tx's own nullifier is ``hash(address, nonce)`` (:attr:`aztec.stdlib.tx.tx.Tx.tx_nullifier`), and the
validator and pool refuse a tx whose nullifier is already in the tree or the pool (``double_spend``).
They impose no order, so any unused nonce is valid and several txs of one account can be in flight at
once. Each nonce is therefore handed out once; a nonce comes back only when the node refused its tx
outright for a reason that proves it was not pooled, and is reused first (keeping nonces dense).
"""

from __future__ import annotations

import heapq


class NonceAllocator:
    """Hands out each nonce of one account once; :meth:`release` returns one the node never took."""

    __slots__ = ("_next", "_released")

    def __init__(self, start: int = 0) -> None:
        self._next = start
        self._released: list[int] = []

    def take(self) -> int:
        if self._released:
            return heapq.heappop(self._released)
        nonce = self._next
        self._next += 1
        return nonce

    def release(self, nonce: int) -> None:
        if nonce >= self._next or nonce in self._released:
            raise ValueError(f"nonce {nonce} was not handed out or is already released")
        heapq.heappush(self._released, nonce)

    @property
    def issued(self) -> int:
        """How many nonces are taken and not released."""
        return self._next - len(self._released)
