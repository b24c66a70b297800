"""``L1Client``: what the publisher and the archiver need from an L1, and where a real L1 plugs in.

:class:`~aztec.l1.dev_chain.DevL1Chain` implements it over an embedded SQLite chain. An Ethereum
client would implement it over JSON-RPC (``eth_chainId``, ``eth_blockNumber``, ``eth_getBlockByNumber``
for the base fee, ``eth_getBalance``, ``eth_sendRawTransaction`` after signing with the sender's key,
``eth_getTransactionByHash``, ``eth_getTransactionReceipt`` with the revert reason from replaying the
call, ``eth_getLogs`` for the rollup's ``L2BlockProposed`` events, and ``eth_call`` for the rollup's
views), raising :class:`~aztec.l1.errors.L1Error` for anything L1-side.
"""

from __future__ import annotations

import asyncio
import time
from typing import Protocol

from aztec.foundation.fields import Fr
from aztec.l1.errors import L1TimeoutError
from aztec.l1.types import L1Block, L1Transaction, L1TxRequest, L2BlockProposed, TxReceipt


class L1Client(Protocol):
    @property
    def rollup_address(self) -> str:
        """The rollup contract's address (send proposals and proofs to it)."""
        ...

    async def get_chain_id(self) -> int: ...
    async def get_block_number(self) -> int:
        """The latest mined L1 block."""
        ...

    async def get_block(self, number: int) -> L1Block | None: ...
    async def get_base_fee(self) -> int:
        """The base fee per gas the next block will charge."""
        ...

    async def get_balance(self, address: str) -> int: ...
    async def send_transaction(self, request: L1TxRequest) -> str:
        """Queue a transaction for the next blocks; returns its hash.

        Raises :class:`~aztec.l1.errors.InvalidTransactionError` (and its
        :class:`~aztec.l1.errors.InsufficientFundsError`) when it cannot be accepted at all.
        """
        ...

    async def get_transaction(self, tx_hash: str) -> L1Transaction | None: ...
    async def get_receipt(self, tx_hash: str) -> TxReceipt | None:
        """None while the transaction is pending (or unknown)."""
        ...

    async def get_proposed_blocks(self, from_l1_block: int, to_l1_block: int) -> list[L2BlockProposed]:
        """The rollup's ``L2BlockProposed`` events in L1 blocks ``from_l1_block..to_l1_block`` (inclusive)."""
        ...

    async def get_pending_block_number(self) -> int:
        """The last L2 block proposed to the rollup (0: none yet)."""
        ...

    async def get_proven_block_number(self) -> int:
        """The last L2 block up to which every block is proven (0: none yet)."""
        ...

    async def get_archive_root(self) -> Fr:
        """The rollup's current archive root (after the pending block)."""
        ...

    async def get_archive_root_at(self, l2_block_number: int) -> Fr | None:
        """The archive root after L2 block ``l2_block_number`` (None if it was not proposed)."""
        ...


async def wait_for_receipt(l1: L1Client, tx_hash: str, *, timeout_s: float, poll_interval_s: float = 0.1) -> TxReceipt:
    """Poll for the receipt until the deadline; raises :class:`L1TimeoutError` after it."""
    deadline = time.monotonic() + timeout_s
    while True:
        receipt = await l1.get_receipt(tx_hash)
        if receipt is not None:
            return receipt
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise L1TimeoutError(f"L1 transaction {tx_hash} was not included within {timeout_s} s")
        await asyncio.sleep(min(poll_interval_s, remaining))
