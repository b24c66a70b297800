"""What the orchestrator proves: a block's header, processed transactions and archive witness."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aztec.circuits.block_header import BlockHeader
from aztec.foundation.fields import Fr
from aztec.simulator.global_variables import GlobalVariables
from aztec.simulator.processed_tx import ProcessedTx
from aztec.world_state.api import AppendWitness, TreeId, TreeSnapshot, WorldStateFork


@dataclass(frozen=True, slots=True)
class BlockProvingInput:
    """Everything needed to prove one block."""

    header: BlockHeader
    txs: tuple[ProcessedTx, ...]
    """In block order, as the public processor produced them (their witnesses chain one to the next)."""
    previous_archive: TreeSnapshot
    """The archive tree before this block's hash was appended."""
    archive_witness: AppendWitness
    """Where the block hash went in the archive tree."""
    l1_to_l2_messages: tuple[Fr, ...] = ()


def close_block(
    fork: WorldStateFork,
    global_variables: GlobalVariables,
    txs: Sequence[ProcessedTx],
    l1_to_l2_messages: Sequence[Fr] = (),
) -> BlockProvingInput:
    """Finish a block whose ``txs`` the public processor inserted into ``fork``: build its header, append
    the header's hash to the archive tree of ``fork``, and return what proving the block needs.

    The caller commits (or rolls back) the fork.
    """
    previous_archive = fork.get_snapshot(TreeId.ARCHIVE)
    header = BlockHeader.build(
        previous_archive.root,
        fork.get_state_reference(),
        global_variables,
        [tx.effect for tx in txs],
        l1_to_l2_messages,
    )
    [witness] = fork.append_leaves(TreeId.ARCHIVE, [header.hash()])
    return BlockProvingInput(header, tuple(txs), previous_archive, witness, tuple(l1_to_l2_messages))
