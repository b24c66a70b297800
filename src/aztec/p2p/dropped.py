"""The reasons of recently dropped transactions, for status lookups; bounded, oldest forgotten first."""

from __future__ import annotations

from collections import OrderedDict

from aztec.foundation.fields import Fr


class DroppedHistory:
    """Not thread-safe: the pool guards it with its lock."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._reasons: OrderedDict[Fr, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._reasons)

    def add(self, tx_hash: Fr, reason: str) -> None:
        self._reasons[tx_hash] = reason
        self._reasons.move_to_end(tx_hash)
        while len(self._reasons) > self._limit:
            self._reasons.popitem(last=False)

    def reason(self, tx_hash: Fr) -> str | None:
        return self._reasons.get(tx_hash)
