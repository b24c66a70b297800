"""Bad input gets a clear error and leaves the state unchanged."""

from __future__ import annotations

from pathlib import Path

import pytest

from aztec.foundation.fields import FIELD_MODULUS, FieldError
from aztec.stdlib.trees import DuplicateNullifierError, TreeId
from aztec.world_state import LeafIndexError, TreeDepths, TreeFullError, WrongTreeError
from tests.world_state.support import opened


def test_a_nullifier_already_in_the_tree_is_refused(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state, world_state.fork() as fork:
        fork.insert_nullifiers([10, 20])
        before = fork.get_state_reference()
        with pytest.raises(
            DuplicateNullifierError, match=r"nullifier 0x14 \(batch #1\) is already in the nullifier tree"
        ):
            fork.insert_nullifiers([15, 20, 25])
        assert fork.get_state_reference() == before
        assert not fork.has_nullifier(15)


def test_a_nullifier_twice_in_a_batch_is_refused(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state, world_state.fork() as fork:
        before = fork.get_state_reference()
        with pytest.raises(DuplicateNullifierError, match=r"appears twice in the batch \(#0 and #2\)"):
            fork.insert_nullifiers([7, 8, 7])
        assert fork.get_state_reference() == before


def test_a_committed_nullifier_is_refused_in_a_later_fork(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        with world_state.fork() as fork:
            fork.insert_nullifiers([10])
            fork.commit(1)
        with world_state.fork() as fork, pytest.raises(DuplicateNullifierError, match="already in"):
            fork.insert_nullifiers([10])


def test_values_outside_the_field_are_refused(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state, world_state.fork() as fork:
        before = fork.get_state_reference()
        with pytest.raises(FieldError, match="nullifier #1"):
            fork.insert_nullifiers([1, FIELD_MODULUS])
        with pytest.raises(FieldError, match="note_hash leaf #0"):
            fork.append_leaves(TreeId.NOTE_HASH, [-1])
        with pytest.raises(FieldError, match="public data value #1"):
            fork.write_public([(1, 1), (2, FIELD_MODULUS + 5)])
        with pytest.raises(FieldError, match="public data slot"):
            fork.read_public(FIELD_MODULUS)
        with pytest.raises(FieldError):
            fork.append_leaves(TreeId.NOTE_HASH, [1.5])  # type: ignore[list-item]
        assert fork.get_state_reference() == before
        assert fork.read_public(1) == 0


def test_indexes_outside_the_tree_are_refused(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        for view in (world_state.committed, world_state.fork()):
            with pytest.raises(LeafIndexError, match=r"leaf index 32 is outside the note_hash tree \(depth 5"):
                view.get_sibling_path(TreeId.NOTE_HASH, 32)
            with pytest.raises(LeafIndexError):
                view.get_leaf(TreeId.ARCHIVE, -1)
            assert view.get_leaf(TreeId.NOTE_HASH, 31) is None


def test_appends_past_capacity_are_refused(tmp_path: Path) -> None:
    tiny = TreeDepths(note_hash=3, nullifier=2, public_data=2, archive=1)
    with opened(tmp_path, depths=tiny) as world_state, world_state.fork() as fork:
        fork.append_leaves(TreeId.NOTE_HASH, list(range(1, 7)))
        with pytest.raises(TreeFullError, match=r"the note_hash tree is full: 3 more leaves .* 2\*\*3 \(size 6\)"):
            fork.append_leaves(TreeId.NOTE_HASH, [7, 8, 9])
        assert fork.get_snapshot(TreeId.NOTE_HASH).size == 6
        fork.append_leaves(TreeId.NOTE_HASH, [7, 8])
        fork.insert_nullifiers([1, 2])
        with pytest.raises(TreeFullError, match="nullifier tree is full"):
            fork.insert_nullifiers([3, 4])
        fork.write_public([(1, 1), (2, 2), (3, 3)])
        with pytest.raises(TreeFullError, match="public_data tree is full"):
            fork.write_public([(1, 5), (4, 4)])
        assert fork.read_public(1) == 1  # the update before the refused insert did not happen
        fork.write_public([(1, 5), (2, 6)])  # updates need no room
        fork.append_leaves(TreeId.ARCHIVE, [1, 2])
        with pytest.raises(TreeFullError):
            fork.append_leaves(TreeId.ARCHIVE, [3])


def test_operations_on_the_wrong_kind_of_tree_are_refused(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state, world_state.fork() as fork:
        with pytest.raises(WrongTreeError, match="nullifier tree is indexed"):
            fork.append_leaves(TreeId.NULLIFIER, [1])
        with pytest.raises(WrongTreeError, match="note_hash tree is append-only"):
            fork.get_low_leaf(TreeId.NOTE_HASH, 1)
