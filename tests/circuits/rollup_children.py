"""Hand-built base rollup outputs for merge and root rollup tests."""

from __future__ import annotations

from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs, RollupType
from aztec.stdlib.trees import StateReference, TreeSnapshot
from aztec.stdlib.tx.global_variables import GlobalVariables

CONSTANTS = GlobalVariables(block_number=3, timestamp=1_700_000_000, base_fee_per_gas=2)


def state(n: int) -> StateReference:
    return StateReference(TreeSnapshot(100 + n, n), TreeSnapshot(200 + n, n), TreeSnapshot(300 + n, n))


def base(i: int, *, num_txs: int = 1) -> BaseOrMergeRollupPublicInputs:
    """A run of ``num_txs`` transactions taking the state from ``state(i)`` to ``state(i + num_txs)``."""
    return BaseOrMergeRollupPublicInputs(
        RollupType.BASE, num_txs, CONSTANTS, state(i), state(i + num_txs), 1000 + i, fees=10, gas_used=5
    )
