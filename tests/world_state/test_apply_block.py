"""apply_block follows the canonical order, so its roots equal a fork built tx by tx."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from aztec.stdlib.trees import DuplicateNullifierError, TreeId
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from aztec.world_state.errors import BlockMismatchError
from tests.world_state.blocks import block_effects, block_hash


def test_apply_block_matches_a_manual_fork(tmp_path: Path) -> None:
    with (
        WorldState.open(tmp_path / "synced", NoopTelemetryClient()) as synced,
        WorldState.open(tmp_path / "built", NoopTelemetryClient()) as built,
    ):
        for block in (1, 2, 3):
            effects = block_effects(block)
            reference = synced.apply_block(block, effects, block_hash(block))
            with built.fork() as fork:
                for effect in effects:
                    fork.insert_nullifiers(effect.nullifiers)
                    fork.append_leaves(TreeId.NOTE_HASH, effect.note_hashes)
                    fork.write_public([(write.slot, write.value) for write in effect.public_data_writes])
                fork.append_leaves(TreeId.ARCHIVE, [block_hash(block)])
                assert fork.get_state_reference() == reference
                fork.commit(block)
            assert synced.committed.get_state_reference() == reference
            assert synced.committed_block_number == block
            for tree in TreeId:
                assert synced.committed.get_snapshot(tree) == built.committed.get_snapshot(tree)
        assert synced.committed.get_snapshot(TreeId.ARCHIVE).size == 3
        assert synced.committed.get_leaf(TreeId.ARCHIVE, 2) == block_hash(3)


def test_a_bad_block_changes_nothing(tmp_path: Path) -> None:
    with WorldState.open(tmp_path, NoopTelemetryClient()) as world_state:
        world_state.apply_block(1, block_effects(1), block_hash(1))
        before = world_state.committed.get_state_reference()
        effects = block_effects(2)
        effects[2] = replace(effects[2], nullifiers=(effects[0].nullifiers[0],))
        with pytest.raises(DuplicateNullifierError, match=r"block 2, tx #2 \(0x[0-9a-f]+\): nullifier 0x"):
            world_state.apply_block(2, effects, block_hash(2))
        assert world_state.committed.get_state_reference() == before
        assert world_state.committed_block_number == 1
        world_state.apply_block(2, block_effects(2), block_hash(2))
        assert world_state.committed_block_number == 2


def test_a_block_whose_roots_differ_from_its_header_is_not_committed(tmp_path: Path) -> None:
    with (
        WorldState.open(tmp_path / "a", NoopTelemetryClient()) as reference_state,
        WorldState.open(tmp_path / "b", NoopTelemetryClient()) as world_state,
    ):
        expected = reference_state.apply_block(1, block_effects(1), block_hash(1))
        archive = reference_state.committed.get_snapshot(TreeId.ARCHIVE).root
        before = world_state.committed.get_state_reference()
        with pytest.raises(BlockMismatchError, match="block 1: applying its effects gives other roots"):
            world_state.apply_block(1, block_effects(2), block_hash(1), expected_state=expected)
        with pytest.raises(BlockMismatchError):
            world_state.apply_block(1, block_effects(1), block_hash(1), expected_archive_root=archive + 1)
        assert world_state.committed.get_state_reference() == before
        assert world_state.committed_block_number == 0
        world_state.apply_block(
            1, block_effects(1), block_hash(1), expected_state=expected, expected_archive_root=archive
        )
        assert world_state.committed.get_state_reference() == expected
