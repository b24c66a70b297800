"""A sparse Merkle tree read through an in-memory overlay of uncommitted nodes over an LMDB transaction."""

from __future__ import annotations

from typing import Any

import lmdb

from aztec.foundation.fields import Fr, hash_pair
from aztec.stdlib.trees import TreeId, TreeSnapshot
from aztec.world_state.depths import ZERO_HASHES
from aztec.world_state.errors import TreeFullError
from aztec.world_state.layout import NODE_KEY


class MerkleTree:
    """Nodes come from the overlay, else LMDB, else the empty subtree's hash.

    Writes only touch the overlay; :meth:`flush` copies it into a write transaction. Every node whose
    subtree starts at or past ``size`` is empty, which spares a lookup for the right side of the tree.
    Hashing is lazy: writing a leaf marks its ancestors dirty (a dirty node's ancestors are all dirty),
    and a dirty node is rehashed from its children when read, so nodes that several writes touch in a
    row (the top of the tree) are hashed once when the root or a path through them is asked for.
    """

    __slots__ = ("_depth", "_dirty", "_levels", "_nodes_db", "_size", "_txn", "tree")

    def __init__(self, tree: TreeId, depth: int, txn: lmdb.Transaction, nodes_db: Any, size: int) -> None:
        self.tree = tree
        self._depth = depth
        self._txn = txn
        self._nodes_db = nodes_db
        self._size = size
        self._levels: list[dict[int, Fr]] = [{} for _ in range(depth + 1)]
        self._dirty: list[set[int]] = [set() for _ in range(depth + 1)]

    @property
    def depth(self) -> int:
        return self._depth

    @property
    def size(self) -> int:
        return self._size

    @property
    def capacity(self) -> int:
        return 1 << self._depth

    def node(self, level: int, index: int) -> Fr:
        if index << level >= self._size:
            return ZERO_HASHES[level]
        if index in self._dirty[level]:
            return self._rehash(level, index)
        value = self._levels[level].get(index)
        if value is not None:
            return value
        raw = self._txn.get(NODE_KEY.pack(level, index), db=self._nodes_db)
        return ZERO_HASHES[level] if raw is None else int.from_bytes(raw, "big")

    def root(self) -> Fr:
        return self.node(self._depth, 0)

    def snapshot(self) -> TreeSnapshot:
        return TreeSnapshot(root=self.root(), size=self._size)

    def sibling_path(self, index: int) -> tuple[Fr, ...]:
        node, size, path = self.node, self._size, []
        for level in range(self._depth):
            sibling = (index >> level) ^ 1
            path.append(ZERO_HASHES[level] if sibling << level >= size else node(level, sibling))
        return tuple(path)

    def require_room(self, count: int) -> None:
        if self._size + count > self.capacity:
            raise TreeFullError(
                f"the {self.tree.value} tree is full: {count} more leaves would exceed its capacity of "
                f"2**{self._depth} (size {self._size}); nothing was changed"
            )

    def _rehash(self, level: int, index: int) -> Fr:
        value = hash_pair(self.node(level - 1, 2 * index), self.node(level - 1, 2 * index + 1))
        self._levels[level][index] = value
        self._dirty[level].discard(index)
        return value

    def set_leaf(self, index: int, leaf: Fr) -> None:
        """Write ``leaf`` at ``index`` (below ``size``) and mark its ancestors for rehashing."""
        self._levels[0][index] = leaf
        for dirty in self._dirty[1:]:
            index >>= 1
            if index in dirty:
                break  # and so are all its ancestors
            dirty.add(index)

    def grow(self, count: int) -> None:
        self._size += count

    def append_batch(self, leaves: list[Fr]) -> int:
        """Append ``leaves``; returns the index of the first."""
        start = self._size
        self.require_room(len(leaves))
        self._size += len(leaves)
        for offset, leaf in enumerate(leaves):
            self.set_leaf(start + offset, leaf)
        return start

    def append_path(self, index: int) -> tuple[Fr, ...]:
        """The path of slot ``index`` as it was just before that slot was appended to.

        Valid after :meth:`append_batch` for any index of the batch: a left sibling covers only earlier
        leaves, final since, and a right sibling covers only later ones, empty at the time.
        """
        node = self.node
        path = []
        for level in range(self._depth):
            position = index >> level
            path.append(node(level, position - 1) if position & 1 else ZERO_HASHES[level])
        return tuple(path)

    def flush(self, txn: lmdb.Transaction) -> None:
        """Write the overlay's nodes into ``txn`` (a write transaction), dropping empty ones."""
        self.root()  # rehash every dirty node
        puts: list[tuple[bytes, bytes]] = []
        for level, nodes in enumerate(self._levels):
            zero = ZERO_HASHES[level]
            for index, value in nodes.items():
                key = NODE_KEY.pack(level, index)
                if value == zero:
                    txn.delete(key, db=self._nodes_db)
                else:
                    puts.append((key, value.to_bytes(32, "big")))
        puts.sort()
        txn.cursor(db=self._nodes_db).putmulti(puts)
