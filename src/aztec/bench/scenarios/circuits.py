"""Circuits: simulation duration, input and output size per circuit; witness generation and proving
duration per circuit with the native prover.

A sequencer builds a few real blocks of token transfers (a third of them with a setup call, a third with
a teardown call, so every public kernel runs); the proving orchestrator then proves each block up to its
root rollup twice: with the :class:`TestCircuitProver` (simulation only) and with the
:class:`NativeCircuitProver` (:data:`NATIVE_WORKERS` worker processes; its cost model scaled like the run,
at most 1, or set by ``aztec bench run --prover-scale``). Only the provers record, and for the native run
its queue and orchestrator too.

Records (bucket keys in brackets, ``circuit/server/prover``): ``aztec.circuit.simulation.duration``,
``simulation.input_size`` and ``simulation.output_size`` [circuit/server/test and circuit/server/native],
``aztec.circuit.witness_generation.duration``, ``proving.duration``, ``proving.proof_size``
[circuit/server/native]; ``aztec.proving_orchestrator.block_duration`` and the proving queue's job
durations and waits [circuit] of the native run.
"""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from aztec.bench.scenarios.base import RunSettings, Scenario, scaled
from aztec.bench.scenarios.devnet import Devnet
from aztec.bench.scenarios.transfers import TransferTraffic
from aztec.prover.cost_model import CircuitCostModel
from aztec.prover.native_prover import NativeCircuitProver
from aztec.prover.orchestrator import ProvingOrchestrator
from aztec.prover.queue import ProvingQueue
from aztec.prover.server_prover import ServerCircuitProver
from aztec.prover.test_prover import TestCircuitProver
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.noop import NoopTelemetryClient

BLOCKS: Final = 4
"""Blocks proven at scale 1."""
TXS_PER_BLOCK: Final = 8
"""Not scaled: a block of 8 has merge rollups and every kind of transaction."""
NATIVE_WORKERS: Final = 2
"""Native prover processes (and proving queue slots)."""


async def build_blocks(count: int) -> list[BlockProvingInput]:
    """``count`` real blocks of :data:`TXS_PER_BLOCK` transfers, as the sequencer hands them to the prover."""
    traffic = TransferTraffic(TXS_PER_BLOCK)
    with tempfile.TemporaryDirectory(prefix="aztec-bench-") as directory:
        async with Devnet.open(Path(directory), max_block_size=TXS_PER_BLOCK) as devnet:
            await devnet.fund(traffic)
            for _ in range(count):
                fee = await devnet.max_fee_per_gas()
                await devnet.build_block(traffic.transfers(TXS_PER_BLOCK, fee, with_setup_and_teardown=True))
            return [built.proving_input for built in devnet.built]


async def prove_blocks(
    blocks: Sequence[BlockProvingInput], prover: ServerCircuitProver, telemetry: TelemetryClient, concurrency: int
) -> None:
    """Prove ``blocks`` one after another through a proving queue and orchestrator recording to ``telemetry``."""
    queue = ProvingQueue(telemetry, concurrency=concurrency, max_retries=0)
    try:
        orchestrator = ProvingOrchestrator(prover, queue, telemetry)
        for block in blocks:
            await orchestrator.prove_block(block)
    finally:
        queue.close()


async def run(telemetry: TelemetryClient, settings: RunSettings) -> None:
    scale = settings.scale
    blocks = await build_blocks(scaled(BLOCKS, scale))
    await prove_blocks(blocks, TestCircuitProver(telemetry), NoopTelemetryClient(), NATIVE_WORKERS)
    cost_model = CircuitCostModel(scale=settings.native_prover_scale())
    async with NativeCircuitProver(telemetry, workers=NATIVE_WORKERS, cost_model=cost_model) as native:
        await prove_blocks(blocks, native, telemetry, NATIVE_WORKERS)
    telemetry.flush()


SCENARIO: Final = Scenario("circuits", "Simulation, witness generation and proving per circuit (native prover)", run)
