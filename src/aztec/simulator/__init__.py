"""``aztec.simulator``: transactions, public contracts, public execution, validation and the public processor."""

from aztec.simulator.account import Account, Wallet
from aztec.simulator.contracts import COUNTER_ADDRESS, TOKEN_ADDRESS, ContractRegistry, Counter, Token, storage_slot
from aztec.simulator.executor import CallResult, PublicExecutor
from aztec.simulator.gas import DEFAULT_BLOCK_GAS_LIMIT, GasMeter, OutOfGasError
from aztec.simulator.global_variables import GlobalVariables
from aztec.simulator.outcomes import TxOutcome, TxRejectionReason
from aztec.simulator.processed_tx import PhaseResult, ProcessedTx, PublicDataWrite, TxEffect, TxInsertionWitnesses
from aztec.simulator.processor import FailedTx, ProcessResult, PublicProcessor
from aztec.simulator.tx import (
    DEFAULT_MAX_TX_SIZE,
    GasSettings,
    Phase,
    PublicCall,
    Tx,
    TxDecodeError,
    TxFormatError,
    TxTooLargeError,
    call,
)
from aztec.simulator.tx_validator import TxValidationResult, TxValidator

__all__ = [
    "COUNTER_ADDRESS",
    "DEFAULT_BLOCK_GAS_LIMIT",
    "DEFAULT_MAX_TX_SIZE",
    "TOKEN_ADDRESS",
    "Account",
    "CallResult",
    "ContractRegistry",
    "Counter",
    "FailedTx",
    "GasMeter",
    "GasSettings",
    "GlobalVariables",
    "OutOfGasError",
    "Phase",
    "PhaseResult",
    "ProcessResult",
    "ProcessedTx",
    "PublicCall",
    "PublicDataWrite",
    "PublicExecutor",
    "PublicProcessor",
    "Token",
    "Tx",
    "TxDecodeError",
    "TxEffect",
    "TxFormatError",
    "TxInsertionWitnesses",
    "TxOutcome",
    "TxRejectionReason",
    "TxTooLargeError",
    "TxValidationResult",
    "TxValidator",
    "Wallet",
    "call",
    "storage_slot",
]
