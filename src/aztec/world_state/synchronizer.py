"""Keeps the world state at the archiver's chain tip: applies every block it has not committed yet.

A sequencer commits its own blocks directly after publishing; the synchronizer then finds them already
applied. After a restart, or on a follower node, it applies them from the archiver, checking that the
resulting state and archive roots are the ones the block's header commits to.

A block that does not apply (other roots than its header commits to, or a gap the archiver cannot fill)
leaves the world state where it was: the error is logged once per block, the node reports not ready
(:attr:`WorldStateSynchronizer.diverged`) and the block is tried again when the next one arrives.
"""

from __future__ import annotations

import asyncio
import logging

from aztec.foundation.threads import run_in_thread
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.interfaces.block_source import L2BlockSource
from aztec.telemetry import attributes as a
from aztec.telemetry.api import Tracer
from aztec.telemetry.noop import NOOP_TRACER
from aztec.world_state.errors import BlockMismatchError
from aztec.world_state.world_state import WorldState

_log = logging.getLogger(__name__)


class WorldStateDivergedError(RuntimeError):
    """Applying a block gave other roots than its header commits to: the node must not go on."""


class WorldStateSynchronizer:
    def __init__(
        self, world_state: WorldState, archiver: L2BlockSource, state_lock: asyncio.Lock, tracer: Tracer = NOOP_TRACER
    ) -> None:
        self.tracer = tracer
        self._world_state = world_state
        self._archiver = archiver
        self._lock = state_lock
        self.diverged: WorldStateDivergedError | None = None
        """Why the last block did not apply; None once the world state follows the chain again."""
        self._reported: int | None = None
        archiver.on_block(self.handle_block)

    async def catch_up(self) -> None:
        """Apply the blocks the archiver stored while this node was down."""
        await self._archiver.replay_to(self.handle_block, self._world_state.committed_block_number + 1)

    async def handle_block(self, block: L2Block) -> None:
        """Apply ``block`` if it is new; blocks the node missed before it are applied from the archiver first."""
        try:
            await self._handle(block)
        except WorldStateDivergedError as error:
            self.diverged = error
            if self._reported != block.number:
                self._reported = block.number
                _log.critical(
                    "world state: %s; the node stays at block %d, reports not ready, and tries again when "
                    "the next block arrives (if this persists, resync the node from an empty data directory)",
                    error,
                    self._world_state.committed_block_number,
                )
            raise
        self.diverged = None

    async def _handle(self, block: L2Block) -> None:
        async with self._lock:
            committed = self._world_state.committed_block_number
            if block.number <= committed:
                return
            for number in range(committed + 1, block.number):
                missed = self._archiver.get_block(number)
                if missed is None:
                    raise WorldStateDivergedError(
                        f"block {block.number} arrived but the world state is at {committed} "
                        f"and the archiver does not have block {number}"
                    )
                await self._apply(missed)
            await self._apply(block)

    async def _apply(self, block: L2Block) -> None:
        attributes = {a.BLOCK_NUMBER: block.number, a.BLOCK_TX_COUNT: len(block.body)}
        async with self.tracer.span("WorldStateSynchronizer.apply_block", attributes):
            await self._apply_in_thread(block)
        _log.info("world state: synced block %d (%d txs)", block.number, len(block.body))

    async def _apply_in_thread(self, block: L2Block) -> None:
        try:
            await run_in_thread(self._world_state.apply_l2_block, block)
        except BlockMismatchError as error:
            raise WorldStateDivergedError(str(error)) from error
