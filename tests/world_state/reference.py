"""An independent reference for the trees: full Merkle trees in plain Python, for small depths only."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

MODULUS = 0x30644E72E131A029B85045B68181585D2833E84879B9709143E1F593F0000001


def sha(*values: int) -> int:
    data = b"".join(v.to_bytes(32, "big") for v in values)
    return int.from_bytes(hashlib.sha256(data).digest(), "big") % MODULUS


class FullTree:
    """Every leaf of a tree of ``depth`` in a list; roots and paths recomputed from scratch."""

    def __init__(self, depth: int) -> None:
        self.depth = depth
        self.leaves = [0] * (1 << depth)

    def levels(self) -> list[list[int]]:
        levels = [list(self.leaves)]
        while len(levels[-1]) > 1:
            below = levels[-1]
            levels.append([sha(below[i], below[i + 1]) for i in range(0, len(below), 2)])
        return levels

    def root(self) -> int:
        return self.levels()[-1][0]

    def path(self, index: int) -> tuple[int, ...]:
        levels = self.levels()
        return tuple(levels[level][(index >> level) ^ 1] for level in range(self.depth))


@dataclass
class ReferenceAppendTree:
    depth: int
    values: list[int] = field(default_factory=list)

    def append(self, value: int) -> None:
        self.values.append(value)

    def tree(self) -> FullTree:
        tree = FullTree(self.depth)
        tree.leaves[: len(self.values)] = self.values
        return tree


@dataclass
class ReferenceIndexedTree:
    """Leaves as (key, value, next_index, next_key), starting with the zero leaf."""

    depth: int
    leaves: list[tuple[int, int, int, int]] = field(default_factory=lambda: [(0, 0, 0, 0)])

    def low_index(self, key: int) -> int:
        return max((i for i, leaf in enumerate(self.leaves) if leaf[0] <= key), key=lambda i: self.leaves[i][0])

    def index_of(self, key: int) -> int | None:
        return next((i for i, leaf in enumerate(self.leaves) if leaf[0] == key), None)

    def insert(self, key: int, value: int) -> None:
        low = self.low_index(key)
        low_key, low_value, next_index, next_key = self.leaves[low]
        assert low_key != key
        new_index = len(self.leaves)
        self.leaves[low] = (low_key, low_value, new_index, key)
        self.leaves.append((key, value, next_index, next_key))

    def write(self, key: int, value: int) -> None:
        index = self.index_of(key)
        if index is None:
            self.insert(key, value)
        else:
            old = self.leaves[index]
            self.leaves[index] = (key, value, old[2], old[3])

    def value(self, key: int) -> int:
        index = self.index_of(key)
        return 0 if index is None else self.leaves[index][1]

    def tree(self) -> FullTree:
        tree = FullTree(self.depth)
        for i, leaf in enumerate(self.leaves):
            tree.leaves[i] = sha(*leaf)
        return tree
