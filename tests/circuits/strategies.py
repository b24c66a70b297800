"""Hypothesis strategies for circuit inputs and outputs."""

from __future__ import annotations

from hypothesis import strategies as st

from aztec.circuits.base_rollup import BaseRollupInputs
from aztec.circuits.merge_rollup import MergeRollupInputs
from aztec.circuits.parity import BaseParityInputs, ParityPublicInputs, RootParityInputs
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs
from aztec.circuits.public_kernel_tail import PublicKernelTailInputs, PublicKernelTailPublicInputs
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs, RollupType
from aztec.circuits.root_rollup import RootRollupInputs
from aztec.foundation.fields import FIELD_MODULUS
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs
from aztec.stdlib.trees import (
    AppendWitness,
    IndexedInsertWitness,
    IndexedLeaf,
    LowLeafWitness,
    SiblingPath,
    StateReference,
    TreeSnapshot,
)
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.processed_tx import PhaseResult, PublicDataWrite, TxEffect, TxInsertionWitnesses

fields = st.integers(min_value=0, max_value=FIELD_MODULUS - 1)
u32 = st.integers(min_value=0, max_value=2**32 - 1)
u64 = st.integers(min_value=0, max_value=2**64 - 1)

snapshots = st.builds(TreeSnapshot, root=fields, size=u64)
states = st.builds(StateReference, note_hash=snapshots, nullifier=snapshots, public_data=snapshots)
paths = st.builds(SiblingPath, siblings=st.lists(fields, max_size=8).map(tuple))
append_witnesses = st.builds(AppendWitness, index=u64, path=paths)
indexed_leaves = st.builds(IndexedLeaf, key=fields, value=fields, next_index=u64, next_key=fields)
low_leaves = st.builds(LowLeafWitness, leaf=indexed_leaves, index=u64, path=paths)
insert_witnesses = st.builds(
    IndexedInsertWitness,
    key=fields,
    value=fields,
    low_leaf=low_leaves,
    new_index=st.none() | u64,
    new_leaf_path=st.none() | paths,
)
public_writes = st.builds(PublicDataWrite, slot=fields, value=fields)
tx_effects = st.builds(
    TxEffect,
    tx_hash=fields,
    reverted=st.booleans(),
    fee=fields,
    gas_used=u64,
    note_hashes=st.lists(fields, max_size=4).map(tuple),
    nullifiers=st.lists(fields, max_size=4).map(tuple),
    public_data_writes=st.lists(public_writes, max_size=4).map(tuple),
)
phases = st.builds(
    PhaseResult,
    phase=st.sampled_from(["setup", "app_logic", "teardown"]),
    calls=u32,
    gas_used=u64,
    reverted=st.booleans(),
    public_reads=st.lists(st.tuples(fields, fields), max_size=4).map(tuple),
    public_writes=st.lists(public_writes, max_size=4).map(tuple),
    revert_reason=st.none() | st.text(max_size=40),
)
insertion_witnesses = st.builds(
    TxInsertionWitnesses,
    start_state=states,
    end_state=states,
    note_hashes=st.lists(append_witnesses, max_size=4).map(tuple),
    nullifiers=st.lists(insert_witnesses, max_size=4).map(tuple),
    public_data=st.lists(insert_witnesses, max_size=4).map(tuple),
)
global_variables = st.builds(GlobalVariables, block_number=u64, timestamp=u64, base_fee_per_gas=u64)
headers = st.builds(
    BlockHeader,
    previous_archive_root=fields,
    state=states,
    global_variables=global_variables,
    tx_effects_hash=fields,
    total_fees=fields,
    total_gas_used=u64,
    in_hash=fields,
)

kernel_accumulators = st.builds(
    PublicKernelCircuitPublicInputs,
    tx_hash=fields,
    gas_limit=u64,
    gas_used=u64,
    last_phase=st.integers(min_value=0, max_value=3),
    reverted=st.booleans(),
    calls=u32,
    public_writes=st.lists(public_writes, max_size=4).map(tuple),
    reads_hash=fields,
)
tail_outputs = st.builds(PublicKernelTailPublicInputs, effect=tx_effects, effect_hash=fields)
rollup_outputs = st.builds(
    BaseOrMergeRollupPublicInputs,
    rollup_type=st.sampled_from(RollupType),
    num_txs=u32,
    constants=global_variables,
    start=states,
    end=states,
    tx_effects_hash=fields,
    fees=fields,
    gas_used=u64,
)
parity_outputs = st.builds(ParityPublicInputs, root=fields)

CIRCUIT_INPUTS: dict[CircuitName, st.SearchStrategy[Serializable]] = {
    CircuitName.PUBLIC_KERNEL_SETUP: st.builds(PublicKernelInputs, previous=kernel_accumulators, phase=phases),
    CircuitName.PUBLIC_KERNEL_TAIL: st.builds(PublicKernelTailInputs, previous=kernel_accumulators, effect=tx_effects),
    CircuitName.BASE_ROLLUP: st.builds(
        BaseRollupInputs, kernel=tail_outputs, witnesses=insertion_witnesses, constants=global_variables
    ),
    CircuitName.MERGE_ROLLUP: st.builds(MergeRollupInputs, left=rollup_outputs, right=rollup_outputs),
    CircuitName.ROOT_ROLLUP: st.builds(
        RootRollupInputs,
        children=st.lists(rollup_outputs, max_size=2).map(tuple),
        parity=parity_outputs,
        start_state=states,
        previous_archive=snapshots,
        archive_witness=append_witnesses,
        constants=global_variables,
    ),
    CircuitName.BASE_PARITY: st.builds(
        BaseParityInputs, messages=st.lists(fields, min_size=16, max_size=16).map(tuple)
    ),
    CircuitName.ROOT_PARITY: st.builds(
        RootParityInputs, children=st.lists(parity_outputs, min_size=4, max_size=4).map(tuple)
    ),
}
"""Inputs of every circuit (the three phase kernels share one input type)."""

CIRCUIT_OUTPUTS: list[st.SearchStrategy[Serializable]] = [
    kernel_accumulators,
    tail_outputs,
    rollup_outputs,
    parity_outputs,
    st.builds(
        RootRollupPublicInputs,
        previous_archive=snapshots,
        end_archive=snapshots,
        header=headers,
        block_hash=fields,
    ),
    headers,
]
