"""The node's settings (each also an ``aztec start`` flag and an environment variable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aztec.sequencer.config import SequencerConfig


@dataclass(frozen=True)
class ProverConfig:
    kind: str = "native"
    """native (a process pool doing real proving work) or test (simulation with placeholder proofs)."""
    workers: int = 1
    scale: float = 0.05
    """Scales the native prover's cost model (1.0 = the documented full cost)."""
    max_concurrent_blocks: int = 2


@dataclass(frozen=True)
class NodeConfig:
    data_dir: Path
    """This node's directory: world state, tx pool and archiver databases live below it."""
    rpc_host: str = "127.0.0.1"
    rpc_port: int = 8080
    rpc_max_body_bytes: int = 1 << 20
    sequencer: SequencerConfig | None = None
    """Run a sequencer on this node (None: a node that follows L1)."""
    prover: ProverConfig | None = None
    """Run a prover node beside the sequencer (needs ``sequencer``)."""
    tx_pool_max_txs: int = 10_000
    world_state_map_size: int = 4 << 30
    """Most bytes the world state's LMDB may grow to; a full map stops block commits until it is raised."""
    archiver_poll_interval_s: float = 0.2
    role: str = field(default="")

    @property
    def role_name(self) -> str:
        if self.role:
            return self.role
        if self.sequencer is not None:
            return "sequencer+prover" if self.prover is not None else "sequencer"
        return "follower"
