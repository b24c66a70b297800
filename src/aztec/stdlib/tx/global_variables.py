"""The block-wide values a transaction executes under."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class GlobalVariables:
    block_number: int
    timestamp: int
    """Seconds since the Unix epoch."""
    base_fee_per_gas: int
    """What every unit of gas costs in this block; txs offering less are invalid."""
