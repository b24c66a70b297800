"""``aztec.block_builder``: closes a block on a world-state fork (used by the sequencer and in tests)."""
