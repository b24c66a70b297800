"""World state (Merkle trees in LMDB) metrics."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import ValueType, histogram, observable_gauge

_TREE = (a.MERKLE_TREE_NAME,)

WORLD_STATE_TREE_INSERTION_DURATION: Final = histogram(
    "aztec.world_state.tree_insertion.duration",
    "s",
    "Time to insert a batch of leaves into a tree, by tree and batch size class",
    attributes=(a.MERKLE_TREE_NAME, a.BATCH_SIZE_CLASS),
)
WORLD_STATE_TREE_SIZE: Final = observable_gauge(
    "aztec.world_state.tree_size", "{leaf}", "Leaves in a tree of the committed state", attributes=_TREE
)
WORLD_STATE_FORK_DURATION: Final = histogram(
    "aztec.world_state.fork.duration", "s", "How long a fork lived, from creation to commit or rollback"
)
WORLD_STATE_SYNC_DURATION: Final = histogram(
    "aztec.world_state.sync.duration",
    "s",
    "Time to apply one block's effects and commit them; with aztec.world_state.sync_run_blocks (benchmarks "
    "only), the time a fresh node took to catch up on that many blocks from L1",
    attributes=(a.SYNC_RUN_BLOCKS,),
)
WORLD_STATE_COMMITTED_HEIGHT: Final = observable_gauge(
    "aztec.world_state.committed_height", "{block}", "Block number of the committed state"
)
DB_MAP_SIZE: Final = observable_gauge(
    "aztec.db.map_size", "By", "LMDB map size (the most the database may grow to)", attributes=(a.DB_NAME,)
)
DB_USED_SIZE: Final = observable_gauge(
    "aztec.db.used_size", "By", "LMDB pages in use, in bytes", attributes=(a.DB_NAME,), better="lower"
)
DB_NUM_ITEMS: Final = observable_gauge(
    "aztec.db.num_items",
    "{item}",
    "Entries in an LMDB database",
    attributes=(a.DB_NAME,),
    value_type=ValueType.INT,
)
