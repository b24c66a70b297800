"""Every ``aztec start`` setting, listed once: :data:`START_SETTINGS` assembles the components'
definitions (:mod:`aztec.stdlib.config`: the node's RPC, the sequencer, the L1, the tx pool, the world
state, the prover, the bot) with this command's own (roles, data directory, scrape endpoint, screen, logs).

``aztec start``'s options (typer reads the variables when a flag is not given), the raw values and
defaults of :class:`~aztec.sandbox.validation.StartArgs`, the defaults of
:class:`~aztec.sandbox.roles.StartConfig` and of the component configs, the per-setting checks and their
messages, and the README's settings table (``uv run python -m aztec.sandbox.settings``) all come from the
definitions.

To add a setting: one definition in the component's module under :mod:`aztec.stdlib.config` (or here,
when only this command reads it), listed in :data:`START_SETTINGS` (in the order ``--help`` lists it);
the component config's field default references it (``= SLOT_DURATION.default``); read it in
``validate_start`` (``args.value(NAME)``: parsed, a bad value refused in the settings' words; cross-field
checks beside it) into a field of ``StartConfig``; then paste the new README table. A role is a
:class:`~aztec.foundation.settings.Switch` in :data:`ROLE_SWITCHES` (and a field of ``Roles``).
``tests/sandbox/test_settings.py`` fails until the options, ``StartArgs`` and the README agree.

Light on purpose (no node module): ``aztec start --help`` imports it.
"""

from __future__ import annotations

from typing import Any, Final

from aztec.foundation.otel_defaults import PROMETHEUS_EXPORTER_PORT
from aztec.foundation.settings import (
    ChoiceSetting,
    HostSetting,
    IntSetting,
    Setting,
    Switch,
    TextSetting,
    markdown_table,
)
from aztec.stdlib.config.bot import BOT_ACCOUNTS, BOT_RPC_URL, BOT_TPS
from aztec.stdlib.config.bounds import MAX_PORT
from aztec.stdlib.config.l1 import L1_BLOCK_TIME, PUBLISH_TIMEOUT
from aztec.stdlib.config.node import (
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

BOT_METRICS_OFFSET: Final = 1
FOLLOWER_METRICS_OFFSET: Final = 2
PROVER_METRICS_OFFSET: Final = 3
"""The bot's scrape port is ``--metrics-port`` + 1, the follower's + 2, a standalone prover's + 3."""

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
METRICS_PORT: Final = IntSetting(
    key="metrics_port",
    flag="--metrics-port",
    variable="AZTEC_PROMETHEUS_PORT",
    also_read=("OTEL_EXPORTER_PROMETHEUS_PORT",),
    default=PROMETHEUS_EXPORTER_PORT,
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
