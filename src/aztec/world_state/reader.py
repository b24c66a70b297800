"""Read access to the four trees of one state (committed or forked): the :class:`WorldStateView` queries."""

from __future__ import annotations

import lmdb

from aztec.foundation.fields import Fr
from aztec.stdlib.trees import IndexedLeaf, LowLeafWitness, SiblingPath, StateReference, TreeId, TreeSnapshot
from aztec.world_state.depths import TreeDepths
from aztec.world_state.errors import WrongTreeError
from aztec.world_state.layout import Databases
from aztec.world_state.trees import AppendOnlyTree, IndexedTree
from aztec.world_state.validation import require_field, require_index


class StateReader:
    """The four trees over one LMDB read transaction, each with its overlay of uncommitted changes."""

    __slots__ = ("append_only", "indexed")

    def __init__(self, txn: lmdb.Transaction, dbs: Databases, depths: TreeDepths, sizes: dict[TreeId, int]) -> None:
        self.append_only: dict[TreeId, AppendOnlyTree] = {
            tree: AppendOnlyTree(tree, depths.of(tree), txn, dbs.trees[tree], sizes[tree])
            for tree in (TreeId.NOTE_HASH, TreeId.ARCHIVE)
        }
        self.indexed: dict[TreeId, IndexedTree] = {
            tree: IndexedTree(tree, depths.of(tree), txn, dbs.trees[tree], sizes[tree])
            for tree in (TreeId.NULLIFIER, TreeId.PUBLIC_DATA)
        }

    def tree(self, tree: TreeId) -> AppendOnlyTree | IndexedTree:
        if tree in self.append_only:
            return self.append_only[tree]
        return self.indexed[tree]

    def indexed_tree(self, tree: TreeId) -> IndexedTree:
        if tree not in self.indexed:
            raise WrongTreeError(f"the {tree.value} tree is append-only, not indexed (use NULLIFIER or PUBLIC_DATA)")
        return self.indexed[tree]

    def append_only_tree(self, tree: TreeId) -> AppendOnlyTree:
        if tree not in self.append_only:
            raise WrongTreeError(f"the {tree.value} tree is indexed, not append-only (use NOTE_HASH or ARCHIVE)")
        return self.append_only[tree]

    def sizes(self) -> dict[TreeId, int]:
        return {tree: self.tree(tree).size for tree in TreeId}

    def get_snapshot(self, tree: TreeId) -> TreeSnapshot:
        return self.tree(tree).snapshot()

    def get_state_reference(self) -> StateReference:
        return StateReference(
            note_hash=self.get_snapshot(TreeId.NOTE_HASH),
            nullifier=self.get_snapshot(TreeId.NULLIFIER),
            public_data=self.get_snapshot(TreeId.PUBLIC_DATA),
        )

    def get_sibling_path(self, tree: TreeId, index: int) -> SiblingPath:
        merkle = self.tree(tree)
        return SiblingPath(merkle.sibling_path(require_index(tree, index, merkle.depth)))

    def get_leaf(self, tree: TreeId, index: int) -> Fr | None:
        merkle = self.tree(tree)
        return merkle.leaf(require_index(tree, index, merkle.depth))

    def get_indexed_leaf(self, tree: TreeId, index: int) -> IndexedLeaf | None:
        indexed = self.indexed_tree(tree)
        return indexed.indexed_leaf(require_index(tree, index, indexed.depth))

    def find_leaf_index(self, tree: TreeId, leaf: Fr) -> int | None:
        what = "key" if tree in self.indexed else "leaf"
        return self.tree(tree).find(require_field(leaf, f"{tree.value} {what}"))

    def get_low_leaf(self, tree: TreeId, key: Fr) -> LowLeafWitness:
        indexed = self.indexed_tree(tree)
        return indexed.low_leaf_witness(require_field(key, f"{tree.value} key"))

    def has_nullifier(self, nullifier: Fr) -> bool:
        return self.indexed[TreeId.NULLIFIER].find(require_field(nullifier, "nullifier")) is not None

    def read_public(self, slot: Fr) -> Fr:
        public = self.indexed[TreeId.PUBLIC_DATA]
        index = public.find(require_field(slot, "public data slot"))
        leaf = None if index is None else public.indexed_leaf(index)
        return 0 if leaf is None else leaf.value
