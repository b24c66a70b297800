"""Node sync: time for a follower to sync 10 and 50 blocks.

A sequencer (unmeasured) produces the chain once on a development L1: blocks of :data:`TXS_PER_BLOCK`
token transfers (the first block funds the senders). When the chain holds 10 blocks, fresh followers
(an empty archiver and world state, wired by a :class:`WorldStateSynchronizer` as in the node) catch up
from L1 in one :meth:`Archiver.sync_once`, each timed; then the chain grows to 50 blocks and fresh
followers catch up again. The followers' archiver and world state record with their own metrics.

"Time to sync N blocks" is a total per run, which no node metric measures: the scenario records it on
``aztec.world_state.sync.duration`` with the bench-only attribute ``aztec.world_state.sync_run_blocks``
(N). That metric is the world state's time to take on blocks from L1, the per-block series has no such
attribute, so the run totals sit in their own buckets beside it and no new metric name is needed.

Records (bucket keys in brackets): ``aztec.world_state.sync.duration`` [10, 50: a whole run; "": per
block], ``aztec.archiver.sync_per_block.duration``, ``aztec.archiver.tx_count``, and the followers' tree
insertions [batch size class/tree] and forks.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import Final

from aztec.archiver.archiver import Archiver
from aztec.archiver.block_store import BlockStore
from aztec.bench.scenarios.base import RunSettings, Scenario, scaled
from aztec.bench.scenarios.devnet import Devnet, DevnetError
from aztec.bench.scenarios.transfers import TransferTraffic
from aztec.foundation.timer import Timer
from aztec.l1.client import L1Client
from aztec.stdlib.trees import StateReference
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.world_state import WORLD_STATE_SYNC_DURATION
from aztec.world_state.synchronizer import WorldStateSynchronizer
from aztec.world_state.world_state import WorldState

BLOCK_COUNTS: Final = (10, 50)
"""Blocks a follower syncs at scale 1."""
SYNCS_PER_COUNT: Final = 3
"""Fresh followers timed at each chain length at scale 1."""
TXS_PER_BLOCK: Final = 4
"""Not scaled: the chain's blocks look alike at any scale."""


def block_counts(scale: float) -> list[int]:
    """The chain lengths synced in a run at ``scale``, in increasing order, each once."""
    return sorted({scaled(count, scale) for count in BLOCK_COUNTS})


async def sync_fresh_follower(
    l1: L1Client, directory: Path, telemetry: TelemetryClient
) -> tuple[float, StateReference]:
    """Catch a new follower in ``directory`` up with ``l1``: the seconds it took and its state after.

    The archiver's store is left open, to be closed when garbage-collected: the archiver's observables
    cannot be unregistered and read the store at every export, including the client's final one.
    """
    store = BlockStore(directory / "archiver")
    with WorldState.open(directory / "world_state", telemetry) as world_state:
        archiver = Archiver(l1, store, telemetry)
        WorldStateSynchronizer(world_state, archiver, asyncio.Lock())
        timer = Timer()
        await archiver.sync_once()
        seconds = timer.s()
        return seconds, world_state.committed.get_state_reference()


async def run(telemetry: TelemetryClient, settings: RunSettings) -> None:
    scale = settings.scale
    run_duration = telemetry.get_meter("NodeSyncBenchmark").create_histogram(WORLD_STATE_SYNC_DURATION)
    traffic = TransferTraffic(TXS_PER_BLOCK)
    with tempfile.TemporaryDirectory(prefix="aztec-bench-") as directory:
        root = Path(directory)
        async with Devnet.open(root / "sequencer", max_block_size=TXS_PER_BLOCK) as devnet:
            await devnet.fund(traffic)
            for count in block_counts(scale):
                while devnet.world_state.committed_block_number < count:
                    await devnet.build_block(traffic.transfers(TXS_PER_BLOCK, await devnet.max_fee_per_gas()))
                expected = devnet.world_state.committed.get_state_reference()
                for attempt in range(scaled(SYNCS_PER_COUNT, scale)):
                    follower = root / f"follower-{count}-{attempt}"
                    seconds, reached = await sync_fresh_follower(devnet.l1, follower, telemetry)
                    if reached != expected:
                        raise DevnetError(f"a follower synced {count} blocks into another state than the sequencer")
                    run_duration.record(seconds, {a.SYNC_RUN_BLOCKS: str(count)})
            telemetry.flush()


SCENARIO: Final = Scenario("node-sync", "Time for a follower to sync 10 and 50 blocks", run)
