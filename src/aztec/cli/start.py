"""``aztec start``: runs the sandbox, or single roles, with a flag and an environment variable per setting."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from aztec.sandbox.roles import StartConfig


def start(
    sandbox: bool = typer.Option(False, "--sandbox", help="Everything: L1, sequencer node with prover, follower, bot."),
    l1: bool = typer.Option(False, "--l1", help="Mine the development L1 (data-dir/l1.sqlite) in this process."),
    sequencer: bool = typer.Option(False, "--sequencer", help="A node that sequences blocks."),
    prover: bool = typer.Option(
        False, "--prover", help="Prove blocks: with --sequencer its own; alone every block on L1 (txs from a node)."
    ),
    node: bool = typer.Option(False, "--node", help="A node that follows L1 (no sequencing)."),
    bot: bool = typer.Option(False, "--bot", help="Send token transfers to a node."),
    data_dir: str = typer.Option(
        "~/.aztec-node", envvar="AZTEC_DATA_DIR", metavar="DIR", help="Where everything is persisted."
    ),
    rpc_host: str = typer.Option("127.0.0.1", envvar="AZTEC_RPC_HOST", metavar="HOST", help="JSON-RPC bind address."),
    rpc_port: str = typer.Option(
        "8080", envvar="AZTEC_RPC_PORT", metavar="PORT", help="Sequencer node JSON-RPC port (follower: +1; 0: any)."
    ),
    rpc_allowed_hosts: str = typer.Option(
        "",
        envvar="AZTEC_RPC_ALLOWED_HOSTS",
        metavar="HOSTS",
        help="Host names the RPC answers, comma-separated (* any).",
    ),
    rpc_cors_origins: str = typer.Option(
        "", envvar="AZTEC_RPC_CORS_ORIGINS", metavar="ORIGINS", help="Origins allowed by CORS (default: CORS off)."
    ),
    rpc_max_connections: str = typer.Option(
        "256", envvar="AZTEC_RPC_MAX_CONNECTIONS", metavar="N", help="Most open JSON-RPC connections."
    ),
    rpc_header_timeout: str = typer.Option(
        "10", envvar="AZTEC_RPC_HEADER_TIMEOUT", metavar="S", help="Seconds a request's headers may take."
    ),
    rpc_body_timeout: str = typer.Option(
        "30", envvar="AZTEC_RPC_BODY_TIMEOUT", metavar="S", help="Seconds a request body may take."
    ),
    rpc_idle_timeout: str = typer.Option(
        "60", envvar="AZTEC_RPC_IDLE_TIMEOUT", metavar="S", help="Seconds an idle keep-alive connection is kept."
    ),
    metrics_port: str = typer.Option(
        "9464",
        envvar=["OTEL_EXPORTER_PROMETHEUS_PORT", "AZTEC_PROMETHEUS_PORT"],
        metavar="PORT",
        help="Sequencer node scrape endpoint port (bot: +1, follower: +2, prover alone: +3; 0: any).",
    ),
    metrics_host: str = typer.Option(
        "127.0.0.1",
        envvar=["OTEL_EXPORTER_PROMETHEUS_HOST", "AZTEC_PROMETHEUS_HOST"],
        metavar="HOST",
        help="Scrape endpoint address.",
    ),
    no_metrics: bool = typer.Option(False, "--no-metrics", help="No scrape endpoint (no-op client unless OTLP set)."),
    l1_block_time: str = typer.Option("1", envvar="AZTEC_L1_BLOCK_TIME", metavar="S", help="L1 block time (s)."),
    slot_duration: str = typer.Option("2", envvar="AZTEC_SLOT_DURATION", metavar="S", help="Sequencer slot (s)."),
    min_txs: str = typer.Option("1", envvar="AZTEC_MIN_TXS_PER_BLOCK", metavar="N", help="Min txs per block."),
    max_txs: str = typer.Option("32", envvar="AZTEC_MAX_TXS_PER_BLOCK", metavar="N", help="Max txs per block."),
    max_block_wait: str = typer.Option(
        "10", envvar="AZTEC_MAX_BLOCK_WAIT", metavar="S", help="Publish fewer than min txs after this wait (s)."
    ),
    tx_pool_size: str = typer.Option("10000", envvar="AZTEC_TX_POOL_MAX_TXS", metavar="N", help="Max pending txs."),
    world_state_map_size_kb: str = typer.Option(
        str(4 << 20), envvar="AZTEC_WORLD_STATE_MAP_SIZE_KB", metavar="KIB", help="World-state LMDB map size (KiB)."
    ),
    publish_timeout: str = typer.Option(
        "30", envvar="AZTEC_L1_PUBLISH_TIMEOUT", metavar="S", help="Wait for an L1 tx's inclusion at most this (s)."
    ),
    prover_kind: str = typer.Option(
        "native", "--prover-kind", envvar="AZTEC_PROVER", metavar="KIND", help="native or test."
    ),
    prover_workers: str = typer.Option(
        "1", envvar="AZTEC_PROVER_WORKERS", metavar="N", help="Native prover processes."
    ),
    prover_scale: str = typer.Option(
        "0.05", envvar="AZTEC_PROVER_SCALE", metavar="X", help="Native prover cost-model scale (1 = full)."
    ),
    prover_node_url: str = typer.Option(
        "",
        envvar="AZTEC_PROVER_NODE_URL",
        metavar="URL",
        help="Node a prover without --sequencer fetches blocks' txs from (default: http://RPC-HOST:RPC-PORT/).",
    ),
    bot_tps: str = typer.Option("2", envvar="AZTEC_BOT_TPS", metavar="TPS", help="Bot transfers per second."),
    bot_accounts: str = typer.Option("4", envvar="AZTEC_BOT_ACCOUNTS", metavar="N", help="Bot sender accounts."),
    bot_rpc_url: str = typer.Option(
        "",
        envvar="AZTEC_BOT_RPC_URL",
        metavar="URL",
        help="Node the bot sends to (default: this process's sequencer, else http://RPC-HOST:RPC-PORT/).",
    ),
    prometheus_sd_file: str = typer.Option(
        "",
        envvar="AZTEC_PROMETHEUS_SD_FILE",
        metavar="PATH",
        help="Write this process's scrape endpoints to this Prometheus file SD (.json) file; removed on stop.",
    ),
    status: bool = typer.Option(True, "--status/--no-status", help="Live status screen (needs a terminal)."),
    log_level: str = typer.Option(
        "", "--log-level", envvar="AZTEC_LOG_LEVEL", help="Level and per-module overrides: 'info; debug:sequencer'."
    ),
    log_format: str = typer.Option("text", "--log-format", envvar="AZTEC_LOG_FORMAT", help="text or json."),
) -> None:
    """Start the sandbox (--sandbox) or the roles named by flags, until Ctrl-C."""
    # Imported here, not at the top: `aztec start --help` must not load the node (tests/cli/test_startup.py).
    from rich.console import Console
    from rich.markup import escape

    from aztec.foundation.config import ConfigError
    from aztec.sandbox.roles import Roles
    from aztec.sandbox.validation import StartArgs, validate_start

    console = Console(highlight=False, soft_wrap=True)
    roles = Roles.sandbox() if sandbox else Roles(l1=l1, sequencer=sequencer, prover=prover, follower=node, bot=bot)
    if not roles.any:
        console.print("Say what to start: --sandbox, or roles among --l1 --sequencer --prover --node --bot")
        raise typer.Exit(2)
    args = StartArgs(
        roles=roles,
        data_dir=data_dir,
        rpc_host=rpc_host,
        rpc_port=rpc_port,
        rpc_allowed_hosts=rpc_allowed_hosts,
        rpc_cors_origins=rpc_cors_origins,
        rpc_max_connections=rpc_max_connections,
        rpc_header_timeout=rpc_header_timeout,
        rpc_body_timeout=rpc_body_timeout,
        rpc_idle_timeout=rpc_idle_timeout,
        metrics_host=metrics_host,
        metrics_port=metrics_port,
        no_metrics=no_metrics,
        l1_block_time=l1_block_time,
        slot_duration=slot_duration,
        min_txs=min_txs,
        max_txs=max_txs,
        max_block_wait=max_block_wait,
        tx_pool_size=tx_pool_size,
        world_state_map_size_kb=world_state_map_size_kb,
        publish_timeout=publish_timeout,
        prover_kind=prover_kind,
        prover_workers=prover_workers,
        prover_scale=prover_scale,
        prover_node_url=prover_node_url,
        bot_tps=bot_tps,
        bot_accounts=bot_accounts,
        bot_rpc_url=bot_rpc_url,
        prometheus_sd_file=prometheus_sd_file,
    )
    try:
        config = validate_start(args)
    except ConfigError as error:
        console.print(f"[red]cannot start:[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    live = status and sys.stdout.isatty()
    try:
        _configure_logging(log_level, log_format, logging.WARNING if live else logging.INFO)
    except ConfigError as error:
        console.print(f"[red]cannot start:[/red] {escape(str(error))}")
        raise typer.Exit(2) from None
    from aztec.sandbox.runner import StartFailedError  # the node's modules, once the settings are known good

    try:
        asyncio.run(_main(config, console, live))
    except StartFailedError:
        raise typer.Exit(2) from None
    except KeyboardInterrupt:  # Ctrl-C before the loop's own handler was installed: no traceback either
        console.print("interrupted")
        raise typer.Exit(130) from None


def _configure_logging(level_spec: str, log_format: str, default_level: int) -> None:
    """Log lines as ``--log-level`` / ``--log-format`` say, stamped with the node's identity and trace ids,
    repeats rate-limited and no traceback below ERROR (:mod:`aztec.foundation.logs`)."""
    from aztec.foundation.logs import add_filters
    from aztec.telemetry.config import TelemetryConfig
    from aztec.telemetry.log_settings import LogSettings, parse_log_format, parse_log_level
    from aztec.telemetry.log_setup import configure_logging

    level, overrides = (
        (default_level, {}) if not level_spec.strip() else parse_log_level(level_spec, "AZTEC_LOG_LEVEL / --log-level")
    )
    settings = LogSettings(level, overrides, parse_log_format(log_format, "AZTEC_LOG_FORMAT / --log-format"))
    telemetry = TelemetryConfig.from_env()
    handler = configure_logging(
        settings, service_name=telemetry.service_name, service_instance_id=telemetry.service_instance_id
    )
    add_filters(handler)


async def _main(config: StartConfig, console: Console, live: bool) -> None:
    from aztec.sandbox.runner import run

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await run(config, stop, console, live=live)
