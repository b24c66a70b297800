"""The committed state survives closing and reopening; uncommitted forks do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from aztec.stdlib.trees import TreeId
from aztec.world_state import DepthMismatchError, TreeDepths, WorldStateClosedError
from tests.world_state.support import SMALL, opened


def test_reopen_restores_the_committed_state(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        with world_state.fork() as fork:
            fork.insert_nullifiers([30, 10])
            fork.append_leaves(TreeId.NOTE_HASH, [7, 8])
            fork.write_public([(3, 33)])
            fork.append_leaves(TreeId.ARCHIVE, [99])
            fork.commit(1)
        pending = world_state.fork()
        pending.insert_nullifiers([20])
        reference = world_state.committed.get_state_reference()
        archive = world_state.committed.get_snapshot(TreeId.ARCHIVE)
        paths = [world_state.committed.get_sibling_path(TreeId.NULLIFIER, i) for i in range(4)]
    with opened(tmp_path, depths=None) as world_state:
        assert world_state.depths == SMALL
        assert world_state.committed_block_number == 1
        assert world_state.committed.get_state_reference() == reference
        assert world_state.committed.get_snapshot(TreeId.ARCHIVE) == archive
        assert [world_state.committed.get_sibling_path(TreeId.NULLIFIER, i) for i in range(4)] == paths
        assert world_state.committed.has_nullifier(10)
        assert not world_state.committed.has_nullifier(20)
        assert world_state.committed.read_public(3) == 33
        assert world_state.committed.find_leaf_index(TreeId.ARCHIVE, 99) == 0
        with world_state.fork() as fork:  # the low leaf of 20 is found through the stored key index
            assert fork.insert_nullifiers([20])[0].low_leaf.leaf.key == 10
            fork.commit(2)


def test_reopen_with_other_depths_is_refused(tmp_path: Path) -> None:
    with opened(tmp_path):
        pass
    with pytest.raises(DepthMismatchError, match="created with"), opened(tmp_path, depths=TreeDepths()):
        pass


def test_a_closed_world_state_refuses_use(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        fork = world_state.fork()
        view = world_state.committed
    assert world_state.closed
    with pytest.raises(WorldStateClosedError):
        view.get_snapshot(TreeId.NOTE_HASH)
    with pytest.raises(WorldStateClosedError):
        world_state.fork()
    assert fork.closed
    world_state.close()  # idempotent


def test_bad_depths_are_refused() -> None:
    with pytest.raises(ValueError, match="depth of the archive tree"):
        TreeDepths(archive=0)
    with pytest.raises(ValueError, match="depth of the note_hash tree"):
        TreeDepths(note_hash=65)
