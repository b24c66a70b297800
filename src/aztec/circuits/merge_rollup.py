"""The merge rollup circuit: joins two proven runs of consecutive transactions into one.

Checks that the children share the block's constants, that they are contiguous (the left one ends at
the state the right one starts from) and that they split the transactions the way the rollup tree does
(:func:`~aztec.stdlib.merkle.split_point`), so the effects hash is the block's canonical one.
"""

from __future__ import annotations

from dataclasses import dataclass

from aztec.circuits.errors import CircuitConstraintError
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs, RollupType
from aztec.foundation.fields import hash_pair
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.merkle import split_point
from aztec.stdlib.proofs.circuit_name import CircuitName


@dataclass(frozen=True, slots=True)
class MergeRollupInputs(Serializable):
    left: BaseOrMergeRollupPublicInputs
    right: BaseOrMergeRollupPublicInputs

    def write(self, w: Writer) -> None:
        self.left.write(w)
        self.right.write(w)

    @classmethod
    def read(cls, r: Reader, what: str) -> MergeRollupInputs:
        return cls(
            left=BaseOrMergeRollupPublicInputs.read(r, f"{what}.left"),
            right=BaseOrMergeRollupPublicInputs.read(r, f"{what}.right"),
        )


def merge_children(
    circuit: CircuitName, left: BaseOrMergeRollupPublicInputs, right: BaseOrMergeRollupPublicInputs
) -> BaseOrMergeRollupPublicInputs:
    """The checks and combination the merge and root rollups share."""
    if left.constants != right.constants:
        raise CircuitConstraintError(circuit, "children were proven with different block constants")
    if left.end != right.start:
        raise CircuitConstraintError(
            circuit, "children are not contiguous: the left one's end state is not the right one's start"
        )
    total = left.num_txs + right.num_txs
    if left.num_txs == 0 or right.num_txs == 0 or left.num_txs != split_point(total):
        raise CircuitConstraintError(
            circuit, f"children of {left.num_txs} and {right.num_txs} transactions do not follow the rollup tree shape"
        )
    return BaseOrMergeRollupPublicInputs(
        rollup_type=RollupType.MERGE,
        num_txs=total,
        constants=left.constants,
        start=left.start,
        end=right.end,
        tx_effects_hash=hash_pair(left.tx_effects_hash, right.tx_effects_hash),
        fees=left.fees + right.fees,
        gas_used=left.gas_used + right.gas_used,
    )


def simulate_merge_rollup(inputs: MergeRollupInputs) -> BaseOrMergeRollupPublicInputs:
    return merge_children(CircuitName.MERGE_ROLLUP, inputs.left, inputs.right)
