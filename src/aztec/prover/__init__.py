"""Proving: the ``ServerCircuitProver`` implementations, the proving queue and the block orchestrator."""

from aztec.prover.block_input import BlockProvingInput, close_block
from aztec.prover.cost_model import CircuitCostModel
from aztec.prover.instrumentation import ProverInstrumentation
from aztec.prover.native_prover import NativeCircuitProver
from aztec.prover.orchestrator import BlockProvingError, ProvenBlock, ProvingOrchestrator
from aztec.prover.proof import Proof, PublicInputsAndProof
from aztec.prover.queue import ProvingJobRejectedError, ProvingJobTimeoutError, ProvingQueue, ProvingQueueStats
from aztec.prover.server_prover import CircuitProof, SerializingCircuitProver, ServerCircuitProver
from aztec.prover.test_prover import TestCircuitProver

__all__ = [
    "BlockProvingError",
    "BlockProvingInput",
    "CircuitCostModel",
    "CircuitProof",
    "NativeCircuitProver",
    "Proof",
    "ProvenBlock",
    "ProverInstrumentation",
    "ProvingJobRejectedError",
    "ProvingJobTimeoutError",
    "ProvingOrchestrator",
    "ProvingQueue",
    "ProvingQueueStats",
    "PublicInputsAndProof",
    "SerializingCircuitProver",
    "ServerCircuitProver",
    "TestCircuitProver",
    "close_block",
]
