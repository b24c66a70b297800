"""TestCircuitProver and NativeCircuitProver: same outputs, proofs, errors across processes, metrics."""

from __future__ import annotations

import asyncio
import signal
from collections.abc import Iterator

import psutil
import pytest

from aztec.circuits.errors import CircuitConstraintError, CircuitInputError
from aztec.circuits.merge_rollup import MergeRollupInputs
from aztec.circuits.parity import BaseParityInputs
from aztec.prover.cost_model import BASE_GATES, GATES_PER_HASH, PROOF_FIELDS, CircuitCostModel
from aztec.prover.native_prover import NativeCircuitProver
from aztec.prover.native_worker import compute_proof
from aztec.prover.orchestrator import ProvingOrchestrator
from aztec.prover.queue import ProvingJobRejectedError, ProvingQueue
from aztec.prover.test_prover import TestCircuitProver
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.proof import PLACEHOLDER_PROOF_SIZE, Proof
from aztec.telemetry import attributes as a
from aztec.telemetry.metrics import circuit as cm
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.testing import InMemoryTelemetryClient
from aztec.world_state import WorldState
from tests.circuits.rollup_children import base
from tests.prover.blocks import build_block, sample_txs

TINY = CircuitCostModel(scale=0.001)
"""Keeps native proving fast in tests: about a thousandth of the default work."""


@pytest.fixture(scope="module")
def native() -> Iterator[NativeCircuitProver]:
    """Two spawned workers shared by the tests of this module."""
    prover = NativeCircuitProver(NoopTelemetryClient(), workers=2, cost_model=TINY)
    yield prover
    asyncio.run(prover.stop())


async def test_both_provers_prove_a_block_to_the_same_outputs(
    world_state: WorldState, native: NativeCircuitProver
) -> None:
    block = build_block(world_state, sample_txs(3), 1, messages=(5,))
    noop = NoopTelemetryClient()
    simulated = await ProvingOrchestrator(TestCircuitProver(noop), ProvingQueue(noop), noop).prove_block(block)
    proven = await ProvingOrchestrator(native, ProvingQueue(noop, concurrency=2), noop).prove_block(block)
    assert proven.outputs == simulated.outputs
    assert proven.jobs == simulated.jobs
    assert simulated.proof == Proof.placeholder(CircuitName.ROOT_ROLLUP)
    assert simulated.proof.size == PLACEHOLDER_PROOF_SIZE
    assert proven.proof.circuit is CircuitName.ROOT_ROLLUP
    assert proven.proof.size == PROOF_FIELDS * 32


async def test_native_proofs_are_deterministic_and_bound_to_the_witness(native: NativeCircuitProver) -> None:
    batch = BaseParityInputs(tuple(range(16))).to_bytes()
    other = BaseParityInputs(tuple(range(1, 17))).to_bytes()
    first, again, different = await asyncio.gather(
        native.prove(CircuitName.BASE_PARITY, batch),
        native.prove(CircuitName.BASE_PARITY, batch),
        native.prove(CircuitName.BASE_PARITY, other),
    )
    assert first == again
    assert first.proof.data != different.proof.data
    assert compute_proof(b"witness", 300) != compute_proof(b"witness", 600) != compute_proof(b"witnesS", 600)


async def test_circuit_errors_cross_the_process_boundary(native: NativeCircuitProver) -> None:
    with pytest.raises(CircuitInputError, match="root-parity: malformed RootParityInputs") as caught:
        await native.prove(CircuitName.ROOT_PARITY, b"\x00")
    assert caught.value.circuit is CircuitName.ROOT_PARITY
    queue = ProvingQueue(NoopTelemetryClient(), max_retries=2)
    gap = MergeRollupInputs(base(0), base(2))
    with pytest.raises(ProvingJobRejectedError, match="merge-rollup: children are not contiguous") as rejected:
        await queue.submit("merge-rollup", lambda: native.get_merge_rollup_proof(gap))
    assert isinstance(rejected.value.__cause__, CircuitConstraintError)
    assert rejected.value.attempts == 1


async def test_native_metrics_by_circuit_with_the_native_prover_type(telemetry: InMemoryTelemetryClient) -> None:
    async with NativeCircuitProver(telemetry, workers=1, cost_model=TINY) as prover:
        result = await prover.get_base_parity_proof(BaseParityInputs(tuple(range(16))))
    attributes = {
        a.PROTOCOL_CIRCUIT_NAME: "base-parity",
        a.PROTOCOL_CIRCUIT_TYPE: "server",
        a.PROVER_TYPE: "native",
    }
    assert telemetry.histogram(cm.CIRCUIT_WITNESS_GENERATION_DURATION, attributes).count == 1
    assert telemetry.histogram(cm.CIRCUIT_PROVING_DURATION, attributes).count == 1
    assert telemetry.histogram(cm.CIRCUIT_PROVING_PROOF_SIZE, attributes).sum == result.proof.size
    assert telemetry.histogram(cm.CIRCUIT_SIMULATION_INPUT_SIZE, attributes).sum == 4 + 16 * 32
    assert telemetry.histogram(cm.CIRCUIT_SIMULATION_OUTPUT_SIZE, attributes).sum == 32
    assert not telemetry.series(cm.CIRCUIT_SIMULATION_DURATION)
    with pytest.raises(RuntimeError, match="the native prover was stopped"):
        await prover.prove(CircuitName.BASE_PARITY, b"")


def test_the_cost_model_follows_its_formula() -> None:
    model = CircuitCostModel()
    merge = model.for_circuit(CircuitName.MERGE_ROLLUP)
    assert merge.gates(1000) == BASE_GATES[CircuitName.MERGE_ROLLUP] + 64 * 1000
    assert merge.hashes(1000) == merge.gates(1000) // GATES_PER_HASH
    assert TINY.for_circuit(CircuitName.MERGE_ROLLUP).hashes(1000) == -(-merge.gates(1000) // (GATES_PER_HASH * 1000))
    with pytest.raises(ValueError, match="scale must be > 0"):
        CircuitCostModel(scale=0)
    with pytest.raises(ValueError, match="no base gates for root-rollup"):
        CircuitCostModel(base_gates={c: 1 for c in CircuitName if c is not CircuitName.ROOT_ROLLUP})
    with pytest.raises(ValueError, match="at least 1 worker"):
        NativeCircuitProver(NoopTelemetryClient(), workers=0)


async def test_a_killed_native_worker_fails_its_job_and_the_next_job_proves() -> None:
    """A worker killed from outside (SIGKILL, as the OOM killer does) breaks the pool; the prover starts a new one."""
    before = {child.pid for child in psutil.Process().children(recursive=True)}
    async with NativeCircuitProver(NoopTelemetryClient(), workers=1, cost_model=CircuitCostModel(scale=5000)) as prover:
        workers = [
            child
            for child in psutil.Process().children(recursive=True)
            if child.pid not in before and "resource_tracker" not in " ".join(child.cmdline())
        ]
        assert workers
        batch = BaseParityInputs(tuple(range(16)))
        job = asyncio.ensure_future(prover.get_base_parity_proof(batch))
        await asyncio.sleep(0.2)
        for worker in workers:
            worker.send_signal(signal.SIGKILL)
        with pytest.raises(RuntimeError, match="base-parity: a native prover worker died"):
            await job
        prover.cost_model = TINY
        again = await prover.get_base_parity_proof(batch)
        assert again.proof.size > 0
