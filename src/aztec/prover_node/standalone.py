"""A prover in a process of its own (``aztec start --prover``): follows L1 and proves every block.

L1 carries only a block's tx effects, so for each new block the prover fetches the block's full txs from
a node (the sequencer's, which keeps recently mined txs), executes them again on its own world state
(:mod:`aztec.prover_node.rebuild`), and hands the proving input to the same :class:`ProverNode` the
in-process prover uses, which proves it and submits the proof to L1 from the prover's account.

- The world state only moves forward through this loop: a block is proven here (rebuilt from its txs),
  or, when L1 says it is proven already (another prover was faster), applied from its effects.
- A fetch that fails (the node is down, or has pruned a tx) is retried with exponential backoff up to
  ``max_retry_delay_s``, until it works or the block is proven by someone else; it never stops the loop.
- A block's proving input is stored before its state is committed, so a restart proves every block it
  had rebuilt and not proven yet.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path

from aztec.archiver.archiver import Archiver
from aztec.archiver.block_store import BlockStore
from aztec.foundation.background import BackgroundTask
from aztec.foundation.threads import run_in_thread
from aztec.l1.client import L1Client
from aztec.prover_node.config import ProverConfig
from aztec.prover_node.instrumentation import StandaloneProverInstrumentation
from aztec.prover_node.rebuild import BlockRebuildError, rebuild_proving_input
from aztec.prover_node.stack import ProverStack
from aztec.prover_node.tx_fetcher import BlockTxFetcher, TxFetchError, TxSource
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.config.world_state import WORLD_STATE_MAP_SIZE_BYTES
from aztec.stdlib.tx.tx import Tx
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.world_state.world_state import WorldState

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StandaloneProverConfig:
    data_dir: Path
    """The prover's own directory: its archiver, world state and proving jobs."""
    prover: ProverConfig = field(default_factory=ProverConfig)
    world_state_map_size: int = WORLD_STATE_MAP_SIZE_BYTES
    archiver_poll_interval_s: float = 0.2
    retry_delay_s: float = 0.5
    """The first wait before fetching a block's txs again; it doubles per failure."""
    max_retry_delay_s: float = 30.0


class StandaloneProver:
    """Build with :meth:`create`, then ``start``/``stop``."""

    def __init__(
        self,
        config: StandaloneProverConfig,
        telemetry: TelemetryClient,
        l1: L1Client,
        world_state: WorldState,
        archiver: Archiver,
        source: TxSource,
    ) -> None:
        self.config = config
        self.telemetry = telemetry
        self.l1 = l1
        self.world_state = world_state
        self.archiver = archiver
        self.fetcher = BlockTxFetcher(source, StandaloneProverInstrumentation(telemetry))
        self.tracer = telemetry.get_tracer("StandaloneProver")
        self.stack: ProverStack | None = None
        self._loop = BackgroundTask("standalone-prover", self._run)
        self.rebuilt = 0
        """Blocks rebuilt from their txs and handed to the prover node."""
        self.applied = 0
        """Blocks applied from their effects because L1 had them proven already (nothing to prove here)."""

    @classmethod
    def create(
        cls, config: StandaloneProverConfig, telemetry: TelemetryClient, l1: L1Client, source: TxSource
    ) -> StandaloneProver:
        """Open the prover's databases under ``config.data_dir`` (created if missing)."""
        data = config.data_dir
        data.mkdir(parents=True, exist_ok=True)
        world_state = WorldState.open(data / "world_state", telemetry, map_size=config.world_state_map_size)
        archiver = Archiver(
            l1, BlockStore(data / "archiver"), telemetry, poll_interval_s=config.archiver_poll_interval_s
        )
        return cls(config, telemetry, l1, world_state, archiver, source)

    async def start(self) -> None:
        """Start the prover (resuming stored jobs), catch up with L1, then follow it."""
        self.stack = await ProverStack.start(self.config.prover, self.telemetry, self.l1, self.config.data_dir / "jobs")
        await self.archiver.sync_once()
        self.archiver.start()
        self._loop.start()

    async def stop(self) -> None:
        """Stop following and proving; close the databases (committed state and stored jobs are kept)."""
        await self._loop.stop()
        if self.stack is not None:
            await self.stack.stop()
        await self.archiver.close()
        self.world_state.close()
        await self.fetcher.source.close()

    async def readiness(self, *, max_lag_blocks: int, l1_timeout_s: float) -> dict[str, bool]:
        """The checks of ``GET /readyz`` on the prover's scrape endpoint (it serves no JSON-RPC).

        L1 answers within ``l1_timeout_s``; the archiver has L1's chain and the world state (which moves
        only as blocks are proven or applied here) has the archiver's, each within ``max_lag_blocks``.
        The node's tolerances are passed in (``aztec.node.service``), so both roles judge alike.
        """
        try:
            pending = await asyncio.wait_for(self.l1.get_pending_block_number(), l1_timeout_s)
        except Exception:  # unreachable, slow or failing: not ready, and the other checks cannot be made
            return {"l1Reachable": False, "synced": False, "notBehind": False}
        archived = self.archiver.get_block_number()
        return {
            "l1Reachable": True,
            "synced": archived + max_lag_blocks >= pending,
            "notBehind": self.world_state.committed_block_number + max_lag_blocks >= archived,
        }

    def status(self) -> dict[str, int]:
        """Figures for the status screen."""
        return {
            "block": self.archiver.get_block_number(),
            "proven": self.archiver.get_proven_block_number(),
            "pool": 0,
            "proving_queue": self.stack.queue.size() if self.stack is not None else 0,
        }

    async def _run(self) -> None:
        while True:
            try:
                await self._advance()
            except Exception:  # a bug or a broken database: said, and tried again, never a dead loop
                _log.exception("prover: handling a block failed; trying again")
                await asyncio.sleep(self.config.max_retry_delay_s)
            await self.archiver.wait_for(
                lambda: self.archiver.get_block_number() > self.world_state.committed_block_number, 1.0
            )

    async def _advance(self) -> None:
        """Handle every archived block the world state has not reached yet, in order."""
        while (block := self.archiver.get_block(self.world_state.committed_block_number + 1)) is not None:
            await self._handle(block)

    async def _handle(self, block: L2Block) -> None:
        attempt = 0
        while True:
            if block.number <= await self.l1.get_proven_block_number():
                await self._apply_effects(block)
                return
            try:
                txs = await self.fetcher.fetch(block)
            except TxFetchError:
                delay = min(self.config.max_retry_delay_s, self.config.retry_delay_s * 2**attempt)
                attempt += 1
                await asyncio.sleep(delay)
                continue
            await self._prove(block, txs)
            return

    async def _prove(self, block: L2Block, txs: list[Tx]) -> None:
        assert self.stack is not None
        node = self.stack.node
        attributes = {a.BLOCK_NUMBER: block.number, a.BLOCK_TX_COUNT: len(txs)}
        async with self.tracer.span("StandaloneProver.rebuild_block", attributes):
            try:
                job = await run_in_thread(self._rebuild_and_commit, block, txs)
            except BlockRebuildError as error:
                _log.error("prover: %s; it cannot be proven here (following L1 from its effects)", error)
                await self._apply_effects(block)
                return
            self.rebuilt += 1
            _log.info("prover: rebuilt block %d from its %d txs; proving it", block.number, len(txs))
            await node.block_published(job, block)  # in the span: the proving trace links to it

    def _rebuild_and_commit(self, block: L2Block, txs: list[Tx]) -> BlockProvingInput:
        """Runs in a thread: the proving input is stored before the state moves past the block."""
        assert self.stack is not None
        with self.world_state.fork() as fork:
            job = rebuild_proving_input(fork, block, txs, self.telemetry)
            self.stack.node.block_built(job)
            fork.commit(block.number)
        return job

    async def _apply_effects(self, block: L2Block) -> None:
        await run_in_thread(self.world_state.apply_l2_block, block)
        self.applied += 1
        _log.debug("prover: block %d is proven on L1 already; applied its effects", block.number)
