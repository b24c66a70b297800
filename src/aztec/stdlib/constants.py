"""Protocol limits the circuits enforce."""

from __future__ import annotations

from typing import Final

MAX_NOTE_HASHES_PER_TX: Final = 64
MAX_NULLIFIERS_PER_TX: Final = 64
"""The transaction's own nullifier and up to 63 private ones."""

NUM_MSGS_PER_BASE_PARITY: Final = 16
"""L1-to-L2 messages one base parity circuit hashes (a batch is zero-padded to this size)."""
NUM_BASE_PARITY_PER_ROOT_PARITY: Final = 4
L1_TO_L2_MSGS_PER_BLOCK: Final = NUM_MSGS_PER_BASE_PARITY * NUM_BASE_PARITY_PER_ROOT_PARITY
"""At most this many L1-to-L2 messages enter one block."""
