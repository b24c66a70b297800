"""Which parts ``aztec start`` runs, where they keep their data and where they listen."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from aztec.node.config import RpcConfig
from aztec.prover_node.config import ProverConfig
from aztec.sandbox import settings
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.config.bot import BOT_ACCOUNTS, BOT_TPS
from aztec.stdlib.config.l1 import L1_BLOCK_TIME
from aztec.stdlib.config.node import FOLLOWER_RPC_OFFSET, RPC_HOST, RPC_PORT
from aztec.stdlib.config.p2p import TX_POOL_SIZE
from aztec.stdlib.config.world_state import WORLD_STATE_MAP_SIZE


@dataclass(frozen=True)
class Roles:
    l1: bool = False
    """Run (mine) the development L1 in this process."""
    sequencer: bool = False
    prover: bool = False
    follower: bool = False
    bot: bool = False

    @classmethod
    def sandbox(cls) -> Roles:
        return cls(l1=True, sequencer=True, prover=True, follower=True, bot=True)

    @property
    def any(self) -> bool:
        return self.l1 or self.sequencer or self.prover or self.follower or self.bot

    @property
    def standalone_prover(self) -> bool:
        """A prover without a sequencer in this process: it proves every block on L1, fetching the txs."""
        return self.prover and not self.sequencer

    @property
    def needs_data_dir(self) -> bool:
        """The L1, a sequencer, a follower and a standalone prover keep data; a bot alone keeps none (and
        creates no directory)."""
        return self.l1 or self.sequencer or self.follower or self.standalone_prover

    @property
    def title(self) -> str:
        """The roles as the flags that name them, e.g. ``--l1 --sequencer --prover``."""
        names = [("l1", self.l1), ("sequencer", self.sequencer), ("prover", self.prover)]
        names += [("node", self.follower), ("bot", self.bot)]
        if all(on for _, on in names):
            return "sandbox"
        return " ".join(f"--{name}" for name, on in names if on)


@dataclass(frozen=True)
class StartConfig:
    roles: Roles
    data_dir: Path
    rpc_host: str = RPC_HOST.default
    rpc_port: int = RPC_PORT.default
    """The sequencer node's JSON-RPC port; the follower's is the next one, in this process or its own."""
    rpc: RpcConfig = field(default_factory=RpcConfig)
    """Both nodes' JSON-RPC policy and limits."""
    metrics_host: str = settings.METRICS_HOST.default
    metrics_port: int | None = settings.METRICS_PORT.default
    """The sequencer node's scrape endpoint; the bot's is the next port, the follower's the one after, a
    standalone prover's the one after that (None: off), so that roles in separate processes on default
    settings never collide."""
    l1_block_time_s: float = L1_BLOCK_TIME.default
    sequencer: SequencerConfig = field(default_factory=SequencerConfig)
    prover: ProverConfig = field(default_factory=ProverConfig)
    tx_pool_max_txs: int = TX_POOL_SIZE.default
    world_state_map_size_kb: int = WORLD_STATE_MAP_SIZE.default
    """The world state's LMDB map size, per node (KiB)."""
    bot_tx_per_second: float = BOT_TPS.default
    bot_accounts: int = BOT_ACCOUNTS.default
    bot_rpc_url: str | None = None
    """Where a bot-only process sends its transactions (default: this process's sequencer node)."""
    prover_node_url: str | None = None
    """The node a standalone prover fetches blocks' txs from (default: the sequencer's default address)."""
    prometheus_sd_file: Path | None = None
    """A Prometheus file SD file listing this process's scrape endpoints while it runs (None: none)."""

    @property
    def l1_path(self) -> Path:
        return self.data_dir / "l1.sqlite"

    @property
    def needs_l1(self) -> bool:
        return self.roles.needs_data_dir

    @property
    def follower_rpc_port(self) -> int:
        return 0 if self.rpc_port == 0 else self.rpc_port + FOLLOWER_RPC_OFFSET

    def _offset_metrics_port(self, offset: int) -> int | None:
        port = self.metrics_port
        return None if port is None else (0 if port == 0 else port + offset)

    @property
    def bot_metrics_port(self) -> int | None:
        return self._offset_metrics_port(settings.BOT_METRICS_OFFSET)

    @property
    def follower_metrics_port(self) -> int | None:
        return self._offset_metrics_port(settings.FOLLOWER_METRICS_OFFSET)

    @property
    def prover_metrics_port(self) -> int | None:
        """A standalone prover's scrape port (the in-process prover's metrics are its sequencer node's)."""
        return self._offset_metrics_port(settings.PROVER_METRICS_OFFSET)
