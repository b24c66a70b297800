"""Proving inputs survive a restart byte for byte, and prove to the same outputs."""

from __future__ import annotations

from pathlib import Path

import pytest

from aztec.prover.orchestrator import ProvingOrchestrator
from aztec.prover.queue import ProvingQueue
from aztec.prover.test_prover import TestCircuitProver
from aztec.prover_node.job_codec import decode_proving_input, encode_proving_input
from aztec.prover_node.job_store import ProvingJobStore
from aztec.stdlib.encoding.canonical import EncodingError
from aztec.telemetry import NoopTelemetryClient
from aztec.world_state.world_state import WorldState
from tests.prover.blocks import build_block, sample_txs


async def test_a_stored_job_reopens_equal_and_proves_the_same(tmp_path: Path) -> None:
    telemetry = NoopTelemetryClient()
    with WorldState.open(tmp_path / "ws", telemetry) as world_state:
        job = build_block(world_state, sample_txs(3), 1)
    assert decode_proving_input(encode_proving_input(job)) == job

    store = ProvingJobStore(tmp_path / "jobs")
    store.put(job)
    store.close()
    reopened = ProvingJobStore(tmp_path / "jobs")
    (restored,) = reopened.pending()
    assert restored == job
    orchestrator = ProvingOrchestrator(TestCircuitProver(telemetry), ProvingQueue(telemetry), telemetry)
    assert (await orchestrator.prove_block(restored)).outputs == (await orchestrator.prove_block(job)).outputs
    reopened.delete(job.header.global_variables.block_number)
    assert reopened.pending() == []
    reopened.close()


def test_a_truncated_job_is_a_clear_error(tmp_path: Path) -> None:
    with WorldState.open(tmp_path / "ws", NoopTelemetryClient()) as world_state:
        data = encode_proving_input(build_block(world_state, sample_txs(1), 1))
    with pytest.raises(EncodingError):
        decode_proving_input(data[:-7])
