"""Funding: wait for the node, mint tokens to every bot account, and wait until the mints are mined."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Sequence
from typing import Final

from aztec.bot.accounts import BotAccount, FeePlan
from aztec.bot.errors import BotError
from aztec.foundation.fields import Fr
from aztec.foundation.json_rpc import JsonRpcError, JsonRpcTransportError
from aztec.stdlib.interfaces.aztec_node import TxRejectedError, TxStatus
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.stdlib.storage import storage_slot

log = logging.getLogger(__name__)

MAX_MINT_ATTEMPTS: Final = 3
POLL_INTERVAL_S: Final = 0.2


class Funder:
    """Waits for the node, then mints to each account from the account itself (the test token lets anyone mint).

    Everything it does shares one deadline, ``timeout_s`` from construction.
    """

    def __init__(
        self,
        client: NodeRpcClient,
        timeout_s: float,
        on_unreachable: Callable[[JsonRpcTransportError, str], None] = lambda _error, _doing: None,
        on_answer: Callable[[], None] = lambda: None,
    ) -> None:
        """``on_unreachable`` hears of each request the node did not answer, ``on_answer`` of each it did."""
        self._client = client
        self._on_unreachable = on_unreachable
        self._on_answer = on_answer
        self._deadline = time.monotonic() + timeout_s
        self._timeout_s = timeout_s
        self._token: Fr = 0
        self._amount = 0

    async def wait_ready(self) -> None:
        while True:
            try:
                ready = await self._client.is_ready()
            except JsonRpcTransportError as error:
                self._on_unreachable(error, "waiting for the node to be ready")
            except JsonRpcError as error:
                self._on_answer()
                log.debug("bot: node not ready yet: %s", error)
            else:
                self._on_answer()
                if ready:
                    return
            await self._pause("the node to be ready")

    async def fund(self, accounts: Sequence[BotAccount], token: Fr, amount: int, fees: FeePlan) -> None:
        """Every account holds at least ``amount`` of ``token`` when this returns; :class:`BotError` otherwise.

        The mints go out together, so funding takes about one block whatever the number of accounts.
        """
        self._token, self._amount = token, amount
        try:
            async with asyncio.TaskGroup() as group:
                for account in accounts:
                    group.create_task(self._fund_one(account, fees))
        except* BotError as errors:
            raise errors.exceptions[0] from None
        for account in accounts:
            balance = await self._client.get_public_storage_at(storage_slot(self._token, "balances", account.address))
            if balance < self._amount:
                raise BotError(f"account {account.address:#x} holds {balance} after funding, expected {self._amount}")

    async def _fund_one(self, account: BotAccount, fees: FeePlan) -> None:
        for attempt in range(1, MAX_MINT_ATTEMPTS + 1):
            tx, nonce = account.token_call_tx(self._token, "mint", account.address, self._amount, fees)
            try:
                tx_hash = await self._client.send_tx(tx)
            except TxRejectedError as error:
                account.nonces.release(nonce)
                raise BotError(f"the node rejected a funding mint ({error.reason}): {error}") from None
            status, reason = await self._wait_final(tx_hash)
            if status is TxStatus.MINED:
                return
            log.warning("bot: funding mint %s (attempt %d of %d)", reason, attempt, MAX_MINT_ATTEMPTS)
        raise BotError(f"funding mints for account {account.address:#x} failed {MAX_MINT_ATTEMPTS} times")

    async def _wait_final(self, tx_hash: Fr) -> tuple[TxStatus, str]:
        """MINED, or DROPPED with why (a reverted mint is an error: the token refuses it)."""
        while True:
            try:
                receipt = await self._client.get_tx_receipt(tx_hash)
            except JsonRpcTransportError as error:
                self._on_unreachable(error, "following a funding mint")
            except JsonRpcError as error:
                self._on_answer()
                log.debug("bot: receipt of a funding mint not available: %s", error)
            else:
                self._on_answer()
                if receipt.status in (TxStatus.MINED, TxStatus.PROVEN):
                    if receipt.reverted:
                        raise BotError(f"a funding mint reverted (tx {tx_hash:#x})")
                    return TxStatus.MINED, "mined"
                if receipt.status is TxStatus.DROPPED:
                    return TxStatus.DROPPED, f"dropped ({receipt.reason})"
            await self._pause(f"funding mint {tx_hash:#x} to be mined")

    async def _pause(self, waiting_for: str) -> None:
        if time.monotonic() >= self._deadline:
            raise BotError(f"gave up after {self._timeout_s:g} s waiting for {waiting_for}")
        await asyncio.sleep(POLL_INTERVAL_S)
