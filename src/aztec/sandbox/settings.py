"""Every ``aztec start`` setting, defined once: flag, environment variable, type, bounds, default and help.

``aztec start``'s options (typer reads the variables when a flag is not given), the raw values and
defaults of :class:`~aztec.sandbox.validation.StartArgs`, the defaults of
:class:`~aztec.sandbox.roles.StartConfig`, the per-setting checks and their messages, and the README's
settings table (``uv run python -m aztec.sandbox.settings``) all come from here.

To add a setting: one definition below, listed in :data:`START_SETTINGS` (in the order ``--help`` lists
it); read it in ``validate_start`` (``args.value(NAME)``: parsed, a bad value refused in the settings'
words; cross-field checks beside it) into a field of ``StartConfig``; then paste the new README table.
A role is a :class:`~aztec.foundation.settings.Switch` in :data:`ROLE_SWITCHES` (and a field of ``Roles``).
``tests/sandbox/test_settings.py`` fails until the options, ``StartArgs`` and the README agree.

Light on purpose (no node module): ``aztec start --help`` imports it.
"""

from __future__ import annotations

import os
from typing import Any, Final

from aztec.foundation.settings import (
    ChoiceSetting,
    FloatSetting,
    HostSetting,
    IntSetting,
    Setting,
    Switch,
    TextSetting,
    markdown_table,
)

MAX_PORT: Final = 65535
FOLLOWER_RPC_OFFSET: Final = 1
"""The follower's JSON-RPC port is ``--rpc-port`` + 1."""
BOT_METRICS_OFFSET: Final = 1
FOLLOWER_METRICS_OFFSET: Final = 2
PROVER_METRICS_OFFSET: Final = 3
"""The bot's scrape port is ``--metrics-port`` + 1, the follower's + 2, a standalone prover's + 3."""
MAX_WAIT_S: Final = 3600.0
"""A slot, or a wait for a block, longer than an hour means a node that (practically) never builds one."""
MAX_TIMEOUT_S: Final = 86_400.0

SANDBOX: Final = Switch(
    key="sandbox",
    flag="--sandbox",
    variable=None,
    default=False,
    help="Everything: L1, sequencer node with prover, follower, bot.",
)
L1: Final = Switch(
    key="l1",
    flag="--l1",
    variable=None,
    default=False,
    help="Mine the development L1 (data-dir/l1.sqlite) in this process.",
)
SEQUENCER: Final = Switch(
    key="sequencer", flag="--sequencer", variable=None, default=False, help="A node that sequences blocks."
)
PROVER: Final = Switch(
    key="prover",
    flag="--prover",
    variable=None,
    default=False,
    help="Prove blocks: with --sequencer its own; alone every block on L1 (txs from a node).",
)
NODE: Final = Switch(
    key="node", flag="--node", variable=None, default=False, help="A node that follows L1 (no sequencing)."
)
BOT: Final = Switch(key="bot", flag="--bot", variable=None, default=False, help="Send token transfers to a node.")

DATA_DIR: Final = TextSetting(
    key="data_dir",
    flag="--data-dir",
    variable="AZTEC_DATA_DIR",
    default="~/.aztec-node",
    metavar="DIR",
    help="Where everything is persisted.",
    accepted_doc="a writable directory, or one that can be created",
)
RPC_HOST: Final = HostSetting(
    key="rpc_host",
    flag="--rpc-host",
    variable="AZTEC_RPC_HOST",
    default="127.0.0.1",
    metavar="HOST",
    help="JSON-RPC bind address.",
)
RPC_PORT: Final = IntSetting(
    key="rpc_port",
    flag="--rpc-port",
    variable="AZTEC_RPC_PORT",
    default=8080,
    minimum=0,
    maximum=MAX_PORT,
    metavar="PORT",
    help=f"Sequencer node JSON-RPC port (follower: +{FOLLOWER_RPC_OFFSET}; 0: any).",
    accepted_doc="the follower's port in range too",
)
RPC_ALLOWED_HOSTS: Final = TextSetting(
    key="rpc_allowed_hosts",
    flag="--rpc-allowed-hosts",
    variable="AZTEC_RPC_ALLOWED_HOSTS",
    default="",
    metavar="HOSTS",
    help="Host names the RPC answers, comma-separated (* any).",
    default_doc="`localhost` and the bound address",
    accepted_doc="comma-separated host names or addresses (`*.` prefix allowed); `*` any",
)
RPC_CORS_ORIGINS: Final = TextSetting(
    key="rpc_cors_origins",
    flag="--rpc-cors-origins",
    variable="AZTEC_RPC_CORS_ORIGINS",
    default="",
    metavar="ORIGINS",
    help="Origins allowed by CORS (default: CORS off).",
    default_doc="none: CORS off",
    accepted_doc="comma-separated origins (`scheme://host[:port]`); `*` any",
)
RPC_MAX_CONNECTIONS: Final = IntSetting(
    key="rpc_max_connections",
    flag="--rpc-max-connections",
    variable="AZTEC_RPC_MAX_CONNECTIONS",
    default=256,
    minimum=1,
    maximum=1_000_000,
    metavar="N",
    help="Most open JSON-RPC connections.",
)
RPC_HEADER_TIMEOUT: Final = FloatSetting(
    key="rpc_header_timeout",
    flag="--rpc-header-timeout",
    variable="AZTEC_RPC_HEADER_TIMEOUT",
    default=10.0,
    minimum=0.001,
    maximum=MAX_TIMEOUT_S,
    unit="s",
    metavar="S",
    help="Seconds a request's headers may take.",
)
RPC_BODY_TIMEOUT: Final = FloatSetting(
    key="rpc_body_timeout",
    flag="--rpc-body-timeout",
    variable="AZTEC_RPC_BODY_TIMEOUT",
    default=30.0,
    minimum=0.001,
    maximum=MAX_TIMEOUT_S,
    unit="s",
    metavar="S",
    help="Seconds a request body may take.",
)
RPC_IDLE_TIMEOUT: Final = FloatSetting(
    key="rpc_idle_timeout",
    flag="--rpc-idle-timeout",
    variable="AZTEC_RPC_IDLE_TIMEOUT",
    default=60.0,
    minimum=0.001,
    maximum=MAX_TIMEOUT_S,
    unit="s",
    metavar="S",
    help="Seconds an idle keep-alive connection is kept.",
)
METRICS_PORT: Final = IntSetting(
    key="metrics_port",
    flag="--metrics-port",
    variable="AZTEC_PROMETHEUS_PORT",
    also_read=("OTEL_EXPORTER_PROMETHEUS_PORT",),
    default=9464,
    minimum=0,
    maximum=MAX_PORT,
    metavar="PORT",
    help=f"Sequencer node scrape endpoint port (bot: +{BOT_METRICS_OFFSET}, follower: +{FOLLOWER_METRICS_OFFSET}, "
    f"prover alone: +{PROVER_METRICS_OFFSET}; 0: any).",
    accepted_doc="the bot's, the follower's and a standalone prover's ports in range too",
)
METRICS_HOST: Final = HostSetting(
    key="metrics_host",
    flag="--metrics-host",
    variable="AZTEC_PROMETHEUS_HOST",
    also_read=("OTEL_EXPORTER_PROMETHEUS_HOST",),
    default="127.0.0.1",
    metavar="HOST",
    help="Scrape endpoint address.",
)
NO_METRICS: Final = Switch(
    key="no_metrics",
    flag="--no-metrics",
    variable=None,
    default=False,
    help="No scrape endpoint (no-op client unless OTLP set).",
)
L1_BLOCK_TIME: Final = FloatSetting(
    key="l1_block_time",
    flag="--l1-block-time",
    variable="AZTEC_L1_BLOCK_TIME",
    default=1.0,
    minimum=0.01,
    maximum=3600.0,
    unit="s",
    metavar="S",
    help="L1 block time (s).",
    accepted_doc="with `--l1` at most half of `--publish-timeout`",
)
SLOT_DURATION: Final = FloatSetting(
    key="slot_duration",
    flag="--slot-duration",
    variable="AZTEC_SLOT_DURATION",
    default=2.0,
    minimum=0.01,
    maximum=MAX_WAIT_S,
    unit="s",
    metavar="S",
    help="Sequencer slot (s).",
)
MIN_TXS: Final = IntSetting(
    key="min_txs",
    flag="--min-txs",
    variable="AZTEC_MIN_TXS_PER_BLOCK",
    default=1,
    minimum=1,
    maximum=1024,
    metavar="N",
    help="Min txs per block.",
    accepted_doc="at most `--max-txs`",
)
MAX_TXS: Final = IntSetting(
    key="max_txs",
    flag="--max-txs",
    variable="AZTEC_MAX_TXS_PER_BLOCK",
    default=32,
    minimum=1,
    maximum=1024,
    metavar="N",
    help="Max txs per block.",
)
MAX_BLOCK_WAIT: Final = FloatSetting(
    key="max_block_wait",
    flag="--max-block-wait",
    variable="AZTEC_MAX_BLOCK_WAIT",
    default=10.0,
    minimum=0.0,
    maximum=MAX_WAIT_S,
    unit="s",
    metavar="S",
    help="Publish fewer than min txs after this wait (s).",
)
TX_POOL_SIZE: Final = IntSetting(
    key="tx_pool_size",
    flag="--tx-pool-size",
    variable="AZTEC_TX_POOL_MAX_TXS",
    default=10_000,
    minimum=1,
    maximum=10_000_000,
    metavar="N",
    help="Max pending txs.",
    accepted_doc="with `--sequencer` at least one full block (`--max-txs`)",
)
WORLD_STATE_MAP_SIZE: Final = IntSetting(
    key="world_state_map_size_kb",
    flag="--world-state-map-size-kb",
    variable="AZTEC_WORLD_STATE_MAP_SIZE_KB",
    default=4 << 20,
    minimum=64,
    maximum=1 << 34,
    unit="KiB",
    metavar="KIB",
    help="World-state LMDB map size (KiB).",
    accepted_doc="a full map stops block commits until raised (restart with a larger value; data are kept)",
)
PUBLISH_TIMEOUT: Final = FloatSetting(
    key="publish_timeout",
    flag="--publish-timeout",
    variable="AZTEC_L1_PUBLISH_TIMEOUT",
    default=30.0,
    minimum=0.1,
    maximum=MAX_WAIT_S,
    unit="s",
    metavar="S",
    help="Wait for an L1 tx's inclusion at most this (s).",
)
PROVER_KIND: Final = ChoiceSetting(
    key="prover_kind",
    flag="--prover-kind",
    variable="AZTEC_PROVER",
    default="native",
    choices=("native", "test"),
    metavar="KIND",
    help="native or test.",
)
PROVER_WORKERS: Final = IntSetting(
    key="prover_workers",
    flag="--prover-workers",
    variable="AZTEC_PROVER_WORKERS",
    default=1,
    minimum=1,
    maximum=max(64, 4 * (os.cpu_count() or 1)),
    maximum_doc="max(64, 4 x CPUs)",
    metavar="N",
    help="Native prover processes.",
)
PROVER_SCALE: Final = FloatSetting(
    key="prover_scale",
    flag="--prover-scale",
    variable="AZTEC_PROVER_SCALE",
    default=0.05,
    minimum=0.0,
    exclusive_minimum=True,
    maximum=1000.0,
    metavar="X",
    help="Native prover cost-model scale (1 = full).",
    accepted_doc="with `--prover`, a full block estimated (cost model) to prove within an hour",
)
PROVER_NODE_URL: Final = TextSetting(
    key="prover_node_url",
    flag="--prover-node-url",
    variable="AZTEC_PROVER_NODE_URL",
    default="",
    metavar="URL",
    help="Node a prover without --sequencer fetches blocks' txs from (default: http://RPC-HOST:RPC-PORT/).",
    default_doc="`http://RPC-HOST:RPC-PORT/` (the sequencer's default address)",
    accepted_doc="an http(s) URL",
)
BOT_TPS: Final = FloatSetting(
    key="bot_tps",
    flag="--bot-tps",
    variable="AZTEC_BOT_TPS",
    default=2.0,
    minimum=0.001,
    maximum=10_000.0,
    metavar="TPS",
    help="Bot transfers per second.",
)
BOT_ACCOUNTS: Final = IntSetting(
    key="bot_accounts",
    flag="--bot-accounts",
    variable="AZTEC_BOT_ACCOUNTS",
    default=4,
    minimum=1,
    maximum=10_000,
    metavar="N",
    help="Bot sender accounts.",
)
BOT_RPC_URL: Final = TextSetting(
    key="bot_rpc_url",
    flag="--bot-rpc-url",
    variable="AZTEC_BOT_RPC_URL",
    default="",
    metavar="URL",
    help="Node the bot sends to (default: this process's sequencer, else http://RPC-HOST:RPC-PORT/).",
    default_doc="this process's sequencer, else `http://RPC-HOST:RPC-PORT/`",
    accepted_doc="an http(s) URL",
)
PROMETHEUS_SD_FILE: Final = TextSetting(
    key="prometheus_sd_file",
    flag="--prometheus-sd-file",
    variable="AZTEC_PROMETHEUS_SD_FILE",
    default="",
    metavar="PATH",
    help="Write this process's scrape endpoints to this Prometheus file SD (.json) file; removed on stop.",
    accepted_doc="a `.json` path in a writable directory; an existing file must be a file SD list",
)
STATUS: Final = Switch(
    key="status",
    flag="--status/--no-status",
    variable=None,
    default=True,
    help="Live status screen (needs a terminal).",
    default_doc="live screen when stdout is a terminal, else a status log line every 10 s",
)
LOG_LEVEL: Final = TextSetting(
    key="log_level",
    flag="--log-level",
    variable="AZTEC_LOG_LEVEL",
    default="",
    help="Level and per-module overrides: 'info; debug:sequencer'.",
    default_doc="`info` (`warn` under the live screen)",
    accepted_doc="a level, with per-module overrides: `info; debug:sequencer,archiver`",
)
LOG_FORMAT: Final = ChoiceSetting(
    key="log_format",
    flag="--log-format",
    variable="AZTEC_LOG_FORMAT",
    default="text",
    choices=("text", "json"),
    help="text or json.",
    accepted_doc="`json`: one JSON object per line",
)

ROLE_SWITCHES: Final[tuple[Switch, ...]] = (SANDBOX, L1, SEQUENCER, PROVER, NODE, BOT)
START_SETTINGS: Final[tuple[Setting[Any], ...]] = (
    *ROLE_SWITCHES,
    DATA_DIR,
    RPC_HOST,
    RPC_PORT,
    RPC_ALLOWED_HOSTS,
    RPC_CORS_ORIGINS,
    RPC_MAX_CONNECTIONS,
    RPC_HEADER_TIMEOUT,
    RPC_BODY_TIMEOUT,
    RPC_IDLE_TIMEOUT,
    METRICS_PORT,
    METRICS_HOST,
    NO_METRICS,
    L1_BLOCK_TIME,
    SLOT_DURATION,
    MIN_TXS,
    MAX_TXS,
    MAX_BLOCK_WAIT,
    TX_POOL_SIZE,
    WORLD_STATE_MAP_SIZE,
    PUBLISH_TIMEOUT,
    PROVER_KIND,
    PROVER_WORKERS,
    PROVER_SCALE,
    PROVER_NODE_URL,
    BOT_TPS,
    BOT_ACCOUNTS,
    BOT_RPC_URL,
    PROMETHEUS_SD_FILE,
    STATUS,
    LOG_LEVEL,
    LOG_FORMAT,
)
"""Every ``aztec start`` option, in the order ``--help`` and the README list them."""

COMMAND_SETTINGS: Final[tuple[Setting[Any], ...]] = (*ROLE_SWITCHES, STATUS, LOG_LEVEL, LOG_FORMAT)
"""Read by the command itself (which roles, the screen, logging)."""
CHECKED_SETTINGS: Final[tuple[Setting[Any], ...]] = tuple(s for s in START_SETTINGS if s not in COMMAND_SETTINGS)
"""The rest: the fields of ``StartArgs``, checked by :func:`~aztec.sandbox.validation.validate_start`."""


def settings_table() -> str:
    """The README's table of ``aztec start``'s settings."""
    return markdown_table(START_SETTINGS)


if __name__ == "__main__":
    print(settings_table(), end="")
