"""The native prover's cost model: how much proving work each circuit takes.

A circuit's size in gates is a fixed part (its constraint logic, and for rollup circuits the recursive
verification of its children) plus a part that grows with its witness (inputs and outputs)::

    gates(circuit, witness_bytes) = BASE_GATES[circuit] + GATES_PER_WITNESS_BYTE * witness_bytes

Proving runs one SHA-256 compression per ``GATES_PER_HASH`` gates, times a ``scale`` factor::

    hashes = ceil(gates * scale / GATES_PER_HASH)

At scale 1, on one core (about 2 million hashes per second), a base rollup of a token transfer takes
about 0.1 s and a merge about 0.02 s; tests use a small scale to stay fast.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Final

from aztec.stdlib.proofs.circuit_name import CircuitName

GATES_PER_WITNESS_BYTE: Final = 64
GATES_PER_HASH: Final = 16
PROOF_FIELDS: Final = 128
"""A native proof is this many field elements (32 bytes each), whatever the circuit."""

BASE_GATES: Final[Mapping[CircuitName, int]] = {
    CircuitName.PUBLIC_KERNEL_SETUP: 1 << 20,
    CircuitName.PUBLIC_KERNEL_APP_LOGIC: 1 << 20,
    CircuitName.PUBLIC_KERNEL_TEARDOWN: 1 << 20,
    CircuitName.PUBLIC_KERNEL_TAIL: 1 << 20,
    CircuitName.BASE_ROLLUP: 1 << 21,
    CircuitName.MERGE_ROLLUP: 1 << 19,
    CircuitName.ROOT_ROLLUP: 1 << 21,
    CircuitName.BASE_PARITY: 1 << 16,
    CircuitName.ROOT_PARITY: 1 << 19,
}


@dataclass(frozen=True, slots=True)
class CircuitCostModel:
    scale: float = 1.0
    """Multiplies every circuit's proving work (e.g. 0.01 in tests)."""
    base_gates: Mapping[CircuitName, int] = field(default_factory=lambda: dict(BASE_GATES))
    gates_per_witness_byte: int = GATES_PER_WITNESS_BYTE
    gates_per_hash: int = GATES_PER_HASH

    def __post_init__(self) -> None:
        if not self.scale > 0:
            raise ValueError(f"cost model scale must be > 0, got {self.scale}")
        missing = set(CircuitName) - set(self.base_gates)
        if missing:
            raise ValueError(f"cost model has no base gates for {', '.join(sorted(missing))}")

    def for_circuit(self, circuit: CircuitName) -> CircuitCost:
        return CircuitCost(self.base_gates[circuit], self.gates_per_witness_byte, self.gates_per_hash, self.scale)


@dataclass(frozen=True)
class CircuitCost:
    """The cost of one circuit (plain values, so it can be sent to a worker process)."""

    base_gates: int
    gates_per_witness_byte: int
    gates_per_hash: int
    scale: float

    def gates(self, witness_bytes: int) -> int:
        return self.base_gates + self.gates_per_witness_byte * witness_bytes

    def hashes(self, witness_bytes: int) -> int:
        """SHA-256 compressions to prove the circuit over a witness of ``witness_bytes``."""
        return max(1, math.ceil(self.gates(witness_bytes) * self.scale / self.gates_per_hash))
