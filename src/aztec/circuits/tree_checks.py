"""Verification of tree insertion witnesses against evolving snapshots (the base rollup's core).

Each function checks one witness against the tree's current snapshot and returns the snapshot after
the insertion, or raises :class:`CircuitConstraintError` saying which check failed.
"""

from __future__ import annotations

from aztec.circuits.errors import CircuitConstraintError
from aztec.foundation.fields import Fr, compute_root
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.trees import AppendWitness, IndexedInsertWitness, IndexedLeaf, SiblingPath, TreeSnapshot


def _check_index(circuit: CircuitName, what: str, index: int, path: SiblingPath) -> None:
    if index >= 1 << len(path.siblings):
        raise CircuitConstraintError(circuit, f"{what}: index {index} is outside a tree of depth {len(path.siblings)}")


def verify_append(
    circuit: CircuitName, what: str, snapshot: TreeSnapshot, leaf: Fr, witness: AppendWitness
) -> TreeSnapshot:
    """Append ``leaf`` at the next free index: the slot must be empty under the current root."""
    if witness.index != snapshot.size:
        raise CircuitConstraintError(
            circuit, f"{what}: appended at index {witness.index}, the next free is {snapshot.size}"
        )
    _check_index(circuit, what, witness.index, witness.path)
    if witness.path.root_for(0, witness.index) != snapshot.root:
        raise CircuitConstraintError(circuit, f"{what}: the path of slot {witness.index} does not match the tree root")
    return TreeSnapshot(root=witness.path.root_for(leaf, witness.index), size=snapshot.size + 1)


def _is_last(leaf: IndexedLeaf) -> bool:
    return leaf.next_key == 0 and leaf.next_index == 0


def verify_indexed_insert(
    circuit: CircuitName,
    what: str,
    snapshot: TreeSnapshot,
    key: Fr,
    witness: IndexedInsertWitness,
    *,
    allow_update: bool,
) -> TreeSnapshot:
    """Insert (or, if ``allow_update``, update) ``key`` in an indexed tree, checking the low-leaf witness.

    The low leaf must be in the tree; for a new key it must be the key's predecessor in the sorted linked
    list (proving non-membership), its pointer moves to the new leaf, and the new leaf goes into the
    next free slot, which must be empty once the low leaf is updated.
    """
    if witness.key != key:
        raise CircuitConstraintError(circuit, f"{what}: witness is for key {witness.key:#x}, expected {key:#x}")
    low = witness.low_leaf
    _check_index(circuit, f"{what} low leaf", low.index, low.path)
    if low.index >= snapshot.size or low.path.root_for(low.leaf.hash(), low.index) != snapshot.root:
        raise CircuitConstraintError(circuit, f"{what}: low leaf at index {low.index} is not in the tree")

    if low.leaf.key == key:
        if not allow_update:
            raise CircuitConstraintError(circuit, f"{what}: key {key:#x} is already in the tree")
        if witness.new_index is not None or witness.new_leaf_path is not None:
            raise CircuitConstraintError(circuit, f"{what}: an update of key {key:#x} must not claim a new leaf")
        updated = IndexedLeaf(key, witness.value, low.leaf.next_index, low.leaf.next_key)
        return TreeSnapshot(root=low.path.root_for(updated.hash(), low.index), size=snapshot.size)

    if low.leaf.key > key:
        raise CircuitConstraintError(circuit, f"{what}: low leaf key {low.leaf.key:#x} is above key {key:#x}")
    if not _is_last(low.leaf) and low.leaf.next_key <= key:
        raise CircuitConstraintError(
            circuit,
            f"{what}: key {key:#x} is not between the low leaf {low.leaf.key:#x} "
            f"and its next key {low.leaf.next_key:#x}",
        )
    if witness.new_index is None or witness.new_leaf_path is None:
        raise CircuitConstraintError(circuit, f"{what}: a new key {key:#x} needs a new leaf index and path")
    new_index, new_path = witness.new_index, witness.new_leaf_path
    if new_index != snapshot.size:
        raise CircuitConstraintError(
            circuit, f"{what}: new leaf at index {new_index}, the next free is {snapshot.size}"
        )
    _check_index(circuit, f"{what} new leaf", new_index, new_path)
    updated_low = IndexedLeaf(low.leaf.key, low.leaf.value, new_index, key)
    intermediate = low.path.root_for(updated_low.hash(), low.index)
    if new_path.root_for(0, new_index) != intermediate:
        raise CircuitConstraintError(circuit, f"{what}: the path of new slot {new_index} does not match the tree root")
    new_leaf = IndexedLeaf(key, witness.value, low.leaf.next_index, low.leaf.next_key)
    return TreeSnapshot(root=compute_root(new_leaf.hash(), new_index, new_path.siblings), size=snapshot.size + 1)
