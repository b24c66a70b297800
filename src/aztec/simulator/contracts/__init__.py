"""Public contracts and their registry."""

from aztec.simulator.contracts.base import PublicContract, public
from aztec.simulator.contracts.context import CallContext, ContractRevertError
from aztec.simulator.contracts.counter import Counter
from aztec.simulator.contracts.registry import COUNTER_ADDRESS, TOKEN_ADDRESS, ContractRegistry
from aztec.simulator.contracts.token import MAX_AMOUNT, Token

__all__ = [
    "COUNTER_ADDRESS",
    "MAX_AMOUNT",
    "TOKEN_ADDRESS",
    "CallContext",
    "ContractRegistry",
    "ContractRevertError",
    "Counter",
    "PublicContract",
    "Token",
    "public",
]
