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
import os
import sqlite3
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, TypeVar

from aztec.foundation.config import ConfigError, parse_url
from aztec.foundation.settings import HOSTNAME, Setting, Switch
from aztec.node.config import RpcConfig, split_list
from aztec.prover.cost_model import CircuitCostModel
from aztec.prover_node.config import ProverConfig
from aztec.sandbox.roles import Roles, StartConfig
from aztec.sandbox.service_discovery import ServiceDiscoveryFileError, read_groups
from aztec.sandbox.settings import (
    BOT_METRICS_OFFSET,
    CHECKED_SETTINGS,
    DATA_DIR,
    FOLLOWER_METRICS_OFFSET,
    METRICS_HOST,
    METRICS_PORT,
    NO_METRICS,
    PROMETHEUS_SD_FILE,
    PROVER_METRICS_OFFSET,
)
from aztec.sequencer.config import SequencerConfig
from aztec.stdlib.config.bot import BOT_ACCOUNTS, BOT_RPC_URL, BOT_TPS
from aztec.stdlib.config.bounds import MAX_PORT
from aztec.stdlib.config.l1 import L1_BLOCK_TIME, PUBLISH_TIMEOUT
from aztec.stdlib.config.node import (
    FOLLOWER_RPC_OFFSET,
    RPC_ALLOWED_HOSTS,
    RPC_BODY_TIMEOUT,
    RPC_CORS_ORIGINS,
    RPC_HEADER_TIMEOUT,
    RPC_HOST,
    RPC_IDLE_TIMEOUT,
    RPC_MAX_CONNECTIONS,
    RPC_PORT,
)
from aztec.stdlib.config.p2p import TX_POOL_SIZE
from aztec.stdlib.config.prover import PROVER_KIND, PROVER_NODE_URL, PROVER_SCALE, PROVER_WORKERS
from aztec.stdlib.config.sequencer import MAX_BLOCK_WAIT, MAX_TXS, MIN_TXS, SLOT_DURATION
from aztec.stdlib.config.world_state import WORLD_STATE_MAP_SIZE
from aztec.stdlib.proofs.circuit_name import CircuitName
from aztec.telemetry.config import TelemetryConfig

MAX_PROVING_S: Final = 3600.0
"""Refuse a prover whose estimated time for a full block exceeds this: it would never catch up."""
HASHES_PER_SECOND: Final = 2_000_000
"""The native prover's proof computation on one core (see ``aztec.prover.cost_model``)."""
T = TypeVar("T")
_SQLITE_MAGIC: Final = b"SQLite format 3\x00"
_LMDB_MAGIC: Final = 0xBEEFC0DE
_L1_TABLES: Final = frozenset({"meta", "accounts", "blocks", "transactions"})


class StartArgs:
    """The raw values of ``aztec start``'s checked settings (:data:`~aztec.sandbox.settings.CHECKED_SETTINGS`),
    as the flag parser (or the environment) gave them, by key; a setting not given has its raw default."""

    def __init__(self, roles: Roles, **values: str | bool) -> None:
        unknown = set(values) - _CHECKED_KEYS
        if unknown:
            raise TypeError(f"not an aztec start setting: {', '.join(sorted(unknown))}")
        self.roles = roles
        self.values: Mapping[str, str | bool] = values

    def raw(self, setting: Setting[Any]) -> str:
        value = self.values.get(setting.key, setting.raw_default)
        assert isinstance(value, str), setting.key
        return value

    def value(self, setting: Setting[T]) -> T:
        """The setting's value, parsed: :class:`ConfigError` naming it for a bad one."""
        return setting.parse(self.raw(setting))

    def on(self, switch: Switch) -> bool:
        return bool(self.values.get(switch.key, switch.default))

    def __getattr__(self, key: str) -> str | bool:
        """``args.rpc_port``: a setting's raw value (or a switch's state) by its key."""
        if key not in _CHECKED_KEYS:
            raise AttributeError(key)
        setting = _CHECKED[key]
        return self.on(setting) if isinstance(setting, Switch) else self.raw(setting)


_CHECKED: Final = {s.key: s for s in CHECKED_SETTINGS}
_CHECKED_KEYS: Final = frozenset(_CHECKED)


def check_directory(setting: Setting[Any], raw: str) -> Path:
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


def check_stores(setting: Setting[Any], raw: str, config: StartConfig) -> None:
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
    if roles.standalone_prover:
        node_dirs.append(config.data_dir / "prover")
    for node_dir in node_dirs:
        if node_dir.exists() and not node_dir.is_dir():
            raise setting.error(raw, f"{node_dir} is not a directory")
        if not node_dir.is_dir():
            continue
        for data in node_dir.glob("**/data.mdb"):
            _check_lmdb(setting, raw, data)


def _check_magic(setting: Setting[Any], raw: str, path: Path, magic: bytes, what: str) -> None:
    if path.is_dir():
        raise setting.error(raw, f"{path} is a directory, expected a file")
    with path.open("rb") as file:
        head = file.read(len(magic))
    if head and head != magic:
        raise setting.error(raw, f"{path} is {what} (another program's file, or corrupt)")


def _check_l1_tables(setting: Setting[Any], raw: str, path: Path) -> None:
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


def _check_lmdb(setting: Setting[Any], raw: str, path: Path) -> None:
    with path.open("rb") as file:
        head = file.read(20)
    if len(head) < 20 or int.from_bytes(head[16:20], "little") != _LMDB_MAGIC:
        raise setting.error(raw, f"{path} is not an LMDB database (another program's file, or corrupt)")


def check_sd_file(setting: Setting[Any], raw: str, roles: Roles, metrics_port: int | None) -> Path | None:
    """A ``.json`` file this process can replace (its directory writable), holding file SD groups if it exists."""
    text = raw.strip()
    if not text:
        return None
    if metrics_port is None or not (roles.sequencer or roles.follower or roles.bot or roles.prover):
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


def _derived(setting: Setting[Any], raw: str, base: int, offset: int, whose: str) -> int:
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
    raw_dir = args.raw(DATA_DIR)
    data_dir = check_directory(DATA_DIR, raw_dir) if roles.needs_data_dir else Path(raw_dir).expanduser()
    rpc_host = args.value(RPC_HOST)
    metrics_host = args.value(METRICS_HOST)
    rpc_port = args.value(RPC_PORT)
    rpc = parse_rpc(args)
    metrics_port = None if args.on(NO_METRICS) else args.value(METRICS_PORT)
    l1_block_time = args.value(L1_BLOCK_TIME)
    publish_timeout = args.value(PUBLISH_TIMEOUT)
    limit = publish_timeout / 2
    if roles.l1 and l1_block_time > limit:
        raise L1_BLOCK_TIME.error(
            args.raw(L1_BLOCK_TIME),
            f"must be at most {limit:g} s: the publisher waits {publish_timeout:g} s "
            "(--publish-timeout / AZTEC_L1_PUBLISH_TIMEOUT) for inclusion, so no block would be published",
        )
    map_size_kb = args.value(WORLD_STATE_MAP_SIZE)
    slot = args.value(SLOT_DURATION)
    max_txs = args.value(MAX_TXS)
    min_txs = args.value(MIN_TXS)
    if min_txs > max_txs:
        raise MIN_TXS.error(args.raw(MIN_TXS), f"must not exceed --max-txs / AZTEC_MAX_TXS_PER_BLOCK ({max_txs})")
    max_block_wait = args.value(MAX_BLOCK_WAIT)
    tx_pool = args.value(TX_POOL_SIZE)
    if tx_pool < max_txs and roles.sequencer:
        raise TX_POOL_SIZE.error(
            args.raw(TX_POOL_SIZE), f"must hold at least one full block (--max-txs / AZTEC_MAX_TXS_PER_BLOCK={max_txs})"
        )
    prover_kind = args.value(PROVER_KIND)
    workers = args.value(PROVER_WORKERS)
    scale = args.value(PROVER_SCALE)
    if roles.prover and prover_kind == "native":
        estimate = estimated_block_proving_s(max_txs, scale, workers)
        if estimate > MAX_PROVING_S:
            raise PROVER_SCALE.error(
                args.raw(PROVER_SCALE),
                f"a full block ({max_txs} txs) would take about {estimate:,.0f} s to prove on {workers} worker(s), "
                f"over {MAX_PROVING_S:g} s: the prover would never catch up",
            )
    bot_tps = args.value(BOT_TPS)
    bot_accounts = args.value(BOT_ACCOUNTS)
    bot_rpc_url = _node_url(
        BOT_RPC_URL, args.raw(BOT_RPC_URL), roles.bot and not roles.sequencer, "a bot", rpc_host, rpc_port
    )
    prover_node_url = _node_url(
        PROVER_NODE_URL, args.raw(PROVER_NODE_URL), roles.standalone_prover, "a prover", rpc_host, rpc_port
    )
    sd_file = check_sd_file(PROMETHEUS_SD_FILE, args.raw(PROMETHEUS_SD_FILE), roles, metrics_port)
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
        prover=ProverConfig(kind=prover_kind, workers=workers, scale=scale),
        tx_pool_max_txs=tx_pool,
        world_state_map_size_kb=map_size_kb,
        bot_tx_per_second=bot_tps,
        bot_accounts=bot_accounts,
        bot_rpc_url=bot_rpc_url,
        prover_node_url=prover_node_url,
        prometheus_sd_file=sd_file,
    )
    _check_ports(args, config)
    if roles.needs_data_dir:
        check_stores(DATA_DIR, args.raw(DATA_DIR), config)
    TelemetryConfig.from_env(env)  # the OTEL_* / AZTEC_* telemetry variables, named by their own errors
    return config


def _node_url(setting: Setting[str], raw: str, needed: bool, who: str, rpc_host: str, rpc_port: int) -> str | None:
    """An http(s) URL of a node; when ``needed`` and not given, the sequencer's default address."""
    url = raw.strip() or None
    if url is not None:
        try:
            parse_url(setting.name, url)
        except ConfigError as error:
            raise setting.error(raw, error.reason) from None
        return url
    if not needed:
        return None
    if rpc_port == 0:
        raise setting.error("", f"{who} without --sequencer needs the URL of a node when --rpc-port is 0")
    return default_node_url(rpc_host, rpc_port)


def parse_rpc(args: StartArgs) -> RpcConfig:
    """The JSON-RPC listener's policy and limits."""
    hosts = split_list(args.raw(RPC_ALLOWED_HOSTS))
    for host in hosts:
        if host != "*" and not (_is_ip(host) or HOSTNAME.match(host.removeprefix("*."))):
            raise RPC_ALLOWED_HOSTS.error(args.raw(RPC_ALLOWED_HOSTS), f"{host!r} is not a host name, an address or *")
    origins = split_list(args.raw(RPC_CORS_ORIGINS))
    for origin in origins:
        if origin != "*":
            try:
                parse_url(RPC_CORS_ORIGINS.name, origin)
            except ConfigError:
                raise RPC_CORS_ORIGINS.error(
                    args.raw(RPC_CORS_ORIGINS), f"{origin!r} is not an origin (scheme://host[:port]) or *"
                ) from None
    return RpcConfig(
        allowed_hosts=hosts,
        cors_origins=origins,
        max_connections=args.value(RPC_MAX_CONNECTIONS),
        header_timeout_s=args.value(RPC_HEADER_TIMEOUT),
        body_timeout_s=args.value(RPC_BODY_TIMEOUT),
        idle_timeout_s=args.value(RPC_IDLE_TIMEOUT),
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
    rpc_raw, metrics_raw = args.raw(RPC_PORT), args.raw(METRICS_PORT)
    listeners: list[tuple[int, str]] = []
    if roles.sequencer:
        listeners.append((config.rpc_port, f"{RPC_PORT.name}={rpc_raw!r} (sequencer JSON-RPC)"))
    if roles.follower:
        port = _derived(RPC_PORT, rpc_raw, config.rpc_port, FOLLOWER_RPC_OFFSET, "the follower's JSON-RPC")
        listeners.append((port, f"{RPC_PORT.name}={rpc_raw!r} + {FOLLOWER_RPC_OFFSET} (follower JSON-RPC)"))
    if config.metrics_port is not None:
        base = config.metrics_port
        if roles.sequencer:
            listeners.append((base, f"{METRICS_PORT.name}={metrics_raw!r} (node metrics)"))
        if roles.bot:
            port = _derived(METRICS_PORT, metrics_raw, base, BOT_METRICS_OFFSET, "the bot's scrape")
            listeners.append((port, f"{METRICS_PORT.name}={metrics_raw!r} + {BOT_METRICS_OFFSET} (bot metrics)"))
        if roles.follower:
            port = _derived(METRICS_PORT, metrics_raw, base, FOLLOWER_METRICS_OFFSET, "the follower's scrape")
            listeners.append(
                (port, f"{METRICS_PORT.name}={metrics_raw!r} + {FOLLOWER_METRICS_OFFSET} (follower metrics)")
            )
        if roles.standalone_prover:
            port = _derived(METRICS_PORT, metrics_raw, base, PROVER_METRICS_OFFSET, "the prover's scrape")
            listeners.append((port, f"{METRICS_PORT.name}={metrics_raw!r} + {PROVER_METRICS_OFFSET} (prover metrics)"))
    seen: dict[int, str] = {}
    for port, what in listeners:
        if port == 0:
            continue
        if port in seen:
            setting = METRICS_PORT if "metrics" in what else RPC_PORT
            raw = metrics_raw if setting is METRICS_PORT else rpc_raw
            raise setting.error(raw, f"port {port} collides: {seen[port]} and {what}")
        seen[port] = what
