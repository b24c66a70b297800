"""L1 publisher and L1 chain metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import ValueType, counter, histogram, observable_gauge

_TX = (a.L1_TX_TYPE,)
_TX_AND_BLOCK_SIZE = (a.L1_TX_TYPE, a.BLOCK_SIZE_CLASS)
"""Proposals also carry their L2 block's size class (proofs do not)."""

L1_PUBLISHER_TX_DURATION: Final = histogram(
    "aztec.l1_publisher.tx_duration", "s", "Time from sending an L1 transaction to its inclusion", attributes=_TX
)
L1_PUBLISHER_TX_GAS: Final = histogram(
    "aztec.l1_publisher.tx_gas",
    "{gas}",
    "L1 gas used per transaction, by type (and, for proposals, the L2 block's size class)",
    attributes=_TX_AND_BLOCK_SIZE,
    better="lower",
)
L1_PUBLISHER_TX_CALLDATA_SIZE: Final = histogram(
    "aztec.l1_publisher.tx_calldata_size",
    "By",
    "Calldata bytes per L1 transaction, by type (and, for proposals, the L2 block's size class)",
    attributes=_TX_AND_BLOCK_SIZE,
    value_type=ValueType.INT,
    better="lower",
)
L1_PUBLISHER_GAS_PRICE: Final = histogram(
    "aztec.l1_publisher.gas_price",
    "{wei}",
    "L1 gas price paid per transaction",
    attributes=_TX,
    buckets=(1.0, 10.0, 100.0, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11),
)
L1_PUBLISHER_TX_COUNT: Final = counter(
    "aztec.l1_publisher.tx_count",
    "{tx}",
    "L1 transactions, by type and outcome: success, failure (included but reverted), rejected (refused at "
    "submission) or timeout (not included in time)",
    attributes=(a.L1_TX_TYPE, a.OUTCOME),
)
L1_PUBLISHER_BALANCE: Final = observable_gauge(
    "aztec.l1_publisher.balance",
    "{ETH}",
    "Balance of an L1 account the node sends from, in ETH, by its role (publisher, prover)",
    attributes=(a.L1_SENDER,),
    value_type=ValueType.DOUBLE,
)
L1_BLOCK_HEIGHT: Final = observable_gauge("aztec.l1.block_height", "{block}", "Latest L1 block number")
L1_BASE_FEE: Final = observable_gauge(
    "aztec.l1.base_fee", "{wei}", "Current L1 base fee per gas", value_type=ValueType.DOUBLE
)
