"""Gas and fees as on Ethereum (simplified): intrinsic and calldata gas, and the EIP-1559 base fee."""

from __future__ import annotations

from typing import Final

TX_BASE_GAS: Final = 21_000
"""Every transaction pays this."""
CALLDATA_ZERO_BYTE_GAS: Final = 4
CALLDATA_NONZERO_BYTE_GAS: Final = 16
BASE_FEE_MAX_CHANGE_DENOMINATOR: Final = 8
"""The base fee changes by at most 1/8 per block."""
ELASTICITY_MULTIPLIER: Final = 2
"""The gas target is the block gas limit divided by this."""


def calldata_gas(data: bytes) -> int:
    """16 gas per non-zero byte, 4 per zero byte (EIP-2028)."""
    zeros = data.count(0)
    return zeros * CALLDATA_ZERO_BYTE_GAS + (len(data) - zeros) * CALLDATA_NONZERO_BYTE_GAS


def intrinsic_gas(data: bytes, execution_gas: int) -> int:
    """What a transaction costs: the base, its calldata and the fixed execution cost of the call it makes."""
    return TX_BASE_GAS + calldata_gas(data) + execution_gas


def gas_target(block_gas_limit: int) -> int:
    return block_gas_limit // ELASTICITY_MULTIPLIER


def next_base_fee(parent_base_fee: int, parent_gas_used: int, block_gas_limit: int, min_base_fee: int) -> int:
    """EIP-1559: up when the parent used more than the target, down when less, by at most 1/8; never
    below ``min_base_fee``. An increase is at least 1 wei, so a tiny base fee can still rise."""
    target = gas_target(block_gas_limit)
    if parent_gas_used == target:
        fee = parent_base_fee
    elif parent_gas_used > target:
        delta = parent_base_fee * (parent_gas_used - target) // target // BASE_FEE_MAX_CHANGE_DENOMINATOR
        fee = parent_base_fee + max(delta, 1)
    else:
        delta = parent_base_fee * (target - parent_gas_used) // target // BASE_FEE_MAX_CHANGE_DENOMINATOR
        fee = parent_base_fee - delta
    return max(fee, min_base_fee)
