"""Fork isolation: the committed state and other forks see nothing of a fork until it commits."""

from __future__ import annotations

from pathlib import Path

import pytest

from aztec.stdlib.interfaces.world_state import WorldStateFork, WorldStateView
from aztec.stdlib.trees import TreeId
from aztec.world_state import BlockNumberError, ForkClosedError, StaleForkError
from tests.world_state.support import opened


def test_committed_reads_do_not_see_a_fork_writing(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        before = world_state.committed.get_state_reference()
        path_before = world_state.committed.get_sibling_path(TreeId.NULLIFIER, 0)
        fork = world_state.fork()
        fork.insert_nullifiers([5, 6])
        fork.append_leaves(TreeId.NOTE_HASH, [1, 2, 3])
        fork.write_public([(4, 44)])
        assert world_state.committed.get_state_reference() == before
        assert world_state.committed.get_sibling_path(TreeId.NULLIFIER, 0) == path_before
        assert not world_state.committed.has_nullifier(5)
        assert world_state.committed.read_public(4) == 0
        assert world_state.committed.find_leaf_index(TreeId.NOTE_HASH, 2) is None
        other = world_state.fork()
        assert other.get_state_reference() == before
        assert fork.get_state_reference() != before
        fork.commit(1)
        other.rollback()
        assert world_state.committed.has_nullifier(5)
        assert world_state.committed.read_public(4) == 44
        assert world_state.committed.find_leaf_index(TreeId.NOTE_HASH, 2) == 1
        assert world_state.committed_block_number == 1


def test_a_fork_keeps_its_base_after_another_commits(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        old = world_state.fork()
        base = old.get_state_reference()
        with world_state.fork() as fork:
            fork.insert_nullifiers([9])
            fork.commit(1)
        assert old.get_state_reference() == base
        assert not old.has_nullifier(9)
        assert world_state.committed.has_nullifier(9)
        old.rollback()


def test_rollback_discards_the_changes(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        before = world_state.committed.get_state_reference()
        fork = world_state.fork()
        fork.insert_nullifiers([5])
        fork.rollback()
        assert world_state.committed.get_state_reference() == before
        assert world_state.fork().get_state_reference() == before
        with pytest.raises(ForkClosedError, match="rolled back"):
            fork.commit(1)
        with pytest.raises(ForkClosedError):
            fork.has_nullifier(5)
        fork.rollback()  # a second rollback does nothing


def test_a_fork_left_by_an_exception_is_rolled_back(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        before = world_state.committed.get_state_reference()
        with pytest.raises(RuntimeError), world_state.fork() as fork:
            fork.insert_nullifiers([5])
            raise RuntimeError("block building failed")
        assert fork.closed
        assert world_state.committed.get_state_reference() == before


def test_a_stale_fork_refuses_to_commit(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        first, second = world_state.fork(), world_state.fork()
        first.insert_nullifiers([1])
        second.insert_nullifiers([2])
        first.commit(1)
        with pytest.raises(StaleForkError, match="another fork has committed since"):
            second.commit(2)
        assert not second.closed
        assert not world_state.committed.has_nullifier(2)
        assert world_state.committed_block_number == 1
        second.rollback()


def test_block_numbers_must_increase(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        with world_state.fork() as fork:
            fork.commit(3)
        fork = world_state.fork()
        fork.insert_nullifiers([1])
        with pytest.raises(BlockNumberError, match="already at block 3"):
            fork.commit(3)
        assert not world_state.committed.has_nullifier(1)
        fork.commit(4)
        assert world_state.committed_block_number == 4


def test_a_committed_fork_is_closed(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        fork = world_state.fork()
        fork.commit(1)
        with pytest.raises(ForkClosedError, match="committed"):
            fork.get_snapshot(TreeId.NOTE_HASH)
        with pytest.raises(ForkClosedError):
            fork.insert_nullifiers([1])


def test_many_sequential_forks(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        for block in range(1, 21):
            with world_state.fork() as fork:
                fork.insert_nullifiers([block])
                fork.append_leaves(TreeId.NOTE_HASH, [block])
                fork.commit(block)
        assert world_state.committed.get_snapshot(TreeId.NULLIFIER).size == 21
        assert world_state.committed.get_snapshot(TreeId.NOTE_HASH).size == 20


def test_the_world_state_implements_the_contract(tmp_path: Path) -> None:
    with opened(tmp_path) as world_state:
        view: WorldStateView = world_state.committed
        fork: WorldStateFork = world_state.fork()
        fork.insert_nullifiers([3])
        assert fork.has_nullifier(3)
        assert not view.has_nullifier(3)
        fork.rollback()
