"""The pool's LMDB: pending transactions and recently dropped hashes, one write transaction per change.

Layout (one environment, five sub-databases):

* ``pending``: tx hash (32 B) -> arrival time (f64, Unix seconds) | arrival sequence (u64) | tx bytes
* ``dropped``: drop sequence (u64, big-endian, so oldest first) -> tx hash (32 B) | reason (UTF-8)
* ``mined``: tx hash (32 B) -> tx bytes, for recently mined txs (``node_getTxByHash``)
* ``mined_order``: mined sequence (u64, big-endian) -> tx hash, to forget the oldest first
* ``meta``: ``format`` -> the layout version (u8)

A pool written before ``mined`` existed opens unchanged (the two databases start empty).
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import lmdb

from aztec.foundation.fields import Fr
from aztec.p2p.config import DEFAULT_DROPPED_HISTORY
from aztec.stdlib.tx.tx import Tx, TxDecodeError

FORMAT_VERSION: Final = 1
_FORMAT_KEY: Final = b"format"
_PENDING_HEADER: Final = struct.Struct(">dQ")
_SEQ: Final = struct.Struct(">Q")
_HASH_SIZE: Final = 32


class TxPoolStoreError(Exception):
    """The pool's database cannot be used as it is (wrong format, corrupt record); nothing was changed."""


class TxPoolStoreFullError(TxPoolStoreError):
    """The LMDB map is full; the write was not made."""


@dataclass(frozen=True, slots=True)
class PendingRecord:
    tx: Tx
    arrival_time: float
    """Unix seconds at which the pool accepted the transaction."""
    seq: int
    """Arrival order: increases with every accepted transaction."""


@dataclass(frozen=True, slots=True)
class DroppedRecord:
    tx_hash: Fr
    reason: str


def _hash_key(tx_hash: Fr) -> bytes:
    return tx_hash.to_bytes(_HASH_SIZE, "big")


class StoreWriter:
    """The changes of one write transaction; they are committed together or not at all."""

    def __init__(self, txn: lmdb.Transaction, store: TxPoolStore) -> None:
        self._txn = txn
        self._store = store

    def put_pending(self, record: PendingRecord) -> None:
        value = _PENDING_HEADER.pack(record.arrival_time, record.seq) + record.tx.to_bytes()
        self._txn.put(_hash_key(record.tx.tx_hash), value, db=self._store.pending_db)

    def delete_pending(self, tx_hash: Fr) -> None:
        self._txn.delete(_hash_key(tx_hash), db=self._store.pending_db)

    def add_mined(self, tx: Tx) -> None:
        """Keep ``tx`` as mined, forgetting the oldest mined txs past the history limit."""
        store = self._store
        key = _hash_key(tx.tx_hash)
        self._txn.put(key, tx.to_bytes(), db=store.mined_db)
        self._txn.put(_SEQ.pack(store.take_mined_seq()), key, db=store.mined_order_db)
        excess = int(self._txn.stat(store.mined_order_db)["entries"]) - store.mined_history
        if excess > 0:
            cursor = self._txn.cursor(db=store.mined_order_db)
            cursor.first()
            for _ in range(excess):
                self._txn.delete(bytes(cursor.value()), db=store.mined_db)
                cursor.delete()

    def add_dropped(self, tx_hash: Fr, reason: str) -> None:
        """Remember ``tx_hash`` as dropped, forgetting the oldest entries past the history limit."""
        db = self._store.dropped_db
        self._txn.put(_SEQ.pack(self._store.take_dropped_seq()), _hash_key(tx_hash) + reason.encode(), db=db)
        excess = int(self._txn.stat(db)["entries"]) - self._store.dropped_history
        if excess > 0:
            cursor = self._txn.cursor(db=db)
            cursor.first()
            for _ in range(excess):
                cursor.delete()


class TxPoolStore:
    """Opens the pool's LMDB environment and reads and writes its records."""

    def __init__(
        self, env: lmdb.Environment, dropped_history: int, mined_history: int = DEFAULT_DROPPED_HISTORY
    ) -> None:
        self._env: lmdb.Environment | None = env
        self.dropped_history = dropped_history
        self.mined_history = mined_history
        self.pending_db: Any = env.open_db(b"pending")
        self.dropped_db: Any = env.open_db(b"dropped")
        self.mined_db: Any = env.open_db(b"mined")
        self.mined_order_db: Any = env.open_db(b"mined_order")
        self._meta_db: Any = env.open_db(b"meta")
        self._next_dropped_seq = 0
        self._next_mined_seq = 0

    @classmethod
    def open(
        cls,
        path: Path,
        *,
        map_size: int,
        dropped_history: int,
        fsync: bool = True,
        mined_history: int = DEFAULT_DROPPED_HISTORY,
    ) -> TxPoolStore:
        """Open or create the store in the directory ``path``; ``fsync=False`` skips flushing commits to disk."""
        path.mkdir(parents=True, exist_ok=True)
        env = lmdb.open(str(path), map_size=map_size, max_dbs=8, subdir=True, sync=fsync)
        try:
            env.reader_check()  # release reader slots of processes that died
            store = cls(env, dropped_history, mined_history)
            store._initialise(path)
        except BaseException:
            env.close()
            raise
        return store

    def _initialise(self, path: Path) -> None:
        with self._require_open().begin(write=True) as txn:
            raw = txn.get(_FORMAT_KEY, db=self._meta_db)
            if raw is None:
                txn.put(_FORMAT_KEY, bytes([FORMAT_VERSION]), db=self._meta_db)
            elif raw != bytes([FORMAT_VERSION]):
                raise TxPoolStoreError(
                    f"tx pool at {path} has layout version {raw.hex()}, this node reads version {FORMAT_VERSION}"
                )
            cursor = txn.cursor(db=self.dropped_db)
            if cursor.last():
                self._next_dropped_seq = _SEQ.unpack(cursor.key())[0] + 1
            cursor = txn.cursor(db=self.mined_order_db)
            if cursor.last():
                self._next_mined_seq = _SEQ.unpack(cursor.key())[0] + 1

    def take_dropped_seq(self) -> int:
        seq = self._next_dropped_seq
        self._next_dropped_seq += 1
        return seq

    def take_mined_seq(self) -> int:
        seq = self._next_mined_seq
        self._next_mined_seq += 1
        return seq

    def get_mined(self, tx_hash: Fr) -> Tx | None:
        """A recently mined tx kept by :meth:`StoreWriter.add_mined`, if it still is."""
        with self._require_open().begin() as txn:
            raw = txn.get(_hash_key(tx_hash), db=self.mined_db)
            data = None if raw is None else bytes(raw)
        if data is None:
            return None
        try:
            return Tx.from_bytes(data, max_size=len(data))
        except TxDecodeError as error:
            raise TxPoolStoreError(f"mined record {tx_hash:#066x} does not hold a valid tx: {error}") from None

    def load_pending(self) -> list[PendingRecord]:
        """Every pending transaction, decoded and checked against its key; in no particular order."""
        records: list[PendingRecord] = []
        with self._require_open().begin() as txn:
            for key, value in txn.cursor(db=self.pending_db):
                records.append(_decode_pending(bytes(key), bytes(value)))
        return records

    def load_dropped(self) -> list[DroppedRecord]:
        """The remembered dropped hashes, oldest first."""
        with self._require_open().begin() as txn:
            return [
                _decode_dropped(bytes(value))
                for value in txn.cursor(db=self.dropped_db).iternext(keys=False, values=True)
            ]

    @contextmanager
    def write(self) -> Iterator[StoreWriter]:
        """One write transaction: committed when the block ends, aborted if it raises."""
        env = self._require_open()
        try:
            with env.begin(write=True) as txn:
                yield StoreWriter(txn, self)
        except lmdb.MapFullError as error:
            raise TxPoolStoreFullError(
                f"the tx pool's LMDB map is full ({env.info()['map_size']} bytes); nothing was written"
            ) from error

    def close(self) -> None:
        env, self._env = self._env, None
        if env is not None:
            env.close()

    def _require_open(self) -> lmdb.Environment:
        if self._env is None:
            raise TxPoolStoreError("the tx pool store is closed")
        return self._env


def _decode_pending(key: bytes, value: bytes) -> PendingRecord:
    if len(value) < _PENDING_HEADER.size:
        raise TxPoolStoreError(f"pending record {key.hex()} is truncated ({len(value)} bytes)")
    arrival_time, seq = _PENDING_HEADER.unpack_from(value)
    data = value[_PENDING_HEADER.size :]
    try:
        tx = Tx.from_bytes(data, max_size=len(data))
    except TxDecodeError as error:
        raise TxPoolStoreError(f"pending record {key.hex()} does not hold a valid tx: {error}") from None
    if _hash_key(tx.tx_hash) != key:
        raise TxPoolStoreError(f"pending record {key.hex()} holds a tx whose hash is {tx.tx_hash:#066x}")
    return PendingRecord(tx, float(arrival_time), int(seq))


def _decode_dropped(value: bytes) -> DroppedRecord:
    if len(value) < _HASH_SIZE:
        raise TxPoolStoreError(f"dropped record {value.hex()} is truncated")
    return DroppedRecord(int.from_bytes(value[:_HASH_SIZE], "big"), value[_HASH_SIZE:].decode())
