"""Sequencer settings."""

from __future__ import annotations

from dataclasses import dataclass

from aztec.stdlib.config.l1 import PUBLISH_TIMEOUT
from aztec.stdlib.config.sequencer import MAX_BLOCK_WAIT, MAX_TXS, MIN_TXS, SLOT_DURATION
from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT


@dataclass(frozen=True)
class SequencerConfig:
    slot_duration_s: float = SLOT_DURATION.default
    """How often the sequencer may propose a block."""
    min_txs_per_block: int = MIN_TXS.default
    """Fewer pending txs than this: wait (an empty slot) until ``max_block_wait_s`` has passed."""
    max_txs_per_block: int = MAX_TXS.default
    max_block_wait_s: float = MAX_BLOCK_WAIT.default
    """Publish whatever is pending (at least one tx) once this long has passed since the last block."""
    block_gas_limit: int = DEFAULT_BLOCK_GAS_LIMIT
    """Also the most gas a transaction may ask for in this node's pool."""
    publish_timeout_s: float = PUBLISH_TIMEOUT.default

    def __post_init__(self) -> None:
        if self.slot_duration_s <= 0:
            raise ValueError(f"slot duration must be positive, got {self.slot_duration_s}")
        if not 1 <= self.min_txs_per_block <= self.max_txs_per_block:
            raise ValueError(
                f"need 1 <= min txs per block ({self.min_txs_per_block}) <= max ({self.max_txs_per_block})"
            )
