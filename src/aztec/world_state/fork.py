"""A fork of the committed state: writes go to in-memory overlays over a pinned LMDB read transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from types import TracebackType

import lmdb

from aztec.foundation.fields import Fr
from aztec.foundation.timer import Timer
from aztec.stdlib.trees import (
    AppendWitness,
    DuplicateNullifierError,
    IndexedInsertWitness,
    IndexedLeaf,
    LowLeafWitness,
    SiblingPath,
    StateReference,
    TreeId,
    TreeSnapshot,
)
from aztec.world_state.errors import ForkClosedError
from aztec.world_state.instrumentation import WorldStateInstrumentation
from aztec.world_state.layout import CommittedMeta
from aztec.world_state.reader import StateReader
from aztec.world_state.validation import require_field

NULLIFIER_VALUE = 0
"""Nullifier leaves carry no value."""


class Fork:
    """A :class:`~aztec.stdlib.interfaces.world_state.WorldStateFork`.

    Reads see the committed state as it was when the fork was made, plus the fork's own writes; the
    committed state and other forks see none of them until :meth:`commit`, which applies them in one
    LMDB write transaction (refused if another fork committed since this one was made). Not
    thread-safe: use a fork from one thread at a time (reads rehash nodes lazily).
    """

    def __init__(
        self,
        txn: lmdb.Transaction,
        reader: StateReader,
        base: CommittedMeta,
        committer: Callable[[Fork, int], None],
        on_close: Callable[[Fork], None],
        instrumentation: WorldStateInstrumentation,
    ) -> None:
        self._txn = txn
        self._reader: StateReader | None = reader
        self.base = base
        self._committer = committer
        self._on_close = on_close
        self._instrumentation = instrumentation
        self._timer = Timer()
        self._outcome: str | None = None

    @property
    def base_block_number(self) -> int:
        """The committed block number this fork was made from."""
        return self.base.block_number

    @property
    def closed(self) -> bool:
        return self._reader is None

    def changes(self) -> StateReader:
        """The fork's trees with their overlays, for the committer to flush."""
        return self._open()

    def _open(self) -> StateReader:
        if self._reader is None:
            raise ForkClosedError(f"this fork was already {self._outcome}; make a new fork")
        return self._reader

    # --- reads ---------------------------------------------------------------------------------------

    def get_snapshot(self, tree: TreeId) -> TreeSnapshot:
        return self._open().get_snapshot(tree)

    def get_state_reference(self) -> StateReference:
        return self._open().get_state_reference()

    def get_sibling_path(self, tree: TreeId, index: int) -> SiblingPath:
        return self._open().get_sibling_path(tree, index)

    def get_leaf(self, tree: TreeId, index: int) -> Fr | None:
        return self._open().get_leaf(tree, index)

    def get_indexed_leaf(self, tree: TreeId, index: int) -> IndexedLeaf | None:
        """Indexed trees: the leaf at ``index`` (key, value and successor); None past the end."""
        return self._open().get_indexed_leaf(tree, index)

    def find_leaf_index(self, tree: TreeId, leaf: Fr) -> int | None:
        return self._open().find_leaf_index(tree, leaf)

    def get_low_leaf(self, tree: TreeId, key: Fr) -> LowLeafWitness:
        return self._open().get_low_leaf(tree, key)

    def has_nullifier(self, nullifier: Fr) -> bool:
        return self._open().has_nullifier(nullifier)

    def read_public(self, slot: Fr) -> Fr:
        return self._open().read_public(slot)

    # --- writes --------------------------------------------------------------------------------------

    def append_leaves(self, tree: TreeId, leaves: Sequence[Fr]) -> list[AppendWitness]:
        """Append to NOTE_HASH or ARCHIVE; all or nothing (a bad leaf or a full tree changes nothing)."""
        target = self._open().append_only_tree(tree)
        batch = [require_field(leaf, f"{tree.value} leaf #{i}") for i, leaf in enumerate(leaves)]
        if not batch:
            return []
        timer = Timer()
        witnesses = target.append(batch)
        self._instrumentation.record_insertion(tree, timer.s(), len(batch))
        return witnesses

    def insert_nullifiers(self, nullifiers: Sequence[Fr]) -> list[IndexedInsertWitness]:
        """All or nothing: a duplicate raises :class:`DuplicateNullifierError` and changes nothing."""
        tree = self._open().indexed[TreeId.NULLIFIER]
        batch = [require_field(nullifier, f"nullifier #{i}") for i, nullifier in enumerate(nullifiers)]
        if not batch:
            return []
        first_seen: dict[Fr, int] = {}
        for i, nullifier in enumerate(batch):
            if nullifier in first_seen:
                raise DuplicateNullifierError(
                    f"nullifier {nullifier:#x} appears twice in the batch (#{first_seen[nullifier]} and #{i}); "
                    "nothing was inserted"
                )
            existing = tree.find(nullifier)
            if existing is not None:
                raise DuplicateNullifierError(
                    f"nullifier {nullifier:#x} (batch #{i}) is already in the nullifier tree at index {existing}; "
                    "nothing was inserted"
                )
            first_seen[nullifier] = i
        tree.require_room(len(batch))
        timer = Timer()
        witnesses = [tree.insert(nullifier, NULLIFIER_VALUE) for nullifier in batch]
        self._instrumentation.record_insertion(TreeId.NULLIFIER, timer.s(), len(batch))
        return witnesses

    def write_public(self, writes: Sequence[tuple[Fr, Fr]]) -> list[IndexedInsertWitness]:
        """Set public storage ``(slot, value)`` pairs, in order; all or nothing on bad input."""
        tree = self._open().indexed[TreeId.PUBLIC_DATA]
        batch = [
            (require_field(slot, f"public data slot #{i}"), require_field(value, f"public data value #{i}"))
            for i, (slot, value) in enumerate(writes)
        ]
        if not batch:
            return []
        tree.require_room(len({slot for slot, _ in batch if tree.find(slot) is None}))
        timer = Timer()
        witnesses = []
        for slot, value in batch:
            index = tree.find(slot)
            witnesses.append(tree.insert(slot, value) if index is None else tree.update(index, value))
        self._instrumentation.record_insertion(TreeId.PUBLIC_DATA, timer.s(), len(batch))
        return witnesses

    def commit(self, block_number: int) -> None:
        """Make the fork's changes the committed state, atomically, at ``block_number``.

        Raises :class:`StaleForkError` if another fork committed since this one was made, and
        :class:`BlockNumberError` unless ``block_number`` is above the committed one; the fork then
        stays open (roll it back).
        """
        self._open()
        self._committer(self, block_number)
        self._close("committed")

    def rollback(self) -> None:
        """Discard the fork's changes. Does nothing if the fork is already closed."""
        if self._reader is not None:
            self._close("rolled back")

    def _close(self, outcome: str) -> None:
        self._reader = None
        self._outcome = outcome
        self._txn.abort()
        self._instrumentation.record_fork(self._timer.s())
        self._on_close(self)

    def release(self) -> None:
        """Drop the read transaction without recording anything (the world state is closing)."""
        if self._reader is not None:
            self._reader = None
            self._outcome = "closed with the world state"
            self._txn.abort()

    def __enter__(self) -> Fork:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.rollback()
