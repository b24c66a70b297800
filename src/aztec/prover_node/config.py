"""The prover's settings (each also an ``aztec start`` flag and an environment variable)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ProverConfig:
    kind: str = "native"
    """native (a process pool doing real proving work) or test (simulation with placeholder proofs)."""
    workers: int = 1
    scale: float = 0.05
    """Scales the native prover's cost model (1.0 = the documented full cost)."""
    max_concurrent_blocks: int = 2
