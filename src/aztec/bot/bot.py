"""The bot: a load generator that sends signed token transfers to a node at a steady rate.

It talks to the node only through :class:`NodeRpcClient`. On :meth:`Bot.start` it waits for the node,
reads the token address, base fee and gas limit from ``node_getNodeInfo``, mints to fresh accounts
and, once the mints are mined, sends ``tx_per_second`` transfers (round-robin over the accounts, each to
the next one) with at most ``max_in_flight`` open. One task fetches the receipts of all open txs in a
JSON-RPC batch every ``receipt_poll_interval_s``: mined (or proven) and not reverted counts as mined,
with its send-to-mined latency; rejected, dropped, reverted, timed out or lost counts as failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass
from typing import Final

from aztec.bot.accounts import BotAccount, FeePlan
from aztec.bot.config import BotConfig
from aztec.bot.errors import BotError
from aztec.bot.funding import Funder
from aztec.bot.instrumentation import BotInstrumentation
from aztec.bot.pacer import Pacer
from aztec.bot.stats import BotRecords, BotState, BotStats, FailureKind
from aztec.foundation.fields import Fr
from aztec.foundation.json_rpc import JsonRpcError, JsonRpcTransportError
from aztec.foundation.json_rpc.failures import classify
from aztec.stdlib.interfaces.aztec_node import TxReceipt, TxRejectedError, TxStatus
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.wrappers.json_rpc import JsonRpcClientTracing

log = logging.getLogger(__name__)

NONCE_USED_REASONS: Final = frozenset({"double_spend", "duplicate"})
"""Rejections after which the tx's nonce may be taken; after any other the nonce is reused."""
TOKEN_CONTRACT: Final = "token"
WARNING_INTERVAL_S: Final = 10.0


@dataclass
class _OpenTx:
    tx_hash: Fr
    sent_at: float
    followed: bool = False
    """True once the send returned (or its answer was lost): its receipt is polled from then on."""


class Bot:
    """``Bot(rpc_url, telemetry, config)``; :meth:`start`, :meth:`stats`, :meth:`wait`, :meth:`stop`."""

    def __init__(self, rpc_url: str, telemetry: TelemetryClient, config: BotConfig | None = None) -> None:
        self.config = config or BotConfig()
        self.tracer = telemetry.get_tracer("Bot")
        self._client = NodeRpcClient(rpc_url, hooks=JsonRpcClientTracing(self.tracer, rpc_url))
        self._instrumentation = BotInstrumentation(telemetry)
        self._records = BotRecords()
        self._accounts = [BotAccount() for _ in range(self.config.accounts)]
        self._open: dict[Fr, _OpenTx] = {}
        self._slots = asyncio.Semaphore(self.config.max_in_flight)
        self._drained = asyncio.Event()
        self._refresh_fees = asyncio.Event()
        self._state = BotState.IDLE
        self._error: str | None = None
        self._token: Fr = 0
        self._fees = FeePlan(0, 0)
        self._next_sender = 0
        self._sending_since: float | None = None
        self._sending_until: float | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_warning: dict[str, float] = {}
        self._node_errors = 0
        self._last_node_error: str | None = None
        self._node_answering = False
        """Whether the node answered the bot's last request (an error answer counts; no answer does not)."""

    @property
    def addresses(self) -> list[Fr]:
        """The bot's account addresses (fresh keys, made when the bot is constructed)."""
        return [account.address for account in self._accounts]

    async def start(self) -> None:
        """Begin funding then sending in the background; returns at once (follow progress in :meth:`stats`)."""
        if self._task is not None:
            raise RuntimeError("the bot was already started")
        self._state = BotState.FUNDING
        self._task = asyncio.create_task(self._run(), name="bot")

    async def wait(self) -> BotStats:
        """Wait until the bot is done (``max_txs`` sent and all followed to the end) or failed."""
        if self._task is None:
            raise RuntimeError("the bot is not started")
        await asyncio.shield(self._task)
        return self.stats()

    async def stop(self) -> None:
        """Cancel everything the bot runs and close its connections; no task is left behind. Idempotent."""
        task = self._task
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        await self._client.close()
        if self._state not in (BotState.DONE, BotState.FAILED, BotState.IDLE):
            self._state = BotState.STOPPED
        if self._sending_since is not None and self._sending_until is None:
            self._sending_until = time.monotonic()

    async def readiness(self) -> dict[str, bool]:
        """The checks of ``GET /readyz`` on the bot's scrape endpoint: funded, running, its node answering."""
        return {
            "funded": self._sending_since is not None,
            "running": self._state not in (BotState.FAILED, BotState.STOPPED),
            "nodeAnswering": self._node_answering,
        }

    def stats(self) -> BotStats:
        p50, p99 = self._records.percentiles()
        since = self._sending_since
        until = self._sending_until or time.monotonic()
        return BotStats(
            state=self._state,
            sent=self._records.sent,
            mined=self._records.mined,
            failed=self._records.failed,
            pending=self._records.pending,
            latency_p50_s=p50,
            latency_p99_s=p99,
            sending_s=0.0 if since is None else until - since,
            failures=dict(self._records.failures),
            error=self._error,
            node_errors=self._node_errors,
            last_node_error=self._last_node_error,
        )

    # --- the run --------------------------------------------------------------------------------

    async def _run(self) -> None:
        try:
            await self._fund()
            self._state = BotState.SENDING
            self._sending_since = time.monotonic()
            async with asyncio.TaskGroup() as group:
                receipts = group.create_task(self._follow_receipts(), name="bot-receipts")
                fees = group.create_task(self._follow_fees(), name="bot-fees")
                await self._send(group)
                self._sending_until = time.monotonic()
                self._state = BotState.DRAINING
                self._check_drained()
                await self._drained.wait()
                receipts.cancel()
                fees.cancel()
            self._state = BotState.DONE
        except Exception as error:  # an ExceptionGroup from the task group lands here too
            cause = _first_leaf(error)
            self._state = BotState.FAILED
            self._error = str(cause) if isinstance(cause, BotError) else f"{type(cause).__name__}: {cause}"
            if isinstance(cause, BotError):
                log.error("bot: %s", cause)
            else:
                log.error("bot failed", exc_info=error)

    async def _fund(self) -> None:
        config = self.config
        funder = Funder(self._client, config.funding_timeout_s, self._node_unreachable, self._node_answered)
        await funder.wait_ready()
        info = await self._client.get_node_info()
        self._node_answered()
        token = info.contracts.get(TOKEN_CONTRACT)
        if token is None:
            raise BotError(f"the node reports no {TOKEN_CONTRACT} contract (it has {sorted(info.contracts)})")
        self._token = token
        self._fees = FeePlan.from_node_info(info, config)
        await funder.fund(self._accounts, token, config.mint_amount, self._fees)
        log.info("bot: funded %d accounts with %d tokens each", len(self._accounts), config.mint_amount)

    async def _send(self, group: asyncio.TaskGroup) -> None:
        """Start one transfer per pacer slot until ``max_txs`` (or forever), at most ``max_in_flight`` open."""
        pacer = Pacer(self.config.tx_per_second)
        limit = self.config.max_txs
        while limit is None or self._records.sent < limit:
            await self._slots.acquire()
            delay = pacer.delay(time.monotonic())
            if delay > 0:
                await asyncio.sleep(delay)
            pacer.take(time.monotonic())
            self._records.sent += 1
            self._instrumentation.record_sent()
            group.create_task(self._send_transfer(), name="bot-send")

    async def _send_transfer(self) -> None:
        index = self._next_sender
        self._next_sender = (index + 1) % len(self._accounts)
        sender = self._accounts[index]
        recipient = self._accounts[(index + 1) % len(self._accounts)].address
        tx, nonce = sender.token_call_tx(self._token, "transfer", recipient, self.config.transfer_amount, self._fees)
        entry = _OpenTx(tx.tx_hash, time.monotonic())
        self._open[tx.tx_hash] = entry
        try:
            async with self.tracer.span("Bot.send_transfer", {a.TX_HASH: f"{tx.tx_hash:#x}"}):
                await self._client.send_tx(tx)
            self._node_answered()
        except TxRejectedError as error:
            self._node_answered()
            if error.reason not in NONCE_USED_REASONS:
                sender.nonces.release(nonce)
            if error.reason == "fee_too_low":
                self._refresh_fees.set()
            self._warn(f"rejected:{error.reason}", f"bot: transfer rejected ({error.reason}): {error}")
            self._resolve(entry, FailureKind.REJECTED)
            return
        except JsonRpcTransportError as error:  # it may have been pooled: follow it, it fails as lost if not
            self._node_unreachable(error, "sending a transfer")
        except JsonRpcError as error:
            self._node_answered()
            self._warn(f"error:{error.name}", f"bot: node_sendTx failed: {error.message}")
            self._resolve(entry, FailureKind.ERROR)
            return
        entry.followed = True

    async def _follow_receipts(self) -> None:
        while True:
            await asyncio.sleep(self.config.receipt_poll_interval_s)
            followed = [entry for entry in self._open.values() if entry.followed]
            if not followed:
                continue
            try:
                receipts = await self._client.get_tx_receipts([entry.tx_hash for entry in followed])
            except JsonRpcTransportError as error:
                self._node_unreachable(error, "fetching receipts")
                continue
            except JsonRpcError as error:
                self._node_answered()
                self._warn("receipts", f"bot: cannot fetch receipts: {error}")
                continue
            self._node_answered()
            now = time.monotonic()
            for entry, receipt in zip(followed, receipts, strict=True):
                self._apply(entry, receipt, now)

    def _apply(self, entry: _OpenTx, receipt: TxReceipt, now: float) -> None:
        age = now - entry.sent_at
        if receipt.status in (TxStatus.MINED, TxStatus.PROVEN):
            if receipt.reverted:
                self._resolve(entry, FailureKind.REVERTED)
            else:
                self._resolve(entry, None, age)
        elif receipt.status is TxStatus.DROPPED:
            self._resolve(entry, FailureKind.DROPPED)
        elif receipt.status is TxStatus.UNKNOWN and age > self.config.unknown_timeout_s:
            self._resolve(entry, FailureKind.LOST)
        elif age > self.config.tx_timeout_s:
            self._resolve(entry, FailureKind.TIMEOUT)

    def _resolve(self, entry: _OpenTx, failure: FailureKind | None, latency_s: float = 0.0) -> None:
        del self._open[entry.tx_hash]
        if failure is None:
            self._records.mined += 1
            self._records.latencies.append(latency_s)
            self._instrumentation.record_mined(latency_s)
        else:
            self._records.failures[failure] += 1
            self._instrumentation.record_failed()
        self._slots.release()
        self._check_drained()

    def _check_drained(self) -> None:
        if self._state is BotState.DRAINING and not self._open and self._records.pending == 0:
            self._drained.set()

    async def _follow_fees(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self.config.node_info_refresh_s):
                    await self._refresh_fees.wait()
            self._refresh_fees.clear()
            try:
                info = await self._client.get_node_info()
            except JsonRpcTransportError as error:
                self._node_unreachable(error, "refreshing the base fee")
                continue
            except JsonRpcError as error:
                self._node_answered()
                self._warn("node_info", f"bot: cannot refresh the base fee: {error}")
                continue
            self._node_answered()
            try:
                self._fees = FeePlan.from_node_info(info, self.config)
            except BotError as error:
                self._warn("node_info", f"bot: cannot refresh the base fee: {error}")

    def _node_answered(self) -> None:
        self._node_answering = True

    def _node_unreachable(self, error: JsonRpcTransportError, doing: str) -> None:
        """Count a request that got no answer, and say so (naming the node's URL and why) once per interval."""
        self._node_answering = False
        error_type, reason = classify(error)
        self._node_errors += 1
        self._last_node_error = f"{self._client.url}: {reason}"
        self._instrumentation.record_node_unreachable(error_type)
        self._warn(f"unreachable:{error_type}", f"bot: node {self._client.url} does not answer ({doing}): {reason}")

    def _warn(self, key: str, message: str) -> None:
        """Log ``message`` at most once per interval per key (a down node would otherwise flood the log)."""
        now = time.monotonic()
        if now - self._last_warning.get(key, -WARNING_INTERVAL_S) >= WARNING_INTERVAL_S:
            self._last_warning[key] = now
            log.warning("%s", message)
        else:
            log.debug("%s", message)


def _first_leaf(error: BaseException) -> BaseException:
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return error
