"""``aztec.simulator``: public contracts, public execution and the public processor.

The transaction types it works on live in :mod:`aztec.stdlib.tx`, accounts that sign them in
:mod:`aztec.stdlib.accounts`.
"""

from aztec.simulator.contracts import COUNTER_ADDRESS, TOKEN_ADDRESS, ContractRegistry, Counter, Token
from aztec.simulator.executor import CallResult, PublicExecutor
from aztec.simulator.gas_meter import GasMeter, OutOfGasError
from aztec.simulator.processor import FailedTx, ProcessResult, PublicProcessor

__all__ = [
    "COUNTER_ADDRESS",
    "TOKEN_ADDRESS",
    "CallResult",
    "ContractRegistry",
    "Counter",
    "FailedTx",
    "GasMeter",
    "OutOfGasError",
    "ProcessResult",
    "PublicExecutor",
    "PublicProcessor",
    "Token",
]
