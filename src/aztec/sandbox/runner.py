"""Runs the selected roles in one asyncio loop until told to stop, then shuts down in order.

Shutdown order keeps every committed block: the bot stops sending, the RPC servers stop accepting,
the nodes stop sequencing, proving and following (closing their databases after the last commit),
the L1 stops mining, and last the telemetry clients flush their exporters.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from rich.console import Console
from rich.live import Live

from aztec.bot.bot import Bot
from aztec.bot.config import BotConfig
from aztec.foundation.json_rpc.server import JsonRpcServer
from aztec.l1.dev_chain import DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config
from aztec.node.config import NodeConfig
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.node.service import AztecNodeService
from aztec.sandbox.roles import StartConfig
from aztec.sandbox.status import StatusBoard, StatusSample
from aztec.sandbox.telemetry import service_telemetry
from aztec.telemetry import TelemetryClient
from aztec.telemetry.host_metrics import EventLoopLagMonitor
from aztec.telemetry.otel.client import OtelTelemetryClient
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
    bot: Bot | None = None
    lag: EventLoopLagMonitor | None = None
    clients: list[TelemetryClient] = field(default_factory=list)
    addresses: list[str] = field(default_factory=list)

    async def stop(self) -> None:
        if self.bot is not None:
            await self.bot.stop()
        for server in (self.node_rpc, self.follower_rpc):
            if server is not None:
                await server.stop()
        for node in (self.follower, self.node):
            if node is not None:
                await node.stop()
        if self.l1 is not None:
            if self.mining:
                await self.l1.stop()
            self.l1.close()
        if self.lag is not None:
            await self.lag.stop()
        for client in self.clients:
            client.stop()


def _describe(name: str, client: TelemetryClient) -> list[str]:
    if isinstance(client, OtelTelemetryClient):
        return [f"{name} metrics: {line}" for line in client.describe()]
    return [f"{name} metrics: off"]


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
    roles = config.roles
    metrics_port = config.metrics_port
    node_telemetry = service_telemetry("aztec-node", metrics_host=config.metrics_host, metrics_port=metrics_port)
    running.clients.append(node_telemetry)
    running.lag = EventLoopLagMonitor(node_telemetry)
    running.lag.start()
    running.addresses += _describe("node", node_telemetry)
    config.data_dir.mkdir(parents=True, exist_ok=True)
    running.l1 = DevL1Chain.open(
        config.l1_path, genesis_archive_root(), DevL1Config(block_time_s=config.l1_block_time_s)
    )
    if roles.l1:
        await running.l1.start()
        running.mining = True
    if roles.sequencer:
        node_config = NodeConfig(
            config.data_dir / "sequencer",
            rpc_host=config.rpc_host,
            rpc_port=config.rpc_port,
            rpc=config.rpc,
            sequencer=config.sequencer,
            prover=config.prover if roles.prover else None,
            tx_pool_max_txs=config.tx_pool_max_txs,
        )
        running.node = AztecNodeService.create(node_config, node_telemetry, running.l1, DEV_PUBLISHER_ADDRESS)
        await running.node.start()
        running.node_rpc = serve_node_rpc(running.node, node_telemetry)
        await running.node_rpc.start()
        running.addresses.append(f"sequencer node JSON-RPC: {running.node_rpc.url}")
    if roles.follower:
        follower_telemetry = node_telemetry
        if roles.sequencer:
            follower_port = None if metrics_port is None else (0 if metrics_port == 0 else metrics_port + 2)
            follower_telemetry = service_telemetry(
                "aztec-node",
                instance_suffix="-follower",
                metrics_host=config.metrics_host,
                metrics_port=follower_port,
            )
            running.clients.append(follower_telemetry)
            running.addresses += _describe("follower", follower_telemetry)
        rpc_port = config.follower_rpc_port if roles.sequencer else config.rpc_port
        follower_config = NodeConfig(
            config.data_dir / "follower",
            rpc_host=config.rpc_host,
            rpc_port=rpc_port,
            rpc=config.rpc,
            tx_pool_max_txs=config.tx_pool_max_txs,
        )
        running.follower = AztecNodeService.create(
            follower_config, follower_telemetry, running.l1, DEV_PUBLISHER_ADDRESS
        )
        await running.follower.start()
        running.follower_rpc = serve_node_rpc(running.follower, follower_telemetry)
        await running.follower_rpc.start()
        running.addresses.append(f"follower node JSON-RPC: {running.follower_rpc.url}")
    if roles.bot:
        rpc_url = config.bot_rpc_url or (running.node_rpc.url if running.node_rpc is not None else None)
        if rpc_url is None:
            raise ValueError("the bot needs a node: run it with --sequencer or give --bot-rpc-url")
        bot_port = None if metrics_port is None else (0 if metrics_port == 0 else metrics_port + 1)
        bot_telemetry = service_telemetry("aztec-bot", metrics_host=config.metrics_host, metrics_port=bot_port)
        running.clients.append(bot_telemetry)
        running.addresses += _describe("bot", bot_telemetry)
        running.bot = Bot(
            rpc_url, bot_telemetry, BotConfig(tx_per_second=config.bot_tx_per_second, accounts=config.bot_accounts)
        )
        await running.bot.start()


def sample(running: Running) -> StatusSample:
    node = running.node or running.follower
    status = node.status() if node is not None else {"block": 0, "proven": 0, "pool": 0, "proving_queue": 0}
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
    )


async def run(
    config: StartConfig,
    stop: asyncio.Event,
    console: Console,
    *,
    live: bool,
    on_started: Callable[[Running], None] | None = None,
) -> None:
    """Start the roles, show the status until ``stop`` is set, then shut everything down cleanly."""
    running = Running()
    try:
        await start_roles(config, running)
        for line in running.addresses:
            console.print(line)
        console.print("started; Ctrl-C stops")
        if on_started is not None:
            on_started(running)
        board = StatusBoard()
        if live:
            with Live(board.render(running.addresses), console=console, refresh_per_second=2) as screen:
                while not stop.is_set():
                    board.add(sample(running))
                    screen.update(board.render(running.addresses))
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(stop.wait(), 1.0)
        else:
            last_log = 0.0
            while not stop.is_set():
                board.add(sample(running))
                if time.monotonic() - last_log >= 10:
                    s = sample(running)
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
    finally:
        console.print("stopping...")
        await running.stop()
        console.print("stopped; committed data kept, metrics flushed")
