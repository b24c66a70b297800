"""The prover node on a mining development L1: proofs land in block order, failures are counted,
stored jobs are resumed after a restart."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

import pytest

from aztec.l1 import DEV_PROVER_ADDRESS, DevL1Chain, L1Publisher, PublishResult
from aztec.prover import ProvenBlock, ProvingOrchestrator, ProvingQueue, TestCircuitProver
from aztec.prover.orchestrator import BlockProvingError
from aztec.prover_node.job_store import ProvingJobStore
from aztec.prover_node.prover_node import ProverNode
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.proofs.proof import Proof
from aztec.stdlib.proofs.root_rollup_public_inputs import RootRollupPublicInputs
from aztec.telemetry.noop import NoopTelemetryClient
from tests.l1.l2_blocks import BuiltBlock, L2BlockBuilder
from tests.node.harness import propose
from tests.support.polling import wait_until_async


class GatedOrchestrator(ProvingOrchestrator):
    """A real orchestrator whose blocks start proving only when the test opens their gate."""

    def __init__(self) -> None:
        telemetry = NoopTelemetryClient()
        super().__init__(TestCircuitProver(telemetry), ProvingQueue(telemetry, concurrency=4), telemetry)
        self.gates: defaultdict[int, asyncio.Event] = defaultdict(asyncio.Event)
        self.refused: set[int] = set()
        self.refusals: defaultdict[int, int] = defaultdict(int)
        """Blocks to refuse this many more times, then prove."""
        self.finished: list[int] = []

    def open(self, *numbers: int) -> None:
        for number in numbers:
            self.gates[number].set()

    async def prove_block(self, block: BlockProvingInput) -> ProvenBlock:
        number = block.header.global_variables.block_number
        await self.gates[number].wait()
        if number in self.refused or self.refusals[number] > 0:
            self.refusals[number] -= 1
            raise BlockProvingError(f"block {number}: refused by the test")
        proven = await super().prove_block(block)
        self.finished.append(number)
        return proven


class RecordingPublisher(L1Publisher):
    """The real publisher, remembering which blocks' proofs it was asked to submit, in order."""

    def __init__(self, chain: DevL1Chain) -> None:
        super().__init__(chain, DEV_PROVER_ADDRESS, NoopTelemetryClient(), sender_role="prover", poll_interval_s=0.005)
        self.submitted: list[int] = []

    async def submit_proof(self, block_number: int, outputs: RootRollupPublicInputs, proof: Proof) -> PublishResult:
        self.submitted.append(block_number)
        return await super().submit_proof(block_number, outputs, proof)


@pytest.fixture(autouse=True)
async def mining(chain: DevL1Chain) -> None:
    """The shared ``chain``, mining."""
    await chain.start()


@pytest.fixture
def l2(tmp_path: Path) -> Iterator[L2BlockBuilder]:
    builder = L2BlockBuilder(tmp_path / "sequencer")
    yield builder
    builder.close()


@pytest.fixture
def publisher(chain: DevL1Chain) -> Iterator[RecordingPublisher]:
    recording = RecordingPublisher(chain)
    yield recording
    recording.close()


async def _published(chain: DevL1Chain, l2: L2BlockBuilder, count: int) -> list[BuiltBlock]:
    built = [l2.build(1) for _ in range(count)]
    for b in built:
        propose(chain, b.block)

    async def proposed() -> bool:
        return await chain.get_pending_block_number() == count

    await wait_until_async(proposed, message="the proposals")
    return built


async def test_proofs_are_submitted_in_block_order_when_proving_finishes_out_of_order(
    chain: DevL1Chain, l2: L2BlockBuilder, publisher: RecordingPublisher
) -> None:
    built = await _published(chain, l2, 3)
    orchestrator = GatedOrchestrator()
    node = ProverNode(orchestrator, publisher, max_concurrent_blocks=3)
    try:
        for b in built:
            await node.block_published(b.proving_input, b.block)
        assert node.queued == 3

        orchestrator.open(3, 2)
        await wait_until_async(lambda: sorted(orchestrator.finished) == [2, 3], message="blocks 2 and 3 to be proven")
        orchestrator.open(1)
        await wait_until_async(lambda: node.proven == 3, message="three proofs on L1")
        assert orchestrator.finished[-1] == 1, "block 1 was proven last"
        assert publisher.submitted == [1, 2, 3]
        assert await chain.get_proven_block_number() == 3
        assert (node.queued, node.failed) == (0, 0)
    finally:
        await node.stop()


async def test_a_failed_proof_is_counted_and_later_proofs_still_land(
    chain: DevL1Chain, l2: L2BlockBuilder, publisher: RecordingPublisher
) -> None:
    built = await _published(chain, l2, 2)
    orchestrator = GatedOrchestrator()
    orchestrator.refused.add(1)
    orchestrator.open(1, 2)
    node = ProverNode(orchestrator, publisher, retry_delay_s=60)
    try:
        for b in built:
            await node.block_published(b.proving_input, b.block)
        await wait_until_async(lambda: node.proven == 1, message="block 2's proof on L1")
        assert node.failed == 1
        assert publisher.submitted == [2]
        assert await chain.get_proven_block_number() == 0, "the proven chain waits for block 1"
    finally:
        await node.stop()


async def test_a_failed_proof_is_proven_again_with_backoff_until_the_proven_chain_moves(
    chain: DevL1Chain, l2: L2BlockBuilder, publisher: RecordingPublisher, caplog: pytest.LogCaptureFixture
) -> None:
    built = await _published(chain, l2, 2)
    orchestrator = GatedOrchestrator()
    orchestrator.refusals[1] = 2  # the first proof and the first retry fail; the second retry succeeds
    orchestrator.open(1, 2)
    node = ProverNode(orchestrator, publisher, retry_delay_s=0.01)
    try:
        for b in built:
            await node.block_published(b.proving_input, b.block)

        async def proven_chain_at_2() -> bool:
            return node.proven == 2 and await chain.get_proven_block_number() == 2

        await wait_until_async(proven_chain_at_2, message="the proven chain to reach block 2 after block 1's retries")
        assert (node.failed, node.retried, node.proven, node.queued) == (2, 2, 2, 0)
        assert publisher.submitted == [2, 1], "block 2 did not wait for block 1's retries"
        retries = [r.getMessage() for r in caplog.records if "again" in r.getMessage()]
        assert retries == [
            "prover node: proving block 1 again in 0.01 s (retry 1)",
            "prover node: proving block 1 again in 0.02 s (retry 2)",
        ]
    finally:
        await node.stop()


class RefusingPublisher(RecordingPublisher):
    """Refuses the first ``refusals`` submissions at the door, as an L1 node would with too little balance."""

    def __init__(self, chain: DevL1Chain, refusals: int) -> None:
        super().__init__(chain)
        self.refusals = refusals

    async def submit_proof(self, block_number: int, outputs: RootRollupPublicInputs, proof: Proof) -> PublishResult:
        if self.refusals > 0:
            self.refusals -= 1
            self.submitted.append(block_number)
            return PublishResult("submit_proof", "rejected", None, None, 0, 0.0, "insufficient funds (test)")
        return await super().submit_proof(block_number, outputs, proof)


async def test_a_refused_proof_submission_is_sent_again_while_the_block_is_unproven(
    chain: DevL1Chain, l2: L2BlockBuilder
) -> None:
    built = await _published(chain, l2, 1)
    orchestrator = GatedOrchestrator()
    orchestrator.open(1)
    publisher = RefusingPublisher(chain, refusals=2)
    node = ProverNode(orchestrator, publisher, retry_delay_s=0.01)
    try:
        await node.block_published(built[0].proving_input, built[0].block)
        await wait_until_async(lambda: node.proven == 1, message="block 1's proof on L1 after two refusals")
        assert publisher.submitted == [1, 1, 1]
        assert (node.failed, await chain.get_proven_block_number()) == (2, 1)
    finally:
        await node.stop()
        publisher.close()


async def test_a_rejected_proof_submission_is_counted(
    chain: DevL1Chain, l2: L2BlockBuilder, publisher: RecordingPublisher
) -> None:
    unpublished = l2.build(1)  # never proposed: the rollup reverts its proof
    orchestrator = GatedOrchestrator()
    orchestrator.open(1)
    node = ProverNode(orchestrator, publisher)
    try:
        await node.block_published(unpublished.proving_input, unpublished.block)
        await wait_until_async(lambda: node.failed == 1, message="the failed submission")
        assert (publisher.submitted, node.proven) == ([1], 0)
    finally:
        await node.stop()


async def test_resume_proves_the_stored_jobs_of_published_unproven_blocks(
    tmp_path: Path, chain: DevL1Chain, l2: L2BlockBuilder, publisher: RecordingPublisher
) -> None:
    built = await _published(chain, l2, 2)
    unpublished = l2.build(1)
    store = ProvingJobStore(tmp_path / "jobs")
    for b in [*built, unpublished]:
        store.put(b.proving_input)
    store.close()

    orchestrator = GatedOrchestrator()
    orchestrator.open(1, 2, 3)
    node = ProverNode(orchestrator, publisher, ProvingJobStore(tmp_path / "jobs"))
    try:
        assert await node.resume(chain) == 2
        await wait_until_async(lambda: node.proven == 2, message="both published blocks proven")
        assert publisher.submitted == [1, 2]
        assert await chain.get_proven_block_number() == 2
    finally:
        await node.stop()
    reopened = ProvingJobStore(tmp_path / "jobs")
    try:
        assert reopened.pending() == [], "proven jobs and the unpublished one are dropped"
    finally:
        reopened.close()


class RacingPublisher(RecordingPublisher):
    """Another prover's proof of the same block lands just before each of this one's submissions."""

    def __init__(self, chain: DevL1Chain) -> None:
        super().__init__(chain)
        self.outcomes: list[tuple[str, str | None]] = []

    async def submit_proof(self, block_number: int, outputs: RootRollupPublicInputs, proof: Proof) -> PublishResult:
        other = L1Publisher(self.l1, DEV_PROVER_ADDRESS, NoopTelemetryClient(), poll_interval_s=0.005)
        try:
            assert (await other.submit_proof(block_number, outputs, proof)).success
        finally:
            other.close()
        result = await super().submit_proof(block_number, outputs, proof)
        self.outcomes.append((result.outcome, result.error))
        return result


async def test_a_duplicate_proof_is_refused_by_l1_and_dropped_without_an_error(
    chain: DevL1Chain, l2: L2BlockBuilder, caplog: pytest.LogCaptureFixture
) -> None:
    """Two provers, one block: the second proof reverts ("already proven"); the proven chain is unharmed."""
    built = await _published(chain, l2, 2)
    orchestrator = GatedOrchestrator()
    orchestrator.open(1, 2)
    publisher = RacingPublisher(chain)
    node = ProverNode(orchestrator, publisher, retry_delay_s=0.01)
    try:
        for b in built:
            await node.block_published(b.proving_input, b.block)
        await wait_until_async(lambda: node.proven_elsewhere == 2, message="both duplicates dropped")
        assert publisher.submitted == [1, 2]
        assert publisher.outcomes == [
            ("failure", "submitProof: block 1 is already proven"),
            ("failure", "submitProof: block 2 is already proven"),
        ]
        assert (await chain.get_proven_block_number(), node.failed, node.proven) == (2, 0, 0)
        assert not [r for r in caplog.records if r.levelname in ("ERROR", "CRITICAL")], caplog.text
    finally:
        await node.stop()
        publisher.close()


async def test_a_block_proven_elsewhere_is_not_submitted_and_later_blocks_still_land(
    chain: DevL1Chain, l2: L2BlockBuilder, publisher: RecordingPublisher
) -> None:
    """Block 1 proven by another prover before this one is handed block 2: proofs go on from block 2."""
    built = await _published(chain, l2, 3)
    outputs, proof = await _proof_of(built[0].proving_input)
    other = L1Publisher(chain, DEV_PROVER_ADDRESS, NoopTelemetryClient(), poll_interval_s=0.005)
    try:
        assert (await other.submit_proof(1, outputs, proof)).success
    finally:
        other.close()
    orchestrator = GatedOrchestrator()
    orchestrator.open(1, 2, 3)
    node = ProverNode(orchestrator, publisher)
    try:
        await node.block_published(built[0].proving_input, built[0].block)
        await wait_until_async(lambda: node.proven_elsewhere == 1, message="block 1 dropped")
        for b in built[2:]:  # block 2 never handed over (as a standalone prover skips a block proven elsewhere)
            await node.block_published(b.proving_input, b.block)
        await wait_until_async(lambda: node.proven == 1, message="block 3's proof on L1")
        assert publisher.submitted == [3]
    finally:
        await node.stop()


async def _proof_of(job: BlockProvingInput) -> tuple[RootRollupPublicInputs, Proof]:
    telemetry = NoopTelemetryClient()
    proven = await ProvingOrchestrator(TestCircuitProver(telemetry), ProvingQueue(telemetry), telemetry).prove_block(
        job
    )
    return proven.outputs, proven.proof
