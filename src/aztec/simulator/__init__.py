"""``aztec.simulator``: accounts, public contracts, public execution and the public processor.

The transaction types it works on live in :mod:`aztec.stdlib.tx`.
"""

from aztec.simulator.account import Account, Wallet
from aztec.simulator.contracts import COUNTER_ADDRESS, TOKEN_ADDRESS, ContractRegistry, Counter, Token, storage_slot
from aztec.simulator.executor import CallResult, PublicExecutor
from aztec.simulator.gas_meter import GasMeter, OutOfGasError
from aztec.simulator.processor import FailedTx, ProcessResult, PublicProcessor

__all__ = [
    "COUNTER_ADDRESS",
    "TOKEN_ADDRESS",
    "Account",
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
    "Wallet",
    "storage_slot",
]
