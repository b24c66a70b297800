"""Protocol circuit metrics, as the spec's ``RealPublicKernelCircuitSimulator`` and ``ProverInstrumentation``."""

from typing import Final

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import ValueType, histogram

_CIRCUIT = (a.PROTOCOL_CIRCUIT_NAME, a.PROTOCOL_CIRCUIT_TYPE, a.PROVER_TYPE)

CIRCUIT_SIMULATION_DURATION: Final = histogram(
    "aztec.circuit.simulation.duration", "s", "Time to simulate a circuit", attributes=_CIRCUIT
)
CIRCUIT_SIMULATION_INPUT_SIZE: Final = histogram(
    "aztec.circuit.simulation.input_size",
    "By",
    "Size of a circuit's serialized inputs",
    attributes=_CIRCUIT,
    value_type=ValueType.INT,
)
CIRCUIT_SIMULATION_OUTPUT_SIZE: Final = histogram(
    "aztec.circuit.simulation.output_size",
    "By",
    "Size of a circuit's serialized public outputs",
    attributes=_CIRCUIT,
    value_type=ValueType.INT,
)
CIRCUIT_WITNESS_GENERATION_DURATION: Final = histogram(
    "aztec.circuit.witness_generation.duration",
    "s",
    "Time to generate a circuit's witness",
    attributes=_CIRCUIT,
)
CIRCUIT_PROVING_DURATION: Final = histogram(
    "aztec.circuit.proving.duration", "s", "Time to compute a circuit's proof", attributes=_CIRCUIT
)
CIRCUIT_PROVING_PROOF_SIZE: Final = histogram(
    "aztec.circuit.proving.proof_size",
    "By",
    "Size of a circuit's proof",
    attributes=_CIRCUIT,
    value_type=ValueType.INT,
    better="lower",
)
