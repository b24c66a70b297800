"""Proving: the ``ServerCircuitProver`` implementations, the proving queue and the block orchestrator."""

from aztec.prover.cost_model import CircuitCostModel
from aztec.prover.instrumentation import ProverInstrumentation
from aztec.prover.native_prover import NativeCircuitProver
from aztec.prover.orchestrator import BlockProvingError, ProvenBlock, ProvingOrchestrator
from aztec.prover.queue import ProvingJobRejectedError, ProvingJobTimeoutError, ProvingQueue, ProvingQueueStats
from aztec.prover.server_prover import CircuitProof, SerializingCircuitProver, ServerCircuitProver
from aztec.prover.test_prover import TestCircuitProver

__all__ = [
    "BlockProvingError",
    "CircuitCostModel",
    "CircuitProof",
    "NativeCircuitProver",
    "ProvenBlock",
    "ProverInstrumentation",
    "ProvingJobRejectedError",
    "ProvingJobTimeoutError",
    "ProvingOrchestrator",
    "ProvingQueue",
    "ProvingQueueStats",
    "SerializingCircuitProver",
    "ServerCircuitProver",
    "TestCircuitProver",
]
