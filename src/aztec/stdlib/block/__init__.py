"""Blocks: the header, the L2 block as published to L1, and what proving a block needs."""
