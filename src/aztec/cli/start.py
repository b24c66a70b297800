"""``aztec start``: runs the sandbox (for now, the demo service) with metrics on the embedded default."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import signal

import typer
from rich.console import Console

from aztec.demo.service import DemoService
from aztec.foundation.config import ConfigError
from aztec.telemetry import TelemetryClient, create_telemetry_client
from aztec.telemetry.config import DEFAULT_PROMETHEUS_PORT, TelemetryConfig
from aztec.telemetry.host_metrics import EventLoopLagMonitor
from aztec.telemetry.otel.client import OtelTelemetryClient


def start(
    sandbox: bool = typer.Option(False, "--sandbox", help="Run the sandbox with metrics on 127.0.0.1:9464."),
    no_metrics: bool = typer.Option(False, "--no-metrics", help="Run on the no-op telemetry client."),
) -> None:
    """Start the sandbox (for now a demo service that records a few metrics)."""
    console = Console(highlight=False, soft_wrap=True)
    if not sandbox:
        console.print("Say which role to start: --sandbox")
        raise typer.Exit(2)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        config = TelemetryConfig.from_env(service_name="aztec-node")
    except ConfigError as error:
        console.print(f"[red]configuration error:[/red] {error}")
        raise typer.Exit(2) from None
    if config.prometheus_port is None and not no_metrics:
        config = dataclasses.replace(config, prometheus_port=DEFAULT_PROMETHEUS_PORT)
    if no_metrics:
        config = TelemetryConfig(host_metrics=False)
    try:
        telemetry = create_telemetry_client(config)
    except OSError as error:
        console.print(f"[red]cannot start telemetry:[/red] {error}")
        raise typer.Exit(2) from None
    if isinstance(telemetry, OtelTelemetryClient):
        for line in telemetry.describe():
            console.print(f"metrics: {line}")
    else:
        console.print("metrics: off (no-op telemetry client)")
    try:
        asyncio.run(_run_demo(telemetry, console))
    finally:
        telemetry.stop()
    console.print("stopped; metrics flushed")


async def _run_demo(telemetry: TelemetryClient, console: Console) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    lag = EventLoopLagMonitor(telemetry)
    lag.start()
    console.print("demo service running; Ctrl-C stops it")
    try:
        await DemoService(telemetry).run(stop)
    finally:
        await lag.stop()
