"""Circuit simulation time per circuit, and native proving time per block on 1 and 2 workers.

Run: ``.venv/bin/python bench/engine_circuits.py [scale]``. :func:`run` returns ``(label, value)`` rows
for ``bench/engine.py``, the unit in each label. Blocks of 4, 16 and 32 token transactions (mint and
transfer, half with a setup call, two note hashes and a private nullifier each) are built by the public
processor on a world state at the default tree depths. Simulation is the median over every input of
that circuit seen while proving the 16-tx block; proving is one whole block through the orchestrator
with the native prover's cost model at ``scale`` (workers spawned before timing).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path

from aztec.block_builder.builder import close_block
from aztec.circuits.registry import simulate_circuit
from aztec.foundation.timer import Timer
from aztec.prover.cost_model import CircuitCostModel
from aztec.prover.native_prover import NativeCircuitProver
from aztec.prover.orchestrator import ProvingOrchestrator
from aztec.prover.queue import ProvingQueue
from aztec.prover.server_prover import CircuitProof, SerializingCircuitProver
from aztec.prover.test_prover import TestCircuitProver
from aztec.simulator.contracts.registry import COUNTER_ADDRESS, TOKEN_ADDRESS
from aztec.simulator.processor import PublicProcessor
from aztec.stdlib.accounts import Account, Wallet
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.tx.global_variables import GlobalVariables
from aztec.stdlib.tx.tx import Tx, call
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.world_state import WorldState

BLOCK_SIZES = (4, 16, 32)
WORKERS = (1, 2)
SIMULATION_BLOCK = 16
NOOP = NoopTelemetryClient()


def _txs(count: int, wallet: Wallet) -> list[Tx]:
    txs = []
    for i in range(count):
        tag = (wallet.next_nonce + 1) * 10
        setup = [call(COUNTER_ADDRESS, "increment")] if i % 2 else []
        app_logic = [call(TOKEN_ADDRESS, "mint", wallet.address, 100), call(TOKEN_ADDRESS, "transfer", tag, 10)]
        txs.append(wallet.create_tx(setup=setup, app_logic=app_logic, note_hashes=[tag, tag + 1], nullifiers=[tag + 2]))
    return txs


def _build_blocks(world_state: WorldState) -> dict[int, BlockProvingInput]:
    wallet = Wallet(Account.from_seed(b"bench".ljust(32, b"\0")))
    blocks: dict[int, BlockProvingInput] = {}
    for number, size in enumerate(BLOCK_SIZES, start=1):
        constants = GlobalVariables(block_number=number, timestamp=1_700_000_000 + number, base_fee_per_gas=1)
        with world_state.fork() as fork:
            result = PublicProcessor(fork, constants, NOOP).process(_txs(size, wallet))
            if result.failed:
                raise RuntimeError(f"bench transactions failed: {result.failed}")
            blocks[size] = close_block(fork, constants, result.processed)
            fork.commit(number)
    return blocks


class _RecordingProver(SerializingCircuitProver):
    """Simulates like the test prover, keeping every circuit's serialized inputs."""

    def __init__(self) -> None:
        self.inputs: dict[CircuitName, list[bytes]] = defaultdict(list)
        self._inner = TestCircuitProver(NOOP)

    async def prove(self, circuit: CircuitName, inputs: bytes) -> CircuitProof:
        self.inputs[circuit].append(inputs)
        return await self._inner.prove(circuit, inputs)


def _simulation_ms(block: BlockProvingInput) -> list[tuple[str, float]]:
    recorder = _RecordingProver()
    asyncio.run(ProvingOrchestrator(recorder, ProvingQueue(NOOP), NOOP).prove_block(block))
    rows = []
    for circuit in CircuitName:
        samples = []
        for inputs in recorder.inputs.get(circuit, []):
            timer = Timer()
            simulate_circuit(circuit, inputs)
            samples.append(timer.ms())
        if samples:
            sizes = statistics.median(len(i) for i in recorder.inputs[circuit])
            label = f"circuit simulation {circuit} (ms, median of {len(samples)}, {sizes:.0f} B in)"
            rows.append((label, statistics.median(samples)))
    return rows


async def _prove_s(block: BlockProvingInput, workers: int, scale: float) -> float:
    async with NativeCircuitProver(NOOP, workers=workers, cost_model=CircuitCostModel(scale=scale)) as prover:
        orchestrator = ProvingOrchestrator(prover, ProvingQueue(NOOP, concurrency=workers), NOOP)
        timer = Timer()
        await orchestrator.prove_block(block)
        return timer.s()


def run(scale: float = 1.0) -> list[tuple[str, float]]:
    """``(label, value)``: simulation ms per circuit, then native proving seconds per block and worker count."""
    with tempfile.TemporaryDirectory() as directory, WorldState.open(Path(directory), NOOP) as world_state:
        blocks = _build_blocks(world_state)
    rows = _simulation_ms(blocks[SIMULATION_BLOCK])
    for size in BLOCK_SIZES:
        for workers in WORKERS:
            seconds = asyncio.run(_prove_s(blocks[size], workers, scale))
            rows.append((f"native proving, block of {size} txs, {workers} worker(s) (s)", seconds))
    return rows


def main(argv: Sequence[str] = sys.argv[1:]) -> None:
    scale = float(argv[0]) if argv else 1.0
    timer = Timer()
    print(f"Protocol circuits: simulation per circuit, native proving per block (cost model scale {scale})")
    for label, value in run(scale):
        print(f"  {label:<75} {value:9.3f}")
    print(f"  (took {timer.s():.1f} s)")


if __name__ == "__main__":
    main()
