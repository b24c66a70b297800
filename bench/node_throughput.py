"""Sustained throughput of a sequencer node driven by the bot, with telemetry off, on a Prometheus endpoint
(scraped as deploy/ configures), and exporting over OTLP, side by side in one run.

Run: ``uv run python bench/node_throughput.py [--duration 15] [--rates 50,100,400] [--modes ...]``.
Prints mined txs per second (blocks' txs counted by the node over a steady window after a warm-up), the
process's CPU time per mined tx, and the bot's p50/p99 send-to-mined latency per rate and mode, then the
cost of each telemetry mode at the highest rate (target: at most 3% of throughput). Node, prover and bot
share one process, so at saturation throughput is the inverse of CPU per tx; the CPU column measures the
same cost below saturation too, and with less noise. The ``-sdk`` modes record through the OpenTelemetry
SDK instead of local aggregation (``AZTEC_TELEMETRY_LOCAL_AGGREGATION=false``), for comparison. The
``traces-*`` modes are ``prometheus`` plus spans exported over OTLP, at the default sampling
(parentbased_traceidratio 0.1) and at 100% (always_on); their cost is also given against ``prometheus``.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path

from aztec.bot.bot import Bot
from aztec.bot.config import BotConfig
from aztec.bot.stats import BotState
from aztec.l1.dev_chain import DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config
from aztec.node.config import NodeConfig
from aztec.node.json_rpc_api import build_node_rpc_server
from aztec.node.service import AztecNodeService
from aztec.prover_node.config import ProverConfig
from aztec.sequencer.config import SequencerConfig
from aztec.telemetry import NoopTelemetryClient, TelemetryClient, create_telemetry_client
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.trace_settings import SamplerSettings
from aztec.world_state.genesis import genesis_archive_root

try:
    from bench.otlp_sink import OtlpSink
except ModuleNotFoundError:  # run as a script (python bench/<name>.py): bench/ is on the path, not its parent
    from otlp_sink import OtlpSink  # type: ignore[import-not-found,no-redef]

MODES = ("off", "prometheus", "otlp", "prometheus-sdk", "otlp-sdk", "traces-default", "traces-100")
DEFAULT_MODES = "off,prometheus,otlp"
WARM_UP_S = 3.0
"""Sending before the measured window starts (the pool and the block size settle)."""


@dataclass(frozen=True)
class Result:
    mode: str
    rate: float
    mined_per_s: float
    cpu_ms_per_tx: float
    p50_s: float | None
    p99_s: float | None
    failed: int


@contextmanager
def _scraper(url: str | None, interval_s: float) -> Iterator[None]:
    """Scrape ``url`` every ``interval_s`` while the run lasts, as Prometheus would."""
    stop = threading.Event()

    def loop() -> None:
        while url is not None and not stop.wait(interval_s):
            with urllib.request.urlopen(url, timeout=5) as response:
                response.read()

    thread = threading.Thread(target=loop, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def _clients(mode: str, sink: OtlpSink) -> tuple[TelemetryClient, TelemetryClient]:
    if mode == "off":
        return NoopTelemetryClient(), NoopTelemetryClient()
    local = not mode.endswith("-sdk")
    if mode.startswith("traces"):
        sampler = SamplerSettings() if mode == "traces-default" else SamplerSettings("always_on", 1.0)
        node = TelemetryConfig(
            service_name="aztec-node",
            prometheus_port=0,
            otlp_traces=OtlpExport(sink.endpoint.replace("/v1/metrics", "/v1/traces")),
            trace_sampler=sampler,
        )
        bot = replace(node, service_name="aztec-bot")
    elif mode.startswith("prometheus"):
        node = TelemetryConfig(service_name="aztec-node", prometheus_port=0, local_aggregation=local)
        bot = replace(node, service_name="aztec-bot")
    else:
        node = TelemetryConfig(
            service_name="aztec-node",
            otlp_metrics=OtlpExport(sink.endpoint),
            collect_interval_ms=5000,
            local_aggregation=local,
        )
        bot = replace(node, service_name="aztec-bot")
    return create_telemetry_client(node), create_telemetry_client(bot)


async def run_once(mode: str, rate: float, duration_s: float, sink: OtlpSink, scrape_interval_s: float) -> Result:
    node_telemetry, bot_telemetry = _clients(mode, sink)
    scrape_url = getattr(getattr(node_telemetry, "prometheus", None), "url", None)
    with tempfile.TemporaryDirectory() as directory:
        data = Path(directory)
        l1 = DevL1Chain.open(data / "l1.sqlite", genesis_archive_root(), DevL1Config(block_time_s=0.25))
        await l1.start()
        config = NodeConfig(
            data / "node",
            sequencer=SequencerConfig(slot_duration_s=0.5, max_txs_per_block=256, max_block_wait_s=0.5),
            prover=ProverConfig(kind="test"),
            tx_pool_max_txs=100_000,
        )
        node = AztecNodeService.create(config, node_telemetry, l1, DEV_PUBLISHER_ADDRESS)
        await node.start()
        server = build_node_rpc_server(node, node_telemetry)
        await server.start()
        bot = Bot(server.url, bot_telemetry, BotConfig(tx_per_second=rate, accounts=8, max_in_flight=100_000))
        try:
            with _scraper(scrape_url, scrape_interval_s):
                await bot.start()
                while bot.stats().state is BotState.FUNDING:
                    await asyncio.sleep(0.05)
                await asyncio.sleep(WARM_UP_S)
                mined_before, started, cpu_before = node.mined_txs, time.monotonic(), time.process_time()
                await asyncio.sleep(duration_s)
                mined = node.mined_txs - mined_before
                mined_per_s = mined / (time.monotonic() - started)
                cpu_ms_per_tx = (time.process_time() - cpu_before) * 1000 / mined if mined else float("nan")
                stats = bot.stats()
        finally:
            await bot.stop()
            await server.stop()
            await node.stop()
            await l1.stop()
            l1.close()
            node_telemetry.stop()
            bot_telemetry.stop()
    return Result(mode, rate, mined_per_s, cpu_ms_per_tx, stats.latency_p50_s, stats.latency_p99_s, stats.failed)


def _median(group: list[Result]) -> Result:
    """The run with the median throughput of a (rate, mode) group."""
    return sorted(group, key=lambda r: r.mined_per_s)[len(group) // 2]


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value * 1000:,.0f}"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds of sending per run")
    parser.add_argument("--rates", default="50,100,400", help="bot rates (txs/s), comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="runs per rate and mode (the median is shown)")
    parser.add_argument("--modes", default=DEFAULT_MODES, help=f"comma-separated, from {', '.join(MODES)}")
    parser.add_argument(
        "--scrape-interval",
        type=float,
        default=15.0,
        help="seconds between scrapes of the node (as deploy/ configures)",
    )
    args = parser.parse_args(argv)
    rates = [float(r) for r in args.rates.split(",")]
    modes = [m.strip() for m in args.modes.split(",")]
    if unknown := [m for m in modes if m not in MODES]:
        parser.error(f"unknown mode(s) {', '.join(unknown)}; choose from {', '.join(MODES)}")
    if modes[0] != "off":
        parser.error("the first mode must be off: the others are compared with it")
    logging.basicConfig(level=logging.ERROR)
    sink = OtlpSink()
    runs: dict[tuple[float, str], list[Result]] = {}
    try:
        for rate in rates:
            for _ in range(args.repeats):
                for mode in modes:  # interleaved so drift in the machine's load hits every mode alike
                    result = asyncio.run(run_once(mode, rate, args.duration, sink, args.scrape_interval))
                    runs.setdefault((rate, mode), []).append(result)
                    print(
                        f"  {rate:g} tx/s, {mode}: {result.mined_per_s:.1f} mined/s, "
                        f"{result.cpu_ms_per_tx:.2f} CPU ms/tx",
                        file=sys.stderr,
                        flush=True,
                    )
    finally:
        sink.close()
    results = [_median(group) for group in runs.values()]
    print(
        f"Node throughput, bot-driven: {args.duration:g} s measured after {WARM_UP_S:g} s warm-up, "
        f"median of {args.repeats} interleaved runs per row; Prometheus scrapes every {args.scrape_interval:g} s, "
        f"OTLP exports every 5 s\n"
    )
    print("| bot rate (tx/s) | telemetry | mined tx/s | CPU ms per tx | p50 latency (ms) | p99 latency (ms) | failed |")
    print("|---:|---|---:|---:|---:|---:|---:|")
    for r in results:
        print(
            f"| {r.rate:g} | {r.mode} | {r.mined_per_s:.1f} | {r.cpu_ms_per_tx:.2f} | {_ms(r.p50_s)} | "
            f"{_ms(r.p99_s)} | {r.failed} |"
        )
    print()
    for rate in rates:
        cpu = {mode: statistics.median(r.cpu_ms_per_tx for r in runs[(rate, mode)]) for mode in modes}
        for mode in modes[1:]:
            line = f"CPU cost per tx of {mode} at {rate:g} tx/s: {(cpu[mode] / cpu['off'] - 1) * 100:+.1f}%"
            if mode.startswith("traces") and "prometheus" in cpu:
                line += f" ({(cpu[mode] / cpu['prometheus'] - 1) * 100:+.1f}% against prometheus, traces off)"
            print(line)
    top = max(rates)
    at_top = {r.mode: r.mined_per_s for r in results if r.rate == top}
    for mode in modes[1:]:
        cost = 1 - at_top[mode] / at_top["off"] if at_top["off"] else 0.0
        verdict = "within" if cost <= 0.03 else "OVER"
        print(f"Throughput cost of {mode} at {top:g} tx/s: {cost * 100:+.1f}% ({verdict} the 3% target)")
    print(f"Median mined tx/s over all runs: {statistics.median(r.mined_per_s for r in results):.1f}")


if __name__ == "__main__":
    main()
