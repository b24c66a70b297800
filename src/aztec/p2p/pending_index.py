"""The pending transactions in memory: by hash, by the nullifiers they claim, and in priority order."""

from __future__ import annotations

import bisect
from collections.abc import Iterable

from aztec.foundation.fields import Fr
from aztec.p2p.store import PendingRecord
from aztec.stdlib.tx.tx import Tx

_OrderKey = tuple[int, int, Fr]
"""``(-max_fee_per_gas, arrival sequence, tx hash)``: sorted ascending, the best transaction comes first."""


def _order_key(record: PendingRecord) -> _OrderKey:
    return (-record.tx.gas.max_fee_per_gas, record.seq, record.tx.tx_hash)


class PendingIndex:
    """Not thread-safe: the pool guards it with its lock."""

    def __init__(self) -> None:
        self._by_hash: dict[Fr, PendingRecord] = {}
        self._claims: dict[Fr, Fr] = {}
        """Nullifier -> hash of the pending transaction that inserts it."""
        self._order: list[_OrderKey] = []

    def __len__(self) -> int:
        return len(self._by_hash)

    def __contains__(self, tx_hash: Fr) -> bool:
        return tx_hash in self._by_hash

    def get(self, tx_hash: Fr) -> PendingRecord | None:
        return self._by_hash.get(tx_hash)

    def conflict(self, tx: Tx) -> tuple[Fr, Fr] | None:
        """``(nullifier, other tx hash)`` for the first of ``tx``'s nullifiers another pending tx claims."""
        for nullifier in tx.all_nullifiers:
            claimant = self._claims.get(nullifier)
            if claimant is not None and claimant != tx.tx_hash:
                return nullifier, claimant
        return None

    def claimants(self, nullifiers: Iterable[Fr]) -> list[tuple[Fr, Fr]]:
        """``(nullifier, pending tx hash)`` for each of ``nullifiers`` a pending tx claims."""
        found: list[tuple[Fr, Fr]] = []
        for nullifier in nullifiers:
            claimant = self._claims.get(nullifier)
            if claimant is not None:
                found.append((nullifier, claimant))
        return found

    def add(self, record: PendingRecord) -> None:
        """Index ``record``; its hash and nullifiers must not be pending already (checked by the caller)."""
        tx_hash = record.tx.tx_hash
        self._by_hash[tx_hash] = record
        for nullifier in record.tx.all_nullifiers:
            self._claims[nullifier] = tx_hash
        bisect.insort(self._order, _order_key(record))

    def remove(self, tx_hash: Fr) -> PendingRecord | None:
        record = self._by_hash.pop(tx_hash, None)
        if record is None:
            return None
        for nullifier in record.tx.all_nullifiers:
            if self._claims.get(nullifier) == tx_hash:
                del self._claims[nullifier]
        key = _order_key(record)
        position = bisect.bisect_left(self._order, key)
        del self._order[position]
        return record

    def best(self, limit: int | None) -> list[Tx]:
        """Up to ``limit`` transactions, highest max_fee_per_gas first, then in arrival order."""
        keys = self._order if limit is None else self._order[:limit]
        return [self._by_hash[key[2]].tx for key in keys]

    def cheapest(self) -> PendingRecord | None:
        """The transaction evicted first: lowest max_fee_per_gas, latest arrival among equals."""
        if not self._order:
            return None
        return self._by_hash[self._order[-1][2]]

    def records(self) -> list[PendingRecord]:
        return list(self._by_hash.values())
