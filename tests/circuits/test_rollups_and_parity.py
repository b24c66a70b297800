"""Merge and root rollups, parity circuits and the block header, on hand-built children."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aztec.circuits.errors import CircuitConstraintError, CircuitInputError
from aztec.circuits.merge_rollup import MergeRollupInputs
from aztec.circuits.parity import (
    BaseParityInputs,
    ParityPublicInputs,
    RootParityInputs,
    simulate_base_parity,
    simulate_root_parity,
)
from aztec.circuits.registry import simulate_circuit
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs, RollupType
from aztec.circuits.root_rollup import RootRollupInputs, simulate_root_rollup
from aztec.foundation.fields import hash_pair
from aztec.stdlib.block.header import EMPTY_IN_HASH, BlockHeader, compute_in_hash, compute_tx_effects_hash
from aztec.stdlib.constants import L1_TO_L2_MSGS_PER_BLOCK
from aztec.stdlib.merkle import split_point, unbalanced_root
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs
from aztec.stdlib.trees import AppendWitness, SiblingPath, StateReference, TreeSnapshot
from aztec.stdlib.tx.processed_tx import TxEffect
from tests.circuits.rollup_children import CONSTANTS, base, state


def merge(left: BaseOrMergeRollupPublicInputs, right: BaseOrMergeRollupPublicInputs) -> BaseOrMergeRollupPublicInputs:
    outputs = simulate_circuit(CircuitName.MERGE_ROLLUP, MergeRollupInputs(left, right).to_bytes())
    return BaseOrMergeRollupPublicInputs.from_bytes(outputs)


def test_merge_combines_contiguous_children() -> None:
    merged = merge(base(0), base(1))
    assert merged.rollup_type is RollupType.MERGE
    assert (merged.num_txs, merged.start, merged.end) == (2, state(0), state(2))
    assert merged.tx_effects_hash == hash_pair(1000, 1001)
    assert (merged.fees, merged.gas_used) == (20, 10)


def test_merge_rejects_non_contiguous_children() -> None:
    with pytest.raises(CircuitConstraintError, match="merge-rollup: children are not contiguous") as caught:
        merge(base(0), base(2))
    assert caught.value.circuit is CircuitName.MERGE_ROLLUP


def test_merge_rejects_other_constants_and_other_tree_shapes() -> None:
    other = replace(base(1), constants=replace(CONSTANTS, timestamp=1))
    with pytest.raises(CircuitConstraintError, match="different block constants"):
        merge(base(0), other)
    with pytest.raises(CircuitConstraintError, match="children of 1 and 2 transactions do not follow the rollup tree"):
        merge(base(0), merge(base(1), base(2)))


def test_split_point_and_the_effects_hash_follow_the_rollup_tree() -> None:
    assert [split_point(n) for n in (2, 3, 4, 5, 8, 9)] == [1, 2, 2, 4, 4, 8]
    leaves = [11, 12, 13]
    assert unbalanced_root(leaves) == hash_pair(hash_pair(11, 12), 13)
    assert unbalanced_root([]) == 0
    assert unbalanced_root([11]) == 11


def effect(i: int) -> TxEffect:
    return TxEffect(i, False, 2 * i, i, (), (i + 1,), ())


def test_compute_tx_effects_hash_is_what_merges_compute() -> None:
    effects = [effect(i) for i in range(1, 4)]
    hashes = [e.hash() for e in effects]
    assert compute_tx_effects_hash(effects) == hash_pair(hash_pair(hashes[0], hashes[1]), hashes[2])


def empty_archive(depth: int = 4) -> tuple[TreeSnapshot, AppendWitness]:
    zeros = [0]
    for _ in range(depth):
        zeros.append(hash_pair(zeros[-1], zeros[-1]))
    return TreeSnapshot(zeros[depth], 0), AppendWitness(0, SiblingPath(tuple(zeros[:depth])))


def root_inputs(children: tuple[BaseOrMergeRollupPublicInputs, ...], start: StateReference) -> RootRollupInputs:
    archive, witness = empty_archive()
    return RootRollupInputs(children, ParityPublicInputs(EMPTY_IN_HASH), start, archive, witness, CONSTANTS)


def test_root_rollup_builds_the_header_and_appends_its_hash_to_the_archive() -> None:
    left = merge(base(0), base(1))
    inputs = root_inputs((left, base(2)), state(0))
    outputs = RootRollupPublicInputs.from_bytes(simulate_circuit(CircuitName.ROOT_ROLLUP, inputs.to_bytes()))
    header = outputs.header
    assert header.state == state(3)
    assert header.previous_archive_root == inputs.previous_archive.root
    assert header.tx_effects_hash == hash_pair(left.tx_effects_hash, 1002)
    assert (header.total_fees, header.total_gas_used, header.in_hash) == (30, 15, EMPTY_IN_HASH)
    assert outputs.block_hash == header.hash()
    assert outputs.end_archive == TreeSnapshot(inputs.archive_witness.path.root_for(header.hash(), 0), 1)


def test_root_rollup_of_an_empty_block_and_of_one_transaction() -> None:
    empty = simulate_root_rollup(root_inputs((), state(5)))
    assert (empty.header.state, empty.header.tx_effects_hash, empty.header.total_fees) == (state(5), 0, 0)
    single = simulate_root_rollup(root_inputs((base(5),), state(5)))
    assert (single.header.state, single.header.tx_effects_hash) == (state(6), 1005)


@pytest.mark.parametrize(
    ("inputs", "message"),
    [
        (root_inputs((base(0), base(2)), state(0)), "children are not contiguous"),
        (root_inputs((base(1),), state(0)), "the first child does not start from the block's start state"),
        (root_inputs((base(0, num_txs=2),), state(0)), "a single child must be one base rollup"),
        (
            replace(root_inputs((base(0),), state(0)), archive_witness=AppendWitness(1, empty_archive()[1].path)),
            "archive: appended at index 1, the next free is 0",
        ),
        (
            replace(root_inputs((base(0),), state(0)), previous_archive=TreeSnapshot(123, 0)),
            "archive: the path of slot 0 does not match the tree root",
        ),
        (
            replace(root_inputs((base(0),), state(0)), constants=replace(CONSTANTS, base_fee_per_gas=3)),
            "a child was proven with other block constants",
        ),
    ],
)
def test_root_rollup_rejects_bad_children_and_archive_witnesses(inputs: RootRollupInputs, message: str) -> None:
    with pytest.raises(CircuitConstraintError, match=message) as caught:
        simulate_root_rollup(inputs)
    assert caught.value.circuit is CircuitName.ROOT_ROLLUP


def test_parity_circuits_compute_the_in_hash() -> None:
    messages = tuple(range(1, 21))
    batches = BaseParityInputs.batches(messages)
    roots = [ParityPublicInputs.from_bytes(simulate_circuit(CircuitName.BASE_PARITY, b.to_bytes())) for b in batches]
    root = simulate_root_parity(RootParityInputs(tuple(roots)))
    assert root.root == compute_in_hash(messages)
    assert compute_in_hash(()) == EMPTY_IN_HASH != root.root


def test_parity_inputs_of_the_wrong_size_are_refused() -> None:
    with pytest.raises(CircuitInputError, match="base-parity: 3 messages, a batch is 16"):
        simulate_base_parity(BaseParityInputs((1, 2, 3)))
    with pytest.raises(CircuitInputError, match="root-parity: 1 base parity roots, expected 4"):
        simulate_root_parity(RootParityInputs((ParityPublicInputs(1),)))
    with pytest.raises(CircuitInputError, match=r"base-parity: malformed .*3 messages, a batch is 16"):
        simulate_circuit(CircuitName.BASE_PARITY, BaseParityInputs((1, 2, 3)).to_bytes())
    with pytest.raises(ValueError, match=f"at most {L1_TO_L2_MSGS_PER_BLOCK} fit in a block"):
        BaseParityInputs.batches(tuple(range(L1_TO_L2_MSGS_PER_BLOCK + 1)))


def test_the_header_hash_covers_every_field() -> None:
    header = BlockHeader.build(7, state(1), CONSTANTS, [effect(1), effect(2)], (5, 6))
    assert header.total_fees == 6
    assert header.total_gas_used == 3
    assert header.in_hash == compute_in_hash((5, 6))
    changed = [
        replace(header, previous_archive_root=8),
        replace(header, state=state(2)),
        replace(header, global_variables=replace(CONSTANTS, block_number=4)),
        replace(header, global_variables=replace(CONSTANTS, timestamp=4)),
        replace(header, global_variables=replace(CONSTANTS, base_fee_per_gas=4)),
        replace(header, tx_effects_hash=1),
        replace(header, total_fees=1),
        replace(header, total_gas_used=1),
        replace(header, in_hash=1),
    ]
    assert len({header.hash(), *(c.hash() for c in changed)}) == len(changed) + 1
    assert BlockHeader.from_bytes(header.to_bytes()) == header


@settings(max_examples=30, deadline=None)
@given(count=st.integers(min_value=1, max_value=40))
def test_merging_in_the_rollup_tree_shape_gives_the_effects_hash(count: int) -> None:
    """Any block size: merges over split points reproduce compute_tx_effects_hash's tree."""

    def prove(first: int, size: int) -> BaseOrMergeRollupPublicInputs:
        if size == 1:
            return base(first)
        left = split_point(size)
        return merge(prove(first, left), prove(first + left, size - left))

    proven = prove(0, count)
    assert proven.num_txs == count
    assert (proven.start, proven.end) == (state(0), state(count))
    assert proven.tx_effects_hash == unbalanced_root([1000 + i for i in range(count)])
