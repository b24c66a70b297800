"""Size classes: a count rounded up to a power of two, so that a size can be a bounded attribute."""

from __future__ import annotations

LARGEST_BLOCK_SIZE_CLASS = 128
LARGEST_BATCH_SIZE_CLASS = 1024


def size_class(count: int, largest: int) -> str:
    """ "0", "1", "2", "4" ... ``largest``, then "``largest``+"."""
    if count <= 0:
        return "0"
    if count > largest:
        return f"{largest}+"
    return str(1 << (count - 1).bit_length())


def block_size_class(tx_count: int) -> str:
    """A block's transactions (values of ``aztec.block.size_class``)."""
    return size_class(tx_count, LARGEST_BLOCK_SIZE_CLASS)


def batch_size_class(leaves: int) -> str:
    """Leaves in one tree insertion (values of ``aztec.world_state.batch_size_class``)."""
    return size_class(leaves, LARGEST_BATCH_SIZE_CLASS)
