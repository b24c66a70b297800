"""The two kinds of world-state tree: append-only (note hashes, archive) and indexed (nullifiers, public data)."""

from __future__ import annotations

from bisect import bisect_right, insort
from typing import Any

import lmdb

from aztec.foundation.fields import Fr
from aztec.stdlib.trees import AppendWitness, IndexedInsertWitness, IndexedLeaf, LowLeafWitness, SiblingPath, TreeId
from aztec.world_state.errors import WorldStateError
from aztec.world_state.layout import INDEX, TreeDbs, decode_leaf, encode_leaf
from aztec.world_state.merkle import MerkleTree

GENESIS_LEAF = IndexedLeaf(key=0, value=0, next_index=0, next_key=0)
"""The leaf every indexed tree starts with, at index 0: the low leaf of every key below the first one."""


class AppendOnlyTree(MerkleTree):
    """Leaves are values appended in order; an index of values finds where one first went."""

    __slots__ = ("_new_values", "_values_db")

    def __init__(self, tree: TreeId, depth: int, txn: lmdb.Transaction, dbs: TreeDbs, size: int) -> None:
        super().__init__(tree, depth, txn, dbs.nodes, size)
        self._values_db = dbs.values
        self._new_values: dict[Fr, int] = {}

    def leaf(self, index: int) -> Fr | None:
        return self.node(0, index) if index < self.size else None

    def find(self, value: Fr) -> int | None:
        raw = self._txn.get(value.to_bytes(32, "big"), db=self._values_db)
        if raw is not None:
            return int(INDEX.unpack(raw)[0])
        return self._new_values.get(value)

    def append(self, leaves: list[Fr]) -> list[AppendWitness]:
        start = self.append_batch(leaves)
        new_values = self._new_values
        for offset, leaf in enumerate(leaves):
            new_values.setdefault(leaf, start + offset)
        return [
            AppendWitness(index, SiblingPath(self.append_path(index))) for index in range(start, start + len(leaves))
        ]

    def flush(self, txn: lmdb.Transaction) -> None:
        super().flush(txn)
        values = sorted((value.to_bytes(32, "big"), INDEX.pack(index)) for value, index in self._new_values.items())
        txn.cursor(db=self._values_db).putmulti(values, overwrite=False)  # keep the first occurrence


class IndexedTree(MerkleTree):
    """Leaves form a linked list sorted by key; a leaf's hash commits to its key, value and successor."""

    __slots__ = ("_cursor", "_keys_db", "_leaves", "_leaves_db", "_new_keys", "_sorted_new_keys")

    def __init__(self, tree: TreeId, depth: int, txn: lmdb.Transaction, dbs: TreeDbs, size: int) -> None:
        super().__init__(tree, depth, txn, dbs.nodes, size)
        self._leaves_db = dbs.leaves
        self._keys_db = dbs.keys
        self._cursor: Any = None
        self._leaves: dict[int, IndexedLeaf] = {}
        self._new_keys: dict[Fr, int] = {}
        self._sorted_new_keys: list[Fr] = []

    def initialise(self) -> None:
        """Put :data:`GENESIS_LEAF` at index 0 of an empty tree."""
        self.grow(1)
        self._store(0, GENESIS_LEAF)
        self._add_key(0, 0)

    def leaf(self, index: int) -> Fr | None:
        """The hash of the leaf at ``index``."""
        return self.node(0, index) if index < self.size else None

    def indexed_leaf(self, index: int) -> IndexedLeaf | None:
        if index >= self.size:
            return None
        leaf = self._leaves.get(index)
        if leaf is not None:
            return leaf
        raw = self._txn.get(INDEX.pack(index), db=self._leaves_db)
        if raw is None:
            raise WorldStateError(f"{self.tree.value} tree: leaf {index} is below the size but missing")
        return decode_leaf(bytes(raw))

    def find(self, key: Fr) -> int | None:
        index = self._new_keys.get(key)
        if index is not None:
            return index
        raw = self._txn.get(key.to_bytes(32, "big"), db=self._keys_db)
        return None if raw is None else int(INDEX.unpack(raw)[0])

    def low_leaf(self, key: Fr) -> tuple[int, IndexedLeaf]:
        """The index and leaf with the largest key <= ``key``."""
        best_key, best_index = -1, -1
        if self._cursor is None:
            self._cursor = self._txn.cursor(db=self._keys_db)
        cursor, wanted = self._cursor, key.to_bytes(32, "big")
        found = cursor.set_range(wanted)
        if (found and (cursor.key() == wanted or cursor.prev())) or (not found and cursor.last()):
            best_key, best_index = int.from_bytes(cursor.key(), "big"), int(INDEX.unpack(cursor.value())[0])
        position = bisect_right(self._sorted_new_keys, key)
        if position and self._sorted_new_keys[position - 1] > best_key:
            best_key = self._sorted_new_keys[position - 1]
            best_index = self._new_keys[best_key]
        leaf = self.indexed_leaf(best_index) if best_index >= 0 else None
        if leaf is None:
            raise WorldStateError(f"{self.tree.value} tree has no low leaf for key {key:#x} (no genesis leaf?)")
        return best_index, leaf

    def low_leaf_witness(self, key: Fr) -> LowLeafWitness:
        index, leaf = self.low_leaf(key)
        return LowLeafWitness(leaf=leaf, index=index, path=SiblingPath(self.sibling_path(index)))

    def insert(self, key: Fr, value: Fr) -> IndexedInsertWitness:
        """Add ``key`` (not in the tree): point its low leaf at it, then append its leaf."""
        low_index, low = self.low_leaf(key)
        low_path = self.sibling_path(low_index)
        new_index = self.size
        self._store(low_index, IndexedLeaf(low.key, low.value, new_index, key))
        new_path = self.sibling_path(new_index)
        self.grow(1)
        self._store(new_index, IndexedLeaf(key, value, low.next_index, low.next_key))
        self._add_key(key, new_index)
        return IndexedInsertWitness(
            key=key,
            value=value,
            low_leaf=LowLeafWitness(leaf=low, index=low_index, path=SiblingPath(low_path)),
            new_index=new_index,
            new_leaf_path=SiblingPath(new_path),
        )

    def update(self, index: int, value: Fr) -> IndexedInsertWitness:
        """Set the value of the existing leaf at ``index`` in place."""
        leaf = self.indexed_leaf(index)
        if leaf is None:
            raise WorldStateError(f"{self.tree.value} tree: no leaf at index {index} to update")
        path = self.sibling_path(index)
        self._store(index, IndexedLeaf(leaf.key, value, leaf.next_index, leaf.next_key))
        return IndexedInsertWitness(
            key=leaf.key,
            value=value,
            low_leaf=LowLeafWitness(leaf=leaf, index=index, path=SiblingPath(path)),
            new_index=None,
            new_leaf_path=None,
        )

    def _store(self, index: int, leaf: IndexedLeaf) -> None:
        self._leaves[index] = leaf
        self.set_leaf(index, leaf.hash())

    def _add_key(self, key: Fr, index: int) -> None:
        self._new_keys[key] = index
        insort(self._sorted_new_keys, key)

    def flush(self, txn: lmdb.Transaction) -> None:
        super().flush(txn)
        leaves = sorted((INDEX.pack(index), encode_leaf(leaf)) for index, leaf in self._leaves.items())
        txn.cursor(db=self._leaves_db).putmulti(leaves)
        keys = sorted((key.to_bytes(32, "big"), INDEX.pack(index)) for key, index in self._new_keys.items())
        txn.cursor(db=self._keys_db).putmulti(keys)
