"""Merkle roots over lists of field elements, in the shapes the rollup and parity circuits build."""

from __future__ import annotations

from collections.abc import Sequence

from aztec.foundation.fields import Fr, hash_pair


def split_point(count: int) -> int:
    """Leaves in the left subtree of ``count`` >= 2 leaves: the largest power of two below ``count``.

    The rollup tree is built this way (greedily balanced on the left), so a block of ``n`` transactions
    has ``n`` base rollups, ``max(n - 2, 0)`` merges and one root, and powers of two give a full tree.
    """
    if count < 2:
        raise ValueError(f"a split needs at least 2 leaves, got {count}")
    return 1 << ((count - 1).bit_length() - 1)


def unbalanced_root(leaves: Sequence[Fr]) -> Fr:
    """The root of the rollup-shaped tree over ``leaves`` (0 for none, the leaf itself for one)."""
    if not leaves:
        return 0
    if len(leaves) == 1:
        return leaves[0]
    mid = split_point(len(leaves))
    return hash_pair(unbalanced_root(leaves[:mid]), unbalanced_root(leaves[mid:]))


def balanced_root(leaves: Sequence[Fr]) -> Fr:
    """The root of a full binary tree; ``len(leaves)`` must be a power of two."""
    count = len(leaves)
    if count == 0 or count & (count - 1):
        raise ValueError(f"a balanced tree needs a power-of-two number of leaves, got {count}")
    level = list(leaves)
    while len(level) > 1:
        level = [hash_pair(level[i], level[i + 1]) for i in range(0, len(level), 2)]
    return level[0]
