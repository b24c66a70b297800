"""The prover's parts, built one way for the in-process prover and the standalone one.

A circuit prover (native or test), the proving queue, the orchestrator, the L1 publisher that submits
proofs (from the prover's account) and the :class:`ProverNode` with its job store.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from aztec.l1.client import L1Client
from aztec.l1.dev_chain import DEV_PROVER_ADDRESS
from aztec.l1.publisher import L1Publisher
from aztec.prover.native_prover import NativeCircuitProver
from aztec.prover.orchestrator import ProvingOrchestrator
from aztec.prover.queue import ProvingQueue
from aztec.prover.server_prover import ServerCircuitProver
from aztec.prover.test_prover import TestCircuitProver
from aztec.prover_node.config import ProverConfig
from aztec.prover_node.job_store import ProvingJobStore
from aztec.prover_node.prover_node import ProverNode
from aztec.telemetry.api import TelemetryClient


@dataclass
class ProverStack:
    prover: ServerCircuitProver
    queue: ProvingQueue
    node: ProverNode
    native: NativeCircuitProver | None
    publisher: L1Publisher

    @classmethod
    async def start(cls, config: ProverConfig, telemetry: TelemetryClient, l1: L1Client, jobs_dir: Path) -> ProverStack:
        """The parts, started (native workers spawned); stored jobs of unproven blocks are proven again."""
        publisher = L1Publisher(l1, DEV_PROVER_ADDRESS, telemetry, sender_role="prover")
        native: NativeCircuitProver | None = None
        prover: ServerCircuitProver
        if config.kind == "native":
            from aztec.prover.cost_model import CircuitCostModel

            native = NativeCircuitProver(
                telemetry, workers=config.workers, cost_model=CircuitCostModel(scale=config.scale)
            )
            await native.start()
            prover = native
        else:
            prover = TestCircuitProver(telemetry)
        queue = ProvingQueue(telemetry, concurrency=max(1, config.workers), max_retries=2)
        orchestrator = ProvingOrchestrator(prover, queue, telemetry)
        node = ProverNode(
            orchestrator,
            publisher,
            ProvingJobStore(jobs_dir),
            max_concurrent_blocks=config.max_concurrent_blocks,
            tracer=telemetry.get_tracer("ProverNode"),
        )
        stack = cls(prover, queue, node, native, publisher)
        await node.resume(l1)
        return stack

    async def stop(self) -> None:
        await self.node.stop()
        self.queue.close()
        if self.native is not None:
            await self.native.stop()
        self.publisher.close()
