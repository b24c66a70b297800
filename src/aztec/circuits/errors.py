"""Errors a circuit raises: each names the circuit, so a failed job says which proof could not be made."""

from __future__ import annotations

from aztec.stdlib.proofs.circuit_name import CircuitName


class CircuitError(Exception):
    """A circuit could not produce its outputs. Deterministic: running it again fails the same way."""

    def __init__(self, circuit: CircuitName, message: str) -> None:
        super().__init__(circuit, message)
        self.circuit = circuit
        self.message = message

    def __str__(self) -> str:
        return f"{self.circuit}: {self.message}"


class CircuitInputError(CircuitError, ValueError):
    """The serialized inputs are malformed (not a canonical encoding of the circuit's inputs)."""


class CircuitConstraintError(CircuitError):
    """The inputs decode but a check of the circuit fails (a tampered witness, a gap between children...)."""
