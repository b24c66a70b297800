"""The prover's settings (each also an ``aztec start`` flag and an environment variable)."""

from __future__ import annotations

from dataclasses import dataclass

from aztec.stdlib.config.prover import PROVER_KIND, PROVER_SCALE, PROVER_WORKERS


@dataclass(frozen=True)
class ProverConfig:
    kind: str = PROVER_KIND.default
    """native (a process pool doing real proving work) or test (simulation with placeholder proofs)."""
    workers: int = PROVER_WORKERS.default
    scale: float = PROVER_SCALE.default
    """Scales the native prover's cost model (1.0 = the documented full cost)."""
    max_concurrent_blocks: int = 2
