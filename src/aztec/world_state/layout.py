"""The LMDB layout of a world state: one environment, one sub-database per kind of record and tree.

* ``<tree>.nodes``: ``(level: u8, index: u64)`` big-endian -> 32-byte node hash. Only nodes that differ
  from the empty subtree's hash are stored; an absent node is :data:`ZERO_HASHES` ``[level]``.
* ``<tree>.values`` (append-only trees): 32-byte leaf value -> u64 index of its first occurrence.
* ``<tree>.leaves`` (indexed trees): u64 index -> the :class:`IndexedLeaf` (104 bytes).
* ``<tree>.keys`` (indexed trees): 32-byte big-endian key -> u64 index; sorted, so a cursor's
  ``set_range`` finds the low leaf of any key in O(log n).
* ``meta``: depths, committed block number, commit generation and tree sizes.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import lmdb

from aztec.stdlib.trees import IndexedLeaf, TreeId
from aztec.world_state.depths import TreeDepths
from aztec.world_state.errors import WorldStateError

ENV_NAME: Final = "world_state"
"""The environment's name in metrics (``aztec.db.name``)."""

APPEND_ONLY: Final = (TreeId.NOTE_HASH, TreeId.ARCHIVE)
INDEXED: Final = (TreeId.NULLIFIER, TreeId.PUBLIC_DATA)

NODE_KEY: Final = struct.Struct(">BQ")
INDEX: Final = struct.Struct(">Q")
_LEAF: Final = struct.Struct(">32s32sQ32s")
_DEPTHS: Final = struct.Struct(">4B")

_META_DEPTHS: Final = b"depths"
_META_BLOCK: Final = b"block_number"
_META_GENERATION: Final = b"generation"


def _size_key(tree: TreeId) -> bytes:
    return b"size." + tree.value.encode()


def encode_leaf(leaf: IndexedLeaf) -> bytes:
    return _LEAF.pack(
        leaf.key.to_bytes(32, "big"), leaf.value.to_bytes(32, "big"), leaf.next_index, leaf.next_key.to_bytes(32, "big")
    )


def decode_leaf(data: bytes) -> IndexedLeaf:
    key, value, next_index, next_key = _LEAF.unpack(data)
    return IndexedLeaf(
        int.from_bytes(key, "big"), int.from_bytes(value, "big"), next_index, int.from_bytes(next_key, "big")
    )


@dataclass(frozen=True, slots=True)
class TreeDbs:
    """The sub-databases of one tree (``values`` for append-only trees; ``leaves``, ``keys`` for indexed)."""

    nodes: Any
    values: Any = None
    leaves: Any = None
    keys: Any = None


@dataclass(frozen=True, slots=True)
class Databases:
    meta: Any
    trees: dict[TreeId, TreeDbs]
    named: dict[str, Any]
    """Every sub-database by name, for item counts."""


@dataclass(frozen=True, slots=True)
class CommittedMeta:
    block_number: int
    generation: int
    """Incremented by every commit; a fork remembers the generation it was based on."""
    sizes: dict[TreeId, int]


def open_env(path: Path, map_size: int) -> lmdb.Environment:
    path.mkdir(parents=True, exist_ok=True)
    env = lmdb.open(str(path), map_size=map_size, max_dbs=16, subdir=True)
    env.reader_check()  # release reader slots of processes that died
    return env


def open_databases(env: lmdb.Environment) -> Databases:
    named: dict[str, Any] = {}

    def db(name: str) -> Any:
        named[name] = env.open_db(name.encode())
        return named[name]

    meta = db("meta")
    trees: dict[TreeId, TreeDbs] = {}
    for tree in APPEND_ONLY:
        trees[tree] = TreeDbs(nodes=db(f"{tree.value}.nodes"), values=db(f"{tree.value}.values"))
    for tree in INDEXED:
        trees[tree] = TreeDbs(
            nodes=db(f"{tree.value}.nodes"), leaves=db(f"{tree.value}.leaves"), keys=db(f"{tree.value}.keys")
        )
    return Databases(meta=meta, trees=trees, named=named)


def read_depths(txn: lmdb.Transaction, dbs: Databases) -> TreeDepths | None:
    """The depths the database was created with, or None for a new database."""
    raw = txn.get(_META_DEPTHS, db=dbs.meta)
    if raw is None:
        return None
    return TreeDepths(*_DEPTHS.unpack(raw))


def write_depths(txn: lmdb.Transaction, dbs: Databases, depths: TreeDepths) -> None:
    txn.put(_META_DEPTHS, _DEPTHS.pack(*(depths.of(tree) for tree in TreeId)), db=dbs.meta)


def _read_int(txn: lmdb.Transaction, dbs: Databases, key: bytes) -> int:
    raw = txn.get(key, db=dbs.meta)
    if raw is None:
        raise WorldStateError(f"world-state database is missing its {key.decode()!r} record")
    return int(INDEX.unpack(raw)[0])


def read_meta(txn: lmdb.Transaction, dbs: Databases) -> CommittedMeta:
    return CommittedMeta(
        block_number=_read_int(txn, dbs, _META_BLOCK),
        generation=_read_int(txn, dbs, _META_GENERATION),
        sizes={tree: _read_int(txn, dbs, _size_key(tree)) for tree in TreeId},
    )


def write_meta(txn: lmdb.Transaction, dbs: Databases, meta: CommittedMeta) -> None:
    txn.put(_META_BLOCK, INDEX.pack(meta.block_number), db=dbs.meta)
    txn.put(_META_GENERATION, INDEX.pack(meta.generation), db=dbs.meta)
    for tree, size in meta.sizes.items():
        txn.put(_size_key(tree), INDEX.pack(size), db=dbs.meta)
