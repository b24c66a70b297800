"""Runs the selected roles in one asyncio loop until told to stop, then shuts down in order.

Shutdown order keeps every committed block: the bot stops sending, the RPC servers stop accepting,
the nodes stop sequencing, proving and following (closing their databases after the last commit),
the L1 stops mining, and last the telemetry clients flush their exporters.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.live import Live
from rich.markup import escape

from aztec.bot.bot import Bot
from aztec.bot.config import BotConfig
from aztec.foundation.config import ConfigError
from aztec.foundation.json_rpc.server import JsonRpcServer
from aztec.foundation.logs import console_logging
from aztec.foundation.settings import Setting
from aztec.l1.dev_chain import DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config
from aztec.node.config import NodeConfig
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.node.service import READINESS_L1_TIMEOUT_S, READINESS_MAX_LAG_BLOCKS, AztecNodeService
from aztec.prover_node.standalone import StandaloneProver, StandaloneProverConfig
from aztec.sandbox import service_discovery
from aztec.sandbox.roles import StartConfig
from aztec.sandbox.service_discovery import ScrapeTarget
from aztec.sandbox.settings import METRICS_PORT, PROMETHEUS_SD_FILE
from aztec.sandbox.status import StatusBoard, StatusSample
from aztec.sandbox.telemetry import service_telemetry
from aztec.stdlib.config.node import RPC_PORT
from aztec.stdlib.interfaces.aztec_node_client import NodeRpcClient
from aztec.telemetry import TelemetryClient
from aztec.telemetry.host_metrics import EventLoopLagMonitor
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.shutdown import stop_all
from aztec.telemetry.wrappers.json_rpc import JsonRpcClientTracing
from aztec.world_state.genesis import genesis_archive_root

_log = logging.getLogger("aztec.sandbox")


@dataclass
class Running:
    """Everything started so far, stopped in reverse dependency order."""

    l1: DevL1Chain | None = None
    mining: bool = False
    node: AztecNodeService | None = None
    node_rpc: JsonRpcServer | None = None
    follower: AztecNodeService | None = None
    follower_rpc: JsonRpcServer | None = None
    prover: StandaloneProver | None = None
    bot: Bot | None = None
    lag: EventLoopLagMonitor | None = None
    clients: list[TelemetryClient] = field(default_factory=list)
    labelled_clients: list[tuple[str, TelemetryClient]] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)
    scrape_targets: list[ScrapeTarget] = field(default_factory=list)

    def refuse_readiness(self) -> None:
        """From now on every scrape endpoint's ``/readyz`` answers 503: its roles are stopping."""
        for client in self.clients:  # the scrape endpoints outlive the roles: /readyz must not ask them
            client.set_readiness(_stopping)

    async def stop(self) -> None:
        self.refuse_readiness()
        if self.bot is not None:
            await self.bot.stop()
        for server in (self.node_rpc, self.follower_rpc):
            if server is not None:
                await server.stop()
        if self.prover is not None:
            await self.prover.stop()
        for node in (self.follower, self.node):
            if node is not None:
                await node.stop()
        if self.l1 is not None:
            if self.mining:
                await self.l1.stop()
            self.l1.close()
        if self.lag is not None:
            await self.lag.stop()
        stop_all(self.clients)


async def _stopping() -> dict[str, bool]:
    return {"running": False}


def _describe(name: str, client: TelemetryClient) -> list[str]:
    if isinstance(client, OtelTelemetryClient):
        return [f"{name} metrics: {line}" for line in client.describe()]
    return [f"{name} metrics: off"]


class StartFailedError(Exception):
    """Start-up failed; the reason was printed (``cannot start: ...``) before the stopping lines."""


def serve_node_rpc(node: AztecNodeService, telemetry: TelemetryClient) -> JsonRpcServer:
    """A (not yet started) JSON-RPC server for ``node``, with its config's policy, limits and readiness."""
    config = node.config
    return build_node_rpc_server(
        node,
        telemetry,
        config.rpc_host,
        config.rpc_port,
        config.rpc_max_body_bytes,
        limits=config.rpc.limits,
        allowed_hosts=config.rpc.allowed_hosts,
        cors_origins=config.rpc.cors_origins,
        readiness=node.readiness,
    )


async def start_roles(config: StartConfig, running: Running) -> None:
    """Start each role with its own telemetry client and default ports (see :class:`StartConfig`).

    A bot-only process opens no L1 and writes nothing below the data directory; an L1-only process
    serves no metrics (the L1 has none).
    """
    roles = config.roles
    if roles.needs_data_dir:
        config.data_dir.mkdir(parents=True, exist_ok=True)
        running.l1 = DevL1Chain.open(
            config.l1_path, genesis_archive_root(), DevL1Config(block_time_s=config.l1_block_time_s)
        )
    if roles.l1:
        assert running.l1 is not None
        await running.l1.start()
        running.mining = True
    if roles.sequencer:
        assert running.l1 is not None
        node_telemetry = _client(running, "node", "aztec-node", "sequencer", config, config.metrics_port)
        node_config = NodeConfig(
            config.data_dir / "sequencer",
            rpc_host=config.rpc_host,
            rpc_port=config.rpc_port,
            rpc=config.rpc,
            sequencer=config.sequencer,
            prover=config.prover if roles.prover else None,
            tx_pool_max_txs=config.tx_pool_max_txs,
            world_state_map_size=config.world_state_map_size_kb * 1024,
        )
        running.node = AztecNodeService.create(node_config, node_telemetry, running.l1, DEV_PUBLISHER_ADDRESS)
        await running.node.start()
        node_telemetry.set_readiness(running.node.readiness)
        running.node_rpc = serve_node_rpc(running.node, node_telemetry)
        with _naming(RPC_PORT, f"the sequencer's JSON-RPC port {config.rpc_host}:{config.rpc_port}"):
            await running.node_rpc.start()
        running.addresses.append(f"sequencer node JSON-RPC: {running.node_rpc.url}")
    if roles.follower:
        assert running.l1 is not None
        follower_telemetry = _client(
            running, "follower", "aztec-node", "follower", config, config.follower_metrics_port
        )
        rpc_port = config.follower_rpc_port
        follower_config = NodeConfig(
            config.data_dir / "follower",
            rpc_host=config.rpc_host,
            rpc_port=rpc_port,
            rpc=config.rpc,
            tx_pool_max_txs=config.tx_pool_max_txs,
            world_state_map_size=config.world_state_map_size_kb * 1024,
        )
        running.follower = AztecNodeService.create(
            follower_config, follower_telemetry, running.l1, DEV_PUBLISHER_ADDRESS
        )
        await running.follower.start()
        follower_telemetry.set_readiness(running.follower.readiness)
        running.follower_rpc = serve_node_rpc(running.follower, follower_telemetry)
        with _naming(RPC_PORT, f"the follower's JSON-RPC port {config.rpc_host}:{rpc_port} (--rpc-port + 1)"):
            await running.follower_rpc.start()
        running.addresses.append(f"follower node JSON-RPC: {running.follower_rpc.url}")
    if roles.standalone_prover:
        await _start_standalone_prover(config, running)
    if roles.bot:
        rpc_url = config.bot_rpc_url or (running.node_rpc.url if running.node_rpc is not None else None)
        if rpc_url is None:
            raise ValueError("the bot needs a node: run it with --sequencer or give --bot-rpc-url")
        bot_telemetry = _client(running, "bot", "aztec-bot", "bot", config, config.bot_metrics_port)
        running.bot = Bot(
            rpc_url, bot_telemetry, BotConfig(tx_per_second=config.bot_tx_per_second, accounts=config.bot_accounts)
        )
        await running.bot.start()
        bot_telemetry.set_readiness(running.bot.readiness)
        running.addresses.append(f"bot sends to: {rpc_url}")


async def _start_standalone_prover(config: StartConfig, running: Running) -> None:
    """A prover of its own: follows the L1 file, fetches each block's txs from ``config.prover_node_url``."""
    assert running.l1 is not None and config.prover_node_url is not None
    telemetry = _client(running, "prover", "aztec-node", "prover", config, config.prover_metrics_port)
    prover_config = StandaloneProverConfig(
        config.data_dir / "prover",
        prover=config.prover,
        world_state_map_size=config.world_state_map_size_kb * 1024,
    )
    tracing = JsonRpcClientTracing(telemetry.get_tracer("NodeRpcClient"), config.prover_node_url)
    source = NodeRpcClient(config.prover_node_url, hooks=tracing)
    running.prover = StandaloneProver.create(prover_config, telemetry, running.l1, source)
    await running.prover.start()
    prover = running.prover
    telemetry.set_readiness(
        lambda: prover.readiness(max_lag_blocks=READINESS_MAX_LAG_BLOCKS, l1_timeout_s=READINESS_L1_TIMEOUT_S)
    )
    running.addresses.append(f"prover fetches txs from: {config.prover_node_url}")


@contextlib.contextmanager
def _naming(setting: Setting[Any], what: str) -> Iterator[None]:
    """A listener that cannot bind names the setting behind it (``... is in use; set --rpc-port / ...``)."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES):
            raise
        reason = os.strerror(error.errno)
        raise ValueError(f"{what} is not available ({reason}); choose another with {setting.name}") from None


def _client(
    running: Running, label: str, service: str, role: str, config: StartConfig, port: int | None
) -> TelemetryClient:
    """This role's telemetry client; the first one in the process is its primary service (its instance id is
    the configured one, the others append their role) and carries the event-loop lag monitor."""
    with _naming(METRICS_PORT, f"the {label}'s scrape port {config.metrics_host}:{port}"):
        client = service_telemetry(
            service,
            role=role,
            data_dir=config.data_dir,
            primary=not running.clients,
            metrics_host=config.metrics_host,
            metrics_port=port,
        )
    running.clients.append(client)
    running.labelled_clients.append((label, client))
    if isinstance(client, OtelTelemetryClient) and client.prometheus is not None:
        instance_id = str(client.config.resource_attributes["service.instance.id"])
        target = ScrapeTarget(config.metrics_host, client.prometheus.port, service, role, instance_id)
        running.scrape_targets.append(target)
    running.addresses += _describe(label, client)
    if running.lag is None:
        running.lag = EventLoopLagMonitor(client)
        running.lag.start()
    return client


def sample(running: Running) -> StatusSample:
    node = running.node or running.follower
    if node is not None:
        status = node.status()
    elif running.prover is not None:
        status = running.prover.status()
    else:
        status = {"block": 0, "proven": 0, "pool": 0, "proving_queue": 0}
    bot = running.bot.stats() if running.bot is not None else None
    return StatusSample(
        at=time.monotonic(),
        block=status["block"],
        proven=status["proven"],
        mined_txs=node.mined_txs if node is not None else 0,
        pool=status["pool"],
        proving_queue=status["proving_queue"],
        bot_sent=bot.sent if bot else 0,
        bot_mined=bot.mined if bot else 0,
        bot_failed=bot.failed if bot else 0,
        follower_block=running.follower.status()["block"] if running.follower and running.node else None,
        bot_node_errors=bot.node_errors if bot else 0,
        bot_last_node_error=bot.last_node_error if bot else None,
    )


def _short(text: str, limit: int = 100) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def export_health(running: Running) -> list[tuple[str, str]]:
    """(service, state) rows: where each client's metrics go and whether the last exports worked."""
    rows: list[tuple[str, str]] = []
    for label, client in running.labelled_clients:
        if not isinstance(client, OtelTelemetryClient):
            rows.append((label, "metrics off"))
            continue
        if client.prometheus is not None:
            rows.append((label, f"scrape endpoint {client.prometheus.url}"))
        for endpoint in client.health.endpoints():
            if endpoint.failing:
                state = f"FAILING ({endpoint.failures} failed): {_short(endpoint.last_error or '')}"
            else:
                state = f"ok ({endpoint.successes} exports)"
            rows.append((label, f"{endpoint.exporter} {endpoint.endpoint}: {state}"))
        if client.config.otlp_metrics_endpoint is not None and not client.health.endpoints():
            rows.append((label, f"OTLP {client.config.otlp_metrics_endpoint}: no export yet"))
    return rows


async def run(
    config: StartConfig,
    stop: asyncio.Event,
    console: Console,
    *,
    live: bool,
    on_started: Callable[[Running], None] | None = None,
) -> None:
    """Start the roles, show the status until ``stop`` is set, then shut everything down cleanly.

    A start-up failure prints ``cannot start: <reason>`` first, then stops what was started, then
    raises :class:`StartFailedError`. On a live screen, log lines are printed above it (never through it).
    """
    running = Running()
    title = f"aztec {config.roles.title}"
    registered = False
    try:
        sd_file = config.prometheus_sd_file
        try:
            await start_roles(config, running)
            if sd_file is not None:
                with _naming(PROMETHEUS_SD_FILE, f"the Prometheus file SD file {sd_file}"):
                    service_discovery.register(sd_file, running.scrape_targets)
                registered = True
        except (ConfigError, OSError, ValueError) as error:
            console.print(f"[red]cannot start:[/red] {escape(str(error))}")
            raise StartFailedError(str(error)) from None
        if sd_file is not None:
            console.print(f"scrape targets: {len(running.scrape_targets)} in Prometheus file SD {sd_file}")
        for line in running.addresses:
            console.print(line)
        console.print("started; Ctrl-C stops")
        if on_started is not None:
            on_started(running)
        board = StatusBoard(title=title)
        if live:
            await show_live(running, board, stop, console)
        else:
            await _log_status(running, board, stop)
    finally:
        console.print("stopping...")
        if registered and config.prometheus_sd_file is not None:
            service_discovery.deregister(config.prometheus_sd_file, running.scrape_targets)
        await running.stop()
        console.print("stopped; committed data kept, metrics flushed")


async def show_live(running: Running, board: StatusBoard, stop: asyncio.Event, console: Console) -> None:
    """The live screen until ``stop``; the metrics addresses are in its export rows, the others below them."""
    addresses = [line for line in running.addresses if " metrics: " not in line]
    with (
        console_logging(console),
        Live(board.render(addresses), console=console, refresh_per_second=2, transient=True) as screen,
    ):
        while not stop.is_set():
            board.add(sample(running), export_health(running))
            screen.update(board.render(addresses))
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), 1.0)


async def _log_status(running: Running, board: StatusBoard, stop: asyncio.Event) -> None:
    last_log = 0.0
    while not stop.is_set():
        s = sample(running)
        board.add(s, export_health(running))
        if time.monotonic() - last_log >= 10:
            _log.info(
                "status: block %d, proven %d, %.2f txs/s, pool %d, proving queue %d",
                s.block,
                s.proven,
                board.txs_per_second(),
                s.pool,
                s.proving_queue,
            )
            last_log = time.monotonic()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), 1.0)
