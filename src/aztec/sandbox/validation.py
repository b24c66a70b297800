"""Every ``aztec start`` setting checked before anything starts: one place, one message format.

Each setting is a flag and an environment variable; a bad value raises :class:`ConfigError` naming both
and the value (``invalid setting --rpc-port / AZTEC_RPC_PORT='70000': must be at most 65535``). Checks:
numbers parse and are finite and in range (no integer overflow), ports derived from others (the
follower's and the bot's) stay in range and never collide, directories exist or can be created and are
writable, stores that exist are of the right format, and values that would make the node useless (a
slot so long no block is built, a prover that cannot finish a block) are refused. Nothing is written.
"""

from __future__ import annotations

import contextlib
import ipaddress
import math
import os
import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from aztec.foundation.config import ConfigError, parse_url
from aztec.node.config import ProverConfig, RpcConfig, split_list
from aztec.prover.cost_model import CircuitCostModel
from aztec.sandbox.roles import Roles, StartConfig
from aztec.sandbox.service_discovery import ServiceDiscoveryFileError, read_groups
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.telemetry.config import TelemetryConfig


@dataclass(frozen=True)
class Setting:
    flag: str
    variable: str | None = None

    @property
    def name(self) -> str:
        return self.flag if self.variable is None else f"{self.flag} / {self.variable}"

    def error(self, raw: object, reason: str) -> ConfigError:
        return ConfigError(self.name, str(raw), reason)


DATA_DIR: Final = Setting("--data-dir", "AZTEC_DATA_DIR")
RPC_HOST: Final = Setting("--rpc-host", "AZTEC_RPC_HOST")
RPC_PORT: Final = Setting("--rpc-port", "AZTEC_RPC_PORT")
RPC_ALLOWED_HOSTS: Final = Setting("--rpc-allowed-hosts", "AZTEC_RPC_ALLOWED_HOSTS")
RPC_CORS_ORIGINS: Final = Setting("--rpc-cors-origins", "AZTEC_RPC_CORS_ORIGINS")
RPC_MAX_CONNECTIONS: Final = Setting("--rpc-max-connections", "AZTEC_RPC_MAX_CONNECTIONS")
RPC_HEADER_TIMEOUT: Final = Setting("--rpc-header-timeout", "AZTEC_RPC_HEADER_TIMEOUT")
RPC_BODY_TIMEOUT: Final = Setting("--rpc-body-timeout", "AZTEC_RPC_BODY_TIMEOUT")
RPC_IDLE_TIMEOUT: Final = Setting("--rpc-idle-timeout", "AZTEC_RPC_IDLE_TIMEOUT")
METRICS_HOST: Final = Setting("--metrics-host", "AZTEC_PROMETHEUS_HOST")
METRICS_PORT: Final = Setting("--metrics-port", "AZTEC_PROMETHEUS_PORT")
L1_BLOCK_TIME: Final = Setting("--l1-block-time", "AZTEC_L1_BLOCK_TIME")
SLOT_DURATION: Final = Setting("--slot-duration", "AZTEC_SLOT_DURATION")
MIN_TXS: Final = Setting("--min-txs", "AZTEC_MIN_TXS_PER_BLOCK")
MAX_TXS: Final = Setting("--max-txs", "AZTEC_MAX_TXS_PER_BLOCK")
MAX_BLOCK_WAIT: Final = Setting("--max-block-wait", "AZTEC_MAX_BLOCK_WAIT")
TX_POOL_SIZE: Final = Setting("--tx-pool-size", "AZTEC_TX_POOL_MAX_TXS")
WORLD_STATE_MAP_SIZE: Final = Setting("--world-state-map-size-kb", "AZTEC_WORLD_STATE_MAP_SIZE_KB")
PUBLISH_TIMEOUT: Final = Setting("--publish-timeout", "AZTEC_L1_PUBLISH_TIMEOUT")
PROVER_KIND: Final = Setting("--prover-kind", "AZTEC_PROVER")
PROVER_WORKERS: Final = Setting("--prover-workers", "AZTEC_PROVER_WORKERS")
PROVER_SCALE: Final = Setting("--prover-scale", "AZTEC_PROVER_SCALE")
BOT_TPS: Final = Setting("--bot-tps", "AZTEC_BOT_TPS")
BOT_ACCOUNTS: Final = Setting("--bot-accounts", "AZTEC_BOT_ACCOUNTS")
BOT_RPC_URL: Final = Setting("--bot-rpc-url", "AZTEC_BOT_RPC_URL")
PROMETHEUS_SD_FILE: Final = Setting("--prometheus-sd-file", "AZTEC_PROMETHEUS_SD_FILE")

MAX_PORT: Final = 65535
FOLLOWER_RPC_OFFSET: Final = 1
"""The follower's JSON-RPC port is ``--rpc-port`` + 1."""
BOT_METRICS_OFFSET: Final = 1
FOLLOWER_METRICS_OFFSET: Final = 2
"""The bot's scrape port is ``--metrics-port`` + 1, the follower's + 2."""
MAX_WAIT_S: Final = 3600.0
"""A slot, or a wait for a block, longer than an hour means a node that (practically) never builds one."""
MAX_PROVING_S: Final = 3600.0
"""Refuse a prover whose estimated time for a full block exceeds this: it would never catch up."""
HASHES_PER_SECOND: Final = 2_000_000
"""The native prover's proof computation on one core (see ``aztec.prover.cost_model``)."""
_HOSTNAME: Final = re.compile(
    r"^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$"
)
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_LMDB_MAGIC: Final = 0xBEEFC0DE
_L1_TABLES: Final = frozenset({"meta", "accounts", "blocks", "transactions"})


@dataclass(frozen=True)
class StartArgs:
    """The raw values of ``aztec start``'s settings, as the flag parser (or the environment) gave them."""

    roles: Roles
    data_dir: str = "~/.aztec-node"
    rpc_host: str = "127.0.0.1"
    rpc_port: str = "8080"
    rpc_allowed_hosts: str = ""
    rpc_cors_origins: str = ""
    rpc_max_connections: str = "256"
    rpc_header_timeout: str = "10"
    rpc_body_timeout: str = "30"
    rpc_idle_timeout: str = "60"
    metrics_host: str = "127.0.0.1"
    metrics_port: str = "9464"
    no_metrics: bool = False
    l1_block_time: str = "1"
    slot_duration: str = "2"
    min_txs: str = "1"
    max_txs: str = "32"
    max_block_wait: str = "10"
    tx_pool_size: str = "10000"
    world_state_map_size_kb: str = str(4 << 20)
    publish_timeout: str = "30"
    prover_kind: str = "native"
    prover_workers: str = "1"
    prover_scale: str = "0.05"
    bot_tps: str = "2"
    bot_accounts: str = "4"
    bot_rpc_url: str = ""
    prometheus_sd_file: str = ""


def parse_int(setting: Setting, raw: str, minimum: int, maximum: int) -> int:
    text = raw.strip()
    if not re.fullmatch(r"[+-]?\d+", text):
        raise setting.error(raw, "expected a whole number")
    if len(text) > 20:  # no int() of a megabyte of digits; anything this long is out of every range
        raise setting.error(
            raw, f"must be at most {maximum}" if not text.startswith("-") else f"must be at least {minimum}"
        )
    value = int(text)
    if value < minimum:
        raise setting.error(raw, f"must be at least {minimum}")
    if value > maximum:
        raise setting.error(raw, f"must be at most {maximum}")
    return value


def parse_float(
    setting: Setting, raw: str, minimum: float, maximum: float, *, exclusive_minimum: bool = False
) -> float:
    try:
        value = float(raw.strip())
    except ValueError:
        raise setting.error(raw, "expected a number") from None
    if not math.isfinite(value):
        raise setting.error(raw, "expected a finite number")
    if value < minimum or (exclusive_minimum and value == minimum):
        raise setting.error(raw, f"must be {'above' if exclusive_minimum else 'at least'} {minimum:g}")
    if value > maximum:
        raise setting.error(raw, f"must be at most {maximum:g}")
    return value


def parse_host(setting: Setting, raw: str) -> str:
    text = raw.strip()
    try:
        ipaddress.ip_address(text)
    except ValueError:
        if not _HOSTNAME.match(text):
            raise setting.error(raw, "expected an IP address or a host name") from None
    return text


def check_directory(setting: Setting, raw: str) -> Path:
    """An existing writable directory, or one that can be created (its nearest existing parent is one)."""
    path = Path(raw).expanduser()
    if path.exists():
        if not path.is_dir():
            raise setting.error(raw, "exists and is not a directory")
        if not os.access(path, os.W_OK | os.X_OK):
            raise setting.error(raw, "directory is not writable")
        return path
    parent = path.absolute().parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise setting.error(raw, f"cannot be created: {parent} is not a directory")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise setting.error(raw, f"cannot be created: {parent} is not writable")
    return path


def check_stores(setting: Setting, raw: str, config: StartConfig) -> None:
    """Stores the roles will open, when they exist, must be of their format (SQLite for L1, LMDB below)."""
    roles = config.roles
    if config.needs_l1 and config.l1_path.exists():
        _check_magic(setting, raw, config.l1_path, _SQLITE_MAGIC, "not an SQLite database")
        _check_l1_tables(setting, raw, config.l1_path)
    node_dirs = []
    if roles.sequencer:
        node_dirs.append(config.data_dir / "sequencer")
    if roles.follower:
        node_dirs.append(config.data_dir / "follower")
    for node_dir in node_dirs:
        if node_dir.exists() and not node_dir.is_dir():
            raise setting.error(raw, f"{node_dir} is not a directory")
        if not node_dir.is_dir():
            continue
        for data in node_dir.glob("**/data.mdb"):
            _check_lmdb(setting, raw, data)


def _check_magic(setting: Setting, raw: str, path: Path, magic: bytes, what: str) -> None:
    if path.is_dir():
        raise setting.error(raw, f"{path} is a directory, expected a file")
    with path.open("rb") as file:
        head = file.read(len(magic))
    if head and head != magic:
        raise setting.error(raw, f"{path} is {what} (another program's file, or corrupt)")


def _check_l1_tables(setting: Setting, raw: str, path: Path) -> None:
    """An SQLite file of another program (tables, none of the L1's) is refused; read without writing anything.

    ``immutable=1`` reads the main file only (no lock, no ``-shm``); a file whose schema is still only in its
    write-ahead log shows no tables and is let through (the L1 then opens it normally).
    """
    try:
        with contextlib.closing(sqlite3.connect(f"{path.absolute().as_uri()}?immutable=1", uri=True)) as conn:
            tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as error:
        raise setting.error(raw, f"{path} is a corrupt SQLite database ({error})") from None
    if tables and not tables >= _L1_TABLES:
        raise setting.error(raw, f"{path} is another program's SQLite database (tables {', '.join(sorted(tables))})")


def _check_lmdb(setting: Setting, raw: str, path: Path) -> None:
    with path.open("rb") as file:
        head = file.read(20)
    if len(head) < 20 or int.from_bytes(head[16:20], "little") != _LMDB_MAGIC:
        raise setting.error(raw, f"{path} is not an LMDB database (another program's file, or corrupt)")


def check_sd_file(setting: Setting, raw: str, roles: Roles, metrics_port: int | None) -> Path | None:
    """A ``.json`` file this process can replace (its directory writable), holding file SD groups if it exists."""
    text = raw.strip()
    if not text:
        return None
    if metrics_port is None or not (roles.sequencer or roles.follower or roles.bot):
        raise setting.error(raw, "this process serves no scrape endpoint (--no-metrics, or --l1 alone)")
    path = Path(text).expanduser()
    if path.suffix != ".json":
        raise setting.error(raw, "must end in .json (Prometheus reads a file SD file by its extension)")
    if path.exists() and not path.is_file():
        raise setting.error(raw, "exists and is not a file")
    try:
        check_directory(setting, str(path.parent))
    except ConfigError as error:
        raise setting.error(raw, f"{path.parent} {error.reason}") from None
    try:
        read_groups(path)
    except ServiceDiscoveryFileError as error:
        raise setting.error(raw, str(error)) from None
    return path


def estimated_block_proving_s(txs: int, scale: float, workers: int) -> float:
    """A full block's proving time by the cost model: per tx its kernels and base rollup, then merges and root."""
    model = CircuitCostModel(scale=scale)

    def hashes(circuit: CircuitName, witness_bytes: int) -> int:
        return model.for_circuit(circuit).hashes(witness_bytes)

    per_tx = (
        hashes(CircuitName.PUBLIC_KERNEL_SETUP, 300)
        + hashes(CircuitName.PUBLIC_KERNEL_APP_LOGIC, 700)
        + hashes(CircuitName.PUBLIC_KERNEL_TAIL, 900)
        + hashes(CircuitName.BASE_ROLLUP, 16_000)
    )
    total = txs * per_tx + max(0, txs - 1) * hashes(CircuitName.MERGE_ROLLUP, 800)
    total += hashes(CircuitName.ROOT_ROLLUP, 2_000) + hashes(CircuitName.BASE_PARITY, 600)
    total += hashes(CircuitName.ROOT_PARITY, 200)
    return total / HASHES_PER_SECOND / workers


def default_node_url(rpc_host: str, rpc_port: int) -> str:
    """Where a sequencer on these settings answers: what a bot in its own process sends to by default."""
    host = "127.0.0.1" if rpc_host in ("0.0.0.0", "") else ("::1" if rpc_host == "::" else rpc_host)
    host = f"[{host}]" if ":" in host else host
    return f"http://{host}:{rpc_port}/"


def _port(setting: Setting, raw: str) -> int:
    return parse_int(setting, raw, 0, MAX_PORT)


def _derived(setting: Setting, raw: str, base: int, offset: int, whose: str) -> int:
    if base == 0:
        return 0
    port = base + offset
    if port > MAX_PORT:
        raise setting.error(raw, f"{whose} port would be {port} (this + {offset}), above {MAX_PORT}")
    return port


def validate_start(args: StartArgs, env: Mapping[str, str] | None = None) -> StartConfig:
    """The :class:`StartConfig` these settings describe, or :class:`ConfigError` for the first bad one."""
    roles = args.roles
    env = os.environ if env is None else env
    data_dir = check_directory(DATA_DIR, args.data_dir) if roles.needs_data_dir else Path(args.data_dir).expanduser()
    rpc_host = parse_host(RPC_HOST, args.rpc_host)
    metrics_host = parse_host(METRICS_HOST, args.metrics_host)
    rpc_port = _port(RPC_PORT, args.rpc_port)
    rpc = parse_rpc(args)
    metrics_port = None if args.no_metrics else _port(METRICS_PORT, args.metrics_port)
    l1_block_time = parse_float(L1_BLOCK_TIME, args.l1_block_time, 0.01, 3600.0)
    publish_timeout = parse_float(PUBLISH_TIMEOUT, args.publish_timeout, 0.1, MAX_WAIT_S)
    limit = publish_timeout / 2
    if roles.l1 and l1_block_time > limit:
        raise L1_BLOCK_TIME.error(
            args.l1_block_time,
            f"must be at most {limit:g} s: the publisher waits {publish_timeout:g} s "
            "(--publish-timeout / AZTEC_L1_PUBLISH_TIMEOUT) for inclusion, so no block would be published",
        )
    map_size_kb = parse_int(WORLD_STATE_MAP_SIZE, args.world_state_map_size_kb, 64, 1 << 34)
    slot = parse_float(SLOT_DURATION, args.slot_duration, 0.01, MAX_WAIT_S)
    max_txs = parse_int(MAX_TXS, args.max_txs, 1, 1024)
    min_txs = parse_int(MIN_TXS, args.min_txs, 1, 1024)
    if min_txs > max_txs:
        raise MIN_TXS.error(args.min_txs, f"must not exceed --max-txs / AZTEC_MAX_TXS_PER_BLOCK ({max_txs})")
    max_block_wait = parse_float(MAX_BLOCK_WAIT, args.max_block_wait, 0.0, MAX_WAIT_S)
    tx_pool = parse_int(TX_POOL_SIZE, args.tx_pool_size, 1, 10_000_000)
    if tx_pool < max_txs and roles.sequencer:
        raise TX_POOL_SIZE.error(
            args.tx_pool_size, f"must hold at least one full block (--max-txs / AZTEC_MAX_TXS_PER_BLOCK={max_txs})"
        )
    if args.prover_kind not in ("native", "test"):
        raise PROVER_KIND.error(args.prover_kind, "expected native or test")
    cpus = os.cpu_count() or 1
    workers = parse_int(PROVER_WORKERS, args.prover_workers, 1, max(64, 4 * cpus))
    scale = parse_float(PROVER_SCALE, args.prover_scale, 0.0, 1000.0, exclusive_minimum=True)
    if roles.prover and args.prover_kind == "native":
        estimate = estimated_block_proving_s(max_txs, scale, workers)
        if estimate > MAX_PROVING_S:
            raise PROVER_SCALE.error(
                args.prover_scale,
                f"a full block ({max_txs} txs) would take about {estimate:,.0f} s to prove on {workers} worker(s), "
                f"over {MAX_PROVING_S:g} s: the prover would never catch up",
            )
    bot_tps = parse_float(BOT_TPS, args.bot_tps, 0.001, 10_000.0)
    bot_accounts = parse_int(BOT_ACCOUNTS, args.bot_accounts, 1, 10_000)
    bot_rpc_url = args.bot_rpc_url.strip() or None
    if bot_rpc_url is not None:
        try:
            parse_url(BOT_RPC_URL.name, bot_rpc_url)
        except ConfigError as error:
            raise BOT_RPC_URL.error(args.bot_rpc_url, error.reason) from None
    if roles.bot and not roles.sequencer and bot_rpc_url is None:
        if rpc_port == 0:
            raise BOT_RPC_URL.error("", "a bot without --sequencer needs the URL of a node when --rpc-port is 0")
        bot_rpc_url = default_node_url(rpc_host, rpc_port)
    sd_file = check_sd_file(PROMETHEUS_SD_FILE, args.prometheus_sd_file, roles, metrics_port)
    config = StartConfig(
        roles=roles,
        data_dir=data_dir,
        rpc_host=rpc_host,
        rpc_port=rpc_port,
        rpc=rpc,
        metrics_host=metrics_host,
        metrics_port=metrics_port,
        l1_block_time_s=l1_block_time,
        sequencer=SequencerConfig(
            slot_duration_s=slot,
            min_txs_per_block=min_txs,
            max_txs_per_block=max_txs,
            max_block_wait_s=max_block_wait,
            publish_timeout_s=publish_timeout,
        ),
        prover=ProverConfig(kind=args.prover_kind, workers=workers, scale=scale),
        tx_pool_max_txs=tx_pool,
        world_state_map_size_kb=map_size_kb,
        bot_tx_per_second=bot_tps,
        bot_accounts=bot_accounts,
        bot_rpc_url=bot_rpc_url,
        prometheus_sd_file=sd_file,
    )
    _check_ports(args, config)
    if roles.needs_data_dir:
        check_stores(DATA_DIR, args.data_dir, config)
    TelemetryConfig.from_env(env)  # the OTEL_* / AZTEC_* telemetry variables, named by their own errors
    return config


def parse_rpc(args: StartArgs) -> RpcConfig:
    """The JSON-RPC listener's policy and limits."""
    hosts = split_list(args.rpc_allowed_hosts)
    for host in hosts:
        if host != "*" and not (_is_ip(host) or _HOSTNAME.match(host.removeprefix("*."))):
            raise RPC_ALLOWED_HOSTS.error(args.rpc_allowed_hosts, f"{host!r} is not a host name, an address or *")
    origins = split_list(args.rpc_cors_origins)
    for origin in origins:
        if origin != "*":
            try:
                parse_url(RPC_CORS_ORIGINS.name, origin)
            except ConfigError:
                raise RPC_CORS_ORIGINS.error(
                    args.rpc_cors_origins, f"{origin!r} is not an origin (scheme://host[:port]) or *"
                ) from None
    return RpcConfig(
        allowed_hosts=hosts,
        cors_origins=origins,
        max_connections=parse_int(RPC_MAX_CONNECTIONS, args.rpc_max_connections, 1, 1_000_000),
        header_timeout_s=parse_float(RPC_HEADER_TIMEOUT, args.rpc_header_timeout, 0.001, 86_400.0),
        body_timeout_s=parse_float(RPC_BODY_TIMEOUT, args.rpc_body_timeout, 0.001, 86_400.0),
        idle_timeout_s=parse_float(RPC_IDLE_TIMEOUT, args.rpc_idle_timeout, 0.001, 86_400.0),
    )


def _is_ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text.strip("[]"))
    except ValueError:
        return False
    return True


def _check_ports(args: StartArgs, config: StartConfig) -> None:
    """Derived ports in range, and no two listeners of this process on one port."""
    roles = config.roles
    listeners: list[tuple[int, str]] = []
    if roles.sequencer:
        listeners.append((config.rpc_port, f"{RPC_PORT.name}={args.rpc_port!r} (sequencer JSON-RPC)"))
    if roles.follower:
        port = _derived(RPC_PORT, args.rpc_port, config.rpc_port, FOLLOWER_RPC_OFFSET, "the follower's JSON-RPC")
        listeners.append((port, f"{RPC_PORT.name}={args.rpc_port!r} + {FOLLOWER_RPC_OFFSET} (follower JSON-RPC)"))
    if config.metrics_port is not None:
        base = config.metrics_port
        if roles.sequencer:
            listeners.append((base, f"{METRICS_PORT.name}={args.metrics_port!r} (node metrics)"))
        if roles.bot:
            port = _derived(METRICS_PORT, args.metrics_port, base, BOT_METRICS_OFFSET, "the bot's scrape")
            listeners.append((port, f"{METRICS_PORT.name}={args.metrics_port!r} + {BOT_METRICS_OFFSET} (bot metrics)"))
        if roles.follower:
            port = _derived(METRICS_PORT, args.metrics_port, base, FOLLOWER_METRICS_OFFSET, "the follower's scrape")
            listeners.append(
                (port, f"{METRICS_PORT.name}={args.metrics_port!r} + {FOLLOWER_METRICS_OFFSET} (follower metrics)")
            )
    seen: dict[int, str] = {}
    for port, what in listeners:
        if port == 0:
            continue
        if port in seen:
            setting = METRICS_PORT if "metrics" in what else RPC_PORT
            raw = args.metrics_port if setting is METRICS_PORT else args.rpc_port
            raise setting.error(raw, f"port {port} collides: {seen[port]} and {what}")
        seen[port] = what
