"""Proofs and the public inputs they prove, as provers hand them back."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from aztec.stdlib.encoding.serializable import Serializable
from aztec.stdlib.proofs.circuit_name import CircuitName

T = TypeVar("T", bound=Serializable)

PLACEHOLDER_PROOF_SIZE = 32
"""Bytes of the placeholder proof the test prover returns."""


@dataclass(frozen=True, slots=True)
class Proof:
    circuit: CircuitName
    data: bytes

    @property
    def size(self) -> int:
        return len(self.data)

    @classmethod
    def placeholder(cls, circuit: CircuitName) -> Proof:
        """An empty proof (all zeros), for a prover that only simulates."""
        return cls(circuit, bytes(PLACEHOLDER_PROOF_SIZE))


@dataclass(frozen=True, slots=True)
class PublicInputsAndProof(Generic[T]):
    """A circuit's public outputs and the proof that the circuit produced them."""

    inputs: T
    proof: Proof
