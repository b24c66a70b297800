"""Tree depths of a world state, and the zero hashes of empty subtrees."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from aztec.foundation.fields import Fr, hash_pair
from aztec.stdlib.trees import TreeId

MAX_DEPTH: Final = 64
"""Leaf indexes are stored as 8-byte integers, so a tree holds at most 2**64 leaves."""


def _zero_hashes(depth: int) -> tuple[Fr, ...]:
    hashes = [0]
    for _ in range(depth):
        hashes.append(hash_pair(hashes[-1], hashes[-1]))
    return tuple(hashes)


ZERO_HASHES: Final = _zero_hashes(MAX_DEPTH)
"""``ZERO_HASHES[level]`` is the root of an empty subtree of height ``level`` (an empty leaf is 0)."""


@dataclass(frozen=True, slots=True)
class TreeDepths:
    """How many levels each tree has (a tree of depth d holds 2**d leaves)."""

    note_hash: int = 40
    nullifier: int = 40
    public_data: int = 40
    archive: int = 30

    def __post_init__(self) -> None:
        for tree in TreeId:
            depth = self.of(tree)
            if not isinstance(depth, int) or not 1 <= depth <= MAX_DEPTH:
                raise ValueError(f"depth of the {tree.value} tree must be an int in [1, {MAX_DEPTH}], got {depth!r}")

    def of(self, tree: TreeId) -> int:
        return int(getattr(self, tree.value))
