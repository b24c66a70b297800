"""The bot against a fake node served by the real JSON-RPC server: funding, pacing, receipts, stopping."""

from __future__ import annotations

import asyncio
import functools
import itertools
import logging
import socket
from collections import defaultdict

import pytest

from aztec.bot import Bot, BotConfig, BotState, FailureKind
from aztec.bot.accounts import TRANSFER_GAS
from aztec.foundation.fields import Fr
from aztec.foundation.json_rpc import JsonRpcServer
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.simulator import TOKEN_ADDRESS
from aztec.stdlib.interfaces.aztec_node import TxStatus
from aztec.stdlib.storage import storage_slot
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry.attributes import ERROR_TYPE
from aztec.telemetry.metrics.bot import BOT_NODE_UNREACHABLE, BOT_TX_FAILED, BOT_TX_LATENCY, BOT_TX_MINED, BOT_TX_SENT
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.json_rpc.fake_node import FakeNode, mining
from tests.support.polling import wait_until_async

POLL_S = 0.02


def function_of(tx: Tx) -> str:
    return tx.app_logic[0].function


def transfers(node: FakeNode) -> list[Tx]:
    return [tx for tx in node.accepted if function_of(tx) == "transfer"]


def balance(node: FakeNode, owner: Fr) -> int:
    return node.world_state.committed.read_public(storage_slot(TOKEN_ADDRESS, "balances", owner))


def mined_exactly(bot: Bot, count: int) -> bool:
    return bot.stats().mined == count


def bot_tasks() -> list[asyncio.Task[object]]:
    """Tasks the bot started (all are named ``bot...``) or running its code."""
    return [
        task
        for task in asyncio.all_tasks()
        if task.get_name().startswith("bot") or getattr(task.get_coro(), "__qualname__", "").startswith("Bot.")
    ]


async def assert_no_task_left_behind(before: set[asyncio.Task[object]]) -> None:
    assert bot_tasks() == []
    # what else is left is the server finishing the bot's last connection, which ends by itself
    await wait_until_async(
        lambda: asyncio.all_tasks() - before <= {asyncio.current_task()}, timeout=30.0, message="only the earlier tasks"
    )


async def test_funds_sends_and_follows_every_tx_to_mined(
    node_server: JsonRpcServer, fake_node: FakeNode, telemetry: InMemoryTelemetryClient
) -> None:
    config = BotConfig(
        tx_per_second=40, accounts=3, max_txs=24, transfer_amount=5, mint_amount=1000, receipt_poll_interval_s=POLL_S
    )
    bot = Bot(node_server.url, telemetry, config)
    async with mining(fake_node):
        await bot.start()
        stats = await asyncio.wait_for(bot.wait(), 60)
    await bot.stop()

    assert stats.state is BotState.DONE, stats.error
    assert (stats.sent, stats.mined, stats.failed, stats.pending) == (24, 24, 0, 0)
    assert stats.latency_p50_s is not None and stats.latency_p99_s is not None
    assert 0 < stats.latency_p50_s <= stats.latency_p99_s
    assert stats.sending_s >= 23 / 40  # never faster than the rate: 24 sends span at least 23 intervals

    mints = [tx for tx in fake_node.accepted if function_of(tx) == "mint"]
    assert sorted(tx.app_logic[0].args[0] for tx in mints) == sorted(bot.addresses)
    sent = transfers(fake_node)
    assert len(sent) == 24
    assert all(fake_node.receipts[tx.tx_hash].status is TxStatus.MINED for tx in fake_node.accepted)
    # the transfers' own nullifiers never collided, and each account's nonces follow its mint's (0)
    nonces: dict[bytes, list[int]] = defaultdict(list)
    for tx in sent:
        nonces[tx.origin].append(tx.nonce)
    assert {origin: sorted(n) for origin, n in nonces.items()} == {tx.origin: list(range(1, 9)) for tx in mints}
    # round-robin ring: every account sent and received 8 transfers of 5, so balances are back where they started
    assert [balance(fake_node, address) for address in bot.addresses] == [1000, 1000, 1000]
    assert {fake_node.receipts[tx.tx_hash].fee for tx in sent} == {TRANSFER_GAS * fake_node.base_fee}

    assert telemetry.counter_value(BOT_TX_SENT) == 24
    assert telemetry.counter_value(BOT_TX_MINED) == 24
    assert telemetry.counter_value(BOT_TX_FAILED) == 0
    assert telemetry.histogram(BOT_TX_LATENCY).count == 24


async def test_rejected_dropped_reverted_and_lost_count_as_failed(
    node_server: JsonRpcServer, fake_node: FakeNode, telemetry: InMemoryTelemetryClient
) -> None:
    attempt: dict[Fr, int] = {}  # tx hash -> the number of the send attempt that carried it last
    attempts = itertools.count(1)

    def refuse(tx: Tx) -> str | None:
        if function_of(tx) != "transfer":
            return None
        attempt[tx.tx_hash] = next(attempts)
        return {3: "fee_too_low", 4: "pool_full"}.get(attempt[tx.tx_hash])

    fake_node.refuse_when = refuse
    fake_node.drop_when = lambda tx: "low_fee" if attempt.get(tx.tx_hash) == 6 else None
    fake_node.revert_when = lambda tx: attempt.get(tx.tx_hash) == 8
    fake_node.forget_when = lambda tx: attempt.get(tx.tx_hash) == 10
    config = BotConfig(tx_per_second=50, accounts=2, max_txs=14, unknown_timeout_s=0.3, receipt_poll_interval_s=POLL_S)
    bot = Bot(node_server.url, telemetry, config)
    async with mining(fake_node):
        await bot.start()
        stats = await asyncio.wait_for(bot.wait(), 60)
    await bot.stop()

    assert stats.state is BotState.DONE, stats.error
    assert (stats.sent, stats.mined, stats.failed, stats.pending) == (14, 9, 5, 0)
    assert stats.failures == {
        FailureKind.REJECTED: 2,
        FailureKind.DROPPED: 1,
        FailureKind.REVERTED: 1,
        FailureKind.LOST: 1,
    }
    assert telemetry.counter_value(BOT_TX_FAILED) == 5
    assert telemetry.counter_value(BOT_TX_MINED) == 9
    # the refused txs' nonces were handed out again (the forgotten one's was not: it might still be pooled),
    # so each account's nonces have no gaps
    nonces: dict[bytes, list[int]] = defaultdict(list)
    for tx in fake_node.accepted + fake_node.forgotten:
        nonces[tx.origin].append(tx.nonce)
    assert all(sorted(n) == list(range(len(n))) for n in nonces.values())
    assert fake_node.node_info_requests >= 2  # the fee_too_low rejection made it re-read the base fee


async def test_in_flight_is_bounded(node_server: JsonRpcServer, fake_node: FakeNode) -> None:
    config = BotConfig(tx_per_second=500, accounts=2, max_in_flight=5, receipt_poll_interval_s=POLL_S)
    bot = Bot(node_server.url, NoopTelemetryClient(), config)
    await bot.start()
    try:
        while bot.stats().state is BotState.FUNDING:  # mine the funding mints
            fake_node.mine()
            await asyncio.sleep(0.01)
        assert bot.stats().state is BotState.SENDING
        for round_number in range(1, 5):
            await wait_until_async(
                lambda: len(fake_node.pending) == 5, timeout=30.0, message="a full pool of open transfers"
            )
            stats = bot.stats()
            assert stats.pending == 5
            assert stats.sent == stats.mined + 5
            fake_node.mine()
            await wait_until_async(
                functools.partial(mined_exactly, bot, 5 * round_number), timeout=30.0, message="the block's receipts"
            )
        assert fake_node.largest_pool == 5
    finally:
        await bot.stop()
    assert bot.stats().state is BotState.STOPPED


async def test_stops_cleanly_while_sending(node_server: JsonRpcServer, fake_node: FakeNode) -> None:
    before = asyncio.all_tasks()
    bot = Bot(node_server.url, NoopTelemetryClient(), BotConfig(tx_per_second=100, receipt_poll_interval_s=POLL_S))
    async with mining(fake_node):
        await bot.start()
        await wait_until_async(lambda: bot.stats().mined >= 10, timeout=30.0, message="ten mined transfers")
        await bot.stop()
    await assert_no_task_left_behind(before)
    stats = bot.stats()
    assert stats.state is BotState.STOPPED
    assert stats.sent == stats.mined + stats.failed + stats.pending
    await bot.stop()  # idempotent
    assert node_server.running


async def test_stops_cleanly_while_waiting_for_the_node(node_server: JsonRpcServer, fake_node: FakeNode) -> None:
    fake_node.ready = False
    before = asyncio.all_tasks()
    bot = Bot(node_server.url, NoopTelemetryClient(), BotConfig())
    await bot.start()
    assert bot.stats().state is BotState.FUNDING
    await wait_until_async(
        lambda: fake_node.ready_requests >= 2, timeout=30.0, message="the bot to ask twice whether the node is ready"
    )
    await bot.stop()
    await assert_no_task_left_behind(before)
    assert bot.stats().state is BotState.STOPPED
    assert fake_node.accepted == []


async def test_funding_that_never_completes_fails_with_a_reason(
    node_server: JsonRpcServer, fake_node: FakeNode
) -> None:
    bot = Bot(node_server.url, NoopTelemetryClient(), BotConfig(funding_timeout_s=0.5))
    await bot.start()  # nothing mines the mints
    stats = await asyncio.wait_for(bot.wait(), 30)
    assert stats.state is BotState.FAILED
    assert stats.error is not None and "gave up after 0.5 s waiting for funding mint" in stats.error
    await bot.stop()
    assert bot_tasks() == []


async def test_a_node_without_a_token_fails_with_a_reason(node_server: JsonRpcServer, fake_node: FakeNode) -> None:
    del fake_node.contracts["token"]
    bot = Bot(node_server.url, NoopTelemetryClient(), BotConfig())
    await bot.start()
    stats = await asyncio.wait_for(bot.wait(), 30)
    assert stats.state is BotState.FAILED
    assert stats.error == "the node reports no token contract (it has ['counter'])"
    await bot.stop()


async def test_unreachable_node_fails_after_the_funding_timeout() -> None:
    bot = Bot(unused_url(), NoopTelemetryClient(), BotConfig(funding_timeout_s=0.3))
    await bot.start()
    stats = await asyncio.wait_for(bot.wait(), 30)
    assert stats.state is BotState.FAILED
    assert stats.error is not None and "waiting for the node to be ready" in stats.error
    await bot.stop()


def unused_url() -> str:
    """A URL nobody listens on (a port the OS just handed out and took back)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/"


async def test_rides_out_a_node_restart(fake_node: FakeNode) -> None:
    first = build_node_rpc_server(fake_node, NoopTelemetryClient())
    await first.start()
    port = first.port
    config = BotConfig(tx_per_second=100, max_in_flight=8, unknown_timeout_s=0.5, receipt_poll_interval_s=POLL_S)
    bot = Bot(first.url, NoopTelemetryClient(), config)
    ready = {"funded": True, "running": True, "nodeAnswering": True}
    try:
        assert await bot.readiness() == {"funded": False, "running": True, "nodeAnswering": False}
        async with mining(fake_node):
            await bot.start()
            await wait_until_async(
                lambda: bot.stats().mined >= 5, timeout=30.0, message="transfers mined before the outage"
            )
            assert await bot.readiness() == ready
            await first.stop()
            await wait_until_async(
                lambda: bot.stats().pending == 8, timeout=30.0, message="in-flight to fill up while the node is away"
            )
            assert bot.stats().state is BotState.SENDING
            await wait_until_async(
                lambda: bot.stats().node_errors >= 1, timeout=30.0, message="a request the node did not answer"
            )
            assert await bot.readiness() == {**ready, "nodeAnswering": False}
            mined_before = bot.stats().mined
            async with build_node_rpc_server(fake_node, NoopTelemetryClient(), port=port):
                # the sends that never reached the node are given up as lost, and the load goes on
                await wait_until_async(
                    lambda: bot.stats().failures.get(FailureKind.LOST, 0) >= 1, timeout=30.0, message="lost sends"
                )
                await wait_until_async(
                    lambda: bot.stats().mined >= mined_before + 5,
                    timeout=30.0,
                    message="transfers mined after the restart",
                )
                assert bot.stats().state is BotState.SENDING
                assert await bot.readiness() == ready, "ready again once the node answers"
                await bot.stop()
                assert (await bot.readiness())["running"] is False
    finally:
        await bot.stop()
        await first.stop()


async def test_a_node_that_does_not_answer_is_a_warning_naming_it_and_a_counter(
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = unused_url()
    telemetry = InMemoryTelemetryClient()
    bot = Bot(url, telemetry, BotConfig(funding_timeout_s=30))
    caplog.set_level(logging.WARNING, logger="aztec.bot")
    await bot.start()
    try:
        await wait_until_async(lambda: bot.stats().node_errors >= 3, timeout=30.0, message="three unanswered requests")
    finally:
        await bot.stop()
    stats = bot.stats()
    assert stats.last_node_error is not None and stats.last_node_error.startswith(url)
    assert "cannot connect" in stats.last_node_error
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1, "said once per interval, not once per request"
    assert warnings[0].startswith(f"bot: node {url} does not answer (waiting for the node to be ready): cannot connect")
    assert telemetry.counter_value(BOT_NODE_UNREACHABLE, {ERROR_TYPE: "connection_refused"}) >= 3
    assert not any(r.exc_info for r in caplog.records), "no traceback"
