"""ProvingOrchestrator on real blocks: job shapes, root outputs against the world state, failures, metrics."""

from __future__ import annotations

import asyncio
from collections import Counter
from dataclasses import replace

import pytest

from aztec.prover.orchestrator import BlockProvingError, ProvenBlock, ProvingOrchestrator
from aztec.prover.queue import ProvingQueue
from aztec.prover.test_prover import TestCircuitProver
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.trees import TreeId
from aztec.telemetry import attributes as a
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.metrics import circuit as cm
from aztec.telemetry.metrics import proving as pm
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state import WorldState
from tests.prover.blocks import build_block, sample_txs


def orchestrator(telemetry: TelemetryClient, concurrency: int = 1) -> ProvingOrchestrator:
    queue = ProvingQueue(telemetry, concurrency=concurrency)
    return ProvingOrchestrator(TestCircuitProver(telemetry), queue, telemetry)


def kernel_jobs(block: BlockProvingInput) -> Counter[CircuitName]:
    circuits = {
        "setup": CircuitName.PUBLIC_KERNEL_SETUP,
        "app_logic": CircuitName.PUBLIC_KERNEL_APP_LOGIC,
        "teardown": CircuitName.PUBLIC_KERNEL_TEARDOWN,
    }
    return Counter(circuits[p.phase] for tx in block.txs for p in tx.phases if p.calls)


def assert_matches_world_state(proven: ProvenBlock, block: BlockProvingInput, world_state: WorldState) -> None:
    committed = world_state.committed
    assert proven.outputs.header == block.header
    assert proven.outputs.header.state == committed.get_state_reference()
    assert proven.outputs.end_archive == committed.get_snapshot(TreeId.ARCHIVE)
    assert proven.outputs.previous_archive == block.previous_archive
    assert proven.outputs.block_hash == block.header.hash()
    assert committed.get_leaf(TreeId.ARCHIVE, block.archive_witness.index) == proven.outputs.block_hash


@pytest.mark.parametrize("tx_count", [1, 2, 3, 8])
async def test_job_shape_and_root_outputs(world_state: WorldState, tx_count: int) -> None:
    block = build_block(world_state, sample_txs(tx_count), 1, messages=(11, 12, 13))
    proven = await orchestrator(NoopTelemetryClient(), concurrency=2).prove_block(block)
    expected = Counter(
        {
            CircuitName.PUBLIC_KERNEL_TAIL: tx_count,
            CircuitName.BASE_ROLLUP: tx_count,
            CircuitName.MERGE_ROLLUP: max(tx_count - 2, 0),
            CircuitName.ROOT_ROLLUP: 1,
            CircuitName.BASE_PARITY: 4,
            CircuitName.ROOT_PARITY: 1,
        }
    )
    expected.update(kernel_jobs(block))
    assert proven.jobs == {circuit: n for circuit, n in expected.items() if n}
    assert_matches_world_state(proven, block, world_state)


async def test_an_empty_block_is_proven(world_state: WorldState) -> None:
    block = build_block(world_state, [], 1)
    proven = await orchestrator(NoopTelemetryClient()).prove_block(block)
    assert proven.jobs == {CircuitName.ROOT_ROLLUP: 1, CircuitName.BASE_PARITY: 4, CircuitName.ROOT_PARITY: 1}
    assert_matches_world_state(proven, block, world_state)


async def test_consecutive_blocks_are_proven_concurrently(world_state: WorldState) -> None:
    first = build_block(world_state, sample_txs(3, seed=1), 1)
    second = build_block(world_state, sample_txs(2, seed=2), 2)
    prover = orchestrator(NoopTelemetryClient(), concurrency=3)
    one, two = await asyncio.gather(prover.prove_block(first), prover.prove_block(second))
    assert one.outputs.end_archive == two.outputs.previous_archive
    assert two.outputs.header.state == world_state.committed.get_state_reference()
    assert prover.queue.size() == 0


async def test_a_tampered_witness_fails_the_block_naming_the_circuit(world_state: WorldState) -> None:
    block = build_block(world_state, sample_txs(3), 1)
    victim = block.txs[1]
    low = victim.witnesses.nullifiers[0].low_leaf
    forged_low = replace(low, leaf=replace(low.leaf, next_key=low.leaf.next_key + 1))
    forged_nullifier = replace(victim.witnesses.nullifiers[0], low_leaf=forged_low)
    forged = replace(victim, witnesses=replace(victim.witnesses, nullifiers=(forged_nullifier,)))
    tampered = replace(block, txs=(block.txs[0], forged, block.txs[2]))
    queue = ProvingQueue(NoopTelemetryClient(), max_retries=2)
    prover = ProvingOrchestrator(TestCircuitProver(NoopTelemetryClient()), queue, NoopTelemetryClient())
    with pytest.raises(BlockProvingError, match=r"base-rollup: nullifier 0: low leaf at index \d+ is not in the tree"):
        await prover.prove_block(tampered)
    assert queue.stats().rejected == {"base-rollup": 1}
    assert queue.stats().retried == {}
    assert queue.size() == 0


async def test_a_header_the_proof_disagrees_with_is_reported(world_state: WorldState) -> None:
    block = build_block(world_state, sample_txs(2), 1)
    wrong = replace(block, header=replace(block.header, total_fees=block.header.total_fees + 1))
    with pytest.raises(BlockProvingError, match="the proven header differs from the block's in total_fees"):
        await orchestrator(NoopTelemetryClient()).prove_block(wrong)


async def test_tx_bytes_that_are_not_the_effects_tx_are_refused(world_state: WorldState) -> None:
    block = build_block(world_state, sample_txs(2), 1)
    swapped = replace(block.txs[0], tx_bytes=block.txs[1].tx_bytes)
    with pytest.raises(BlockProvingError, match="its bytes are those of tx"):
        await orchestrator(NoopTelemetryClient()).prove_block(replace(block, txs=(swapped, block.txs[1])))


async def test_metrics_by_circuit_and_job_type(world_state: WorldState, telemetry: InMemoryTelemetryClient) -> None:
    block = build_block(world_state, sample_txs(3), 1)
    proven = await orchestrator(telemetry).prove_block(block)
    for circuit, count in proven.jobs.items():
        attributes = {
            a.PROTOCOL_CIRCUIT_NAME: str(circuit),
            a.PROTOCOL_CIRCUIT_TYPE: "server",
            a.PROVER_TYPE: "test",
        }
        assert telemetry.histogram(cm.CIRCUIT_SIMULATION_DURATION, attributes).count == count
        assert telemetry.histogram(cm.CIRCUIT_SIMULATION_INPUT_SIZE, attributes).sum > 0
        assert telemetry.histogram(cm.CIRCUIT_SIMULATION_OUTPUT_SIZE, attributes).count == count
        assert telemetry.counter_value(pm.PROVING_QUEUE_RESOLVED_JOBS, {a.PROVING_JOB_TYPE: str(circuit)}) == count
    assert telemetry.histogram(pm.PROVING_ORCHESTRATOR_BLOCK_DURATION).count == 1
    assert telemetry.counter_value(pm.PROVING_ORCHESTRATOR_BLOCK_OUTCOME, {a.OUTCOME: "success"}) == 1


async def test_a_failed_block_is_counted(world_state: WorldState, telemetry: InMemoryTelemetryClient) -> None:
    block = build_block(world_state, sample_txs(1), 1)
    with pytest.raises(BlockProvingError):
        await orchestrator(telemetry).prove_block(replace(block, header=replace(block.header, in_hash=1)))
    assert telemetry.counter_value(pm.PROVING_ORCHESTRATOR_BLOCK_OUTCOME, {a.OUTCOME: "failure"}) == 1
