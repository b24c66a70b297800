"""AztecNodeService: a sequencer node with its prover and a follower on one development L1, in one process."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest

from aztec.foundation.fields import Fr
from aztec.l1 import DEV_CHAIN_ID, DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config
from aztec.l1 import store as l1_store
from aztec.node.config import NodeConfig
from aztec.node.service import VERSION, AztecNodeService
from aztec.prover_node.config import ProverConfig
from aztec.sequencer.config import SequencerConfig
from aztec.sequencer.sequencer import Sequencer
from aztec.sequencer.state import SequencerState
from aztec.simulator import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.stdlib.accounts import Wallet
from aztec.stdlib.gas.fees import l2_base_fee
from aztec.stdlib.interfaces.aztec_node import TxReceipt, TxRejectedError, TxStatus
from aztec.stdlib.storage import storage_slot
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.archiver import ARCHIVER_TX_COUNT
from aztec.telemetry.metrics.mempool import MEMPOOL_TX_ADDED_COUNT
from aztec.telemetry.metrics.node import NODE_RECEIVE_TX_COUNT, NODE_RECEIVE_TX_DURATION
from aztec.telemetry.metrics.sequencer import SEQUENCER_BLOCK_COUNT, SEQUENCER_SLOT_COUNT
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state.synchronizer import WorldStateDivergedError
from tests.node.harness import FEE, mint_tx, new_wallet
from tests.support.polling import wait_until_async

StartNode = Callable[..., Awaitable[AztecNodeService]]
MIN_L2_BASE_FEE_ON_DEV_L1 = l2_base_fee(DevL1Config().min_base_fee)
"""The lowest L2 base fee the development L1 can give (its base fee falls block by block while idle)."""


@pytest.fixture
async def start_node(tmp_path: Path, chain: DevL1Chain) -> AsyncIterator[StartNode]:
    """``await start_node(name, telemetry=None, follower=False, **NodeConfig fields)``; stopped after the test.
    Unless ``follower``, the node sequences (short slots, no max wait) and proves with the test prover."""
    started: list[AztecNodeService] = []

    async def start(
        name: str, telemetry: TelemetryClient | None = None, *, follower: bool = False, **config: Any
    ) -> AztecNodeService:
        if not follower:
            config.setdefault("sequencer", SequencerConfig(slot_duration_s=0.02, max_block_wait_s=0.0))
            config.setdefault("prover", ProverConfig(kind="test"))
        config.setdefault("archiver_poll_interval_s", 0.01)
        node_config = NodeConfig(tmp_path / name, **config)
        node = AztecNodeService.create(node_config, telemetry or NoopTelemetryClient(), chain, DEV_PUBLISHER_ADDRESS)
        await node.start()
        started.append(node)
        return node

    yield start
    for node in reversed(started):
        await node.stop()


def _pending_l1_txs(chain: DevL1Chain) -> int:
    conn = l1_store.connect(chain.path, 5.0)
    try:
        return len(list(l1_store.pending_transactions(conn)))
    finally:
        conn.close()


async def _receipt_is(node: AztecNodeService, tx_hash: Fr, *statuses: TxStatus) -> TxReceipt:
    receipt: list[TxReceipt] = []

    async def reached() -> bool:
        receipt[:] = [await node.get_tx_receipt(tx_hash)]
        return receipt[0].status in statuses

    await wait_until_async(reached, message=f"a receipt {' or '.join(statuses)}")
    return receipt[0]


async def _included(node: AztecNodeService, tx_hash: Fr) -> TxReceipt:
    """Mined (or already proven): in a block this node's world state includes."""
    return await _receipt_is(node, tx_hash, TxStatus.MINED, TxStatus.PROVEN)


async def _mined_on(chain: DevL1Chain, node: AztecNodeService, tx_hash: Fr) -> TxReceipt:
    await chain.start()
    return await _included(node, tx_hash)


async def test_a_receipt_goes_pending_then_mined_then_proven(start_node: StartNode, chain: DevL1Chain) -> None:
    node = await start_node("sequencer")
    follower = await start_node("follower", follower=True)
    tx = mint_tx(new_wallet())
    tx_hash = await node.send_tx(tx)
    assert tx_hash == tx.tx_hash
    assert await node.get_tx_receipt(tx_hash) == TxReceipt(tx_hash, TxStatus.PENDING)
    assert await node.get_tx_by_hash(tx_hash) == tx
    assert (await follower.get_tx_receipt(tx_hash)).status is TxStatus.UNKNOWN

    # Mine the proposal alone: the proof can only be sent after it, so "mined" is seen before "proven".
    await wait_until_async(lambda: _pending_l1_txs(chain) == 1, message="the block proposal on L1")
    chain.mine()
    mined = await _receipt_is(node, tx_hash, TxStatus.MINED)
    assert (mined.block_number, mined.reverted) == (1, False)
    assert mined.fee is not None and mined.fee > 0

    await wait_until_async(lambda: node.pool.pending_count == 0, message="the mined tx to leave the pending pool")
    assert await node.get_tx_by_hash(tx_hash) == tx, "a mined tx is still found by its hash"
    assert (await _included(follower, tx_hash)).block_number == 1

    await chain.start()
    proven = await _receipt_is(node, tx_hash, TxStatus.PROVEN)
    assert dataclasses.replace(proven, status=TxStatus.MINED) == mined
    await _receipt_is(follower, tx_hash, TxStatus.PROVEN)
    assert await node.get_proven_block_number() == await follower.get_proven_block_number() == 1
    block = await follower.get_block(1)
    assert block is not None and [effect.tx_hash for effect in block.body] == [tx_hash]
    assert await node.get_block(1) == block
    assert await node.get_block(2) is None


async def test_rejected_txs_raise_with_their_reason_and_the_node_keeps_serving(
    start_node: StartNode, chain: DevL1Chain, telemetry: InMemoryTelemetryClient
) -> None:
    node = await start_node("sequencer", telemetry)
    wallet = new_wallet()
    mined = mint_tx(wallet)
    await node.send_tx(mined)
    await _mined_on(chain, node, mined.tx_hash)

    cases = {
        "fee_too_low": mint_tx(wallet, max_fee_per_gas=MIN_L2_BASE_FEE_ON_DEV_L1 - 1),
        "bad_signature": mint_tx(wallet).with_signature(bytes(64)),
        "double_spend": mint_tx(Wallet(wallet.account, next_nonce=0), 5),  # nonce 0 is spent
    }
    for reason, tx in cases.items():
        with pytest.raises(TxRejectedError, match=f"transaction rejected: {reason}: ") as raised:
            await node.send_tx(tx)
        assert raised.value.reason == reason
        assert (await node.get_tx_receipt(tx.tx_hash)).status is TxStatus.UNKNOWN

    pending = mint_tx(wallet)
    await node.send_tx(pending)
    with pytest.raises(TxRejectedError) as raised:
        await node.send_tx(pending)
    assert raised.value.reason == "duplicate"
    assert (await _included(node, pending.tx_hash)).block_number == 2

    assert telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "accepted"}) == 2
    assert telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "rejected"}) == 4
    assert telemetry.histogram(NODE_RECEIVE_TX_DURATION).count == 6


async def test_node_info(start_node: StartNode, chain: DevL1Chain) -> None:
    node = await start_node("sequencer")
    follower = await start_node("follower", follower=True)
    info = await node.get_node_info()
    assert info.role == "sequencer+prover"
    assert (await follower.get_node_info()).role == "follower"
    assert info.version == VERSION
    assert info.l1_chain_id == DEV_CHAIN_ID
    assert info.rollup_address == chain.rollup_address
    assert info.base_fee_per_gas == l2_base_fee(await chain.get_base_fee())
    assert (info.block_gas_limit, info.max_tx_size) == (10_000_000, 32 * 1024)
    assert info.contracts == {"token": TOKEN_ADDRESS, "counter": COUNTER_ADDRESS}


async def test_the_pool_refuses_more_gas_than_the_sequencer_puts_in_a_block(start_node: StartNode) -> None:
    sequencer = SequencerConfig(slot_duration_s=0.02, max_block_wait_s=0.0, block_gas_limit=2_000_000)
    node = await start_node("small-blocks", sequencer=sequencer)
    assert (await node.get_node_info()).block_gas_limit == 2_000_000
    greedy = new_wallet().create_tx(gas_limit=2_000_001, max_fee_per_gas=FEE)
    with pytest.raises(TxRejectedError, match="gas_limit 2000001 exceeds the block's 2000000") as raised:
        await node.send_tx(greedy)
    assert raised.value.reason == "gas_limit_too_high"


async def test_is_ready_when_the_world_state_is_at_the_l1_tip(start_node: StartNode, chain: DevL1Chain) -> None:
    node = await start_node("sequencer")
    follower = await start_node("follower", follower=True, archiver_poll_interval_s=3600.0)
    assert await node.is_ready() and await follower.is_ready()

    tx = mint_tx(new_wallet())
    await node.send_tx(tx)
    await _mined_on(chain, node, tx.tx_hash)
    assert await node.is_ready()
    assert not await follower.is_ready(), "block 1 is on L1, not yet in the follower's world state"

    await follower.archiver.sync_once()
    assert await follower.is_ready()
    follower.synchronizer.diverged = WorldStateDivergedError("block 2: applying its effects gives other roots")
    assert not await follower.is_ready(), "a node whose last block did not apply is not ready"
    follower.synchronizer.diverged = None
    committed = [n.world_state.committed for n in (node, follower)]
    assert committed[0].get_state_reference() == committed[1].get_state_reference()
    assert committed[0].get_snapshot(TreeId.ARCHIVE) == committed[1].get_snapshot(TreeId.ARCHIVE)


async def test_public_storage_reads_a_minted_balance_on_both_nodes(start_node: StartNode, chain: DevL1Chain) -> None:
    node = await start_node("sequencer")
    follower = await start_node("follower", follower=True)
    wallet = new_wallet()
    balance = storage_slot(TOKEN_ADDRESS, "balances", wallet.address)
    assert await node.get_public_storage_at(balance) == 0

    txs = [mint_tx(wallet, 100), mint_tx(wallet, 23)]
    for tx in txs:
        await node.send_tx(tx)
    await chain.start()
    for each in (node, follower):
        for tx in txs:
            await _included(each, tx.tx_hash)
        assert await each.get_public_storage_at(balance) == 123
        assert await each.get_public_storage_at(storage_slot(TOKEN_ADDRESS, "total_supply")) == 123
        assert await each.get_public_storage_at(storage_slot(TOKEN_ADDRESS, "balances", 7)) == 0


async def test_two_nodes_in_one_process_record_into_their_own_telemetry_client(
    start_node: StartNode, chain: DevL1Chain
) -> None:
    sequencer_telemetry, follower_telemetry = InMemoryTelemetryClient(), InMemoryTelemetryClient()
    try:
        node = await start_node("sequencer", sequencer_telemetry)
        follower = await start_node("follower", follower_telemetry, follower=True)
        tx = mint_tx(new_wallet())
        await node.send_tx(tx)
        with pytest.raises(TxRejectedError):
            await follower.send_tx(mint_tx(new_wallet(), max_fee_per_gas=0))
        await _mined_on(chain, follower, tx.tx_hash)
        published = {a.BLOCK_OUTCOME: "published"}
        await wait_until_async(
            lambda: sequencer_telemetry.counter_value(SEQUENCER_BLOCK_COUNT, published) == 1, message="block 1"
        )
        await wait_until_async(lambda: node.archiver.get_block_number() == 1, message="the sequencer node's archiver")

        assert sequencer_telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "accepted"}) == 1
        assert sequencer_telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "rejected"}) == 0
        assert follower_telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "accepted"}) == 0
        assert follower_telemetry.counter_value(NODE_RECEIVE_TX_COUNT, {a.OUTCOME: "rejected"}) == 1
        assert sequencer_telemetry.counter_value(MEMPOOL_TX_ADDED_COUNT) == 1
        assert follower_telemetry.counter_value(MEMPOOL_TX_ADDED_COUNT) == 0
        assert sequencer_telemetry.counter_value(ARCHIVER_TX_COUNT) == 1, "each archiver counts the block once"
        assert follower_telemetry.counter_value(ARCHIVER_TX_COUNT) == 1
        assert follower_telemetry.series(SEQUENCER_SLOT_COUNT) == [], "the follower does not sequence"
    finally:
        sequencer_telemetry.stop()
        follower_telemetry.stop()


async def test_a_block_whose_publishing_timed_out_lands_later_and_is_proven(
    start_node: StartNode, chain: DevL1Chain
) -> None:
    config = SequencerConfig(slot_duration_s=0.02, max_block_wait_s=0.0, publish_timeout_s=0.05)
    node = await start_node("sequencer", sequencer=config)
    tx = mint_tx(new_wallet())
    await node.send_tx(tx)
    await wait_until_async(lambda: _pending_l1_txs(chain) == 1, message="the block proposal on L1")
    await wait_until_async(
        lambda: node.sequencer is not None and node.sequencer.state is SequencerState.IDLE, message="the timeout"
    )
    assert (await node.get_tx_receipt(tx.tx_hash)).status is TxStatus.PENDING

    await chain.start()  # the proposal lands after the publisher gave up on it
    receipt = await _receipt_is(node, tx.tx_hash, TxStatus.PROVEN)
    assert receipt.block_number == 1
    second = mint_tx(new_wallet())
    await node.send_tx(second)
    assert (await _receipt_is(node, second.tx_hash, TxStatus.PROVEN)).block_number == 2


async def test_stopping_mid_build_waits_for_the_build_thread(
    start_node: StartNode, chain: DevL1Chain, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sequencer's task is cancelled while it builds a block in a thread, reading a world-state fork.
    Stop must not close the world state (aborting the fork's LMDB transaction) under that thread: with
    ``asyncio.to_thread`` it did, and a read in flight then used freed memory."""
    building = threading.Event()
    closed_under_build: list[bool] = []
    original = Sequencer._build

    def slow_build(self: Sequencer, txs: list[Tx], base_fee: int) -> object:
        building.set()
        time.sleep(0.3)  # the thread's work in progress when the node is told to stop
        try:
            return original(self, txs, base_fee)
        finally:
            closed_under_build.append(self._world_state.closed)

    monkeypatch.setattr(Sequencer, "_build", slow_build)
    await chain.start()
    node = await start_node("sequencer", prover=None)
    await node.send_tx(mint_tx(new_wallet()))
    await wait_until_async(building.is_set, message="a block build to start")
    await node.stop()
    assert closed_under_build == [False], "the world state stayed open until the build thread returned"
