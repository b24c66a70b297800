"""``WorldState``: the node's Merkle trees in LMDB, with forks for building and syncing blocks."""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Final

import lmdb

from aztec.foundation.fields import FieldError, Fr
from aztec.foundation.timer import Timer
from aztec.stdlib.config.world_state import WORLD_STATE_MAP_SIZE_BYTES
from aztec.stdlib.interfaces.world_state import WorldStateView
from aztec.stdlib.trees import DuplicateNullifierError, StateReference, TreeId
from aztec.telemetry.api import TelemetryClient
from aztec.world_state.committed import CommittedView
from aztec.world_state.depths import TreeDepths
from aztec.world_state.errors import (
    BlockMismatchError,
    BlockNumberError,
    DepthMismatchError,
    MapFullError,
    StaleForkError,
    TreeFullError,
    WorldStateClosedError,
)
from aztec.world_state.fork import Fork
from aztec.world_state.instrumentation import WorldStateInstrumentation, WorldStateStats
from aztec.world_state.layout import (
    ENV_NAME,
    CommittedMeta,
    Databases,
    open_databases,
    open_env,
    read_depths,
    read_meta,
    write_depths,
    write_meta,
)
from aztec.world_state.reader import StateReader

if TYPE_CHECKING:  # the simulator's modules import aztec.stdlib.trees: avoid an import cycle
    from aztec.stdlib.block.l2_block import L2Block
    from aztec.stdlib.tx.processed_tx import TxEffect

DEFAULT_MAP_SIZE: Final = WORLD_STATE_MAP_SIZE_BYTES
"""4 GiB (``--world-state-map-size-kb``'s default): the most the database may grow to (address space only;
the file grows as it fills)."""

GENESIS_BLOCK_NUMBER: Final = 0
"""The committed block number of a new world state (empty trees, indexed ones with their zero leaf)."""


class WorldState:
    """The committed trees in one LMDB environment, and forks of them.

    Open with :meth:`open`. The committed state changes only through :meth:`Fork.commit` (or
    :meth:`apply_block`, which forks, applies a block's effects and commits), in one LMDB write
    transaction, so a process killed mid-commit reopens at the last committed block.
    """

    def __init__(
        self,
        env: lmdb.Environment,
        dbs: Databases,
        depths: TreeDepths,
        meta: CommittedMeta,
        telemetry: TelemetryClient,
    ) -> None:
        self._env: lmdb.Environment | None = env
        self._dbs = dbs
        self.depths = depths
        self._meta = meta
        self._lock = threading.Lock()
        self._forks: weakref.WeakSet[Fork] = weakref.WeakSet()
        self._committed = CommittedView(self._read_committed)
        self._instrumentation = WorldStateInstrumentation(telemetry, self._stats)

    @classmethod
    def open(
        cls,
        path: Path,
        telemetry: TelemetryClient,
        depths: TreeDepths | None = None,
        map_size: int = DEFAULT_MAP_SIZE,
    ) -> WorldState:
        """Open (or create, with ``depths`` or the defaults) the world state in the directory ``path``.

        Reopening with ``depths`` other than the ones the database was created with raises
        :class:`DepthMismatchError`; ``depths=None`` uses the stored ones.
        """
        env = open_env(Path(path), map_size)
        try:
            dbs = open_databases(env)
            stored_depths = _initialise(env, dbs, depths)
            with env.begin() as txn:
                meta = read_meta(txn, dbs)
        except BaseException:
            env.close()
            raise
        return cls(env, dbs, stored_depths, meta, telemetry)

    @property
    def committed(self) -> WorldStateView:
        """The committed state; each query sees the latest commit."""
        return self._committed

    @property
    def committed_block_number(self) -> int:
        return self._meta.block_number

    @property
    def closed(self) -> bool:
        return self._env is None

    def fork(self) -> Fork:
        """A writable copy of the committed state as it is now."""
        env = self._require_open()
        txn = env.begin()
        try:
            meta = read_meta(txn, self._dbs)
            reader = StateReader(txn, self._dbs, self.depths, meta.sizes)
        except BaseException:
            txn.abort()
            raise
        fork = Fork(txn, reader, meta, self._commit_fork, self._forks.discard, self._instrumentation)
        self._forks.add(fork)
        return fork

    def apply_l2_block(self, block: L2Block) -> StateReference:
        """:meth:`apply_block` for an archived L2 block, checked against what its header commits to."""
        return self.apply_block(
            block.number,
            block.body,
            block.hash(),
            expected_state=block.header.state,
            expected_archive_root=block.archive_root,
        )

    def apply_block(
        self,
        block_number: int,
        effects: Sequence[TxEffect],
        block_hash: Fr,
        *,
        expected_state: StateReference | None = None,
        expected_archive_root: Fr | None = None,
    ) -> StateReference:
        """Sync one block: fork; per tx its nullifiers, note hashes and public writes; the block hash into
        the archive; commit. On any error nothing is committed. Returns the state reference after the block.

        With ``expected_state`` / ``expected_archive_root`` (what the block's header commits to), a block
        whose effects lead elsewhere raises :class:`BlockMismatchError` before anything is committed."""
        timer = Timer()
        with self.fork() as fork:
            for position, effect in enumerate(effects):
                try:
                    fork.insert_nullifiers(effect.nullifiers)
                    fork.append_leaves(TreeId.NOTE_HASH, effect.note_hashes)
                    fork.write_public([(write.slot, write.value) for write in effect.public_data_writes])
                except (DuplicateNullifierError, FieldError, TreeFullError) as error:
                    where = f"block {block_number}, tx #{position} ({effect.tx_hash:#x})"
                    raise type(error)(f"{where}: {error}") from error
            fork.append_leaves(TreeId.ARCHIVE, [block_hash])
            reference = fork.get_state_reference()
            archive_root = fork.get_snapshot(TreeId.ARCHIVE).root
            if (expected_state is not None and reference != expected_state) or (
                expected_archive_root is not None and archive_root != expected_archive_root
            ):
                raise BlockMismatchError(
                    f"block {block_number}: applying its effects gives other roots than its header commits to"
                )
            fork.commit(block_number)
        self._instrumentation.record_sync(timer.s())
        return reference

    def close(self) -> None:
        """Close the database; open forks are discarded. Safe to call more than once."""
        with self._lock:
            env, self._env = self._env, None
            if env is None:
                return
            for fork in list(self._forks):
                fork.release()
            env.close()
        self._instrumentation.close()

    def __enter__(self) -> WorldState:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def _require_open(self) -> lmdb.Environment:
        env = self._env
        if env is None:
            raise WorldStateClosedError("the world state is closed")
        return env

    @contextmanager
    def _read_committed(self) -> Iterator[StateReader]:
        with self._require_open().begin() as txn:
            yield StateReader(txn, self._dbs, self.depths, read_meta(txn, self._dbs).sizes)

    def _commit_fork(self, fork: Fork, block_number: int) -> None:
        if type(block_number) is not int or block_number < 0:
            raise BlockNumberError(f"block number must be a non-negative int, got {block_number!r}")
        changes = fork.changes()
        with self._lock:
            env = self._require_open()
            try:
                with env.begin(write=True) as txn:
                    current = read_meta(txn, self._dbs)
                    if current.generation != fork.base.generation:
                        raise StaleForkError(
                            f"cannot commit block {block_number}: this fork was made from block "
                            f"{fork.base.block_number}, but another fork has committed since (the committed "
                            f"state is now at block {current.block_number}); roll this fork back and fork again"
                        )
                    if block_number <= current.block_number:
                        raise BlockNumberError(
                            f"cannot commit block {block_number}: the committed state is already at block "
                            f"{current.block_number} (block numbers must increase)"
                        )
                    for tree in TreeId:
                        changes.tree(tree).flush(txn)
                    meta = CommittedMeta(block_number, current.generation + 1, changes.sizes())
                    write_meta(txn, self._dbs, meta)
            except lmdb.MapFullError as error:
                raise MapFullError(
                    f"cannot commit block {block_number}: the LMDB map is full ({env.info()['map_size']} bytes); "
                    "nothing was committed: reopen the world state with a larger map_size"
                ) from error
            self._meta = meta

    def _stats(self) -> WorldStateStats | None:
        with self._lock:
            env = self._env
            if env is None:
                return None
            info, psize = env.info(), env.stat()["psize"]
            with env.begin() as txn:
                items = {f"{ENV_NAME}.{name}": int(txn.stat(db)["entries"]) for name, db in self._dbs.named.items()}
            meta = self._meta
        return WorldStateStats(
            block_number=meta.block_number,
            tree_sizes=dict(meta.sizes),
            db_name=ENV_NAME,
            map_size=int(info["map_size"]),
            used_bytes=(int(info["last_pgno"]) + 1) * int(psize),
            items=items,
        )


def _initialise(env: lmdb.Environment, dbs: Databases, depths: TreeDepths | None) -> TreeDepths:
    """Create the genesis state in a new database; check ``depths`` against an existing one."""
    with env.begin(write=True) as txn:
        stored = read_depths(txn, dbs)
        if stored is not None:
            if depths is not None and depths != stored:
                raise DepthMismatchError(f"the world state was created with {stored}, not {depths}")
            return stored
        depths = depths or TreeDepths()
        write_depths(txn, dbs, depths)
        genesis = StateReader(txn, dbs, depths, dict.fromkeys(TreeId, 0))
        for indexed in genesis.indexed.values():
            indexed.initialise()
        for tree in TreeId:
            genesis.tree(tree).flush(txn)
        write_meta(txn, dbs, CommittedMeta(GENESIS_BLOCK_NUMBER, 0, genesis.sizes()))
    return depths
