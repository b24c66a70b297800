"""Closing a block: its header from the processed txs, and the header's hash appended to the archive tree."""

from __future__ import annotations

from collections.abc import Sequence

from aztec.foundation.fields import Fr
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.interfaces.world_state import WorldStateFork
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.processed_tx import ProcessedTx


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
