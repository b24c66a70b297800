"""Limits of the transaction pool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from aztec.stdlib.config.p2p import TX_POOL_SIZE
from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT
from aztec.stdlib.tx.tx import DEFAULT_MAX_TX_SIZE

DEFAULT_DROPPED_HISTORY: Final = 10_000
DEFAULT_POOL_MAP_SIZE: Final = 1 << 30
"""1 GiB of address space for the pool's LMDB (10,000 maximal 32 KiB txs need about 330 MB)."""


@dataclass(frozen=True, slots=True)
class TxPoolConfig:
    max_pending_txs: int = TX_POOL_SIZE.default
    """Most pending transactions kept; past it the cheapest is evicted for a better-paying one."""
    max_tx_size: int = DEFAULT_MAX_TX_SIZE
    """Largest accepted encoding, in bytes (``too_large`` above it)."""
    max_gas_limit: int = DEFAULT_BLOCK_GAS_LIMIT
    """Largest gas limit a transaction may ask for (the block's)."""
    dropped_history: int = DEFAULT_DROPPED_HISTORY
    """How many recently dropped hashes keep their reason for status lookups."""
    mined_history: int = DEFAULT_DROPPED_HISTORY
    """How many recently mined txs the pool keeps, for lookups by hash."""
    map_size: int = DEFAULT_POOL_MAP_SIZE
    """Most bytes the pool's LMDB may grow to."""
    fsync: bool = True
    """Flush every commit to disk (~0.3 ms each on a typical SSD). False keeps every change that
    returned across a killed process, but an OS crash or power loss may lose recent changes, or
    corrupt the pool on file systems that reorder writes (LMDB's ``MDB_NOSYNC``)."""

    def __post_init__(self) -> None:
        for name in ("max_pending_txs", "max_tx_size", "max_gas_limit", "dropped_history", "mined_history", "map_size"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"TxPoolConfig.{name} must be a positive int, got {value!r}")
        if not isinstance(self.fsync, bool):
            raise ValueError(f"TxPoolConfig.fsync must be a bool, got {self.fsync!r}")
