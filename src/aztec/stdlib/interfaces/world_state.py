"""The world-state protocols: read access to the committed state or a fork, and a writable fork.

Implemented by :mod:`aztec.world_state` over LMDB; the simulator and the tx validator use only these.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from aztec.foundation.fields import Fr
from aztec.stdlib.trees import (
    AppendWitness,
    IndexedInsertWitness,
    LowLeafWitness,
    SiblingPath,
    StateReference,
    TreeId,
    TreeSnapshot,
)


class WorldStateView(Protocol):
    """Read access, to the committed state or to a fork."""

    def get_snapshot(self, tree: TreeId) -> TreeSnapshot: ...
    def get_state_reference(self) -> StateReference: ...
    def get_sibling_path(self, tree: TreeId, index: int) -> SiblingPath: ...
    def get_leaf(self, tree: TreeId, index: int) -> Fr | None:
        """Append-only trees: the leaf value; indexed trees: the leaf's hash. None past the end."""
        ...

    def find_leaf_index(self, tree: TreeId, leaf: Fr) -> int | None:
        """Append-only trees: index of a leaf value; indexed trees: index of the leaf with that key."""
        ...

    def get_low_leaf(self, tree: TreeId, key: Fr) -> LowLeafWitness:
        """Indexed trees: the leaf with the largest key <= ``key``."""
        ...

    def has_nullifier(self, nullifier: Fr) -> bool: ...
    def read_public(self, slot: Fr) -> Fr:
        """Public storage value at ``slot`` (0 if never written)."""
        ...


class WorldStateFork(WorldStateView, Protocol):
    """A writable copy of the committed state; nothing is visible to others until :meth:`commit`."""

    def append_leaves(self, tree: TreeId, leaves: Sequence[Fr]) -> list[AppendWitness]:
        """Append to NOTE_HASH or ARCHIVE."""
        ...

    def insert_nullifiers(self, nullifiers: Sequence[Fr]) -> list[IndexedInsertWitness]:
        """All or nothing: a duplicate raises :class:`DuplicateNullifierError` and changes nothing."""
        ...

    def write_public(self, writes: Sequence[tuple[Fr, Fr]]) -> list[IndexedInsertWitness]:
        """Set public storage ``(slot, value)`` pairs, in order."""
        ...

    def commit(self, block_number: int) -> None:
        """Make the fork's changes the committed state, atomically, at ``block_number``."""
        ...

    def rollback(self) -> None:
        """Discard the fork's changes."""
        ...
