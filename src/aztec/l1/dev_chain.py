"""``DevL1Chain``: an embedded L1 chain in one SQLite file, standing in for Ethereum in development.

It implements :class:`~aztec.l1.client.L1Client`, so the publisher and the archiver cannot tell it from
a real L1 client. It has accounts with balances (the publisher and prover accounts are funded at
genesis), a mempool, blocks mined every ``block_time_s`` by :meth:`DevL1Chain.start`'s task (or one at a
time with :meth:`DevL1Chain.mine`), an EIP-1559 base fee, gas for calldata, and the rollup contract of
:mod:`aztec.l1.rollup`. There are no signatures, no tips, no reorgs and no other contracts.

Reopening the same file resumes the chain. Several nodes in one process share one ``DevL1Chain``;
several processes may open the same file: writes are short SQLite transactions, and each process's
mining task mines only when a block is due by the latest block's timestamp, so the block time holds
however many processes run one.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType
from typing import Final, TypeVar

from aztec.foundation.fields import Fr
from aztec.foundation.threads import run_in_thread
from aztec.l1 import store
from aztec.l1.errors import ChainClosedError, ChainMismatchError, InsufficientFundsError, InvalidTransactionError
from aztec.l1.mining import BlockRules, block_hash, mine_block, pending_base_fee, transaction_gas
from aztec.l1.rollup import RollupState
from aztec.l1.types import (
    ETHER,
    GWEI,
    L1Block,
    L1Transaction,
    L1TxRequest,
    L2BlockProposed,
    TxReceipt,
    dev_address,
    normalize_address,
)
from aztec.stdlib.config.l1 import L1_BLOCK_TIME

T = TypeVar("T")
_log = logging.getLogger(__name__)

DEV_CHAIN_ID: Final = 31337
DEV_PUBLISHER_ADDRESS: Final = dev_address("publisher")
"""The sequencer's publisher account, funded at genesis."""
DEV_PROVER_ADDRESS: Final = dev_address("prover")
"""An account for submitting proofs, funded at genesis."""
DEV_ROLLUP_ADDRESS: Final = dev_address("rollup")


def _default_balances() -> Mapping[str, int]:
    return MappingProxyType({DEV_PUBLISHER_ADDRESS: 1_000 * ETHER, DEV_PROVER_ADDRESS: 1_000 * ETHER})


@dataclass(frozen=True, slots=True)
class DevL1Config:
    chain_id: int = DEV_CHAIN_ID
    """Fixed at genesis; reopening with another raises :class:`ChainMismatchError`."""
    block_time_s: float = L1_BLOCK_TIME.default
    block_gas_limit: int = 30_000_000
    """Gas per block; the base fee targets half of it."""
    initial_base_fee: int = GWEI
    """The genesis block's base fee (used at creation only)."""
    min_base_fee: int = GWEI // 100
    """The floor the base fee never goes below."""
    genesis_balances: Mapping[str, int] = field(default_factory=_default_balances)
    """Accounts funded at genesis (used at creation only)."""
    busy_timeout_s: float = 10.0
    """How long a write waits for another process's write lock."""

    def __post_init__(self) -> None:
        if self.block_time_s <= 0:
            raise ValueError(f"block_time_s must be > 0, got {self.block_time_s}")
        if self.block_gas_limit <= 0:
            raise ValueError(f"block_gas_limit must be > 0, got {self.block_gas_limit}")
        if self.min_base_fee < 1 or self.initial_base_fee < self.min_base_fee:
            raise ValueError(
                f"need 1 <= min_base_fee <= initial_base_fee, got {self.min_base_fee} and {self.initial_base_fee}"
            )
        for address, balance in self.genesis_balances.items():
            normalize_address(address)
            if balance < 0:
                raise ValueError(f"genesis balance of {address} is negative: {balance}")


class DevL1Chain:
    """The development L1 (see the module docstring). Open with :meth:`open`; ``close`` when done."""

    def __init__(self, path: Path, conn: sqlite3.Connection, config: DevL1Config) -> None:
        self.path = path
        self.config = config
        self._conn: sqlite3.Connection | None = conn
        self._lock = threading.Lock()
        self._rules = BlockRules(config.block_gas_limit, config.min_base_fee)
        self._miner: asyncio.Task[None] | None = None

    @classmethod
    def open(cls, path: Path, genesis_archive_root: Fr, config: DevL1Config | None = None) -> DevL1Chain:
        """Open the chain in the file ``path``, creating it (and its directory) with a genesis block if new.

        ``genesis_archive_root`` is the L2 genesis (block 0) archive root: the world state's initial one.
        """
        config = config or DevL1Config()
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = store.connect(path, config.busy_timeout_s)
        try:
            with store.write_transaction(conn):
                if store.schema_version(conn) == 0:
                    _create_genesis(conn, config, genesis_archive_root)
                else:
                    _check_genesis(conn, path, config, genesis_archive_root)
        except BaseException:
            conn.close()
            raise
        return cls(path, conn, config)

    @property
    def rollup_address(self) -> str:
        return DEV_ROLLUP_ADDRESS

    # --- mining ----------------------------------------------------------------------------------

    def mine(self) -> L1Block:
        """Mine one block now, with the pending transactions that fit."""
        return self._write(lambda conn: mine_block(conn, self._rules, DEV_ROLLUP_ADDRESS, time.time()))

    async def start(self) -> None:
        """Mine a block every ``block_time_s`` in an asyncio task until :meth:`stop`."""
        if self._miner is not None and not self._miner.done():
            return
        self._require_open()
        self._miner = asyncio.create_task(self._mine_forever(), name="dev-l1-miner")

    async def stop(self) -> None:
        """Stop the mining task (a block being mined is finished first). Safe to call when not started."""
        miner, self._miner = self._miner, None
        if miner is None:
            return
        miner.cancel()
        try:
            await miner
        except asyncio.CancelledError:
            if not miner.cancelled():
                raise

    @property
    def mining(self) -> bool:
        return self._miner is not None and not self._miner.done()

    async def _mine_forever(self) -> None:
        while True:
            try:
                delay = await run_in_thread(self._mine_if_due)
            except sqlite3.OperationalError as error:  # e.g. another process held the lock past the timeout
                _log.warning("development L1 at %s: mining failed, retrying next block time: %s", self.path, error)
                delay = self.config.block_time_s
            await asyncio.sleep(delay)

    def _mine_if_due(self) -> float:
        """Mine if the block time has passed since the latest block (by anyone); seconds until the next."""

        def run(conn: sqlite3.Connection) -> float:
            now = time.time()
            latest = store.latest_block(conn)
            if now >= latest.timestamp + self.config.block_time_s:
                latest = mine_block(conn, self._rules, DEV_ROLLUP_ADDRESS, now)
            return max(latest.timestamp + self.config.block_time_s - time.time(), 0.0)

        return self._write(run)

    # --- development helpers (no L1 equivalent) ---------------------------------------------------

    def fund(self, address: str, amount: int) -> None:
        """Add ``amount`` wei to ``address`` (as a development node's ``setBalance``)."""
        address = normalize_address(address)
        if amount < 0:
            raise ValueError(f"cannot fund a negative amount: {amount}")
        self._write(lambda conn: store.add_balance(conn, address, amount))

    def latest_block(self) -> L1Block:
        return self._read(store.latest_block)

    def close(self) -> None:
        """Stop mining and close the file. Safe to call more than once."""
        if self._miner is not None:
            self._miner.cancel()
            self._miner = None
        with self._lock:
            conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    # --- L1Client --------------------------------------------------------------------------------

    async def get_chain_id(self) -> int:
        return self.config.chain_id

    async def get_block_number(self) -> int:
        return (await self._async_read(store.latest_block)).number

    async def get_block(self, number: int) -> L1Block | None:
        return await self._async_read(lambda conn: store.get_block(conn, number))

    async def get_base_fee(self) -> int:
        return await self._async_read(lambda conn: pending_base_fee(store.latest_block(conn), self._rules.min_base_fee))

    async def get_balance(self, address: str) -> int:
        address = normalize_address(address)
        return (await self._async_read(lambda conn: store.get_account(conn, address))).balance

    async def send_transaction(self, request: L1TxRequest) -> str:
        return await run_in_thread(self.send_transaction_sync, request)

    def send_transaction_sync(self, request: L1TxRequest) -> str:
        """:meth:`send_transaction`, for callers without an event loop."""
        sender, to = normalize_address(request.sender), normalize_address(request.to)
        data = bytes(request.data)
        if request.value < 0:
            raise InvalidTransactionError(f"negative value: {request.value}")
        needed = transaction_gas(to, data, DEV_ROLLUP_ADDRESS)
        gas_limit = needed if request.gas_limit is None else request.gas_limit
        if gas_limit < needed:
            raise InvalidTransactionError(f"gas limit {gas_limit} is below the {needed} gas the transaction needs")
        if gas_limit > self.config.block_gas_limit:
            raise InvalidTransactionError(
                f"gas limit {gas_limit} exceeds the block gas limit {self.config.block_gas_limit}"
            )
        if request.max_fee_per_gas is not None and request.max_fee_per_gas < 1:
            raise InvalidTransactionError(f"max fee per gas must be >= 1, got {request.max_fee_per_gas}")

        def submit(conn: sqlite3.Connection) -> str:
            max_fee = request.max_fee_per_gas
            if max_fee is None:
                max_fee = 2 * pending_base_fee(store.latest_block(conn), self._rules.min_base_fee)
            account = store.get_account(conn, sender)
            required = gas_limit * max_fee + request.value
            if account.available < required:
                raise InsufficientFundsError(sender, account.available, required)
            tx = L1Transaction(
                hash=_tx_hash(self.config.chain_id, sender, account.nonce, to, data, request.value, gas_limit, max_fee),
                sender=sender,
                to=to,
                data=data,
                value=request.value,
                nonce=account.nonce,
                gas_limit=gas_limit,
                max_fee_per_gas=max_fee,
                block_number=None,
            )
            store.insert_transaction(conn, tx)
            store.put_account(
                conn, sender, replace(account, nonce=account.nonce + 1, reserved=account.reserved + required)
            )
            return tx.hash

        return self._write(submit)

    async def get_transaction(self, tx_hash: str) -> L1Transaction | None:
        return await self._async_read(lambda conn: store.get_transaction(conn, tx_hash.lower()))

    async def get_receipt(self, tx_hash: str) -> TxReceipt | None:
        return await self._async_read(lambda conn: store.get_receipt(conn, tx_hash.lower()))

    async def get_proposed_blocks(self, from_l1_block: int, to_l1_block: int) -> list[L2BlockProposed]:
        return await self._async_read(lambda conn: RollupState(conn).proposed_events(from_l1_block, to_l1_block))

    async def get_pending_block_number(self) -> int:
        return await self._async_read(lambda conn: RollupState(conn).pending_block_number())

    async def get_proven_block_number(self) -> int:
        return await self._async_read(lambda conn: RollupState(conn).proven_block_number())

    async def get_archive_root(self) -> Fr:
        return await self._async_read(lambda conn: RollupState(conn).archive_root())

    async def get_archive_root_at(self, l2_block_number: int) -> Fr | None:
        return await self._async_read(lambda conn: RollupState(conn).archive_root_at(l2_block_number))

    # --- plumbing --------------------------------------------------------------------------------

    def _require_open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ChainClosedError(f"the development L1 at {self.path} is closed")
        return self._conn

    def _read(self, read: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock:
            return read(self._require_open())

    def _write(self, write: Callable[[sqlite3.Connection], T]) -> T:
        with self._lock, store.write_transaction(self._require_open()) as conn:
            return write(conn)

    async def _async_read(self, read: Callable[[sqlite3.Connection], T]) -> T:
        return await run_in_thread(self._read, read)


def _tx_hash(chain_id: int, sender: str, nonce: int, to: str, data: bytes, value: int, gas: int, fee: int) -> str:
    digest = hashlib.sha256(f"{chain_id}:{sender}:{nonce}:{to}:{value}:{gas}:{fee}:".encode())
    digest.update(data)
    return "0x" + digest.hexdigest()


_GENESIS_KEYS: Final = ("chain_id", "genesis_archive_root")


def _genesis_meta(config: DevL1Config, genesis_archive_root: Fr) -> dict[str, str]:
    return {"chain_id": str(config.chain_id), "genesis_archive_root": f"0x{genesis_archive_root:064x}"}


def _create_genesis(conn: sqlite3.Connection, config: DevL1Config, genesis_archive_root: Fr) -> None:
    store.create_schema(conn)
    for key, value in _genesis_meta(config, genesis_archive_root).items():
        store.set_meta(conn, key, value)
    for address, balance in config.genesis_balances.items():
        store.put_account(conn, normalize_address(address), store.Account(balance, 0, 0))
    parent = "0x" + "00" * 32
    timestamp = time.time()
    store.insert_block(
        conn,
        L1Block(
            0,
            block_hash(0, parent, timestamp, []),
            parent,
            timestamp,
            config.initial_base_fee,
            0,
            config.block_gas_limit,
            (),
        ),
    )
    RollupState.create(conn, genesis_archive_root)


def _check_genesis(conn: sqlite3.Connection, path: Path, config: DevL1Config, genesis_archive_root: Fr) -> None:
    version = store.schema_version(conn)
    if version != store.SCHEMA_VERSION:
        raise ChainMismatchError(f"{path}: schema version {version}, this code reads {store.SCHEMA_VERSION}")
    expected = _genesis_meta(config, genesis_archive_root)
    for key in _GENESIS_KEYS:
        stored = store.get_meta(conn, key)
        if stored != expected[key]:
            raise ChainMismatchError(f"{path}: the chain's {key} is {stored}, opened with {expected[key]}")
