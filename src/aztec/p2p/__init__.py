"""``aztec.p2p``: the transaction pool (validated pending txs, bounded, fee-ordered, persisted in LMDB)."""

from aztec.p2p.config import TxPoolConfig
from aztec.p2p.instrumentation import TxPoolInstrumentation, TxPoolStats
from aztec.p2p.reasons import EvictionReason, PoolRejectionReason
from aztec.p2p.results import AddTxResult, PoolTxLookup, PoolTxStatus
from aztec.p2p.store import TxPoolStoreError, TxPoolStoreFullError
from aztec.p2p.tx_pool import TxPool

__all__ = [
    "AddTxResult",
    "EvictionReason",
    "PoolRejectionReason",
    "PoolTxLookup",
    "PoolTxStatus",
    "TxPool",
    "TxPoolConfig",
    "TxPoolInstrumentation",
    "TxPoolStats",
    "TxPoolStoreError",
    "TxPoolStoreFullError",
]
