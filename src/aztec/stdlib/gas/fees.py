"""The L2 base fee: what every unit of L2 gas costs in the next block.

It follows L1 demand: each L2 block is published as L1 calldata, so the L2 gas price tracks the L1 base
fee (divided by ``L1_TO_L2_FEE_DIVISOR``, at least ``MIN_L2_BASE_FEE``).
"""

from __future__ import annotations

from typing import Final

MIN_L2_BASE_FEE: Final = 1
L1_TO_L2_FEE_DIVISOR: Final = 1_000_000


def l2_base_fee(l1_base_fee: int) -> int:
    return max(MIN_L2_BASE_FEE, l1_base_fee // L1_TO_L2_FEE_DIVISOR)
