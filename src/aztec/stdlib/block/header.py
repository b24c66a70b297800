"""The block header: what a block commits to, and whose hash is appended to the archive tree.

The sequencer builds it (:meth:`BlockHeader.build`) and the root rollup circuit recomputes it from the
proven children, so a proven block's header hash equals the one the sequencer published.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from aztec.foundation.fields import Fr, hash_fields
from aztec.stdlib.constants import L1_TO_L2_MSGS_PER_BLOCK, NUM_BASE_PARITY_PER_ROOT_PARITY, NUM_MSGS_PER_BASE_PARITY
from aztec.stdlib.encoding.canonical import Reader, Writer
from aztec.stdlib.encoding.codecs import read_global_variables, read_state, write_global_variables, write_state
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.merkle import balanced_root, unbalanced_root
from aztec.stdlib.trees import StateReference
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.processed_tx import TxEffect


def compute_tx_effects_hash(effects: Sequence[TxEffect]) -> Fr:
    """The root of the rollup-shaped tree over the effects' hashes (what the rollup circuits compute)."""
    return unbalanced_root([effect.hash() for effect in effects])


def compute_in_hash(messages: Sequence[Fr]) -> Fr:
    """The root of the L1-to-L2 messages of a block, zero-padded (what the parity circuits compute)."""
    if len(messages) > L1_TO_L2_MSGS_PER_BLOCK:
        raise ValueError(f"{len(messages)} L1-to-L2 messages, at most {L1_TO_L2_MSGS_PER_BLOCK} fit in a block")
    padded = [*messages, *([0] * (L1_TO_L2_MSGS_PER_BLOCK - len(messages)))]
    return balanced_root(
        [
            balanced_root(padded[i * NUM_MSGS_PER_BASE_PARITY : (i + 1) * NUM_MSGS_PER_BASE_PARITY])
            for i in range(NUM_BASE_PARITY_PER_ROOT_PARITY)
        ]
    )


EMPTY_IN_HASH = compute_in_hash(())


@dataclass(frozen=True, slots=True)
class BlockHeader(Serializable):
    previous_archive_root: Fr
    state: StateReference
    """The state after the block's transactions."""
    global_variables: GlobalVariables
    tx_effects_hash: Fr
    total_fees: int
    total_gas_used: int
    in_hash: Fr = EMPTY_IN_HASH
    """Root of the block's L1-to-L2 messages (:func:`compute_in_hash`)."""

    @classmethod
    def build(
        cls,
        previous_archive_root: Fr,
        state: StateReference,
        global_variables: GlobalVariables,
        effects: Sequence[TxEffect],
        l1_to_l2_messages: Sequence[Fr] = (),
    ) -> BlockHeader:
        """The header of a block with these effects (in block order) and messages."""
        return cls(
            previous_archive_root=previous_archive_root,
            state=state,
            global_variables=global_variables,
            tx_effects_hash=compute_tx_effects_hash(effects),
            total_fees=sum(e.fee for e in effects),
            total_gas_used=sum(e.gas_used for e in effects),
            in_hash=compute_in_hash(l1_to_l2_messages),
        )

    def hash(self) -> Fr:
        s = self.state
        return hash_fields(
            (
                self.previous_archive_root,
                s.note_hash.root,
                s.note_hash.size,
                s.nullifier.root,
                s.nullifier.size,
                s.public_data.root,
                s.public_data.size,
                self.global_variables.block_number,
                self.global_variables.timestamp,
                self.global_variables.base_fee_per_gas,
                self.tx_effects_hash,
                self.in_hash,
                self.total_fees,
                self.total_gas_used,
            )
        )

    def write(self, w: Writer) -> None:
        w.field(self.previous_archive_root)
        write_state(w, self.state)
        write_global_variables(w, self.global_variables)
        w.field(self.tx_effects_hash)
        w.field(self.total_fees)
        w.u64(self.total_gas_used)
        w.field(self.in_hash)

    @classmethod
    def read(cls, r: Reader, what: str) -> BlockHeader:
        return cls(
            previous_archive_root=r.field(f"{what}.previous_archive_root"),
            state=read_state(r, f"{what}.state"),
            global_variables=read_global_variables(r, f"{what}.global_variables"),
            tx_effects_hash=r.field(f"{what}.tx_effects_hash"),
            total_fees=r.field(f"{what}.total_fees"),
            total_gas_used=r.u64(f"{what}.total_gas_used"),
            in_hash=r.field(f"{what}.in_hash"),
        )
