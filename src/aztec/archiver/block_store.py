"""An LMDB store of L2 blocks, a tx-hash index for receipts, and the archiver's sync position."""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from pathlib import Path

import lmdb

from aztec.foundation.fields import Fr, fr_to_bytes
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.encoding.canonical import decode, encode
from aztec.stdlib.encoding.codecs import read_tx_effect, write_tx_effect
from aztec.stdlib.tx.processed_tx import TxEffect

_U64 = struct.Struct(">Q")
_LOCATION = struct.Struct(">QI")
_META_L1_SYNCED = b"l1_synced"
_META_PROVEN = b"proven"


class BlockStoreError(ValueError):
    """A block that does not extend the stored chain."""


@dataclass(frozen=True)
class TxLocation:
    block_number: int
    index: int
    effect: TxEffect


class BlockStore:
    def __init__(self, path: Path, map_size: int = 1 << 32) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._env = lmdb.open(str(path), map_size=map_size, max_dbs=4, subdir=True)
        self._blocks = self._env.open_db(b"blocks")
        self._txs = self._env.open_db(b"txs")
        self._meta = self._env.open_db(b"meta")
        self._lock = threading.Lock()

    def close(self) -> None:
        self._env.close()

    def add_block(self, block: L2Block, l1_synced: int) -> None:
        """Append ``block`` (the next number) and set the L1 block up to which every proposal is stored, atomically."""
        with self._lock, self._env.begin(write=True) as txn:
            expected = self._latest(txn) + 1
            if block.number != expected:
                raise BlockStoreError(f"block {block.number} does not follow the stored chain (next is {expected})")
            txn.put(_U64.pack(block.number), block.to_bytes(), db=self._blocks)
            for index, effect in enumerate(block.body):
                location = _LOCATION.pack(block.number, index) + encode(effect, write_tx_effect)
                txn.put(fr_to_bytes(effect.tx_hash), location, db=self._txs)
            txn.put(_META_L1_SYNCED, _U64.pack(l1_synced), db=self._meta)

    def set_l1_synced(self, l1_block_number: int) -> None:
        with self._lock, self._env.begin(write=True) as txn:
            txn.put(_META_L1_SYNCED, _U64.pack(l1_block_number), db=self._meta)

    def set_proven(self, block_number: int) -> None:
        with self._lock, self._env.begin(write=True) as txn:
            txn.put(_META_PROVEN, _U64.pack(min(block_number, self._latest(txn))), db=self._meta)

    def _latest(self, txn: lmdb.Transaction) -> int:
        cursor = txn.cursor(db=self._blocks)
        return _U64.unpack(cursor.key())[0] if cursor.last() else 0

    def latest_block_number(self) -> int:
        with self._env.begin() as txn:
            return self._latest(txn)

    def proven_block_number(self) -> int:
        with self._env.begin() as txn:
            raw = txn.get(_META_PROVEN, db=self._meta)
            return _U64.unpack(raw)[0] if raw else 0

    def l1_synced(self) -> int:
        with self._env.begin() as txn:
            raw = txn.get(_META_L1_SYNCED, db=self._meta)
            return _U64.unpack(raw)[0] if raw else 0

    def get_block(self, number: int) -> L2Block | None:
        with self._env.begin() as txn:
            raw = txn.get(_U64.pack(number), db=self._blocks)
        return L2Block.from_bytes(bytes(raw)) if raw else None

    def get_tx(self, tx_hash: Fr) -> TxLocation | None:
        with self._env.begin() as txn:
            raw = txn.get(fr_to_bytes(tx_hash), db=self._txs)
            if raw is None:
                return None
            raw = bytes(raw)
        number, index = _LOCATION.unpack_from(raw)
        # The entry carries its tx's effect, so a receipt does not decode the whole block.
        return TxLocation(number, index, decode(raw[_LOCATION.size :], read_tx_effect, "tx effect"))

    def stats(self) -> tuple[int, int, int]:
        """(map size, bytes used, entries) for the database gauges."""
        info, stat = self._env.info(), self._env.stat()
        used = (info["last_pgno"] + 1) * stat["psize"]
        with self._env.begin() as txn:
            entries = sum(txn.stat(db)["entries"] for db in (self._blocks, self._txs, self._meta))
        return info["map_size"], used, entries
