"""Transaction pool metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import ValueType, counter, histogram, observable_gauge

MEMPOOL_PENDING_TXS: Final = observable_gauge("aztec.mempool.pending_txs", "{tx}", "Pending transactions in the pool")
MEMPOOL_TX_SIZE: Final = histogram(
    "aztec.mempool.tx_size", "By", "Size of transactions added to the pool", value_type=ValueType.INT, better="lower"
)
MEMPOOL_TX_ADDED_COUNT: Final = counter("aztec.mempool.tx_added_count", "{tx}", "Transactions added to the pool")
MEMPOOL_TX_EVICTED_COUNT: Final = counter(
    "aztec.mempool.tx_evicted_count",
    "{tx}",
    "Pending transactions evicted unmined, by reason",
    attributes=(a.EVICTION_REASON,),
)
MEMPOOL_TX_REJECTED_COUNT: Final = counter(
    "aztec.mempool.tx_rejected_count",
    "{tx}",
    "Transactions refused by the pool, by reason",
    attributes=(a.TX_VALIDATION_REASON,),
)
MEMPOOL_TX_MINED_DELAY: Final = histogram(
    "aztec.mempool.tx_mined_delay", "s", "Time from a transaction's arrival in the pool to its inclusion in a block"
)
MEMPOOL_CAPACITY: Final = observable_gauge(
    "aztec.mempool.capacity", "{tx}", "Most pending transactions the pool keeps before evicting"
)
