"""The node's settings (each also an ``aztec start`` flag and an environment variable)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

from aztec.foundation.http import ConnectionLimits
from aztec.prover_node.config import ProverConfig
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.config.node import (
    RPC_BODY_TIMEOUT,
    RPC_HEADER_TIMEOUT,
    RPC_HOST,
    RPC_IDLE_TIMEOUT,
    RPC_MAX_CONNECTIONS,
    RPC_PORT,
)
from aztec.stdlib.config.p2p import TX_POOL_SIZE
from aztec.stdlib.config.world_state import WORLD_STATE_MAP_SIZE_BYTES


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
    max_connections: int = RPC_MAX_CONNECTIONS.default
    header_timeout_s: float = RPC_HEADER_TIMEOUT.default
    body_timeout_s: float = RPC_BODY_TIMEOUT.default
    idle_timeout_s: float = RPC_IDLE_TIMEOUT.default

    def __post_init__(self) -> None:
        """The definitions' bounds, for a config built in code rather than parsed from flags."""
        limit = RPC_MAX_CONNECTIONS
        if type(self.max_connections) is not int or not limit.minimum <= self.max_connections <= (limit.maximum or 0):
            raise ValueError(
                f"invalid setting {limit.variable} / {limit.flag}={self.max_connections!r}: "
                f"expected a whole number from {limit.minimum} to {limit.maximum}"
            )
        for name, timeout in (
            ("header_timeout_s", RPC_HEADER_TIMEOUT),
            ("body_timeout_s", RPC_BODY_TIMEOUT),
            ("idle_timeout_s", RPC_IDLE_TIMEOUT),
        ):
            value = getattr(self, name)
            if not math.isfinite(value) or not timeout.minimum <= value <= timeout.maximum:
                raise ValueError(
                    f"invalid setting {timeout.variable} / {timeout.flag}={value!r}: "
                    f"expected seconds, at least {timeout.minimum:g} and at most {timeout.maximum:g}"
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
    rpc_host: str = RPC_HOST.default
    rpc_port: int = RPC_PORT.default
    rpc_max_body_bytes: int = 1 << 20
    rpc: RpcConfig = field(default_factory=RpcConfig)
    sequencer: SequencerConfig | None = None
    """Run a sequencer on this node (None: a node that follows L1)."""
    prover: ProverConfig | None = None
    """Run a prover node beside the sequencer (needs ``sequencer``)."""
    tx_pool_max_txs: int = TX_POOL_SIZE.default
    world_state_map_size: int = WORLD_STATE_MAP_SIZE_BYTES
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
