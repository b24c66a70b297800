"""The root rollup circuit: closes a block.

Combines its children (none for an empty block, one base rollup for a single transaction, otherwise two
children checked as a merge is) with the root parity output, builds the block header from them, and
appends the header's hash to the archive tree, checking the append witness against the previous
archive snapshot. Outputs the previous and new archive snapshots, the header and the block hash.
"""

from __future__ import annotations

from dataclasses import dataclass

from aztec.circuits.errors import CircuitConstraintError
from aztec.circuits.merge_rollup import merge_children
from aztec.circuits.parity import ParityPublicInputs
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs
from aztec.circuits.tree_checks import verify_append
from aztec.foundation.fields import Fr
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.codecs import (
    read_append_witness,
    read_global_variables,
    read_snapshot,
    read_state,
    write_append_witness,
    write_global_variables,
    write_snapshot,
    write_state,
)
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs
from aztec.stdlib.trees import AppendWitness, StateReference, TreeSnapshot
from aztec.stdlib.tx.global_variables import GlobalVariables

CIRCUIT = CircuitName.ROOT_ROLLUP


@dataclass(frozen=True, slots=True)
class RootRollupInputs(Serializable):
    children: tuple[BaseOrMergeRollupPublicInputs, ...]
    """0, 1 or 2 children, in block order."""
    parity: ParityPublicInputs
    start_state: StateReference
    """The state before the block (the previous block's end state)."""
    previous_archive: TreeSnapshot
    archive_witness: AppendWitness
    """Where the block hash is appended in the archive tree."""
    constants: GlobalVariables

    def write(self, w: Writer) -> None:
        w.sequence(self.children, Serializable.write_item)
        self.parity.write(w)
        write_state(w, self.start_state)
        write_snapshot(w, self.previous_archive)
        write_append_witness(w, self.archive_witness)
        write_global_variables(w, self.constants)

    @classmethod
    def read(cls, r: Reader, what: str) -> RootRollupInputs:
        return cls(
            children=r.sequence(f"{what}.children", BaseOrMergeRollupPublicInputs.read, 2),
            parity=ParityPublicInputs.read(r, f"{what}.parity"),
            start_state=read_state(r, f"{what}.start_state"),
            previous_archive=read_snapshot(r, f"{what}.previous_archive"),
            archive_witness=read_append_witness(r, f"{what}.archive_witness"),
            constants=read_global_variables(r, f"{what}.constants"),
        )


def _combine(inputs: RootRollupInputs) -> tuple[StateReference, Fr, int, int]:
    """End state, effects hash, fees and gas of the block's children."""
    children = inputs.children
    for child in children:
        if child.constants != inputs.constants:
            raise CircuitConstraintError(CIRCUIT, "a child was proven with other block constants than the root's")
    if children and children[0].start != inputs.start_state:
        raise CircuitConstraintError(CIRCUIT, "the first child does not start from the block's start state")
    if not children:
        return inputs.start_state, 0, 0, 0
    if len(children) == 1:
        child = children[0]
        if child.num_txs != 1:
            raise CircuitConstraintError(CIRCUIT, f"a single child must be one base rollup, got {child.num_txs} txs")
        return child.end, child.tx_effects_hash, child.fees, child.gas_used
    if len(children) > 2:
        raise CircuitConstraintError(CIRCUIT, f"{len(children)} children, the root rollup takes at most 2")
    merged = merge_children(CIRCUIT, children[0], children[1])
    return merged.end, merged.tx_effects_hash, merged.fees, merged.gas_used


def simulate_root_rollup(inputs: RootRollupInputs) -> RootRollupPublicInputs:
    end, effects_hash, fees, gas_used = _combine(inputs)
    header = BlockHeader(
        previous_archive_root=inputs.previous_archive.root,
        state=end,
        global_variables=inputs.constants,
        tx_effects_hash=effects_hash,
        total_fees=fees,
        total_gas_used=gas_used,
        in_hash=inputs.parity.root,
    )
    block_hash = header.hash()
    end_archive = verify_append(CIRCUIT, "archive", inputs.previous_archive, block_hash, inputs.archive_witness)
    return RootRollupPublicInputs(
        previous_archive=inputs.previous_archive, end_archive=end_archive, header=header, block_hash=block_hash
    )
