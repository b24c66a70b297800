"""Gas costs: what each unit of work costs, and the intrinsic gas every transaction pays.

Costs (in gas units; the fee is ``gas_used * base_fee_per_gas``):

=====================  ========  ==============================================================
constant               gas       charged for
=====================  ========  ==============================================================
TX_BASE_GAS            10_000    every transaction (its own nullifier, signature, bookkeeping)
SIDE_EFFECT_GAS        1_000     each private note hash or nullifier it carries
CALL_GAS               2_000     each public call dispatched
STORAGE_READ_GAS       800       each public storage read
STORAGE_WRITE_GAS      5_000     each public storage write
HASH_GAS               30        each hash, including deriving a storage slot
=====================  ========  ==============================================================

``TX_BASE_GAS`` and ``SIDE_EFFECT_GAS`` make up a transaction's *intrinsic* gas, charged before its setup
phase; a transaction whose gas limit does not cover it is malformed. The simulator's
:class:`~aztec.simulator.gas_meter.GasMeter` enforces a transaction's limit. A token transfer costs 23,720 gas
(13,720 of it public).
"""

from __future__ import annotations

from typing import Final

TX_BASE_GAS: Final = 10_000
SIDE_EFFECT_GAS: Final = 1_000
CALL_GAS: Final = 2_000
STORAGE_READ_GAS: Final = 800
STORAGE_WRITE_GAS: Final = 5_000
HASH_GAS: Final = 30

DEFAULT_BLOCK_GAS_LIMIT: Final = 10_000_000
"""The largest gas limit a single transaction may ask for, and the default gas budget of a block."""


def intrinsic_gas(side_effects: int) -> int:
    """Gas a transaction with ``side_effects`` private note hashes and nullifiers pays before any public call."""
    return TX_BASE_GAS + SIDE_EFFECT_GAS * side_effects
