"""The sequencer's slots on real parts: LMDB world state and pool, the development L1, the publisher."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from aztec.l1 import DEV_PROVER_ADDRESS, DevL1Chain, L1TxRequest
from aztec.l1 import store as l1_store
from aztec.l1.types import ETHER, dev_address
from aztec.p2p import TxPool
from aztec.p2p.results import PoolTxStatus
from aztec.sequencer.config import SequencerConfig
from aztec.sequencer.instrumentation import block_size_class
from aztec.sequencer.state import SequencerState
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.gas.fees import l2_base_fee
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics.l1 import L1_PUBLISHER_TX_COUNT
from aztec.telemetry.metrics.mempool import MEMPOOL_TX_EVICTED_COUNT
from aztec.telemetry.metrics.sequencer import (
    SEQUENCER_BLOCK_BUILD_DURATION,
    SEQUENCER_BLOCK_COUNT,
    SEQUENCER_BLOCK_TX_COUNT,
    SEQUENCER_INTER_BLOCK_TIME,
    SEQUENCER_SLOT_COUNT,
    SEQUENCER_SLOT_FILLED_COUNT,
    SEQUENCER_STATE,
)
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state import WorldState
from tests.l1.l2_blocks import L2BlockBuilder
from tests.node.harness import FEE, SequencerParts, mint_tx, new_wallet, open_chain, propose
from tests.support.polling import wait_until_async

MakeParts = Callable[..., SequencerParts]


@pytest.fixture
def make_parts(tmp_path: Path, chain: DevL1Chain) -> Iterator[MakeParts]:
    """``make_parts(name, telemetry=None, **config and SequencerParts options)``; closed after the test."""
    made: list[SequencerParts] = []

    def make(
        name: str = "sequencer",
        telemetry: TelemetryClient | None = None,
        *,
        world_state: WorldState | None = None,
        sender: str | None = None,
        **config: float,
    ) -> SequencerParts:
        options = {"sender": sender} if sender is not None else {}
        parts = SequencerParts(
            tmp_path / name,
            chain,
            telemetry or NoopTelemetryClient(),
            SequencerConfig(**config),  # type: ignore[arg-type]
            world_state=world_state,
            **options,  # type: ignore[arg-type]
        )
        made.append(parts)
        return parts

    yield make
    for parts in made:
        parts.close()


async def _add(pool: TxPool, chain: DevL1Chain, *txs: Tx) -> None:
    base_fee = l2_base_fee(await chain.get_base_fee())
    for tx in txs:
        result = pool.add_tx(tx, base_fee_per_gas=base_fee)
        assert result.ok, result.detail


def _roots(world_state: WorldState) -> tuple[object, ...]:
    return world_state.committed.get_state_reference(), world_state.committed.get_snapshot(TreeId.ARCHIVE)


def _pending(pool: TxPool) -> set[int]:
    return {tx.tx_hash for tx in pool.get_pending()}


async def _run_slot_mining(
    parts: SequencerParts, chain: DevL1Chain, *, mine_from_publishing: bool = False
) -> L2Block | None:
    """One slot, mining L1 blocks while it waits for its proposal to be included (only once it
    publishes, with ``mine_from_publishing``: then what is already in the L1 mempool lands first)."""
    task = asyncio.create_task(parts.sequencer.run_slot())
    if mine_from_publishing:
        await wait_until_async(
            lambda: task.done() or parts.sequencer.state is SequencerState.PUBLISHING, message="publishing"
        )
    while not task.done():
        chain.mine()
        await asyncio.wait({task}, timeout=0.01)
    return task.result()


async def test_a_slot_without_txs_is_empty(make_parts: MakeParts, telemetry: InMemoryTelemetryClient) -> None:
    parts = make_parts(telemetry=telemetry)
    assert await parts.sequencer.run_slot() is None
    assert parts.sequencer.state is SequencerState.IDLE
    assert parts.world_state.committed_block_number == 0
    assert telemetry.counter_value(SEQUENCER_SLOT_COUNT) == 1
    assert telemetry.counter_value(SEQUENCER_BLOCK_COUNT, {a.BLOCK_OUTCOME: "empty"}) == 1
    assert telemetry.counter_value(SEQUENCER_SLOT_FILLED_COUNT) == 0
    assert telemetry.gauge_value(SEQUENCER_STATE, {a.SEQUENCER_STATE: "idle"}) == 1


async def test_fewer_than_min_txs_wait_until_the_max_wait_then_publish(
    make_parts: MakeParts, chain: DevL1Chain
) -> None:
    started = time.monotonic()
    parts = make_parts(min_txs_per_block=3, max_block_wait_s=0.5)
    wallet = new_wallet()
    first = mint_tx(wallet)
    await _add(parts.pool, chain, first)

    assert await parts.sequencer.run_slot() is None, "one tx, below the minimum, before the max wait"
    assert _pending(parts.pool) == {first.tx_hash}

    published: list[L2Block] = []

    async def slot_publishes() -> bool:
        block = await _run_slot_mining(parts, chain)
        if block is not None:
            published.append(block)
        return block is not None

    await wait_until_async(slot_publishes, timeout=5, message="a block after the max wait")
    assert time.monotonic() - started >= 0.5
    assert [effect.tx_hash for effect in published[0].body] == [first.tx_hash]

    more = [mint_tx(wallet) for _ in range(3)]
    await _add(parts.pool, chain, *more)
    block = await _run_slot_mining(parts, chain)
    assert block is not None, "the minimum reached: published at once"
    assert {effect.tx_hash for effect in block.body} == {tx.tx_hash for tx in more}


async def test_a_block_takes_at_most_max_txs_highest_fee_first(make_parts: MakeParts, chain: DevL1Chain) -> None:
    parts = make_parts(max_txs_per_block=2)
    txs = [mint_tx(new_wallet(), max_fee_per_gas=FEE + i) for i in range(5)]
    await _add(parts.pool, chain, *txs)

    sizes = []
    while parts.pool.pending_count:
        block = await _run_slot_mining(parts, chain)
        assert block is not None
        sizes.append(len(block.body))
        if block.number == 1:
            assert [effect.tx_hash for effect in block.body] == [txs[4].tx_hash, txs[3].tx_hash]
    assert sizes == [2, 2, 1]
    assert await chain.get_pending_block_number() == parts.world_state.committed_block_number == 3


async def test_a_tx_whose_nullifier_was_spent_meanwhile_is_evicted_as_double_spend(
    make_parts: MakeParts, chain: DevL1Chain, telemetry: InMemoryTelemetryClient
) -> None:
    """Two pools over one world state: the other pool's tx spends the nullifier while ours is pending."""
    ours = make_parts("ours", telemetry)
    theirs = make_parts("theirs", world_state=ours.world_state)
    nullifier = 424242
    victim = mint_tx(new_wallet(), nullifiers=(nullifier,))
    spender = mint_tx(new_wallet(), nullifiers=(nullifier,))
    await _add(ours.pool, chain, victim)
    await _add(theirs.pool, chain, spender)

    block = await _run_slot_mining(theirs, chain)
    assert block is not None and ours.world_state.committed.has_nullifier(nullifier)

    assert await ours.sequencer.run_slot() is None
    status = ours.pool.get_status(victim.tx_hash)
    assert (status.status, status.reason) == (PoolTxStatus.DROPPED, "double_spend")
    assert telemetry.counter_value(MEMPOOL_TX_EVICTED_COUNT, {a.EVICTION_REASON: "invalid"}) == 1
    assert telemetry.counter_value(SEQUENCER_BLOCK_COUNT, {a.BLOCK_OUTCOME: "empty"}) == 1
    assert ours.world_state.committed_block_number == 1


async def test_a_tx_below_a_raised_base_fee_is_evicted_as_fee_too_low(tmp_path: Path) -> None:
    chain = open_chain(tmp_path / "small-l1.sqlite", block_gas_limit=2_000_000)
    parts = SequencerParts(tmp_path / "sequencer", chain, NoopTelemetryClient(), SequencerConfig())
    try:
        base_fee = l2_base_fee(await chain.get_base_fee())
        cheap = mint_tx(new_wallet(), max_fee_per_gas=base_fee)
        assert parts.pool.add_tx(cheap, base_fee_per_gas=base_fee).ok
        # Demand on L1: a block filled past its gas target raises the base fee.
        chain.send_transaction_sync(L1TxRequest(DEV_PROVER_ADDRESS, DEV_PROVER_ADDRESS, b"\xff" * 100_000))
        chain.mine()
        assert l2_base_fee(await chain.get_base_fee()) > base_fee

        assert await parts.sequencer.run_slot() is None
        status = parts.pool.get_status(cheap.tx_hash)
        assert (status.status, status.reason) == (PoolTxStatus.DROPPED, "fee_too_low")
        assert parts.world_state.committed_block_number == 0
    finally:
        parts.close()
        chain.close()


async def test_a_publisher_without_funds_rolls_back_and_keeps_the_txs(
    make_parts: MakeParts, chain: DevL1Chain, telemetry: InMemoryTelemetryClient
) -> None:
    sender = dev_address("unfunded publisher")
    parts = make_parts(telemetry=telemetry, sender=sender)
    txs = [mint_tx(new_wallet()) for _ in range(2)]
    await _add(parts.pool, chain, *txs)
    before = _roots(parts.world_state)

    assert await parts.sequencer.run_slot() is None
    assert parts.world_state.committed_block_number == 0
    assert _roots(parts.world_state) == before
    assert _pending(parts.pool) == {tx.tx_hash for tx in txs}
    assert await chain.get_pending_block_number() == 0
    assert telemetry.counter_value(SEQUENCER_BLOCK_COUNT, {a.BLOCK_OUTCOME: "failed"}) == 1
    assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {a.L1_TX_TYPE: "propose", a.OUTCOME: "rejected"}) == 1
    assert parts.sequencer.state is SequencerState.IDLE

    chain.fund(sender, 10 * ETHER)
    block = await _run_slot_mining(parts, chain)
    assert block is not None and {effect.tx_hash for effect in block.body} == {tx.tx_hash for tx in txs}
    assert parts.pool.pending_count == 0
    assert parts.world_state.committed_block_number == 1


async def test_a_proposal_the_l1_reverts_rolls_back_and_keeps_the_txs(
    tmp_path: Path, make_parts: MakeParts, chain: DevL1Chain, telemetry: InMemoryTelemetryClient
) -> None:
    """Another block 1 lands first: the rollup reverts ours; the sequencer then waits to sync."""
    parts = make_parts(telemetry=telemetry)
    txs = [mint_tx(new_wallet()) for _ in range(2)]
    await _add(parts.pool, chain, *txs)
    rival = L2BlockBuilder(tmp_path / "rival")
    try:
        propose(chain, rival.build(1).block)  # pending in the L1 mempool, ahead of ours
        before = _roots(parts.world_state)

        assert await _run_slot_mining(parts, chain, mine_from_publishing=True) is None
        assert parts.world_state.committed_block_number == 0
        assert _roots(parts.world_state) == before
        assert _pending(parts.pool) == {tx.tx_hash for tx in txs}
        assert await chain.get_pending_block_number() == 1
        assert telemetry.counter_value(L1_PUBLISHER_TX_COUNT, {a.L1_TX_TYPE: "propose", a.OUTCOME: "failure"}) == 1
        assert telemetry.counter_value(SEQUENCER_BLOCK_COUNT, {a.BLOCK_OUTCOME: "failed"}) == 1

        assert await parts.sequencer.run_slot() is None, "behind L1: no block until the node syncs"
        assert parts.sequencer.state is SequencerState.IDLE
        assert parts.pool.pending_count == 2
    finally:
        rival.close()


async def test_state_gauge_counters_and_inter_block_time(
    make_parts: MakeParts, chain: DevL1Chain, telemetry: InMemoryTelemetryClient
) -> None:
    parts = make_parts(telemetry=telemetry)
    wallet = new_wallet()
    await _add(parts.pool, chain, mint_tx(wallet), mint_tx(wallet), mint_tx(wallet))

    slot = asyncio.create_task(parts.sequencer.run_slot())
    await wait_until_async(
        lambda: parts.sequencer.state is SequencerState.PUBLISHING, message="the sequencer to publish"
    )
    for state in SequencerState:
        expected = 1 if state is SequencerState.PUBLISHING else 0
        assert telemetry.gauge_value(SEQUENCER_STATE, {a.SEQUENCER_STATE: state.value}) == expected, state
    while not slot.done():
        chain.mine()
        await asyncio.wait({slot}, timeout=0.01)
    first = slot.result()
    assert first is not None and len(first.body) == 3
    assert telemetry.gauge_value(SEQUENCER_STATE, {a.SEQUENCER_STATE: "idle"}) == 1
    assert telemetry.series(SEQUENCER_INTER_BLOCK_TIME) == [], "no previous block to measure from"

    assert await parts.sequencer.run_slot() is None  # empty
    await _add(parts.pool, chain, mint_tx(wallet))
    second = await _run_slot_mining(parts, chain)
    assert second is not None and second.number == 2

    assert telemetry.counter_value(SEQUENCER_SLOT_COUNT) == 3
    assert telemetry.counter_value(SEQUENCER_SLOT_FILLED_COUNT) == 2
    assert telemetry.counter_value(SEQUENCER_BLOCK_COUNT, {a.BLOCK_OUTCOME: "published"}) == 2
    assert telemetry.counter_value(SEQUENCER_BLOCK_COUNT, {a.BLOCK_OUTCOME: "empty"}) == 1
    tx_counts = telemetry.histogram(SEQUENCER_BLOCK_TX_COUNT)
    assert (tx_counts.count, tx_counts.sum) == (2, 4)
    assert telemetry.histogram(SEQUENCER_BLOCK_BUILD_DURATION, {a.BLOCK_SIZE_CLASS: "4"}).count == 1
    assert telemetry.histogram(SEQUENCER_BLOCK_BUILD_DURATION, {a.BLOCK_SIZE_CLASS: "1"}).count == 1
    inter_block = telemetry.histogram(SEQUENCER_INTER_BLOCK_TIME)
    assert inter_block.count == 1 and inter_block.sum > 0


async def test_the_slot_loop_publishes_and_stops(
    make_parts: MakeParts, chain: DevL1Chain, telemetry: InMemoryTelemetryClient
) -> None:
    parts = make_parts(telemetry=telemetry, slot_duration_s=0.05)
    await chain.start()
    parts.sequencer.start()
    wallet = new_wallet()
    txs = [mint_tx(wallet) for _ in range(3)]
    await _add(parts.pool, chain, *txs)
    await wait_until_async(lambda: parts.pool.pending_count == 0, message="the loop to publish the txs")
    await parts.sequencer.stop()
    assert parts.sequencer.state is SequencerState.STOPPED
    assert telemetry.gauge_value(SEQUENCER_STATE, {a.SEQUENCER_STATE: "stopped"}) == 1
    assert parts.sequencer.blocks_published >= 1
    assert await chain.get_pending_block_number() == parts.world_state.committed_block_number


class RecordingProver:
    """A BlockProver that remembers what the sequencer told it."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    def block_built(self, job: BlockProvingInput) -> None:
        self.calls.append(("built", job.header.global_variables.block_number))

    def block_discarded(self, block_number: int) -> None:
        self.calls.append(("discarded", block_number))

    async def block_published(self, job: BlockProvingInput, block: L2Block) -> None:
        assert job.header == block.header
        self.calls.append(("published", block.number))


def _pending_l1_txs(chain: DevL1Chain) -> int:
    conn = l1_store.connect(chain.path, 5.0)
    try:
        return len(list(l1_store.pending_transactions(conn)))
    finally:
        conn.close()


async def test_after_a_publish_timeout_nothing_is_built_until_the_proposal_lands_then_it_is_proven(
    tmp_path: Path, chain: DevL1Chain
) -> None:
    prover = RecordingProver()
    parts = SequencerParts(
        tmp_path / "sequencer", chain, NoopTelemetryClient(), SequencerConfig(), publish_timeout_s=0.05, prover=prover
    )
    try:
        await _add(parts.pool, chain, mint_tx(new_wallet()))
        assert await parts.sequencer.run_slot() is None, "not mined within the publish timeout"
        assert parts.world_state.committed_block_number == 0 and parts.pool.pending_count == 1
        for _ in range(3):
            assert await parts.sequencer.run_slot() is None
        assert _pending_l1_txs(chain) == 1, "block 1 is not proposed again while its proposal may land"
        assert prover.calls == [("built", 1)]

        chain.mine()
        assert await parts.sequencer.run_slot() is None, "landed: the node must sync it from L1 first"
        assert prover.calls == [("built", 1), ("published", 1)]
        assert await chain.get_pending_block_number() == 1
    finally:
        parts.close()


async def test_a_timed_out_proposal_that_reverts_is_discarded(tmp_path: Path, chain: DevL1Chain) -> None:
    prover = RecordingProver()
    parts = SequencerParts(
        tmp_path / "sequencer", chain, NoopTelemetryClient(), SequencerConfig(), publish_timeout_s=0.05, prover=prover
    )
    rival = L2BlockBuilder(tmp_path / "rival")
    try:
        propose(chain, rival.build(1).block)  # lands first: ours reverts
        await _add(parts.pool, chain, mint_tx(new_wallet()))
        assert await parts.sequencer.run_slot() is None
        chain.mine()
        assert await parts.sequencer.run_slot() is None
        assert prover.calls == [("built", 1), ("discarded", 1)]
        assert parts.pool.pending_count == 1
    finally:
        rival.close()
        parts.close()


@pytest.mark.parametrize(
    ("tx_count", "size_class"), [(0, "0"), (1, "1"), (2, "2"), (3, "4"), (32, "32"), (128, "128"), (129, "128+")]
)
def test_block_size_class_is_bounded(tx_count: int, size_class: str) -> None:
    assert block_size_class(tx_count) == size_class
