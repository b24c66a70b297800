"""A sparse Merkle tree read through an in-memory overlay of uncommitted nodes over an LMDB transaction."""

from __future__ import annotations

from typing import Any

import lmdb

from aztec.foundation.fields import Fr, hash_pair
from aztec.world_state.api import TreeId, TreeSnapshot
from aztec.world_state.depths import ZERO_HASHES
from aztec.world_state.errors import TreeFullError
from aztec.world_state.layout import NODE_KEY


class MerkleTree:
    """Nodes come from the overlay, else LMDB, else the empty subtree's hash.

    Writes only touch the overlay; :meth:`flush` copies it into a write transaction. Every node whose
    subtree starts at or past ``size`` is empty, which spares a lookup for the right side of the tree.
    """

    __slots__ = ("_depth", "_levels", "_nodes_db", "_size", "_txn", "tree")

    def __init__(self, tree: TreeId, depth: int, txn: lmdb.Transaction, nodes_db: Any, size: int) -> None:
        self.tree = tree
        self._depth = depth
        self._txn = txn
        self._nodes_db = nodes_db
        self._size = size
        self._levels: list[dict[int, Fr]] = [{} for _ in range(depth + 1)]

    @property
    def depth(self) -> int:
        return self._depth

    @property
    def size(self) -> int:
        return self._size

    @property
    def capacity(self) -> int:
        return 1 << self._depth

    @property
    def dirty(self) -> bool:
        return any(self._levels)

    def node(self, level: int, index: int) -> Fr:
        if index << level >= self._size:
            return ZERO_HASHES[level]
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
        node = self.node
        return tuple(node(level, (index >> level) ^ 1) for level in range(self._depth))

    def require_room(self, count: int) -> None:
        if self._size + count > self.capacity:
            raise TreeFullError(
                f"the {self.tree.value} tree is full: {count} more leaves would exceed its capacity of "
                f"2**{self._depth} (size {self._size}); nothing was changed"
            )

    def set_leaf(self, index: int, leaf: Fr, siblings: tuple[Fr, ...]) -> None:
        """Write ``leaf`` at ``index`` (below ``size``) and rehash its path, given its current siblings."""
        levels = self._levels
        levels[0][index] = leaf
        node = leaf
        for level, sibling in enumerate(siblings, start=1):
            node = hash_pair(sibling, node) if index & 1 else hash_pair(node, sibling)
            index >>= 1
            levels[level][index] = node

    def grow(self, count: int) -> None:
        self._size += count

    def append_batch(self, leaves: list[Fr]) -> int:
        """Append ``leaves`` and rehash each touched node once; returns the index of the first."""
        start = self._size
        self.require_room(len(leaves))
        if not leaves:
            return start
        level0 = self._levels[0]
        for offset, leaf in enumerate(leaves):
            level0[start + offset] = leaf
        self._size += len(leaves)
        low, high = start, start + len(leaves) - 1
        node, levels = self.node, self._levels
        for level in range(self._depth):
            low, high = low >> 1, high >> 1
            parents = levels[level + 1]
            for parent in range(low, high + 1):
                parents[parent] = hash_pair(node(level, 2 * parent), node(level, 2 * parent + 1))
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
