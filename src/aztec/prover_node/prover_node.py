"""Proves blocks in the order they were handed over and submits each proof to L1.

Blocks are proven concurrently (up to ``max_concurrent_blocks``) through the shared proving queue, and
their proofs are submitted in block order so the proven chain advances monotonically on L1.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

from aztec.block.l2_block import L2Block
from aztec.l1.publisher import L1Publisher
from aztec.prover.block_input import BlockProvingInput
from aztec.prover.orchestrator import ProvenBlock, ProvingOrchestrator

_log = logging.getLogger(__name__)


class ProverNode:
    def __init__(
        self, orchestrator: ProvingOrchestrator, publisher: L1Publisher, *, max_concurrent_blocks: int = 2
    ) -> None:
        self._orchestrator = orchestrator
        self._publisher = publisher
        self._slots = asyncio.Semaphore(max_concurrent_blocks)
        self._proofs: dict[int, asyncio.Task[ProvenBlock | None]] = {}
        self._next_to_submit: int | None = None
        self._submitter: asyncio.Task[None] | None = None
        self._new_proof = asyncio.Event()
        self.proven = 0
        self.failed = 0

    @property
    def queued(self) -> int:
        """Blocks handed over whose proofs are not submitted yet."""
        return len(self._proofs)

    async def handle_block(self, proving_input: BlockProvingInput, block: L2Block) -> None:
        """Called by the sequencer for each published block."""
        if self._next_to_submit is None:
            self._next_to_submit = block.number
        self._proofs[block.number] = asyncio.get_running_loop().create_task(
            self._prove(proving_input), name=f"prove-block-{block.number}"
        )
        if self._submitter is None:
            self._submitter = asyncio.get_running_loop().create_task(self._submit_in_order(), name="proof-submitter")
        self._new_proof.set()

    async def _prove(self, proving_input: BlockProvingInput) -> ProvenBlock | None:
        number = proving_input.header.global_variables.block_number
        async with self._slots:
            try:
                return await self._orchestrator.prove_block(proving_input)
            except Exception as error:
                self.failed += 1
                _log.error("prover node: proving block %d failed: %s", number, error)
                return None
            finally:
                self._new_proof.set()

    async def _submit_in_order(self) -> None:
        while True:
            number = self._next_to_submit
            task = self._proofs.get(number) if number is not None else None
            if task is None or number is None:
                self._new_proof.clear()
                await self._new_proof.wait()
                continue
            proven = await task
            del self._proofs[number]
            self._next_to_submit = number + 1
            if proven is None:
                continue
            result = await self._publisher.submit_proof(number, proven.outputs, proven.proof)
            if result.success:
                self.proven += 1
                _log.info("prover node: block %d proven on L1", number)
            else:
                self.failed += 1
                _log.error("prover node: submitting the proof of block %d failed: %s", number, result.error)

    async def stop(self) -> None:
        tasks = [*self._proofs.values(), *([self._submitter] if self._submitter else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._proofs.clear()
        self._submitter = None
