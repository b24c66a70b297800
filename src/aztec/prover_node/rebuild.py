"""Rebuilds a published block's proving input from its full txs, on a world-state fork at its parent.

The txs are executed again under the block's global variables, as the sequencer executed them; the
result must be the published block exactly (same effects, same header, same archive root), or the
block is not provable here (:class:`BlockRebuildError`).
"""

from __future__ import annotations

from collections.abc import Sequence

from aztec.block_builder.builder import close_block
from aztec.simulator.processor import PublicProcessor
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry.api import TelemetryClient


class BlockRebuildError(Exception):
    """Executing the block's txs again did not give the published block."""


def rebuild_proving_input(
    fork: WorldStateFork, block: L2Block, txs: Sequence[Tx], telemetry: TelemetryClient
) -> BlockProvingInput:
    """Execute ``txs`` (the block's, in block order) into ``fork`` and close the block; the caller commits
    (or rolls back) the fork."""
    number = block.number
    if [tx.tx_hash for tx in txs] != [effect.tx_hash for effect in block.body]:
        raise BlockRebuildError(f"block {number}: the txs given are not the block's")
    global_variables = block.header.global_variables
    result = PublicProcessor(fork, global_variables, telemetry).process(txs)
    if result.failed:
        failed = result.failed[0]
        raise BlockRebuildError(
            f"block {number}: tx {failed.tx.tx_hash:#x} fails when executed again ({failed.reason}: {failed.detail})"
        )
    if tuple(tx.effect for tx in result.processed) != block.body:
        raise BlockRebuildError(f"block {number}: executing its txs again gives other effects than it publishes")
    job = close_block(fork, global_variables, result.processed)
    if job.header != block.header or fork.get_snapshot(TreeId.ARCHIVE).root != block.archive_root:
        raise BlockRebuildError(f"block {number}: rebuilt, its header or archive root differs from the published one")
    return job
