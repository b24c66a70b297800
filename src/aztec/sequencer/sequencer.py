"""The slot loop: take txs from the pool, process them on a world-state fork, publish, commit, hand over.

Each slot the sequencer synchronizes (its world state must be at L1's pending block), checks it is the
proposer (the development setup has one sequencer, so it always is), builds a block on a fork, publishes
it to L1 and only then commits the fork, and hands the block to the prover. A slot with nothing to do
is empty; fewer than the minimum txs wait until ``max_block_wait_s`` has passed since the last block.
A proposal whose publishing timed out may still land: no block is built until its fate is known (if it
landed, the node syncs it from L1 and the prover proves it).
"""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import Protocol

from aztec.block_builder.builder import close_block
from aztec.foundation.background import BackgroundTask
from aztec.foundation.threads import run_in_thread
from aztec.foundation.timer import Timer
from aztec.l1.client import L1Client
from aztec.l1.publisher import L1Publisher
from aztec.p2p.tx_pool import TxPool
from aztec.sequencer.config import SequencerConfig
from aztec.sequencer.instrumentation import SequencerInstrumentation
from aztec.sequencer.state import SequencerState
from aztec.simulator.processor import ProcessResult, PublicProcessor
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.gas.fees import l2_base_fee
from aztec.stdlib.trees import TreeId
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry import TelemetryClient
from aztec.telemetry import attributes as a
from aztec.world_state.fork import Fork
from aztec.world_state.world_state import WorldState

_log = logging.getLogger(__name__)


class BlockProver(Protocol):
    """Where built blocks go to be proven (the prover node)."""

    def block_built(self, job: BlockProvingInput) -> None:
        """Called before publishing: keep the job (persisted), in case the node dies after publishing."""
        ...

    def block_discarded(self, block_number: int) -> None:
        """The block was not published after all."""
        ...

    async def block_published(self, job: BlockProvingInput, block: L2Block) -> None:
        """The block is on L1 and committed: prove it."""
        ...


@dataclass(frozen=True)
class _InFlight:
    """A proposal whose publishing timed out: it may still land on L1."""

    tx_hash: str
    block: L2Block
    proving_input: BlockProvingInput


@dataclass
class _Built:
    fork: Fork
    block: L2Block
    proving_input: BlockProvingInput
    result: ProcessResult


class Sequencer:
    def __init__(
        self,
        world_state: WorldState,
        pool: TxPool,
        publisher: L1Publisher,
        l1: L1Client,
        telemetry: TelemetryClient,
        config: SequencerConfig,
        *,
        state_lock: asyncio.Lock,
        prover: BlockProver | None = None,
    ) -> None:
        """``state_lock`` serializes world-state writes with the node's synchronizer."""
        self._world_state = world_state
        self._pool = pool
        self._publisher = publisher
        self._l1 = l1
        self._config = config
        self._lock = state_lock
        self._prover = prover
        self._state = SequencerState.IDLE
        self._last_block_at: float | None = None
        self._in_flight: _InFlight | None = None
        self._started_at = time.monotonic()
        self._loop = BackgroundTask("sequencer", self._run)
        self.tracer = telemetry.get_tracer("Sequencer")
        self._telemetry = telemetry
        self._instrumentation = SequencerInstrumentation(telemetry, lambda: self._state, config.slot_duration_s)
        self.blocks_published = 0

    @property
    def state(self) -> SequencerState:
        return self._state

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        self._state = SequencerState.STOPPED

    async def _run(self) -> None:
        while True:
            slot_end = time.monotonic() + self._config.slot_duration_s
            try:
                await self.run_slot()
            except Exception:
                _log.exception("sequencer: slot failed")
                self._instrumentation.record_failed()
                self._state = SequencerState.IDLE
            await asyncio.sleep(max(0.0, slot_end - time.monotonic()))

    async def run_slot(self) -> L2Block | None:
        """One slot; the block published, or None for an empty or failed slot."""
        self._instrumentation.record_slot()
        self._state = SequencerState.SYNCHRONIZING
        await self._publisher.refresh()  # keeps the L1 height, base fee and balance gauges current when idle
        if self._in_flight is not None and not await self._settle_in_flight(self._in_flight):
            self._state = SequencerState.IDLE
            return None
        pending_on_l1 = await self._l1.get_pending_block_number()
        if self._world_state.committed_block_number != pending_on_l1:
            _log.info(
                "sequencer: world state at block %d, L1 at %d; waiting to sync",
                self._world_state.committed_block_number,
                pending_on_l1,
            )
            self._state = SequencerState.IDLE
            return None
        self._state = SequencerState.PROPOSER_CHECK  # a single development sequencer is always the proposer
        async with self.tracer.span("Sequencer.slot", {a.BLOCK_NUMBER: pending_on_l1 + 1}) as slot:
            with self.tracer.span("Sequencer.take_txs") as take:
                txs = self._take_txs()
                take.set_attribute(a.BLOCK_TX_COUNT, len(txs))
            if not txs:
                slot.set_attribute(a.BLOCK_OUTCOME, "empty")
                self._instrumentation.record_empty()
                self._state = SequencerState.IDLE
                return None
            self._state = SequencerState.CREATING_BLOCK
            timer = Timer()
            base_fee = l2_base_fee(await self._l1.get_base_fee())
            async with self._lock:
                built = await run_in_thread(self._build, txs, base_fee)
                if built is None:
                    slot.set_attribute(a.BLOCK_OUTCOME, "empty")
                    self._instrumentation.record_empty()
                    self._state = SequencerState.IDLE
                    return None
                block = await self._publish(built, timer)
                slot.set_attribute(a.BLOCK_OUTCOME, "failed" if block is None else "published")
                return block

    async def _settle_in_flight(self, in_flight: _InFlight) -> bool:
        """Whether the timed-out proposal's fate is known. Until it is, no other block is built (that would
        propose the same number again); once it landed, the node syncs the block from L1 and it is proven."""
        receipt = await self._l1.get_receipt(in_flight.tx_hash)
        if receipt is None:
            _log.info("sequencer: the proposal of block %d is still pending on L1", in_flight.block.number)
            return False
        self._in_flight = None
        if self._prover is None:
            return True
        if receipt.succeeded:
            await self._prover.block_published(in_flight.proving_input, in_flight.block)
        else:
            self._prover.block_discarded(in_flight.block.number)
        return True

    def _take_txs(self) -> list[Tx]:
        pending = self._pool.get_pending(self._config.max_txs_per_block)
        if not pending:
            return []
        since_last = time.monotonic() - (self._last_block_at or self._started_at)
        if len(pending) < self._config.min_txs_per_block and since_last < self._config.max_block_wait_s:
            return []
        return pending

    def _build(self, txs: list[Tx], base_fee: int) -> _Built | None:
        """Runs in a thread; its span (and the processor's) is a child of the slot's (the context follows)."""
        number = self._world_state.committed_block_number + 1
        with self.tracer.span("Sequencer.build_block", {a.BLOCK_NUMBER: number}) as span:
            built = self._build_on_fork(number, txs, base_fee)
            if built is not None:
                span.add_links(self._pool.span_refs(effect.tx_hash for effect in built.block.body))
                span.set_attribute(a.BLOCK_TX_COUNT, len(built.block.body))
            return built

    def _build_on_fork(self, number: int, txs: list[Tx], base_fee: int) -> _Built | None:
        global_variables = GlobalVariables(number, int(time.time()), base_fee)
        with self.tracer.span("WorldState.fork", {a.BLOCK_NUMBER: number}):
            fork = self._world_state.fork()
        try:
            processor = PublicProcessor(
                fork,
                global_variables,
                self._telemetry,
                max_gas=self._config.block_gas_limit,
                max_txs=self._config.max_txs_per_block,
            )
            result = processor.process(txs)
            for failed in result.failed:
                self._pool.evict_invalid([failed.tx.tx_hash], failed.reason)
            if not result.processed:
                fork.rollback()
                return None
            with self.tracer.span("Sequencer.close_block", {a.BLOCK_NUMBER: number}):
                proving_input = close_block(fork, global_variables, result.processed)
            archive_root = fork.get_snapshot(TreeId.ARCHIVE).root
            block = L2Block(proving_input.header, archive_root, tuple(tx.effect for tx in result.processed))
            return _Built(fork, block, proving_input, result)
        except BaseException:
            fork.rollback()
            raise

    async def _publish(self, built: _Built, timer: Timer) -> L2Block | None:
        block = built.block
        build_s = timer.s()
        self._state = SequencerState.PUBLISHING
        if self._prover is not None:
            self._prover.block_built(built.proving_input)
        async with self.tracer.span("L1Publisher.publish_block", {a.BLOCK_NUMBER: block.number}) as span:
            outcome = await self._publisher.publish_block(block)
            span.set_attribute(a.OUTCOME, outcome.outcome)
            if outcome.tx_hash is not None:
                span.set_attribute(a.L1_TX_HASH, outcome.tx_hash)
        if not outcome.success:
            built.fork.rollback()
            if outcome.outcome == "timeout" and outcome.tx_hash is not None:
                self._in_flight = _InFlight(outcome.tx_hash, block, built.proving_input)
            elif self._prover is not None:
                self._prover.block_discarded(block.number)
            self._instrumentation.record_failed()
            _log.error("sequencer: publishing block %d failed: %s", block.number, outcome.error)
            self._state = SequencerState.IDLE
            return None
        async with self.tracer.span("WorldState.commit", {a.BLOCK_NUMBER: block.number}):
            await run_in_thread(built.fork.commit, block.number)
        self._pool.handle_mined_block(block, self._world_state.committed)
        now = time.monotonic()
        since_last = None if self._last_block_at is None else now - self._last_block_at
        self._last_block_at = now
        self._instrumentation.record_published(build_s, len(block.body), since_last)
        self.blocks_published += 1
        _log.info(
            "sequencer: published block %d with %d txs (%d failed) in %.3f s",
            block.number,
            len(block.body),
            len(built.result.failed),
            build_s,
        )
        self._state = SequencerState.IDLE
        if self._prover is not None:
            await self._prover.block_published(built.proving_input, block)
        return block
