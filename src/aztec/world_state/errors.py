"""Errors raised by the world state (besides :class:`~aztec.stdlib.trees.DuplicateNullifierError`)."""

from __future__ import annotations


class WorldStateError(Exception):
    """Base class of world-state errors."""


class WorldStateClosedError(WorldStateError):
    """The world state was closed; open it again to read or write."""


class ForkClosedError(WorldStateError):
    """The fork was already committed or rolled back."""


class StaleForkError(WorldStateError):
    """The fork's base is no longer the committed state (another fork committed first)."""


class BlockNumberError(WorldStateError, ValueError):
    """A commit's block number does not follow the committed block number."""


class TreeFullError(WorldStateError, ValueError):
    """An append or insertion would go past the tree's capacity; nothing was changed."""


class LeafIndexError(WorldStateError, IndexError):
    """A leaf index outside the tree (negative, or not below 2**depth)."""


class WrongTreeError(WorldStateError, ValueError):
    """An operation was asked of a tree that does not support it (e.g. appending to an indexed tree)."""


class DepthMismatchError(WorldStateError, ValueError):
    """The database was created with other tree depths than the ones asked for."""


class MapFullError(WorldStateError):
    """The LMDB map is full; nothing was committed. Reopen with a larger ``map_size``."""


class BlockMismatchError(WorldStateError, ValueError):
    """A block's effects lead to other roots than the block commits to; nothing was committed."""
