"""The world-state synchronizer: a follower applies archived blocks and reaches the sequencer's roots."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.archiver.archiver import Archiver
from aztec.archiver.block_store import BlockStore
from aztec.l1 import DevL1Chain
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.trees import TreeId
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState
from aztec.world_state.synchronizer import WorldStateDivergedError, WorldStateSynchronizer
from tests.l1.l2_blocks import L2BlockBuilder
from tests.node.harness import propose


@pytest.fixture
def sequencer(tmp_path: Path) -> Iterator[L2BlockBuilder]:
    """Builds and commits blocks on its own world state, as the sequencer does."""
    builder = L2BlockBuilder(tmp_path / "sequencer")
    yield builder
    builder.close()


class Follower:
    """A node's world state, archiver and synchronizer in ``directory`` (reopened after a restart)."""

    def __init__(self, directory: Path, chain: DevL1Chain, *, synchronize: bool = True) -> None:
        telemetry = NoopTelemetryClient()
        self.world_state = WorldState.open(directory / "world_state", telemetry)
        self.archiver = Archiver(chain, BlockStore(directory / "archiver"), telemetry)
        self.synchronizer = (
            WorldStateSynchronizer(self.world_state, self.archiver, asyncio.Lock()) if synchronize else None
        )

    def roots(self) -> tuple[object, ...]:
        committed = self.world_state.committed
        return committed.get_state_reference(), committed.get_snapshot(TreeId.ARCHIVE)

    async def close(self) -> None:
        await self.archiver.close()
        self.world_state.close()


def _roots(world_state: WorldState) -> tuple[object, ...]:
    return world_state.committed.get_state_reference(), world_state.committed.get_snapshot(TreeId.ARCHIVE)


def _publish(chain: DevL1Chain, sequencer: L2BlockBuilder, *tx_counts: int) -> list[L2Block]:
    blocks = [sequencer.build(count).block for count in tx_counts]
    for block in blocks:
        propose(chain, block)
    chain.mine()
    return blocks


async def test_a_follower_reaches_the_sequencers_exact_roots(
    tmp_path: Path, chain: DevL1Chain, sequencer: L2BlockBuilder
) -> None:
    follower = Follower(tmp_path / "follower", chain)
    try:
        _publish(chain, sequencer, 2, 0, 3)
        await follower.archiver.sync_once()
        assert follower.world_state.committed_block_number == 3
        assert follower.roots() == _roots(sequencer.world_state)

        _publish(chain, sequencer, 1)
        await follower.archiver.sync_once()
        assert follower.world_state.committed_block_number == 4
        assert follower.roots() == _roots(sequencer.world_state)
    finally:
        await follower.close()


async def test_catch_up_after_a_restart_applies_what_was_archived_meanwhile(
    tmp_path: Path, chain: DevL1Chain, sequencer: L2BlockBuilder
) -> None:
    directory = tmp_path / "follower"
    follower = Follower(directory, chain)
    _publish(chain, sequencer, 1)
    await follower.archiver.sync_once()
    await follower.close()

    # Killed after the archiver stored blocks 2 and 3 but before the world state applied them.
    _publish(chain, sequencer, 2, 1)
    archiver_only = Follower(directory, chain, synchronize=False)
    await archiver_only.archiver.sync_once()
    assert (archiver_only.archiver.get_block_number(), archiver_only.world_state.committed_block_number) == (3, 1)
    await archiver_only.close()

    restarted = Follower(directory, chain)
    try:
        assert restarted.synchronizer is not None
        await restarted.synchronizer.catch_up()
        assert restarted.world_state.committed_block_number == 3
        assert restarted.roots() == _roots(sequencer.world_state)
    finally:
        await restarted.close()


async def test_a_block_missed_by_the_world_state_is_applied_before_the_next(
    tmp_path: Path, chain: DevL1Chain, sequencer: L2BlockBuilder
) -> None:
    """If applying a block failed once (it stays archived), the next block brings the state up to date."""
    follower = Follower(tmp_path / "follower", chain, synchronize=False)
    try:
        _publish(chain, sequencer, 1, 2)
        await follower.archiver.sync_once()  # blocks 1 and 2 archived, not applied
        synchronizer = WorldStateSynchronizer(follower.world_state, follower.archiver, asyncio.Lock())
        _publish(chain, sequencer, 1)
        await follower.archiver.sync_once()
        assert follower.world_state.committed_block_number == 3
        assert follower.roots() == _roots(sequencer.world_state)
        old = follower.archiver.get_block(2)
        assert old is not None
        await synchronizer.handle_block(old)
        assert follower.world_state.committed_block_number == 3, "an old block is ignored"
    finally:
        await follower.close()


async def test_a_block_whose_header_state_does_not_match_raises_and_commits_nothing(
    tmp_path: Path, chain: DevL1Chain, sequencer: L2BlockBuilder, caplog: pytest.LogCaptureFixture
) -> None:
    follower = Follower(tmp_path / "follower", chain)
    try:
        _publish(chain, sequencer, 1)
        await follower.archiver.sync_once()
        before = follower.roots()

        block = sequencer.build(2).block
        state = block.header.state
        wrong_note_hash = dataclasses.replace(state.note_hash, root=state.note_hash.root ^ 1)
        header = dataclasses.replace(block.header, state=dataclasses.replace(state, note_hash=wrong_note_hash))
        diverging = dataclasses.replace(block, header=header)

        assert follower.synchronizer is not None
        for _ in range(2):
            with pytest.raises(WorldStateDivergedError, match="block 2: applying its effects gives other roots"):
                await follower.synchronizer.handle_block(diverging)
        assert follower.world_state.committed_block_number == 1
        assert follower.roots() == before
        assert follower.synchronizer.diverged is not None
        critical = [r.getMessage() for r in caplog.records if r.levelno == logging.CRITICAL]
        assert len(critical) == 1, "reported once, not at every attempt"
        assert "the node stays at block 1, reports not ready" in critical[0]

        await follower.synchronizer.handle_block(block)  # the true block still applies
        assert follower.roots() == _roots(sequencer.world_state)
        assert follower.synchronizer.diverged is None
    finally:
        await follower.close()
