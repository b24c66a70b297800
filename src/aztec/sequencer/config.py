"""Sequencer settings."""

from __future__ import annotations

from dataclasses import dataclass

from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT


@dataclass(frozen=True)
class SequencerConfig:
    slot_duration_s: float = 2.0
    """How often the sequencer may propose a block."""
    min_txs_per_block: int = 1
    """Fewer pending txs than this: wait (an empty slot) until ``max_block_wait_s`` has passed."""
    max_txs_per_block: int = 32
    max_block_wait_s: float = 10.0
    """Publish whatever is pending (at least one tx) once this long has passed since the last block."""
    block_gas_limit: int = DEFAULT_BLOCK_GAS_LIMIT
    """Also the most gas a transaction may ask for in this node's pool."""
    publish_timeout_s: float = 30.0

    def __post_init__(self) -> None:
        if self.slot_duration_s <= 0:
            raise ValueError(f"slot duration must be positive, got {self.slot_duration_s}")
        if not 1 <= self.min_txs_per_block <= self.max_txs_per_block:
            raise ValueError(
                f"need 1 <= min txs per block ({self.min_txs_per_block}) <= max ({self.max_txs_per_block})"
            )
