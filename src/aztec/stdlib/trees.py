"""Trees: ids, snapshots, leaves and insertion witnesses that the world state, simulator and circuits share.

The world state (:mod:`aztec.world_state`, over LMDB) produces them; :mod:`aztec.stdlib.interfaces.world_state`
is its read and write protocol. Leaves, keys, values and roots are field elements
(``int``, see :mod:`aztec.foundation.fields`). An empty leaf is 0. Sibling paths are ordered from the
leaf level up to (excluding) the root.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from aztec.foundation.fields import Fr, compute_root, hash_fields


class TreeId(enum.Enum):
    NOTE_HASH = "note_hash"
    """Append-only tree of note hashes."""
    NULLIFIER = "nullifier"
    """Indexed tree of nullifiers (sorted linked list of leaves, for non-membership proofs)."""
    PUBLIC_DATA = "public_data"
    """Indexed tree of public storage: key = slot, value = stored value."""
    ARCHIVE = "archive"
    """Append-only tree of block hashes."""


@dataclass(frozen=True, slots=True)
class TreeSnapshot:
    root: Fr
    size: int
    """Number of leaves appended so far (the next free index)."""


@dataclass(frozen=True, slots=True)
class SiblingPath:
    siblings: tuple[Fr, ...]

    def root_for(self, leaf: Fr, index: int) -> Fr:
        return compute_root(leaf, index, self.siblings)


@dataclass(frozen=True, slots=True)
class IndexedLeaf:
    """A leaf of an indexed tree: ``key`` points to the next larger key at ``next_index``."""

    key: Fr
    value: Fr
    next_index: int
    next_key: Fr

    def hash(self) -> Fr:
        return hash_fields((self.key, self.value, self.next_index, self.next_key))


@dataclass(frozen=True, slots=True)
class LowLeafWitness:
    """The leaf with the largest key <= the one asked for, with its index and membership path."""

    leaf: IndexedLeaf
    index: int
    path: SiblingPath


@dataclass(frozen=True, slots=True)
class AppendWitness:
    """Where a leaf was appended, and the path of that (empty) slot before the append."""

    index: int
    path: SiblingPath


@dataclass(frozen=True, slots=True)
class IndexedInsertWitness:
    """How one key entered an indexed tree.

    ``low_leaf`` is the witness before the update (its path proves it against the root before this
    insertion). For a new key, ``new_index`` is where the new leaf went and ``new_leaf_path`` the path
    of that empty slot after the low leaf was updated. For an update of an existing public-data key,
    ``low_leaf.leaf.key`` equals the key, the leaf is updated in place and ``new_index`` is None.
    """

    key: Fr
    value: Fr
    low_leaf: LowLeafWitness
    new_index: int | None
    new_leaf_path: SiblingPath | None


@dataclass(frozen=True, slots=True)
class StateReference:
    """Snapshots of the three per-transaction trees (the archive is per block)."""

    note_hash: TreeSnapshot
    nullifier: TreeSnapshot
    public_data: TreeSnapshot


class DuplicateNullifierError(ValueError):
    """A nullifier already in the tree (or twice in one batch) was inserted; the tree is unchanged."""
