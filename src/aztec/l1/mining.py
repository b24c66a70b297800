"""Mining one block of the development chain: pending transactions in order, up to the block gas limit.

Each included transaction pays ``gas_used * base_fee`` (the base fee is burnt; there are no tips). A
call to the rollup contract runs inside a savepoint: if it reverts, its writes (and the value sent) are
undone, the receipt is failed with the reason, and the gas is still charged, as on Ethereum.
A transaction whose max fee is below the block's base fee waits, and so do its sender's later ones
(nonce order).
"""

from __future__ import annotations

import hashlib
import sqlite3
from dataclasses import dataclass, replace

from aztec.l1 import store
from aztec.l1.gas import intrinsic_gas, next_base_fee
from aztec.l1.rollup import RollupRevertError, RollupState, execution_gas
from aztec.l1.types import L1Block, L1Transaction, TxStatus


@dataclass(frozen=True, slots=True)
class BlockRules:
    gas_limit: int
    min_base_fee: int


def transaction_gas(tx_to: str, data: bytes, rollup_address: str) -> int:
    """The gas a transaction uses: base, calldata and, for a contract call, its fixed execution cost."""
    return intrinsic_gas(data, execution_gas(data) if tx_to == rollup_address else 0)


def pending_base_fee(parent: L1Block, min_base_fee: int) -> int:
    """The base fee of the block after ``parent``."""
    return next_base_fee(parent.base_fee, parent.gas_used, parent.gas_limit, min_base_fee)


def block_hash(number: int, parent_hash: str, timestamp: float, tx_hashes: list[str]) -> str:
    payload = f"{number}:{parent_hash}:{timestamp!r}:{','.join(tx_hashes)}"
    return "0x" + hashlib.sha256(payload.encode()).hexdigest()


def mine_block(conn: sqlite3.Connection, rules: BlockRules, rollup_address: str, timestamp: float) -> L1Block:
    """Mine the next block inside the caller's write transaction."""
    parent = store.latest_block(conn)
    number = parent.number + 1
    base_fee = pending_base_fee(parent, rules.min_base_fee)
    timestamp = max(timestamp, parent.timestamp)
    rollup = RollupState(conn)
    inclusions: list[store.Inclusion] = []
    waiting: set[str] = set()
    gas_used = 0
    for tx in store.pending_transactions(conn):
        if tx.sender in waiting:
            continue
        if gas_used + tx.gas_limit > rules.gas_limit:
            break
        gas = transaction_gas(tx.to, tx.data, rollup_address)
        account = store.get_account(conn, tx.sender)
        if tx.max_fee_per_gas < base_fee or account.balance < gas * base_fee + tx.value:
            waiting.add(tx.sender)
            continue
        store.put_account(
            conn,
            tx.sender,
            replace(
                account,
                balance=account.balance - gas * base_fee,
                reserved=account.reserved - (tx.gas_limit * tx.max_fee_per_gas + tx.value),
            ),
        )
        reason = _execute(conn, rollup, rollup_address, tx, number)
        status = TxStatus.SUCCESS if reason is None else TxStatus.FAILED
        inclusions.append(store.Inclusion(tx.hash, status, gas, base_fee, reason))
        gas_used += gas
    tx_hashes = [i.tx_hash for i in inclusions]
    block = L1Block(
        number=number,
        hash=block_hash(number, parent.hash, timestamp, tx_hashes),
        parent_hash=parent.hash,
        timestamp=timestamp,
        base_fee=base_fee,
        gas_used=gas_used,
        gas_limit=rules.gas_limit,
        tx_hashes=tuple(tx_hashes),
    )
    store.insert_block(conn, block)
    store.record_inclusions(conn, number, inclusions)
    return block


def _execute(
    conn: sqlite3.Connection, rollup: RollupState, rollup_address: str, tx: L1Transaction, l1_block: int
) -> str | None:
    """Transfer the value and run the call; the revert reason, or None on success."""
    conn.execute("SAVEPOINT call")
    try:
        store.add_balance(conn, tx.sender, -tx.value)
        store.add_balance(conn, tx.to, tx.value)
        if tx.to == rollup_address:
            rollup.execute(tx.data, l1_block, tx.hash)
    except RollupRevertError as revert:
        conn.execute("ROLLBACK TO call")
        conn.execute("RELEASE call")
        return revert.reason
    conn.execute("RELEASE call")
    return None
