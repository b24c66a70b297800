"""The base rollup circuit: inserts one transaction's effects into the trees, verifying every witness.

Starting from the witnesses' start :class:`StateReference`, it checks the tail kernel's effect hash and
that the fee is the gas used times the block's base fee, then inserts in the canonical order: the
nullifiers (the transaction's own first) into the nullifier tree with low-leaf non-membership proofs,
the note hashes by append paths, and the public data writes as updates or inserts of the public data
tree. The snapshots it computes must equal the witnesses' end state. Its outputs are the start and end
states and the effect's hash, fee and gas."""

from __future__ import annotations

from dataclasses import dataclass

from aztec.circuits.errors import CircuitConstraintError
from aztec.circuits.public_kernel_tail import PublicKernelTailPublicInputs
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs, RollupType
from aztec.circuits.tree_checks import verify_append, verify_indexed_insert
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.codecs import (
    read_global_variables,
    read_insertion_witnesses,
    write_global_variables,
    write_insertion_witnesses,
)
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.trees import StateReference
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.processed_tx import TxInsertionWitnesses

CIRCUIT = CircuitName.BASE_ROLLUP


@dataclass(frozen=True, slots=True)
class BaseRollupInputs(Serializable):
    kernel: PublicKernelTailPublicInputs
    witnesses: TxInsertionWitnesses
    constants: GlobalVariables

    def write(self, w: Writer) -> None:
        self.kernel.write(w)
        write_insertion_witnesses(w, self.witnesses)
        write_global_variables(w, self.constants)

    @classmethod
    def read(cls, r: Reader, what: str) -> BaseRollupInputs:
        return cls(
            kernel=PublicKernelTailPublicInputs.read(r, f"{what}.kernel"),
            witnesses=read_insertion_witnesses(r, f"{what}.witnesses"),
            constants=read_global_variables(r, f"{what}.constants"),
        )


def _check_count(kind: str, effects: int, witnesses: int) -> None:
    if effects != witnesses:
        raise CircuitConstraintError(CIRCUIT, f"{effects} {kind} in the effect but {witnesses} insertion witnesses")


def simulate_base_rollup(inputs: BaseRollupInputs) -> BaseOrMergeRollupPublicInputs:
    effect, witnesses = inputs.kernel.effect, inputs.witnesses
    if effect.hash() != inputs.kernel.effect_hash:
        raise CircuitConstraintError(CIRCUIT, "the kernel's effect hash does not match its effect")
    expected_fee = effect.gas_used * inputs.constants.base_fee_per_gas
    if effect.fee != expected_fee:
        raise CircuitConstraintError(
            CIRCUIT, f"fee {effect.fee} is not gas used {effect.gas_used} times the base fee per gas"
        )
    _check_count("nullifiers", len(effect.nullifiers), len(witnesses.nullifiers))
    _check_count("note hashes", len(effect.note_hashes), len(witnesses.note_hashes))
    _check_count("public data writes", len(effect.public_data_writes), len(witnesses.public_data))

    state = witnesses.start_state
    nullifier = state.nullifier
    for i, (value, nw) in enumerate(zip(effect.nullifiers, witnesses.nullifiers, strict=True)):
        nullifier = verify_indexed_insert(CIRCUIT, f"nullifier {i}", nullifier, value, nw, allow_update=False)
    note_hash = state.note_hash
    for i, (leaf, aw) in enumerate(zip(effect.note_hashes, witnesses.note_hashes, strict=True)):
        note_hash = verify_append(CIRCUIT, f"note hash {i}", note_hash, leaf, aw)
    public_data = state.public_data
    for i, (write, pw) in enumerate(zip(effect.public_data_writes, witnesses.public_data, strict=True)):
        if pw.value != write.value:
            raise CircuitConstraintError(CIRCUIT, f"public data write {i}: witness value differs from the effect's")
        public_data = verify_indexed_insert(
            CIRCUIT, f"public data write {i}", public_data, write.slot, pw, allow_update=True
        )

    end = StateReference(note_hash=note_hash, nullifier=nullifier, public_data=public_data)
    if end != witnesses.end_state:
        raise CircuitConstraintError(CIRCUIT, "the state after the insertions differs from the claimed end state")
    return BaseOrMergeRollupPublicInputs(
        rollup_type=RollupType.BASE,
        num_txs=1,
        constants=inputs.constants,
        start=state,
        end=end,
        tx_effects_hash=inputs.kernel.effect_hash,
        fees=effect.fee,
        gas_used=effect.gas_used,
    )
