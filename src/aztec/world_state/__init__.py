"""World state: the node's Merkle trees (note hashes, nullifiers, public data, archive) in LMDB."""

from aztec.world_state.depths import TreeDepths
from aztec.world_state.errors import (
    BlockNumberError,
    DepthMismatchError,
    ForkClosedError,
    LeafIndexError,
    MapFullError,
    StaleForkError,
    TreeFullError,
    WorldStateClosedError,
    WorldStateError,
    WrongTreeError,
)
from aztec.world_state.fork import Fork
from aztec.world_state.world_state import DEFAULT_MAP_SIZE, WorldState

__all__ = [
    "DEFAULT_MAP_SIZE",
    "BlockNumberError",
    "DepthMismatchError",
    "Fork",
    "ForkClosedError",
    "LeafIndexError",
    "MapFullError",
    "StaleForkError",
    "TreeDepths",
    "TreeFullError",
    "WorldState",
    "WorldStateClosedError",
    "WorldStateError",
    "WrongTreeError",
]
