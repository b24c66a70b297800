"""The node's settings (each also an ``aztec start`` flag and an environment variable)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from aztec.foundation.http import ConnectionLimits
from aztec.prover_node.config import ProverConfig
from aztec.sequencer.config import SequencerConfig


def split_list(value: str) -> tuple[str, ...]:
    """A comma-separated setting as its non-empty items."""
    return tuple(item.strip() for item in value.split(",") if item.strip())


@dataclass(frozen=True)
class RpcConfig:
    """The JSON-RPC listener's policy and limits (each an ``aztec start`` flag and variable)."""

    allowed_hosts: tuple[str, ...] = ()
    """Host names the RPC answers (--rpc-allowed-hosts); empty: localhost and the bound address; * any."""
    cors_origins: tuple[str, ...] = ()
    """Origins browsers may call from (--rpc-cors-origins); empty: CORS off."""
    max_connections: int = 256
    header_timeout_s: float = 10.0
    body_timeout_s: float = 30.0
    idle_timeout_s: float = 60.0

    def __post_init__(self) -> None:
        if type(self.max_connections) is not int or not 1 <= self.max_connections <= 1_000_000:
            raise ValueError(
                f"invalid setting AZTEC_RPC_MAX_CONNECTIONS / --rpc-max-connections={self.max_connections!r}: "
                "expected a whole number from 1 to 1000000"
            )
        for name, flag in (
            ("header_timeout_s", "HEADER_TIMEOUT"),
            ("body_timeout_s", "BODY_TIMEOUT"),
            ("idle_timeout_s", "IDLE_TIMEOUT"),
        ):
            value = getattr(self, name)
            if not math.isfinite(value) or not 0 < value <= 86_400:
                option = flag.lower().replace("_", "-")
                raise ValueError(
                    f"invalid setting AZTEC_RPC_{flag} / --rpc-{option}={value!r}: "
                    "expected seconds, more than 0 and at most 86400"
                )

    @property
    def limits(self) -> ConnectionLimits:
        return ConnectionLimits(
            max_connections=self.max_connections,
            header_timeout_s=self.header_timeout_s,
            body_timeout_s=self.body_timeout_s,
            idle_timeout_s=self.idle_timeout_s,
        )


@dataclass(frozen=True)
class NodeConfig:
    data_dir: Path
    """This node's directory: world state, tx pool and archiver databases live below it."""
    rpc_host: str = "127.0.0.1"
    rpc_port: int = 8080
    rpc_max_body_bytes: int = 1 << 20
    rpc: RpcConfig = field(default_factory=RpcConfig)
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
