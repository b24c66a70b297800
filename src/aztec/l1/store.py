"""The development chain's SQLite file: connection settings, schema, and rows to values and back.

WAL mode lets readers in other processes go on while one writer holds the lock; every write is one
short ``BEGIN IMMEDIATE`` transaction, so processes sharing the file queue on SQLite's lock (up to
the busy timeout) instead of failing. Amounts are stored as decimal text (wei do not fit SQLite's
64-bit integers).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Final

from aztec.l1.types import L1Block, L1Transaction, TxReceipt, TxStatus

SCHEMA_VERSION: Final = 2

SCHEMA: Final = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE accounts (
    address TEXT PRIMARY KEY, balance TEXT NOT NULL, nonce INTEGER NOT NULL, reserved TEXT NOT NULL
);
CREATE TABLE blocks (
    number INTEGER PRIMARY KEY,
    hash TEXT NOT NULL UNIQUE,
    parent_hash TEXT NOT NULL,
    timestamp REAL NOT NULL,
    base_fee TEXT NOT NULL,
    gas_used INTEGER NOT NULL,
    gas_limit INTEGER NOT NULL
);
CREATE TABLE transactions (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    hash TEXT NOT NULL UNIQUE,
    sender TEXT NOT NULL,
    recipient TEXT NOT NULL,
    value TEXT NOT NULL,
    data BLOB NOT NULL,
    nonce INTEGER NOT NULL,
    gas_limit INTEGER NOT NULL,
    max_fee_per_gas TEXT NOT NULL,
    block_number INTEGER,
    tx_index INTEGER,
    status TEXT,
    gas_used INTEGER,
    gas_price TEXT,
    revert_reason TEXT
);
CREATE INDEX transactions_pending ON transactions (seq) WHERE block_number IS NULL;
CREATE INDEX transactions_by_block ON transactions (block_number, tx_index);
"""

_TX_COLUMNS: Final = "hash, sender, recipient, data, value, nonce, gas_limit, max_fee_per_gas, block_number"
_RECEIPT_COLUMNS: Final = (
    "t.hash, t.status, t.block_number, b.hash, t.tx_index, t.gas_used, t.gas_price, t.revert_reason"
)


def connect(path: Path, busy_timeout_s: float) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit), WAL journal, usable from any thread."""
    conn = sqlite3.connect(path, timeout=busy_timeout_s, isolation_level=None, check_same_thread=False)
    try:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
    except BaseException:
        conn.close()
        raise
    return conn


@contextmanager
def write_transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` (take the write lock now) ... ``COMMIT``, or ``ROLLBACK`` on any error."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def schema_version(conn: sqlite3.Connection) -> int:
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def execute_script(conn: sqlite3.Connection, script: str) -> None:
    """Run ``;``-separated statements in the current transaction (``executescript`` would commit it)."""
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


def create_schema(conn: sqlite3.Connection) -> None:
    execute_script(conn, SCHEMA)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def get_meta(conn: sqlite3.Connection, key: str) -> str | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return None if row is None else str(row[0])


def set_meta(conn: sqlite3.Connection, key: str, value: str) -> None:
    conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))


@dataclass(frozen=True, slots=True)
class Account:
    balance: int
    nonce: int
    """The next nonce to assign."""
    reserved: int
    """The most the account's pending transactions may cost (gas limit x max fee, plus value)."""

    @property
    def available(self) -> int:
        return self.balance - self.reserved


def get_account(conn: sqlite3.Connection, address: str) -> Account:
    """Zeros for an address never seen."""
    row = conn.execute("SELECT balance, nonce, reserved FROM accounts WHERE address = ?", (address,)).fetchone()
    return Account(0, 0, 0) if row is None else Account(int(row[0]), int(row[1]), int(row[2]))


def put_account(conn: sqlite3.Connection, address: str, account: Account) -> None:
    if account.balance < 0 or account.reserved < 0:
        raise ValueError(f"account {address} would go negative: {account}")
    conn.execute(
        "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?)",
        (address, str(account.balance), account.nonce, str(account.reserved)),
    )


def add_balance(conn: sqlite3.Connection, address: str, amount: int) -> None:
    account = get_account(conn, address)
    put_account(conn, address, replace(account, balance=account.balance + amount))


def latest_block(conn: sqlite3.Connection) -> L1Block:
    row = conn.execute("SELECT MAX(number) FROM blocks").fetchone()
    block = get_block(conn, int(row[0]))
    assert block is not None, "the genesis block is written at creation"
    return block


def get_block(conn: sqlite3.Connection, number: int) -> L1Block | None:
    row = conn.execute(
        "SELECT number, hash, parent_hash, timestamp, base_fee, gas_used, gas_limit FROM blocks WHERE number = ?",
        (number,),
    ).fetchone()
    if row is None:
        return None
    hashes = conn.execute(
        "SELECT hash FROM transactions WHERE block_number = ? ORDER BY tx_index", (number,)
    ).fetchall()
    return L1Block(
        number=int(row[0]),
        hash=row[1],
        parent_hash=row[2],
        timestamp=float(row[3]),
        base_fee=int(row[4]),
        gas_used=int(row[5]),
        gas_limit=int(row[6]),
        tx_hashes=tuple(h for (h,) in hashes),
    )


def insert_block(conn: sqlite3.Connection, block: L1Block) -> None:
    conn.execute(
        "INSERT INTO blocks VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            block.number,
            block.hash,
            block.parent_hash,
            block.timestamp,
            str(block.base_fee),
            block.gas_used,
            block.gas_limit,
        ),
    )


def insert_transaction(conn: sqlite3.Connection, tx: L1Transaction) -> None:
    conn.execute(
        "INSERT INTO transactions (hash, sender, recipient, data, value, nonce, gas_limit, max_fee_per_gas) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        (tx.hash, tx.sender, tx.to, tx.data, str(tx.value), tx.nonce, tx.gas_limit, str(tx.max_fee_per_gas)),
    )


def _transaction(row: Any) -> L1Transaction:
    tx_hash, sender, to, data, value, nonce, gas_limit, max_fee, block_number = row
    return L1Transaction(
        hash=tx_hash,
        sender=sender,
        to=to,
        data=bytes(data),
        value=int(value),
        nonce=nonce,
        gas_limit=gas_limit,
        max_fee_per_gas=int(max_fee),
        block_number=block_number,
    )


def get_transaction(conn: sqlite3.Connection, tx_hash: str) -> L1Transaction | None:
    row = conn.execute(f"SELECT {_TX_COLUMNS} FROM transactions WHERE hash = ?", (tx_hash,)).fetchone()
    return None if row is None else _transaction(row)


def pending_transactions(conn: sqlite3.Connection) -> Iterator[L1Transaction]:
    """Not yet included, in submission order, read as iterated."""
    for row in conn.execute(f"SELECT {_TX_COLUMNS} FROM transactions WHERE block_number IS NULL ORDER BY seq"):
        yield _transaction(row)


@dataclass(frozen=True, slots=True)
class Inclusion:
    """How a transaction fared in the block that included it."""

    tx_hash: str
    status: TxStatus
    gas_used: int
    gas_price: int
    revert_reason: str | None


def record_inclusions(conn: sqlite3.Connection, block_number: int, inclusions: list[Inclusion]) -> None:
    conn.executemany(
        "UPDATE transactions SET block_number = ?, tx_index = ?, status = ?, gas_used = ?, gas_price = ?, "
        "revert_reason = ? WHERE hash = ?",
        [
            (block_number, index, i.status.value, i.gas_used, str(i.gas_price), i.revert_reason, i.tx_hash)
            for index, i in enumerate(inclusions)
        ],
    )


def get_receipt(conn: sqlite3.Connection, tx_hash: str) -> TxReceipt | None:
    row = conn.execute(
        f"SELECT {_RECEIPT_COLUMNS} FROM transactions t JOIN blocks b ON b.number = t.block_number WHERE t.hash = ?",
        (tx_hash,),
    ).fetchone()
    if row is None:
        return None
    tx_hash, status, block_number, block_hash, index, gas_used, gas_price, reason = row
    return TxReceipt(
        tx_hash=tx_hash,
        status=TxStatus(status),
        block_number=int(block_number),
        block_hash=block_hash,
        transaction_index=int(index),
        gas_used=int(gas_used),
        effective_gas_price=int(gas_price),
        revert_reason=reason,
    )
