"""The base rollup on real witnesses from the world state: it accepts them, and rejects any tampering."""

from __future__ import annotations

from dataclasses import replace

import pytest

from aztec.circuits.base_rollup import BaseRollupInputs, simulate_base_rollup
from aztec.circuits.errors import CircuitConstraintError
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs, simulate_public_kernel
from aztec.circuits.public_kernel_tail import PublicKernelTailInputs, simulate_public_kernel_tail
from aztec.circuits.registry import simulate_circuit
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs
from aztec.stdlib.proofs.circuit_name import PHASE_CIRCUITS, CircuitName
from aztec.stdlib.trees import SiblingPath, TreeId, TreeSnapshot
from aztec.stdlib.tx.processed_tx import ProcessedTx
from aztec.stdlib.tx.tx import Tx
from aztec.world_state import WorldState
from tests.prover.blocks import build_block, constants, sample_txs


def base_inputs(tx: ProcessedTx, block_number: int = 1) -> BaseRollupInputs:
    """Run the tx's kernels and tail, and pair the tail's outputs with the tx's witnesses."""
    decoded = Tx.from_bytes(tx.tx_bytes)
    kernel = PublicKernelCircuitPublicInputs.initial(decoded.tx_hash, decoded.gas.gas_limit, decoded.intrinsic_gas)
    for phase in tx.phases:
        if phase.calls:
            kernel = simulate_public_kernel(PHASE_CIRCUITS[phase.phase], PublicKernelInputs(kernel, phase))
    tail = simulate_public_kernel_tail(PublicKernelTailInputs(kernel, tx.effect))
    return BaseRollupInputs(tail, tx.witnesses, constants(block_number))


def reject(inputs: BaseRollupInputs, message: str) -> None:
    with pytest.raises(CircuitConstraintError, match=message) as caught:
        simulate_circuit(CircuitName.BASE_ROLLUP, inputs.to_bytes())
    assert caught.value.circuit is CircuitName.BASE_ROLLUP


def with_witnesses(inputs: BaseRollupInputs, **changes: object) -> BaseRollupInputs:
    return replace(inputs, witnesses=replace(inputs.witnesses, **changes))  # type: ignore[arg-type]


def test_real_witnesses_take_each_tx_from_its_start_state_to_its_end_state(world_state: WorldState) -> None:
    block = build_block(world_state, sample_txs(4), 1)
    previous_end = block.txs[0].witnesses.start_state
    for tx in block.txs:
        outputs = BaseOrMergeRollupPublicInputs.from_bytes(
            simulate_circuit(CircuitName.BASE_ROLLUP, base_inputs(tx).to_bytes())
        )
        assert outputs.start == previous_end == tx.witnesses.start_state
        assert outputs.end == tx.witnesses.end_state
        assert (outputs.num_txs, outputs.fees, outputs.gas_used) == (1, tx.effect.fee, tx.effect.gas_used)
        assert outputs.tx_effects_hash == tx.effect.hash()
        previous_end = outputs.end
    assert previous_end == block.header.state


@pytest.fixture
def minted(world_state: WorldState) -> BaseRollupInputs:
    """A tx with two nullifiers, two note hashes and two public writes (one update, one insert)."""
    build_block(world_state, sample_txs(1, seed=1), 1)
    block = build_block(world_state, sample_txs(1, seed=2), 2, commit=False)
    inputs = base_inputs(block.txs[0], 2)
    assert len(inputs.witnesses.nullifiers) == 2
    assert len(inputs.witnesses.note_hashes) == 2
    assert {w.new_index is None for w in inputs.witnesses.public_data} == {True, False}
    return inputs


def test_a_forged_low_leaf_path_is_rejected(minted: BaseRollupInputs) -> None:
    nullifier = minted.witnesses.nullifiers[0]
    siblings = nullifier.low_leaf.path.siblings
    forged_path = SiblingPath((siblings[0] + 1, *siblings[1:]))
    forged = replace(nullifier, low_leaf=replace(nullifier.low_leaf, path=forged_path))
    reject(
        with_witnesses(minted, nullifiers=(forged, *minted.witnesses.nullifiers[1:])),
        "low leaf at index .* is not in the tree",
    )


def test_a_low_leaf_that_is_not_the_predecessor_is_rejected(world_state: WorldState, minted: BaseRollupInputs) -> None:
    """A real member of the tree, but not the key's neighbour: non-membership is not proven."""
    nullifier = minted.witnesses.nullifiers[0]
    low = nullifier.low_leaf.leaf
    committed = world_state.committed
    if low.key > 0:
        other = committed.get_low_leaf(TreeId.NULLIFIER, low.key - 1)
        message = "is not between the low leaf"
    else:
        other = committed.get_low_leaf(TreeId.NULLIFIER, low.next_key)
        message = "is above key"
    forged = replace(nullifier, low_leaf=other)
    reject(with_witnesses(minted, nullifiers=(forged, *minted.witnesses.nullifiers[1:])), message)


def test_an_existing_nullifier_is_rejected(world_state: WorldState, minted: BaseRollupInputs) -> None:
    existing = build_block(world_state, sample_txs(1, seed=3), 2).txs[0].effect.nullifiers[0]
    membership = world_state.committed.get_low_leaf(TreeId.NULLIFIER, existing)
    assert membership.leaf.key == existing
    effect = replace(minted.kernel.effect, nullifiers=(existing,))
    witness = replace(
        minted.witnesses.nullifiers[0], key=existing, low_leaf=membership, new_index=None, new_leaf_path=None
    )
    state = world_state.committed.get_state_reference()
    inputs = BaseRollupInputs(
        replace(minted.kernel, effect=effect, effect_hash=effect.hash()),
        replace(minted.witnesses, start_state=state, nullifiers=(witness,)),
        minted.constants,
    )
    reject(inputs, f"nullifier 0: key {existing:#x} is already in the tree")


def test_a_note_hash_appended_elsewhere_is_rejected(minted: BaseRollupInputs) -> None:
    first, second = minted.witnesses.note_hashes
    reject(
        with_witnesses(minted, note_hashes=(replace(first, index=first.index + 1), second)),
        "note hash 0: appended at index",
    )
    forged = replace(second, path=SiblingPath((1, *second.path.siblings[1:])))
    reject(
        with_witnesses(minted, note_hashes=(first, forged)),
        "note hash 1: the path of slot .* does not match the tree root",
    )


def test_public_data_witnesses_must_match_the_effect(minted: BaseRollupInputs) -> None:
    first, *rest = minted.witnesses.public_data
    reject(with_witnesses(minted, public_data=(replace(first, value=first.value + 1), *rest)), "witness value differs")
    update = next(w for w in minted.witnesses.public_data if w.new_index is None)
    position = minted.witnesses.public_data.index(update)
    claims_new = replace(update, new_index=0, new_leaf_path=update.low_leaf.path)
    changed = list(minted.witnesses.public_data)
    changed[position] = claims_new
    reject(with_witnesses(minted, public_data=tuple(changed)), "an update of key .* must not claim a new leaf")


def test_the_end_state_and_counts_must_match(minted: BaseRollupInputs) -> None:
    end = minted.witnesses.end_state
    wrong_end = replace(end, note_hash=TreeSnapshot(end.note_hash.root, end.note_hash.size + 1))
    reject(with_witnesses(minted, end_state=wrong_end), "differs from the claimed end state")
    reject(with_witnesses(minted, note_hashes=minted.witnesses.note_hashes[:1]), "2 note hashes in the effect but 1")


def test_the_fee_and_the_kernel_hash_are_checked(minted: BaseRollupInputs) -> None:
    reject(
        replace(minted, constants=replace(minted.constants, base_fee_per_gas=3)),
        "is not gas used .* times the base fee",
    )
    reject(
        replace(minted, kernel=replace(minted.kernel, effect_hash=1)),
        "the kernel's effect hash does not match its effect",
    )


def test_an_index_outside_the_tree_is_rejected(minted: BaseRollupInputs) -> None:
    first, second = minted.witnesses.note_hashes
    short = replace(first, path=SiblingPath(first.path.siblings[:1]))
    assert first.index >= 2
    with pytest.raises(CircuitConstraintError, match="outside a tree of depth 1"):
        simulate_base_rollup(with_witnesses(minted, note_hashes=(short, second)))
