"""Public processor, public executor and transaction validation metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import counter, histogram

PUBLIC_PROCESSOR_TX_DURATION: Final = histogram(
    "aztec.public_processor.tx_duration", "s", "Time to process one transaction's public part"
)
PUBLIC_PROCESSOR_TX_COUNT: Final = counter(
    "aztec.public_processor.tx_count",
    "{tx}",
    "Transactions processed, by outcome (success, reverted, failed)",
    attributes=(a.OUTCOME,),
)
PUBLIC_PROCESSOR_PHASE_DURATION: Final = histogram(
    "aztec.public_processor.phase_duration",
    "s",
    "Time to run one public execution phase",
    attributes=(a.TX_PHASE_NAME,),
)
PUBLIC_PROCESSOR_TOTAL_GAS: Final = histogram(
    "aztec.public_processor.total_gas",
    "{gas}",
    "Gas used by the transactions of one processing run",
    better="lower",
)
PUBLIC_PROCESSOR_GAS_RATE: Final = histogram(
    "aztec.public_processor.gas_rate",
    "{gas}/s",
    "Gas processed per second in one processing run",
    buckets=(1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9),
    better="higher",
)
PUBLIC_EXECUTOR_SIMULATION_DURATION: Final = histogram(
    "aztec.public_executor.simulation_duration", "s", "Time to execute one public call"
)
PUBLIC_EXECUTOR_SIMULATION_COUNT: Final = counter(
    "aztec.public_executor.simulation_count",
    "{call}",
    "Public calls executed, by outcome (success, reverted)",
    attributes=(a.OUTCOME,),
)
TX_VALIDATION_DURATION: Final = histogram(
    "aztec.tx_validation.duration", "s", "Time to validate one incoming transaction"
)
TX_VALIDATION_REJECTIONS: Final = counter(
    "aztec.tx_validation.rejections",
    "{tx}",
    "Transactions that failed validation, by reason",
    attributes=(a.TX_VALIDATION_REASON,),
)
