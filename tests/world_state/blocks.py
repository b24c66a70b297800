"""Deterministic blocks of tx effects, for the apply_block and crash tests."""

from __future__ import annotations

from aztec.foundation.fields import hash_fields
from aztec.stdlib.tx.processed_tx import PublicDataWrite, TxEffect


def tx_effect(block: int, position: int, notes: int = 3, nullifiers: int = 2, writes: int = 2) -> TxEffect:
    seed = (block, position)
    return TxEffect(
        tx_hash=hash_fields((*seed, 0)),
        reverted=False,
        fee=1,
        gas_used=1,
        note_hashes=tuple(hash_fields((*seed, 1, i)) for i in range(notes)),
        nullifiers=tuple(hash_fields((*seed, 2, i)) for i in range(nullifiers)),
        public_data_writes=tuple(
            PublicDataWrite(slot=(block * 7 + position + i) % 50, value=hash_fields((*seed, 3, i)))
            for i in range(writes)
        ),
    )


def block_effects(block: int, txs: int = 4) -> list[TxEffect]:
    return [tx_effect(block, position) for position in range(txs)]


def block_hash(block: int) -> int:
    return hash_fields((block, 0xB10C))
