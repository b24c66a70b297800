"""The committed state as a :class:`~aztec.stdlib.interfaces.world_state.WorldStateView`.

Each query reads one snapshot.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager

from aztec.foundation.fields import Fr
from aztec.stdlib.trees import IndexedLeaf, LowLeafWitness, SiblingPath, StateReference, TreeId, TreeSnapshot
from aztec.world_state.reader import StateReader


class CommittedView:
    """Reads the latest committed state; every call runs in its own LMDB read transaction."""

    __slots__ = ("_read",)

    def __init__(self, read: Callable[[], AbstractContextManager[StateReader]]) -> None:
        self._read = read

    def get_snapshot(self, tree: TreeId) -> TreeSnapshot:
        with self._read() as reader:
            return reader.get_snapshot(tree)

    def get_state_reference(self) -> StateReference:
        with self._read() as reader:
            return reader.get_state_reference()

    def get_sibling_path(self, tree: TreeId, index: int) -> SiblingPath:
        with self._read() as reader:
            return reader.get_sibling_path(tree, index)

    def get_leaf(self, tree: TreeId, index: int) -> Fr | None:
        with self._read() as reader:
            return reader.get_leaf(tree, index)

    def get_indexed_leaf(self, tree: TreeId, index: int) -> IndexedLeaf | None:
        """Indexed trees: the leaf at ``index`` (key, value and successor); None past the end."""
        with self._read() as reader:
            return reader.get_indexed_leaf(tree, index)

    def find_leaf_index(self, tree: TreeId, leaf: Fr) -> int | None:
        with self._read() as reader:
            return reader.find_leaf_index(tree, leaf)

    def get_low_leaf(self, tree: TreeId, key: Fr) -> LowLeafWitness:
        with self._read() as reader:
            return reader.get_low_leaf(tree, key)

    def has_nullifier(self, nullifier: Fr) -> bool:
        with self._read() as reader:
            return reader.has_nullifier(nullifier)

    def read_public(self, slot: Fr) -> Fr:
        with self._read() as reader:
            return reader.read_public(slot)
