"""Follows the L1 rollup contract: stores every proposed block (checked) and the proven height.

Nodes that do not sequence sync their world state from it; the sequencer's own node also runs one,
so that a node restarted after publishing a block it had not yet committed catches up.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from aztec.archiver.block_store import BlockStore, TxLocation
from aztec.archiver.instrumentation import ArchiverInstrumentation
from aztec.foundation.background import BackgroundTask
from aztec.foundation.fields import Fr
from aztec.foundation.timer import Timer
from aztec.l1.client import L1Client
from aztec.l1.rollup import decode_propose
from aztec.l1.types import L2BlockProposed
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.interfaces.block_source import BlockListener
from aztec.telemetry import TelemetryClient
from aztec.telemetry import attributes as a

_log = logging.getLogger(__name__)


class ArchiverError(RuntimeError):
    """The L1 says something the archiver cannot accept (a proposal whose calldata is not its block)."""


class Archiver:
    def __init__(
        self, l1: L1Client, store: BlockStore, telemetry: TelemetryClient, *, poll_interval_s: float = 0.2
    ) -> None:
        self._l1 = l1
        self.store = store
        self._poll_interval = poll_interval_s
        self._listeners: list[BlockListener] = []
        self._loop = BackgroundTask("archiver", self._run)
        self._changed = asyncio.Condition()
        self.tracer = telemetry.get_tracer("Archiver")
        self._instrumentation = ArchiverInstrumentation(telemetry, self._heights, store.stats)

    def _heights(self) -> tuple[int, int, int]:
        return self.store.latest_block_number(), self.store.proven_block_number(), self.store.l1_synced()

    def on_block(self, listener: BlockListener) -> None:
        """Call ``listener`` for every new block, in order, after it is stored."""
        self._listeners.append(listener)

    async def replay_to(self, listener: BlockListener, from_block: int) -> None:
        """Call ``listener`` for stored blocks from ``from_block`` on (catch-up after a restart)."""
        number = from_block
        while (block := self.store.get_block(number)) is not None:
            await listener(block)
            number += 1

    async def sync_once(self) -> int:
        """Read L1 up to its latest block; the number of new L2 blocks stored."""
        latest_l1 = await self._l1.get_block_number()
        start = self.store.l1_synced() + 1
        stored = 0
        if start <= latest_l1:
            events = await self._l1.get_proposed_blocks(start, latest_l1)
            new = [event for event in events if event.l2_block_number > self.store.latest_block_number()]
            if new:  # a span only for a sync that found blocks: polls that find nothing are not traced
                async with self.tracer.span("Archiver.sync", {a.L1_BLOCK_NUMBER: latest_l1}) as span:
                    stored = await self._store_blocks(new)
                    span.set_attribute(a.BLOCK_NUMBER, self.store.latest_block_number())
            self.store.set_l1_synced(latest_l1)
        proven = await self._l1.get_proven_block_number()
        if proven != self.store.proven_block_number():
            self.store.set_proven(proven)
        if stored or proven:
            async with self._changed:
                self._changed.notify_all()
        return stored

    async def _store_blocks(self, events: list[L2BlockProposed]) -> int:
        stored = 0
        for event in events:
            if event.l2_block_number <= self.store.latest_block_number():
                continue
            timer = Timer()
            async with self.tracer.span("Archiver.store_block", {a.BLOCK_NUMBER: event.l2_block_number}):
                block = await self._fetch(event.l1_tx_hash, event.l2_block_number, event.archive_root)
                # Later proposals may share this L1 block: only the blocks before it are fully read.
                self.store.add_block(block, event.l1_block_number - 1)
            self._instrumentation.record_block(timer.s(), len(block.body))
            stored += 1
            for listener in self._listeners:
                await listener(block)
        return stored

    async def _fetch(self, l1_tx_hash: str, number: int, archive_root: Fr) -> L2Block:
        transaction = await self._l1.get_transaction(l1_tx_hash)
        if transaction is None:
            raise ArchiverError(f"L1 transaction {l1_tx_hash} of L2 block {number} is missing")
        block = decode_propose(transaction.data)
        if block.number != number or block.archive_root != archive_root:
            raise ArchiverError(f"L1 transaction {l1_tx_hash} does not carry L2 block {number} as its event says")
        block.check_integrity()
        return block

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def close(self) -> None:
        """Stop following, stop reporting metrics and close the store (stored blocks are kept)."""
        await self.stop()
        self._instrumentation.close()
        self.store.close()

    async def _run(self) -> None:
        while True:
            try:
                await self.sync_once()
            except Exception:
                _log.exception("archiver: sync failed; retrying")
            await asyncio.sleep(self._poll_interval)

    async def wait_for(self, predicate: Callable[[], bool], timeout_s: float) -> bool:
        """Wait until ``predicate`` holds after a sync (True), or the timeout passes (False)."""
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(predicate), timeout_s)
            except TimeoutError:
                return predicate()
        return True

    def get_block(self, number: int) -> L2Block | None:
        return self.store.get_block(number)

    def get_block_number(self) -> int:
        return self.store.latest_block_number()

    def get_proven_block_number(self) -> int:
        return self.store.proven_block_number()

    def get_tx(self, tx_hash: Fr) -> TxLocation | None:
        return self.store.get_tx(tx_hash)
