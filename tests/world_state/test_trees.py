"""Roots, sibling paths and insertion witnesses against the independent full-tree reference."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aztec.stdlib.interfaces.world_state import WorldStateView
from aztec.stdlib.trees import IndexedInsertWitness, TreeId, TreeSnapshot
from aztec.world_state import Fork, TreeDepths
from tests.world_state.reference import ReferenceAppendTree, ReferenceIndexedTree, sha
from tests.world_state.support import opened


def leaf_hash(key: int, value: int, next_index: int, next_key: int) -> int:
    return sha(key, value, next_index, next_key)


def check_indexed_insert(witness: IndexedInsertWitness, root_before: int, root_after: int) -> None:
    """The witness proves the low leaf against the root before and rebuilds the root after."""
    low = witness.low_leaf
    before = (low.leaf.key, low.leaf.value, low.leaf.next_index, low.leaf.next_key)
    assert low.path.root_for(leaf_hash(*before), low.index) == root_before
    if witness.new_index is None:
        assert low.leaf.key == witness.key
        updated = leaf_hash(witness.key, witness.value, low.leaf.next_index, low.leaf.next_key)
        assert low.path.root_for(updated, low.index) == root_after
        return
    assert low.leaf.key < witness.key
    assert low.leaf.next_key > witness.key or (low.leaf.next_key, low.leaf.next_index) == (0, 0)
    assert witness.new_leaf_path is not None
    updated_low = leaf_hash(low.leaf.key, low.leaf.value, witness.new_index, witness.key)
    intermediate = low.path.root_for(updated_low, low.index)
    assert witness.new_leaf_path.root_for(0, witness.new_index) == intermediate
    new_leaf = leaf_hash(witness.key, witness.value, low.leaf.next_index, low.leaf.next_key)
    assert witness.new_leaf_path.root_for(new_leaf, witness.new_index) == root_after


def assert_matches(
    view: WorldStateView,
    notes: ReferenceAppendTree,
    nullifiers: ReferenceIndexedTree,
    public: ReferenceIndexedTree,
    archive: ReferenceAppendTree,
) -> None:
    expected = {
        TreeId.NOTE_HASH: (notes.tree(), len(notes.values)),
        TreeId.NULLIFIER: (nullifiers.tree(), len(nullifiers.leaves)),
        TreeId.PUBLIC_DATA: (public.tree(), len(public.leaves)),
        TreeId.ARCHIVE: (archive.tree(), len(archive.values)),
    }
    for tree, (full, size) in expected.items():
        snapshot = view.get_snapshot(tree)
        assert (snapshot.root, snapshot.size) == (full.root(), size), tree
        for index in (0, size - 1, size, (1 << full.depth) - 1):
            if index >= 0:
                assert view.get_sibling_path(tree, index).siblings == full.path(index), (tree, index)


def test_genesis_matches_reference(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        assert_matches(
            world_state.committed,
            ReferenceAppendTree(5),
            ReferenceIndexedTree(5),
            ReferenceIndexedTree(5),
            ReferenceAppendTree(4),
        )
        assert world_state.committed.get_leaf(TreeId.NULLIFIER, 0) == leaf_hash(0, 0, 0, 0)
        assert world_state.committed.get_leaf(TreeId.NULLIFIER, 1) is None
        assert world_state.committed_block_number == 0


def test_append_witnesses_prove_empty_slots(tmp_path: Path) -> None:
    reference = ReferenceAppendTree(5)
    with opened(tmp_path) as world_state, world_state.fork() as fork:
        for batch in ([11, 12, 13], [14], list(range(100, 110))):
            witnesses = fork.append_leaves(TreeId.NOTE_HASH, batch)
            for leaf, witness in zip(batch, witnesses, strict=True):
                full = reference.tree()
                assert witness.index == len(reference.values)
                assert witness.path.siblings == full.path(witness.index)
                assert witness.path.root_for(0, witness.index) == full.root()
                reference.append(leaf)
                assert witness.path.root_for(leaf, witness.index) == reference.tree().root()
            assert fork.get_snapshot(TreeId.NOTE_HASH).root == reference.tree().root()
        assert fork.find_leaf_index(TreeId.NOTE_HASH, 14) == 3
        assert fork.find_leaf_index(TreeId.NOTE_HASH, 15) is None
        assert fork.get_leaf(TreeId.NOTE_HASH, 4) == 100
        assert fork.get_leaf(TreeId.NOTE_HASH, 14) is None


def test_nullifier_witnesses_prove_each_step(tmp_path: Path) -> None:
    reference = ReferenceIndexedTree(5)
    with opened(tmp_path) as world_state, world_state.fork() as fork:
        for batch in ([50, 20, 80], [10], [60, 90, 30, 70]):
            root = fork.get_snapshot(TreeId.NULLIFIER).root
            witnesses = fork.insert_nullifiers(batch)
            for key, witness in zip(batch, witnesses, strict=True):
                assert witness.low_leaf.index == reference.low_index(key)
                reference.insert(key, 0)
                after = reference.tree().root()
                check_indexed_insert(witness, root, after)
                root = after
            assert fork.get_snapshot(TreeId.NULLIFIER).root == root
        for index, leaf in enumerate(reference.leaves):
            stored = fork.get_indexed_leaf(TreeId.NULLIFIER, index)
            assert stored is not None
            assert (stored.key, stored.value, stored.next_index, stored.next_key) == leaf
        assert fork.find_leaf_index(TreeId.NULLIFIER, 60) == 5
        assert fork.has_nullifier(60)
        assert not fork.has_nullifier(61)


def test_public_writes_insert_then_update_in_place(tmp_path: Path) -> None:
    reference = ReferenceIndexedTree(5)
    with opened(tmp_path) as world_state, world_state.fork() as fork:
        writes = [(7, 1), (3, 2), (7, 5), (0, 9), (12, 4), (3, 3)]
        root = fork.get_snapshot(TreeId.PUBLIC_DATA).root
        witnesses = fork.write_public(writes)
        for (slot, value), witness in zip(writes, witnesses, strict=True):
            is_update = reference.index_of(slot) is not None
            assert (witness.new_index is None) == is_update
            reference.write(slot, value)
            after = reference.tree().root()
            check_indexed_insert(witness, root, after)
            root = after
        expected = TreeSnapshot(root=reference.tree().root(), size=len(reference.leaves))
        assert fork.get_snapshot(TreeId.PUBLIC_DATA) == expected
        assert [fork.read_public(slot) for slot in (7, 3, 0, 12, 99)] == [5, 3, 9, 4, 0]


def test_low_leaf_proves_membership_and_non_membership(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        with world_state.fork() as fork:
            fork.insert_nullifiers([40, 10, 30])
            fork.commit(1)
        with world_state.fork() as fork:
            fork.insert_nullifiers([20, 50])
            for view in (world_state.committed, fork):
                root = view.get_snapshot(TreeId.NULLIFIER).root
                for key in range(0, 60, 3):
                    witness = view.get_low_leaf(TreeId.NULLIFIER, key)
                    leaf = witness.leaf
                    assert (
                        witness.path.root_for(
                            leaf_hash(leaf.key, leaf.value, leaf.next_index, leaf.next_key), witness.index
                        )
                        == root
                    )
                    assert leaf.key <= key
                    assert leaf.next_key > key or leaf.next_key == 0
                    assert (leaf.key == key) == view.has_nullifier(key)
            assert fork.get_low_leaf(TreeId.NULLIFIER, 25).leaf.key == 20
            assert world_state.committed.get_low_leaf(TreeId.NULLIFIER, 25).leaf.key == 10


def test_default_depths_witnesses_are_consistent(tmp_path: Path) -> None:
    with opened(tmp_path, depths=None) as world_state, world_state.fork() as fork:
        assert world_state.depths == TreeDepths()
        assert len(fork.get_sibling_path(TreeId.NOTE_HASH, 0).siblings) == 40
        assert len(fork.get_sibling_path(TreeId.ARCHIVE, 0).siblings) == 30
        root = fork.get_snapshot(TreeId.NULLIFIER).root
        for witness in fork.insert_nullifiers([(i * 7919) % 1000 + 1 for i in range(64)]):
            low = witness.low_leaf
            assert witness.new_index is not None
            after = (
                witness.new_leaf_path.root_for(
                    leaf_hash(witness.key, 0, low.leaf.next_index, low.leaf.next_key), witness.new_index
                )
                if witness.new_leaf_path
                else 0
            )
            check_indexed_insert(witness, root, after)
            root = after
        assert root == fork.get_snapshot(TreeId.NULLIFIER).root
        appended = fork.append_leaves(TreeId.NOTE_HASH, list(range(1, 300)))
        final = fork.get_snapshot(TreeId.NOTE_HASH).root
        last = appended[-1]
        assert last.path.root_for(299, last.index) == final


# --- random sequences against the reference ---------------------------------------------------------

keys = st.integers(min_value=0, max_value=40)
operations = st.lists(
    st.one_of(
        st.tuples(st.just("nullifiers"), st.lists(keys, max_size=4)),
        st.tuples(st.just("notes"), st.lists(keys, max_size=4)),
        st.tuples(st.just("public"), st.lists(st.tuples(keys, keys), max_size=4)),
        st.tuples(st.just("commit"), st.none()),
        st.tuples(st.just("rollback"), st.none()),
    ),
    max_size=12,
)


class Model:
    """The reference trees, for the committed state and for the current fork."""

    def __init__(self) -> None:
        self.committed = self.fresh()
        self.forked = self.fresh()

    @staticmethod
    def fresh() -> tuple[ReferenceAppendTree, ReferenceIndexedTree, ReferenceIndexedTree, ReferenceAppendTree]:
        return ReferenceAppendTree(5), ReferenceIndexedTree(5), ReferenceIndexedTree(5), ReferenceAppendTree(4)


def copy(
    state: tuple[ReferenceAppendTree, ReferenceIndexedTree, ReferenceIndexedTree, ReferenceAppendTree],
) -> tuple[ReferenceAppendTree, ReferenceIndexedTree, ReferenceIndexedTree, ReferenceAppendTree]:
    notes, nullifiers, public, archive = state
    return (
        ReferenceAppendTree(5, list(notes.values)),
        ReferenceIndexedTree(5, list(nullifiers.leaves)),
        ReferenceIndexedTree(5, list(public.leaves)),
        ReferenceAppendTree(4, list(archive.values)),
    )


def apply_nullifiers(fork: Fork, nullifiers: ReferenceIndexedTree, batch: list[int]) -> None:
    duplicate = len(set(batch)) < len(batch) or any(nullifiers.index_of(k) is not None for k in batch)
    full = len(nullifiers.leaves) + len(batch) > 32
    root = fork.get_snapshot(TreeId.NULLIFIER).root
    try:
        witnesses = fork.insert_nullifiers(batch)
    except ValueError:
        assert duplicate or full
        assert fork.get_snapshot(TreeId.NULLIFIER).root == root
        return
    assert not duplicate and not full
    for key, witness in zip(batch, witnesses, strict=True):
        nullifiers.insert(key, 0)
        check_indexed_insert(witness, root, root := nullifiers.tree().root())


def apply_notes(fork: Fork, notes: ReferenceAppendTree, batch: list[int]) -> None:
    if len(notes.values) + len(batch) > 32:
        return
    for leaf, appended in zip(batch, fork.append_leaves(TreeId.NOTE_HASH, batch), strict=True):
        assert appended.path.root_for(0, appended.index) == notes.tree().root()
        notes.append(leaf)


def apply_public(fork: Fork, public: ReferenceIndexedTree, writes: list[tuple[int, int]]) -> None:
    new = {slot for slot, _ in writes if public.index_of(slot) is None}
    if len(public.leaves) + len(new) > 32:
        return
    root = fork.get_snapshot(TreeId.PUBLIC_DATA).root
    for (slot, value), witness in zip(writes, fork.write_public(writes), strict=True):
        public.write(slot, value)
        check_indexed_insert(witness, root, root := public.tree().root())
    assert all(fork.read_public(slot) == public.value(slot) for slot, _ in writes)


def apply(fork: Fork, model: Model, kind: str, payload: Any) -> None:
    notes, nullifiers, public, _ = model.forked
    if kind == "nullifiers":
        apply_nullifiers(fork, nullifiers, payload)
    elif kind == "notes":
        apply_notes(fork, notes, payload)
    elif kind == "public":
        apply_public(fork, public, payload)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_random_sequences_match_reference(ops: list[tuple[str, Any]]) -> None:
    model = Model()
    with tempfile.TemporaryDirectory() as directory, opened(Path(directory)) as world_state:
        fork = world_state.fork()
        block = 0
        for kind, payload in ops:
            if kind == "commit":
                block += 1
                model.forked[3].append(block)
                fork.append_leaves(TreeId.ARCHIVE, [block])
                fork.commit(block)
                model.committed = copy(model.forked)
                fork = world_state.fork()
            elif kind == "rollback":
                fork.rollback()
                model.forked = copy(model.committed)
                fork = world_state.fork()
            else:
                apply(fork, model, kind, payload)
            assert_matches(fork, *model.forked)
            assert_matches(world_state.committed, *model.committed)
        fork.rollback()
