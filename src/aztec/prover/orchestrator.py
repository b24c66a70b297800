"""``ProvingOrchestrator``: turns a block into proving jobs and proves it up to the root rollup.

For a block of ``n`` transactions it submits, through the :class:`ProvingQueue`:

- per transaction, one public kernel per public phase that made calls (setup, app logic, teardown, in
  order, each on the previous one's outputs), the public kernel tail, then one base rollup;
- ``max(n - 2, 0)`` merge rollups, combining runs of transactions in the rollup tree's shape
  (:func:`~aztec.stdlib.merkle.split_point`) as soon as both halves are proven;
- one base parity per batch of L1-to-L2 messages and one root parity, alongside;
- one root rollup over the top two runs (or the single base rollup, or none for an empty block).

Independent jobs run concurrently; the first failure cancels the rest and fails the block. Blocks can
be proven concurrently on one orchestrator (they share the queue).
"""

from __future__ import annotations

import asyncio
import functools
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, fields
from typing import TypeVar

from aztec.circuits.base_rollup import BaseRollupInputs
from aztec.circuits.merge_rollup import MergeRollupInputs
from aztec.circuits.parity import BaseParityInputs, ParityPublicInputs, RootParityInputs
from aztec.circuits.public_kernel import PublicKernelCircuitPublicInputs, PublicKernelInputs
from aztec.circuits.public_kernel_tail import PublicKernelTailInputs
from aztec.circuits.rollup_public_inputs import BaseOrMergeRollupPublicInputs
from aztec.circuits.root_rollup import RootRollupInputs
from aztec.foundation.timer import Timer
from aztec.prover.orchestrator_instrumentation import ProvingOrchestratorInstrumentation
from aztec.prover.queue import ProvingQueue
from aztec.prover.server_prover import ServerCircuitProver
from aztec.stdlib.block.header import BlockHeader
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.merkle import split_point
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.proof import Proof, PublicInputsAndProof
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs
from aztec.stdlib.tx.processed_tx import ProcessedTx
from aztec.stdlib.tx.tx import Tx, TxDecodeError
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient

S = TypeVar("S", bound=Serializable)


class BlockProvingError(Exception):
    """A block could not be proven; ``__cause__`` is the job failure when there was one."""


@dataclass(frozen=True, slots=True)
class ProvenBlock:
    outputs: RootRollupPublicInputs
    proof: Proof
    jobs: dict[CircuitName, int]
    """Proving jobs this block took, by circuit (each counted once, however many attempts it needed)."""


class ProvingOrchestrator:
    def __init__(self, prover: ServerCircuitProver, queue: ProvingQueue, telemetry: TelemetryClient) -> None:
        self.prover = prover
        self.queue = queue
        self._instrumentation = ProvingOrchestratorInstrumentation(telemetry)
        self.tracer = telemetry.get_tracer("ProvingOrchestrator")

    async def prove_block(self, block: BlockProvingInput) -> ProvenBlock:
        """Prove ``block``; its root rollup's header must be ``block.header``.

        Raises :class:`BlockProvingError` when a job is rejected or the proven header differs.
        """
        timer = Timer()
        attributes = {
            a.BLOCK_NUMBER: block.header.global_variables.block_number,
            a.BLOCK_TX_COUNT: len(block.txs),
        }
        try:
            async with self.tracer.span("ProvingOrchestrator.prove_block", attributes):
                proven = await _BlockProof(self.prover, self.queue, block).run()
        except BaseException:
            self._instrumentation.record_block(timer.s(), "failure")
            raise
        self._instrumentation.record_block(timer.s(), "success")
        return proven


class _BlockProof:
    """The jobs of one block."""

    def __init__(self, prover: ServerCircuitProver, queue: ProvingQueue, block: BlockProvingInput) -> None:
        self.prover = prover
        self.queue = queue
        self.block = block
        self.constants = block.header.global_variables
        self.jobs: Counter[CircuitName] = Counter()

    async def _job(self, circuit: CircuitName, run: Callable[[], Awaitable[PublicInputsAndProof[S]]]) -> S:
        self.jobs[circuit] += 1
        return (await self.queue.submit(str(circuit), run)).inputs

    async def run(self) -> ProvenBlock:
        block = self.block
        try:
            children, parity = await _both(self._prove_children(block.txs), self._prove_parity())
            start_state = block.txs[0].witnesses.start_state if block.txs else block.header.state
            inputs = RootRollupInputs(
                children=children,
                parity=parity,
                start_state=start_state,
                previous_archive=block.previous_archive,
                archive_witness=block.archive_witness,
                constants=self.constants,
            )
            self.jobs[CircuitName.ROOT_ROLLUP] += 1
            root = await self.queue.submit(
                str(CircuitName.ROOT_ROLLUP), lambda: self.prover.get_root_rollup_proof(inputs)
            )
        except BlockProvingError:
            raise
        except Exception as error:
            raise BlockProvingError(f"block {block.header.global_variables.block_number}: {error}") from error
        _check_header(root.inputs.header, block.header)
        return ProvenBlock(root.inputs, root.proof, dict(self.jobs))

    async def _prove_children(self, txs: Sequence[ProcessedTx]) -> tuple[BaseOrMergeRollupPublicInputs, ...]:
        if len(txs) < 2:
            return tuple([await self._prove_tx(tx) for tx in txs])
        mid = split_point(len(txs))
        return await _both(self._prove_range(txs[:mid]), self._prove_range(txs[mid:]))

    async def _prove_range(self, txs: Sequence[ProcessedTx]) -> BaseOrMergeRollupPublicInputs:
        if len(txs) == 1:
            return await self._prove_tx(txs[0])
        left, right = await self._prove_children(txs)
        merge = MergeRollupInputs(left, right)
        return await self._job(CircuitName.MERGE_ROLLUP, lambda: self.prover.get_merge_rollup_proof(merge))

    async def _prove_tx(self, tx: ProcessedTx) -> BaseOrMergeRollupPublicInputs:
        kernel = _initial_kernel(tx)
        for phase in tx.phases:
            if phase.calls == 0:
                continue
            kernel_inputs = PublicKernelInputs(kernel, phase)
            kernel = await self._job(
                kernel_inputs.circuit, functools.partial(self.prover.get_public_kernel_proof, kernel_inputs)
            )
        tail_inputs = PublicKernelTailInputs(kernel, tx.effect)
        tail = await self._job(CircuitName.PUBLIC_KERNEL_TAIL, lambda: self.prover.get_public_tail_proof(tail_inputs))
        base = BaseRollupInputs(tail, tx.witnesses, self.constants)
        return await self._job(CircuitName.BASE_ROLLUP, lambda: self.prover.get_base_rollup_proof(base))

    async def _prove_parity(self) -> ParityPublicInputs:
        batches = BaseParityInputs.batches(self.block.l1_to_l2_messages)
        roots = await asyncio.gather(*(self._prove_base_parity(batch) for batch in batches))
        root_inputs = RootParityInputs(tuple(roots))
        return await self._job(CircuitName.ROOT_PARITY, lambda: self.prover.get_root_parity_proof(root_inputs))

    async def _prove_base_parity(self, batch: BaseParityInputs) -> ParityPublicInputs:
        return await self._job(CircuitName.BASE_PARITY, lambda: self.prover.get_base_parity_proof(batch))


A = TypeVar("A")
B = TypeVar("B")


async def _both(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Await both concurrently; the first failure cancels the other and is raised as is."""
    first_task = asyncio.ensure_future(first)
    second_task = asyncio.ensure_future(second)
    try:
        await asyncio.wait((first_task, second_task), return_when=asyncio.FIRST_EXCEPTION)
        for task in (first_task, second_task):
            error = task.exception() if task.done() and not task.cancelled() else None
            if error is not None:
                raise error
        return first_task.result(), second_task.result()
    finally:
        first_task.cancel()
        second_task.cancel()
        await asyncio.gather(first_task, second_task, return_exceptions=True)


def _initial_kernel(tx: ProcessedTx) -> PublicKernelCircuitPublicInputs:
    try:
        decoded = Tx.from_bytes(tx.tx_bytes)
    except TxDecodeError as error:
        raise BlockProvingError(f"tx {tx.effect.tx_hash:#x}: undecodable tx bytes: {error}") from error
    if decoded.tx_hash != tx.effect.tx_hash:
        raise BlockProvingError(f"tx {tx.effect.tx_hash:#x}: its bytes are those of tx {decoded.tx_hash:#x}")
    return PublicKernelCircuitPublicInputs.initial(tx.effect.tx_hash, decoded.gas.gas_limit, decoded.intrinsic_gas)


def _check_header(proven: BlockHeader, expected: BlockHeader) -> None:
    if proven == expected:
        return
    differing = [f.name for f in fields(BlockHeader) if getattr(proven, f.name) != getattr(expected, f.name)]
    raise BlockProvingError(
        f"block {expected.global_variables.block_number}: the proven header differs from the block's in "
        + ", ".join(differing)
    )
