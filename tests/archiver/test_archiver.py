"""The archiver on a development L1 mined explicitly, with real L2 blocks and an LMDB block store."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from aztec.archiver.archiver import Archiver, ArchiverError
from aztec.archiver.block_store import BlockStore, BlockStoreError
from aztec.l1 import DevL1Chain, L2BlockProposed
from aztec.stdlib.block.l2_block import L2Block
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics.archiver import (
    ARCHIVER_BLOCK_HEIGHT,
    ARCHIVER_L1_BLOCK_HEIGHT,
    ARCHIVER_SYNC_DURATION,
    ARCHIVER_TX_COUNT,
)
from aztec.telemetry.metrics.world_state import DB_MAP_SIZE, DB_NUM_ITEMS, DB_USED_SIZE
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from tests.l1.l2_blocks import L2BlockBuilder
from tests.node.harness import propose, submit_proof


@pytest.fixture
def l2(tmp_path: Path) -> Iterator[L2BlockBuilder]:
    builder = L2BlockBuilder(tmp_path / "builder")
    yield builder
    builder.close()


@pytest.fixture
async def archiver(tmp_path: Path, chain: DevL1Chain) -> AsyncIterator[Archiver]:
    archiver = Archiver(chain, BlockStore(tmp_path / "archiver"), NoopTelemetryClient())
    yield archiver
    await archiver.close()


class RecordingL1:
    """The real chain, recording which L1 block ranges the archiver asks for events in."""

    def __init__(self, chain: DevL1Chain) -> None:
        self.chain = chain
        self.ranges: list[tuple[int, int]] = []

    def __getattr__(self, name: str) -> object:
        return getattr(self.chain, name)

    async def get_proposed_blocks(self, from_l1_block: int, to_l1_block: int) -> list[L2BlockProposed]:
        self.ranges.append((from_l1_block, to_l1_block))
        return await self.chain.get_proposed_blocks(from_l1_block, to_l1_block)


def _set_event_tx_hash(chain: DevL1Chain, l2_block: int, tx_hash: str) -> str:
    """Point the rollup's event for ``l2_block`` at another L1 tx (as a lying L1 would); the old hash."""
    with sqlite3.connect(chain.path) as conn:
        (old,) = conn.execute("SELECT l1_tx_hash FROM rollup_blocks WHERE number = ?", (l2_block,)).fetchone()
        conn.execute("UPDATE rollup_blocks SET l1_tx_hash = ? WHERE number = ?", (tx_hash, l2_block))
    conn.close()
    return str(old)


async def test_stores_proposed_blocks_in_order_and_tells_listeners(
    chain: DevL1Chain, l2: L2BlockBuilder, archiver: Archiver
) -> None:
    heard: list[int] = []

    async def listener(block: L2Block) -> None:
        heard.append(block.number)

    archiver.on_block(listener)
    built = [l2.build(2), l2.build(1), l2.build(3)]
    propose(chain, built[0].block)
    propose(chain, built[1].block)
    chain.mine()  # blocks 1 and 2 in one L1 block
    chain.mine()  # an L1 block with no proposal
    propose(chain, built[2].block)
    chain.mine()

    assert await archiver.sync_once() == 3
    assert heard == [1, 2, 3]
    assert archiver.get_block_number() == 3
    for number, b in enumerate(built, start=1):
        assert archiver.get_block(number) == b.block
    assert archiver.get_block(4) is None
    assert archiver.store.l1_synced() == chain.latest_block().number

    assert await archiver.sync_once() == 0, "nothing new on L1"
    assert heard == [1, 2, 3]


async def test_proven_height_follows_the_rollup(chain: DevL1Chain, l2: L2BlockBuilder, archiver: Archiver) -> None:
    built = [l2.build(1), l2.build(1)]
    for b in built:
        propose(chain, b.block)
    chain.mine()
    await archiver.sync_once()
    assert archiver.get_proven_block_number() == 0

    submit_proof(chain, 2, await l2.prove(built[1]))
    chain.mine()
    await archiver.sync_once()
    assert archiver.get_proven_block_number() == 0, "block 2 proven alone does not advance the proven chain"

    submit_proof(chain, 1, await l2.prove(built[0]))
    chain.mine()
    await archiver.sync_once()
    assert archiver.get_proven_block_number() == 2


def test_store_caps_proven_at_its_latest_block_and_refuses_gaps(tmp_path: Path, l2: L2BlockBuilder) -> None:
    store = BlockStore(tmp_path / "store")
    try:
        first, second = l2.build(1), l2.build(1)
        with pytest.raises(BlockStoreError, match="block 2 does not follow the stored chain"):
            store.add_block(second.block, 5)
        store.add_block(first.block, 5)
        store.set_proven(7)
        assert store.proven_block_number() == 1
        assert store.latest_block_number() == 1
    finally:
        store.close()


async def test_tx_lookup_gives_block_index_and_effect(
    chain: DevL1Chain, l2: L2BlockBuilder, archiver: Archiver
) -> None:
    built = [l2.build(1), l2.build(3)]
    for b in built:
        propose(chain, b.block)
    chain.mine()
    await archiver.sync_once()

    for number, b in enumerate(built, start=1):
        for index, effect in enumerate(b.block.body):
            location = archiver.get_tx(effect.tx_hash)
            assert location is not None
            assert (location.block_number, location.index, location.effect) == (number, index, effect)
    assert archiver.get_tx(12345) is None


async def test_restart_resumes_from_the_stored_l1_position(
    tmp_path: Path, chain: DevL1Chain, l2: L2BlockBuilder
) -> None:
    first = Archiver(chain, BlockStore(tmp_path / "archiver"), NoopTelemetryClient())
    propose(chain, l2.build(1).block)
    chain.mine()
    chain.mine()
    await first.sync_once()
    synced = first.store.l1_synced()
    assert synced == chain.latest_block().number
    await first.close()

    later = l2.build(2).block
    propose(chain, later)
    chain.mine()
    recording = RecordingL1(chain)
    second = Archiver(recording, BlockStore(tmp_path / "archiver"), NoopTelemetryClient())  # type: ignore[arg-type]
    try:
        assert second.get_block_number() == 1, "the stored block survived the restart"
        assert await second.sync_once() == 1
        assert recording.ranges == [(synced + 1, chain.latest_block().number)], "L1 is read on from where it stopped"
        assert second.get_block(2) == later
    finally:
        await second.close()


async def test_an_event_whose_tx_carries_another_block_is_an_error(
    chain: DevL1Chain, l2: L2BlockBuilder, archiver: Archiver
) -> None:
    first_tx = propose(chain, l2.build(1).block)
    propose(chain, l2.build(1).block)
    chain.mine()
    _set_event_tx_hash(chain, 2, first_tx)

    with pytest.raises(ArchiverError, match="does not carry L2 block 2"):
        await archiver.sync_once()
    assert archiver.get_block_number() == 1
    assert archiver.get_block(2) is None


async def test_a_block_whose_fetch_failed_is_fetched_again(
    chain: DevL1Chain, l2: L2BlockBuilder, archiver: Archiver
) -> None:
    """A failure part-way through an L1 block's proposals loses none of them: the next sync retries."""
    built = [l2.build(1), l2.build(2)]
    propose(chain, built[0].block)
    propose(chain, built[1].block)
    chain.mine()  # both proposals in the same L1 block
    real_tx = _set_event_tx_hash(chain, 2, "0x" + "ab" * 32)

    with pytest.raises(ArchiverError, match="of L2 block 2 is missing"):
        await archiver.sync_once()
    assert archiver.get_block_number() == 1

    _set_event_tx_hash(chain, 2, real_tx)  # the L1 answers again
    assert await archiver.sync_once() == 1
    assert archiver.get_block(2) == built[1].block


async def test_metrics(
    tmp_path: Path, chain: DevL1Chain, l2: L2BlockBuilder, telemetry: InMemoryTelemetryClient
) -> None:
    archiver = Archiver(chain, BlockStore(tmp_path / "archiver"), telemetry)
    try:
        built = [l2.build(2), l2.build(3)]
        for b in built:
            propose(chain, b.block)
        chain.mine()
        submit_proof(chain, 1, await l2.prove(built[0]))
        chain.mine()
        chain.mine()
        await archiver.sync_once()

        assert telemetry.gauge_value(ARCHIVER_BLOCK_HEIGHT, {a.CHAIN_STATUS: "proposed"}) == 2
        assert telemetry.gauge_value(ARCHIVER_BLOCK_HEIGHT, {a.CHAIN_STATUS: "proven"}) == 1
        assert telemetry.gauge_value(ARCHIVER_L1_BLOCK_HEIGHT) == chain.latest_block().number
        assert telemetry.histogram(ARCHIVER_SYNC_DURATION).count == 2
        assert telemetry.counter_value(ARCHIVER_TX_COUNT) == 5
        db = {a.DB_NAME: "archiver"}
        assert telemetry.gauge_value(DB_MAP_SIZE, db) == 1 << 32
        used = telemetry.gauge_value(DB_USED_SIZE, db)
        assert 0 < used < 1 << 32
        assert telemetry.gauge_value(DB_NUM_ITEMS, db) >= 2 + 5  # blocks and the tx index, plus metadata
    finally:
        await archiver.close()


async def test_a_closed_archiver_is_no_longer_observed(
    tmp_path: Path, chain: DevL1Chain, telemetry: InMemoryTelemetryClient, caplog: pytest.LogCaptureFixture
) -> None:
    archiver = Archiver(chain, BlockStore(tmp_path / "archiver"), telemetry)
    assert telemetry.gauge_value(ARCHIVER_BLOCK_HEIGHT, {a.CHAIN_STATUS: "proposed"}) == 0
    await archiver.close()
    with caplog.at_level(logging.WARNING):
        assert telemetry.series(ARCHIVER_BLOCK_HEIGHT) == []
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], "a callback read the closed store"
