"""What the orchestrator proves: a block's header, processed transactions and archive witness.

:func:`aztec.block_builder.builder.close_block` makes one on a world-state fork.
"""

from __future__ import annotations

from dataclasses import dataclass

from aztec.foundation.fields import Fr
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.trees import AppendWitness, TreeSnapshot
from aztec.stdlib.tx.processed_tx import ProcessedTx


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
