"""Proves blocks in the order they were published and submits each proof to L1.

A block's proving input is stored (``ProvingJobStore``) before the sequencer publishes it and dropped
once its proof is on L1, so a node killed at any point proves, after its restart, every published
block it had not proven: the proven chain never stalls on a gap. Blocks are proven concurrently (up to
``max_concurrent_blocks``) through the proving queue; proofs are submitted in block order.

A block whose proving fails (after the proving queue's own retries) is proven again in the background,
with exponential backoff, while later blocks go on; a proof submission refused or timed out is sent
again with backoff while the block is still published and unproven. A submission that reverts is not
retried: the rollup refused that proof, and sending it again cannot help. A block another prover proved
first (two provers on one chain) is dropped with an info line, before or after a submission: L1 refuses
the second proof of a block ("already proven"), and the proven chain is the same either way.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging

from aztec.l1.client import L1Client
from aztec.l1.publisher import L1Publisher
from aztec.prover.orchestrator import ProvenBlock, ProvingOrchestrator
from aztec.prover_node.job_store import ProvingJobStore
from aztec.stdlib.block.l2_block import L2Block
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.telemetry import attributes as a
from aztec.telemetry.api import Tracer
from aztec.telemetry.noop import NOOP_TRACER
from aztec.telemetry.span_context import SpanRef, current_span_ref

_log = logging.getLogger(__name__)


class ProverNode:
    def __init__(
        self,
        orchestrator: ProvingOrchestrator,
        publisher: L1Publisher,
        store: ProvingJobStore | None = None,
        *,
        max_concurrent_blocks: int = 2,
        retry_delay_s: float = 1.0,
        max_retry_delay_s: float = 60.0,
        tracer: Tracer = NOOP_TRACER,
    ) -> None:
        self.tracer = tracer
        self._orchestrator = orchestrator
        self._retry_delay_s = retry_delay_s
        self._max_retry_delay_s = max_retry_delay_s
        self._jobs: dict[int, BlockProvingInput] = {}
        self._retries: dict[int, asyncio.Task[None]] = {}
        self._publisher = publisher
        self._store = store
        self._slots = asyncio.Semaphore(max_concurrent_blocks)
        self._proofs: dict[int, asyncio.Task[ProvenBlock | None]] = {}
        self._next_to_submit: int | None = None
        self._submitter: asyncio.Task[None] | None = None
        self._new_proof = asyncio.Event()
        self.proven = 0
        self.failed = 0
        self.retried = 0
        self.proven_elsewhere = 0
        """Blocks whose proof another prover landed first (this one's was not sent, or reverted)."""

    @property
    def queued(self) -> int:
        """Blocks handed over whose proofs are not submitted yet (those waiting for a retry included)."""
        return len(self._proofs) + len(self._retries)

    async def resume(self, l1: L1Client) -> int:
        """Prove the stored jobs of published, unproven blocks; drop the rest. The number resumed."""
        if self._store is None:
            return 0
        proven, pending = await l1.get_proven_block_number(), await l1.get_pending_block_number()
        resumed = 0
        for job in self._store.pending():
            number = job.header.global_variables.block_number
            if number <= proven or number > pending:
                self._store.delete(number)
                continue
            self._start(job)
            resumed += 1
        if resumed:
            _log.info("prover node: resumed proving %d published block(s) after a restart", resumed)
        return resumed

    def block_built(self, job: BlockProvingInput) -> None:
        if self._store is not None:
            self._store.put(job)

    def block_discarded(self, block_number: int) -> None:
        if self._store is not None:
            self._store.delete(block_number)

    async def block_published(self, job: BlockProvingInput, block: L2Block) -> None:
        self._start(job)

    def _start(self, job: BlockProvingInput) -> None:
        number = job.header.global_variables.block_number
        if number in self._proofs or number in self._retries:
            return
        self._jobs[number] = job
        if self._next_to_submit is None or number < self._next_to_submit:
            self._next_to_submit = number
        origin = current_span_ref()  # the sequencer's slot: the proving trace links to it
        # Empty contexts: the tasks outlive the slot that started them and must not stay in its trace.
        self._proofs[number] = asyncio.get_running_loop().create_task(
            self._prove(job, origin), name=f"prove-block-{number}", context=contextvars.Context()
        )
        if self._submitter is None:
            self._submitter = asyncio.get_running_loop().create_task(
                self._submit_in_order(), name="proof-submitter", context=contextvars.Context()
            )
        self._new_proof.set()

    async def _prove(self, job: BlockProvingInput, origin: SpanRef | None = None) -> ProvenBlock | None:
        """Prove the block in a trace of its own (``parent={}``: a root span), linked to ``origin``."""
        number = job.header.global_variables.block_number
        async with self._slots:
            try:
                async with self.tracer.span(
                    "ProverNode.prove_block", {a.BLOCK_NUMBER: number}, links=[origin], parent={}
                ):
                    return await self._orchestrator.prove_block(job)
            except Exception as error:
                self.failed += 1
                _log.error("prover node: proving block %d failed: %s", number, error)
                return None
            finally:
                self._new_proof.set()

    async def _submit_in_order(self) -> None:
        while True:
            number = self._next_to_submit
            if number is not None and number not in self._proofs and self._proofs:
                # Blocks below the next started one were not handed over (proven elsewhere): go on from it.
                number = self._next_to_submit = min(self._proofs)
            task = self._proofs.get(number) if number is not None else None
            if task is None or number is None:
                self._new_proof.clear()
                await self._new_proof.wait()
                continue
            proven = await task
            del self._proofs[number]
            self._next_to_submit = number + 1
            if proven is None:
                self._retry_later(number, attempt=0)
                continue
            await self._submit(number, proven)

    def _backoff(self, attempt: int) -> float:
        return float(min(self._max_retry_delay_s, self._retry_delay_s * 2**attempt))

    def _retry_later(self, number: int, attempt: int) -> None:
        delay = self._backoff(attempt)
        _log.warning("prover node: proving block %d again in %g s (retry %d)", number, delay, attempt + 1)
        self._retries[number] = asyncio.get_running_loop().create_task(
            self._retry(number, attempt, delay), name=f"reprove-block-{number}"
        )

    async def _retry(self, number: int, attempt: int, delay: float) -> None:
        await asyncio.sleep(delay)
        self.retried += 1
        proven = await self._prove(self._jobs[number])
        del self._retries[number]
        if proven is None:
            if await self._still_unproven(number):
                self._retry_later(number, attempt + 1)
            else:
                self._forget(number)
            return
        await self._submit(number, proven)

    async def _submit(self, number: int, proven: ProvenBlock) -> None:
        attempt = 0
        while True:
            if await self._proven_elsewhere(number):
                return
            async with self.tracer.span("L1Publisher.submit_proof", {a.BLOCK_NUMBER: number}, parent={}) as span:
                result = await self._publisher.submit_proof(number, proven.outputs, proven.proof)
                span.set_attribute(a.OUTCOME, result.outcome)
            if result.success:
                self.proven += 1
                _log.info("prover node: block %d proven on L1", number)
                self._forget(number)
                return
            if await self._proven_elsewhere(number):  # another prover's proof landed first: ours reverted
                return
            self.failed += 1
            if result.outcome == "failure" or not await self._still_unproven(number):
                _log.error("prover node: submitting the proof of block %d failed: %s", number, result.error)
                self._forget(number)
                return
            delay = self._backoff(attempt)
            attempt += 1
            _log.warning(
                "prover node: submitting the proof of block %d failed: %s; sending it again in %g s",
                number,
                result.error,
                delay,
            )
            await asyncio.sleep(delay)

    async def _proven_elsewhere(self, number: int) -> bool:
        """True (and the block forgotten) when L1's proven chain has reached ``number`` without this proof."""
        if number > await self._publisher.l1.get_proven_block_number():
            return False
        self.proven_elsewhere += 1
        _log.info("prover node: block %d is proven on L1 already (by another prover); not submitting", number)
        self._forget(number)
        return True

    async def _still_unproven(self, number: int) -> bool:
        """True while block ``number`` is published and the proven chain has not passed it."""
        l1 = self._publisher.l1
        proven, pending = await asyncio.gather(l1.get_proven_block_number(), l1.get_pending_block_number())
        return proven < number <= pending

    def _forget(self, number: int) -> None:
        self._jobs.pop(number, None)
        if self._store is not None:
            self._store.delete(number)

    async def stop(self) -> None:
        tasks = [*self._proofs.values(), *self._retries.values(), *([self._submitter] if self._submitter else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        self._proofs.clear()
        self._retries.clear()
        self._jobs.clear()
        self._submitter = None
        if self._store is not None:
            self._store.close()
