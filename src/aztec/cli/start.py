"""``aztec start``: runs the sandbox, or single roles, with a flag and an environment variable per setting."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from pathlib import Path

import typer
from rich.console import Console

from aztec.foundation.config import ConfigError
from aztec.node.config import ProverConfig
from aztec.sandbox.roles import Roles, StartConfig
from aztec.sandbox.runner import run
from aztec.sequencer.config import SequencerConfig
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.log_settings import LogSettings, parse_log_format, parse_log_level
from aztec.telemetry.log_setup import configure_logging

DEFAULT_DATA_DIR = Path.home() / ".aztec-node"


def start(
    sandbox: bool = typer.Option(False, "--sandbox", help="Everything: L1, sequencer node with prover, follower, bot."),
    l1: bool = typer.Option(False, "--l1", help="Mine the development L1 (data-dir/l1.sqlite) in this process."),
    sequencer: bool = typer.Option(False, "--sequencer", help="A node that sequences blocks."),
    prover: bool = typer.Option(False, "--prover", help="Prove the sequencer's blocks (with --sequencer)."),
    node: bool = typer.Option(False, "--node", help="A node that follows L1 (no sequencing)."),
    bot: bool = typer.Option(False, "--bot", help="Send token transfers to a node."),
    data_dir: Path = typer.Option(DEFAULT_DATA_DIR, envvar="AZTEC_DATA_DIR", help="Where everything is persisted."),
    rpc_host: str = typer.Option("127.0.0.1", envvar="AZTEC_RPC_HOST", help="JSON-RPC bind address."),
    rpc_port: int = typer.Option(8080, envvar="AZTEC_RPC_PORT", min=0, max=65535, help="Node JSON-RPC port."),
    metrics_port: int = typer.Option(
        9464,
        envvar="AZTEC_PROMETHEUS_PORT",
        min=0,
        max=65535,
        help="Node scrape endpoint port (bot: +1, follower: +2).",
    ),
    metrics_host: str = typer.Option("127.0.0.1", envvar="AZTEC_PROMETHEUS_HOST", help="Scrape endpoint address."),
    no_metrics: bool = typer.Option(False, "--no-metrics", help="No scrape endpoint (no-op client unless OTLP set)."),
    l1_block_time: float = typer.Option(1.0, envvar="AZTEC_L1_BLOCK_TIME", min=0.01, help="L1 block time (s)."),
    slot_duration: float = typer.Option(2.0, envvar="AZTEC_SLOT_DURATION", min=0.01, help="Sequencer slot (s)."),
    min_txs: int = typer.Option(1, envvar="AZTEC_MIN_TXS_PER_BLOCK", min=1, help="Min txs per block."),
    max_txs: int = typer.Option(32, envvar="AZTEC_MAX_TXS_PER_BLOCK", min=1, help="Max txs per block."),
    max_block_wait: float = typer.Option(
        10.0, envvar="AZTEC_MAX_BLOCK_WAIT", min=0, help="Publish fewer than min txs after this wait (s)."
    ),
    tx_pool_size: int = typer.Option(10_000, envvar="AZTEC_TX_POOL_MAX_TXS", min=1, help="Max pending txs."),
    prover_kind: str = typer.Option("native", "--prover-kind", envvar="AZTEC_PROVER", help="native or test."),
    prover_workers: int = typer.Option(1, envvar="AZTEC_PROVER_WORKERS", min=1, help="Native prover processes."),
    prover_scale: float = typer.Option(
        0.05, envvar="AZTEC_PROVER_SCALE", min=0.0, help="Native prover cost-model scale (1 = full)."
    ),
    bot_tps: float = typer.Option(2.0, envvar="AZTEC_BOT_TPS", min=0.001, help="Bot transfers per second."),
    bot_accounts: int = typer.Option(4, envvar="AZTEC_BOT_ACCOUNTS", min=1, help="Bot sender accounts."),
    bot_rpc_url: str = typer.Option("", envvar="AZTEC_BOT_RPC_URL", help="Node the bot sends to (bot-only runs)."),
    status: bool = typer.Option(True, "--status/--no-status", help="Live status screen (needs a terminal)."),
    log_level: str = typer.Option(
        "", "--log-level", envvar="AZTEC_LOG_LEVEL", help="Level and per-module overrides: 'info; debug:sequencer'."
    ),
    log_format: str = typer.Option("text", "--log-format", envvar="AZTEC_LOG_FORMAT", help="text or json."),
) -> None:
    """Start the sandbox (--sandbox) or the roles named by flags, until Ctrl-C."""
    console = Console(highlight=False, soft_wrap=True)
    roles = Roles.sandbox() if sandbox else Roles(l1=l1, sequencer=sequencer, prover=prover, follower=node, bot=bot)
    if not roles.any:
        console.print("Say what to start: --sandbox, or roles among --l1 --sequencer --prover --node --bot")
        raise typer.Exit(2)
    if roles.prover and not roles.sequencer:
        console.print("--prover proves the blocks of this process's sequencer: add --sequencer")
        raise typer.Exit(2)
    if prover_kind not in ("native", "test"):
        console.print(f"invalid setting AZTEC_PROVER / --prover-kind={prover_kind!r}: expected native or test")
        raise typer.Exit(2)
    try:
        config = StartConfig(
            roles=roles,
            data_dir=data_dir.expanduser(),
            rpc_host=rpc_host,
            rpc_port=rpc_port,
            metrics_host=metrics_host,
            metrics_port=None if no_metrics else metrics_port,
            l1_block_time_s=l1_block_time,
            sequencer=SequencerConfig(
                slot_duration_s=slot_duration,
                min_txs_per_block=min_txs,
                max_txs_per_block=max_txs,
                max_block_wait_s=max_block_wait,
            ),
            prover=ProverConfig(kind=prover_kind, workers=prover_workers, scale=prover_scale),
            tx_pool_max_txs=tx_pool_size,
            bot_tx_per_second=bot_tps,
            bot_accounts=bot_accounts,
            bot_rpc_url=bot_rpc_url or None,
        )
    except ValueError as error:
        console.print(f"[red]invalid settings:[/red] {error}")
        raise typer.Exit(2) from None
    live = status and sys.stdout.isatty()
    try:
        _configure_logging(log_level, log_format, logging.WARNING if live else logging.INFO)
    except ConfigError as error:
        console.print(f"[red]invalid settings:[/red] {error}")
        raise typer.Exit(2) from None
    try:
        asyncio.run(_main(config, console, live))
    except (ConfigError, OSError, ValueError) as error:
        console.print(f"[red]cannot start:[/red] {error}")
        raise typer.Exit(2) from None


def _configure_logging(level_spec: str, log_format: str, default_level: int) -> None:
    """Log lines as ``--log-level`` / ``--log-format`` say, stamped with the node's identity and trace ids."""
    level, overrides = (
        (default_level, {}) if not level_spec.strip() else parse_log_level(level_spec, "AZTEC_LOG_LEVEL / --log-level")
    )
    settings = LogSettings(level, overrides, parse_log_format(log_format, "AZTEC_LOG_FORMAT / --log-format"))
    telemetry = TelemetryConfig.from_env()
    configure_logging(settings, service_name=telemetry.service_name, service_instance_id=telemetry.service_instance_id)


async def _main(config: StartConfig, console: Console, live: bool) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    await run(config, stop, console, live=live)
