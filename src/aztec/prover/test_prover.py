"""``TestCircuitProver``: simulates the circuits (every check runs) and returns placeholder proofs."""

from __future__ import annotations

import asyncio

from aztec.circuits.registry import simulate_circuit
from aztec.foundation.timer import Timer
from aztec.prover.instrumentation import ProverInstrumentation
from aztec.prover.server_prover import CircuitProof, SerializingCircuitProver
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.stdlib.proofs.proof import Proof
from aztec.telemetry.api import TelemetryClient


class TestCircuitProver(SerializingCircuitProver):
    """Runs each simulation in a worker thread so the event loop stays responsive."""

    __test__ = False  # not a pytest test class, despite its (the spec's) name

    def __init__(self, telemetry: TelemetryClient) -> None:
        self._instrumentation = ProverInstrumentation(telemetry, "TestCircuitProver", "test")

    async def prove(self, circuit: CircuitName, inputs: bytes) -> CircuitProof:
        return await asyncio.to_thread(self._simulate, circuit, inputs)

    def _simulate(self, circuit: CircuitName, inputs: bytes) -> CircuitProof:
        timer = Timer()
        outputs = simulate_circuit(circuit, inputs)
        self._instrumentation.record_duration("simulation_duration", circuit, timer)
        self._instrumentation.record_size("input_size", circuit, len(inputs))
        self._instrumentation.record_size("output_size", circuit, len(outputs))
        return CircuitProof(outputs, Proof.placeholder(circuit))
