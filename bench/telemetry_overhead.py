"""Telemetry overhead: CPU seconds per transaction of the node's pipeline, per telemetry mode, with a 95% CI.

Run: ``uv run python bench/telemetry_overhead.py [--rounds 8] [--blocks 64] [--txs-per-block 32]
[--modes off,prometheus,otlp] [--interval 1]``.

One fixed workload, generated once (signed token transfers from 32 senders, 32 to a block: 2,048
transfers into 64 blocks by default, after unmeasured funding blocks), is replayed through the node's
real pipeline in this process: pool admission from the tx bytes, the sequencer's block building
(public processor on a world-state fork, block closing, commit), publishing to the development L1,
proving with the test prover (every circuit simulated) and submitting the proof. There are no
wall-clock slots: each block is built as soon as its transactions are in the pool, and the
development L1 mines as soon as a transaction is sent, so nothing waits on a timer.

In a round every mode has its own pipeline, data directory, development L1 and telemetry client (all
components recording to it, host metrics on as in the node), and the blocks are interleaved mode by
mode (the order rotates), so all modes see the same machine load. Modes: ``off`` (the no-op client);
``prometheus`` (the scrape endpoint, scraped by a separate process as Prometheus does: OpenMetrics,
gzip); ``otlp`` (OTLP/HTTP to a receiver in a separate process); ``prometheus-sdk`` and ``otlp-sdk``
(the same with local aggregation off); ``prometheus-unrecorded`` (the client and its scraped endpoint
with every metric excluded: what the client costs without a record); ``prometheus-unscraped`` (the
client and its endpoint, never scraped: what the records cost, without their folds); ``traces`` (``otlp`` plus
OTLP/HTTP spans to the receiver, at the default sampling: ``parentbased_traceidratio`` 0.05);
``traces-100`` (the same, every trace sampled: ``parentbased_always_on``); ``off#2`` and the like (a
second pipeline of a mode: an A/A check of the method).

Each block's process CPU time (user plus system, ``getrusage``) is counted to its mode. A mode is
scraped, or exports, once per second of its own CPU time (``--interval``: a round's blocks must take
longer than one interval for a mode to tick at all), synchronously at the end of the block that
crosses the second, so the endpoint's render (in its server thread) and the exporter's work are
counted to that mode and to no other; the scraper and the receiver run in other processes and are
not counted. The process's pending folder is stopped, so that the scrapes and exports fold all of a
mode's records (the folder would fold some in whichever mode's block it woke). The scraper keeps its
connection alive between scrapes, as Prometheus does. Garbage collection runs between blocks, not
inside one. Per mode it prints the mean CPU ms per tx with its 95% confidence interval, and the
overhead against ``off`` as the mean of the rounds' paired ratios (mode / off of the same round) with
its 95% CI (Student's t), and the share of it the scrapes or exports take. Target: at most 1% for
``prometheus`` and ``otlp``, with a CI half-width of at most 0.5%. With ``otlp`` and a traces mode in
one run it also prints what traces cost against traces off (the mode / ``otlp`` of the same round);
target: at most 3% at the default sampling.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import math
import resource
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from aztec.bench.scenarios.transfers import TX_GAS_LIMIT, TransferTraffic
from aztec.l1.dev_chain import DEV_PROVER_ADDRESS, DEV_PUBLISHER_ADDRESS, DevL1Chain, DevL1Config
from aztec.l1.publisher import L1Publisher
from aztec.l1.types import L1TxRequest
from aztec.p2p.config import TxPoolConfig
from aztec.p2p.tx_pool import TxPool
from aztec.prover.orchestrator import ProvingOrchestrator
from aztec.prover.queue import ProvingQueue
from aztec.prover.test_prover import TestCircuitProver
from aztec.sequencer.config import SequencerConfig
from aztec.sequencer.sequencer import Sequencer
from aztec.stdlib.block.proving_input import BlockProvingInput
from aztec.stdlib.gas.costs import DEFAULT_BLOCK_GAS_LIMIT
from aztec.stdlib.gas.fees import l2_base_fee
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.otel.pending_folder import PENDING_FOLDER
from aztec.telemetry.trace_settings import SamplerSettings
from aztec.world_state.genesis import genesis_archive_root
from aztec.world_state.world_state import WorldState

SENDERS: Final = 32
MAX_FEE_PER_GAS: Final = 100_000
"""Above any L2 base fee a run reaches; fixed, so the workload's bytes are the same in every run."""
INTERVAL_S: Final = 1.0
"""Scrape interval, and OTLP export interval, in seconds of a mode's CPU (the issue's; ``--interval``)."""
MODES: Final = (
    "off",
    "prometheus",
    "otlp",
    "prometheus-sdk",
    "otlp-sdk",
    "prometheus-unrecorded",
    "prometheus-unscraped",
    "traces",
    "traces-100",
)

_HELPER = r"""
import gzip, http.client, sys, urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

role, arg = sys.argv[1], sys.argv[2]
if role == "sink":
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()
        def log_message(self, *args):
            pass
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_port, flush=True)
    server.serve_forever()
else:  # a scraper: one scrape per line on stdin, as Prometheus asks (OpenMetrics, gzip), then "ok"
    # One connection kept alive between scrapes, as Prometheus keeps one per target.
    url = urllib.parse.urlsplit(arg)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    headers = {
        "Accept": "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5",
        "Accept-Encoding": "gzip",
    }
    print("ready", flush=True)
    for _ in sys.stdin:
        connection.request("GET", url.path, headers=headers)
        response = connection.getresponse()
        if response.status != 200:
            raise SystemExit(f"scrape: HTTP {response.status}")
        size = len(gzip.decompress(response.read()))
        print(f"ok {size}", flush=True)
"""


class _Helper:
    """The OTLP receiver or the scraper, in its own process (its CPU is not the node's)."""

    def __init__(self, *args: str) -> None:
        self._role = args[0]
        self._process = subprocess.Popen(
            [sys.executable, "-c", _HELPER, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        self.first_line = self._read()

    def _read(self) -> str:
        assert self._process.stdout is not None
        line = self._process.stdout.readline().strip()
        if not line:
            raise RuntimeError(f"the {self._role} helper process stopped")
        return line

    def scrape(self) -> None:
        """One scrape, waited for (the endpoint renders it in this process meanwhile)."""
        assert self._process.stdin is not None
        self._process.stdin.write("scrape\n")
        self._process.stdin.flush()
        self._read()

    def stop(self) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)


class _InstantL1(DevL1Chain):
    """The development L1 mining as soon as a transaction is sent (automine): publishing waits on no clock."""

    async def send_transaction(self, request: L1TxRequest) -> str:
        tx_hash = await super().send_transaction(request)
        self.mine()
        return tx_hash


@dataclass(frozen=True)
class Workload:
    funding: list[bytes]
    blocks: list[list[bytes]]

    @property
    def txs(self) -> int:
        return sum(len(block) for block in self.blocks)

    @classmethod
    def generate(cls, blocks: int, per_block: int) -> Workload:
        traffic = TransferTraffic(max(SENDERS, per_block))
        funding = [tx.to_bytes() for tx in traffic.funding_txs(MAX_FEE_PER_GAS)]
        return cls(
            funding,
            [[tx.to_bytes() for tx in traffic.transfers(per_block, MAX_FEE_PER_GAS)] for _ in range(blocks)],
        )


class _Keeper:
    """The sequencer's BlockProver: hands each published block's proving input to the bench."""

    def __init__(self) -> None:
        self.published: list[BlockProvingInput] = []

    def block_built(self, job: BlockProvingInput) -> None:
        """Nothing to persist."""

    def block_discarded(self, block_number: int) -> None:
        raise RuntimeError(f"block {block_number} was discarded")

    async def block_published(self, job: BlockProvingInput, block: object) -> None:
        self.published.append(job)


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


class Pipeline:
    """One node's pipeline on its own data directory, development L1 and telemetry client."""

    def __init__(self, directory: Path, telemetry: TelemetryClient, per_block: int) -> None:
        self._chain = _InstantL1.open(directory / "l1.sqlite", genesis_archive_root(), DevL1Config(block_time_s=3600))
        config = SequencerConfig(
            max_txs_per_block=max(per_block, 8),
            block_gas_limit=max(DEFAULT_BLOCK_GAS_LIMIT, per_block * TX_GAS_LIMIT),
        )
        self._world_state = WorldState.open(directory / "world_state", telemetry)
        self._pool = TxPool.open(directory / "pool", self._world_state.committed, telemetry, TxPoolConfig(fsync=False))
        self._publisher = L1Publisher(self._chain, DEV_PUBLISHER_ADDRESS, telemetry, poll_interval_s=0.001)
        self._proof_publisher = L1Publisher(self._chain, DEV_PROVER_ADDRESS, telemetry, poll_interval_s=0.001)
        self._queue = ProvingQueue(telemetry, concurrency=1, max_retries=0)
        self._orchestrator = ProvingOrchestrator(TestCircuitProver(telemetry), self._queue, telemetry)
        self._keeper = _Keeper()
        self._sequencer = Sequencer(
            self._world_state,
            self._pool,
            self._publisher,
            self._chain,
            telemetry,
            config,
            state_lock=asyncio.Lock(),
            prover=self._keeper,
        )

    async def fund(self, funding: list[bytes]) -> None:
        """The senders' balances, in blocks that are not measured (nor proven)."""
        await _submit(self._pool, self._chain, funding)
        while self._pool.pending_count:
            if await self._sequencer.run_slot() is None:
                raise RuntimeError("a funding slot built no block")
        self._keeper.published.clear()

    async def block(self, txs: list[bytes]) -> None:
        """Admit ``txs``, build, publish and commit their block, prove it and submit the proof."""
        await _submit(self._pool, self._chain, txs)
        block = await self._sequencer.run_slot()
        if block is None or len(block.body) != len(txs):
            raise RuntimeError(f"expected a block of {len(txs)} txs, got {block and len(block.body)}")
        proven = await self._orchestrator.prove_block(self._keeper.published.pop())
        result = await self._proof_publisher.submit_proof(block.number, proven.outputs, proven.proof)
        if not result.success:
            raise RuntimeError(f"the proof of block {block.number} was refused: {result.error}")

    def close(self) -> None:
        self._queue.close()
        self._publisher.close()
        self._proof_publisher.close()
        self._pool.close()
        self._world_state.close()
        self._chain.close()


async def _submit(pool: TxPool, chain: DevL1Chain, txs: list[bytes]) -> None:
    base_fee = l2_base_fee(await chain.get_base_fee())
    for data in txs:
        result = pool.add_tx_bytes(data, base_fee_per_gas=base_fee)
        if not result.ok:
            raise RuntimeError(f"a workload tx was rejected: {result.reason}: {result.detail}")


class Mode:
    """One telemetry mode in a round: its client, its pipeline, what it costs, and its scrape or export."""

    def __init__(
        self, name: str, sink_port: str, directory: Path, per_block: int, interval_s: float = INTERVAL_S
    ) -> None:
        self.name = name
        self.interval_s = interval_s
        self.cpu_s = 0.0
        """CPU of this mode's blocks, their scrapes or exports included."""
        self.ticks = 0
        self.tick_cpu_s = 0.0
        """CPU of the scrapes or exports alone (the endpoint renders in a thread of this process)."""
        self._scraper: _Helper | None = None
        self._client: OtelTelemetryClient | None = None
        self.telemetry: TelemetryClient = NoopTelemetryClient()
        kind = name.partition("#")[0]  # "off#2": a second run of a mode beside the first (an A/A check)
        self._ticking = kind not in ("off", "prometheus-unscraped")
        if kind != "off":
            self._client = OtelTelemetryClient(_config(kind, sink_port), probe_otlp=False)
            self.telemetry = self._client
            if self._client.prometheus is not None:
                self._scraper = _Helper("scrape", self._client.prometheus.url)
        self.pipeline = Pipeline(directory, self.telemetry, per_block)

    async def step(self, txs: list[bytes]) -> None:
        """One block, then the scrape or export due by this mode's own CPU clock; all of it counted."""
        started = _cpu_s()
        await self.pipeline.block(txs)
        if self._ticking and self.cpu_s + _cpu_s() - started >= (self.ticks + 1) * self.interval_s:
            assert self._client is not None
            self.ticks += 1
            tick_started = _cpu_s()
            if self._scraper is not None:
                self._scraper.scrape()
            else:
                self._client.flush()  # OTLP: collect and export now, in this thread
            self.tick_cpu_s += _cpu_s() - tick_started
        self.cpu_s += _cpu_s() - started

    def close(self) -> None:
        self.pipeline.close()
        if self._scraper is not None:
            self._scraper.stop()
        if self._client is not None:
            self._client.stop()


def _config(mode: str, sink_port: str) -> TelemetryConfig:
    """The client of a mode: host metrics on as in the node; no timer exports (the bench ticks them)."""
    base = TelemetryConfig(
        service_name="aztec-node",
        host_metrics=True,
        local_aggregation=not mode.endswith("-sdk"),
        collect_interval_ms=3_600_000,
    )
    sink = f"http://127.0.0.1:{sink_port}"
    if mode == "prometheus-unrecorded":  # the client and its endpoint, every metric excluded: no records
        return replace(base, prometheus_port=0, exclude_metrics=("",))
    if mode.startswith("prometheus"):
        return replace(base, prometheus_port=0)
    if mode.startswith("otlp"):
        return replace(base, otlp_metrics=OtlpExport(f"{sink}/v1/metrics"))
    if mode in ("traces", "traces-100"):  # span export on top of OTLP metrics (spans batch on their thread)
        sampler = SamplerSettings() if mode == "traces" else SamplerSettings("parentbased_always_on", 1.0)
        return replace(
            base,
            otlp_metrics=OtlpExport(f"{sink}/v1/metrics"),
            otlp_traces=OtlpExport(f"{sink}/v1/traces"),
            trace_sampler=sampler,
        )
    raise SystemExit(f"unknown mode {mode!r} (--modes): expected some of {', '.join(MODES)}")


_T95: Final = {
    1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
    11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093,
    20: 2.086, 25: 2.060, 30: 2.042, 40: 2.021, 60: 2.000,
}  # fmt: skip
"""Two-sided 95% quantiles of Student's t by degrees of freedom."""


def half_width(values: list[float]) -> float:
    """The 95% confidence half-width of the mean of ``values`` (Student's t)."""
    if len(values) < 2:
        return math.inf
    df = len(values) - 1
    t = _T95.get(df) or _T95[max(k for k in _T95 if k <= df)]
    return t * statistics.stdev(values) / math.sqrt(len(values))


async def run_round(
    modes: list[str], workload: Workload, sink_port: str, root: Path, first: int, interval_s: float = INTERVAL_S
) -> dict[str, Mode]:
    """Every mode's pipeline side by side; block by block, each mode in turn (the order rotates)."""
    per_block = max(len(block) for block in workload.blocks)
    ran: dict[str, Mode] = {}
    try:
        for name in modes:
            ran[name] = Mode(name, sink_port, root / name, per_block, interval_s)
        # The process's pending folder would fold some of a mode's records in its own thread, in whichever
        # mode's block it wakes: stopped, each mode's scrapes and exports fold all of its records.
        PENDING_FOLDER.stop()
        for mode in ran.values():
            await mode.pipeline.fund(workload.funding)
        order = list(ran.values())
        gc.collect()
        gc.disable()  # a collection runs in whichever step crosses the threshold: collect between blocks
        for index, txs in enumerate(workload.blocks):
            shift = (first + index) % len(order)
            for mode in order[shift:] + order[:shift]:
                await mode.step(txs)
            gc.collect()
    finally:
        gc.enable()
        for mode in ran.values():
            mode.close()
    return ran


def run(
    modes: list[str],
    rounds: int,
    workload: Workload,
    on_round: Callable[[dict[str, Mode]], None],
    interval_s: float = INTERVAL_S,
) -> dict[str, list[float]]:
    """CPU seconds per tx of every mode in every round (round -1 warms up and is not counted)."""
    sink = _Helper("sink", "-")
    per_tx: dict[str, list[float]] = {mode: [] for mode in modes}
    try:
        for index in range(-1, rounds):
            with tempfile.TemporaryDirectory(prefix="aztec-overhead-") as root:
                gc.collect()
                ran = asyncio.run(run_round(modes, workload, sink.first_line, Path(root), index, interval_s))
            if index >= 0:
                for name, mode in ran.items():
                    per_tx[name].append(mode.cpu_s / workload.txs)
                on_round(ran)
    finally:
        sink.stop()
    return per_tx


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=8)
    parser.add_argument("--blocks", type=int, default=64)
    parser.add_argument("--txs-per-block", type=int, default=32)
    parser.add_argument("--modes", default="off,prometheus,otlp")
    parser.add_argument(
        "--interval",
        type=float,
        default=INTERVAL_S,
        help="seconds of a mode's CPU between two scrapes or exports (the target is read at 1)",
    )
    args = parser.parse_args()
    if not args.interval > 0:
        raise SystemExit(f"--interval must be a positive number of seconds, got {args.interval}")
    modes = args.modes.split(",")
    if "off" not in modes:
        raise SystemExit("--modes must include off (the baseline)")
    for name in ("aztec", "opentelemetry"):
        logging.getLogger(name).setLevel(logging.ERROR)
    workload = Workload.generate(args.blocks, args.txs_per_block)
    print(
        f"Telemetry overhead: {workload.txs:,} transfers in {len(workload.blocks)} blocks per run, "
        f"{args.rounds} rounds of {', '.join(modes)} (blocks interleaved), "
        f"a scrape or export per {args.interval:g} s of CPU\n",
        flush=True,
    )

    tick_cpu: dict[str, list[float]] = {mode: [] for mode in modes}
    tick_share: dict[str, list[float]] = {mode: [] for mode in modes}
    """Per round: the scrapes' or exports' CPU as a percentage of ``off``'s CPU."""

    def report(ran: dict[str, Mode]) -> None:
        cells = []
        for m in ran.values():
            cells.append(f"{m.name} {m.cpu_s * 1000 / workload.txs:.3f} ms/tx")
            tick_share[m.name].append(m.tick_cpu_s / ran["off"].cpu_s * 100)
            if m.ticks:
                tick_cpu[m.name].append(m.tick_cpu_s / m.ticks)
                cells[-1] += f" ({m.ticks} scrapes/exports, {m.tick_cpu_s * 1000 / m.ticks:.1f} ms each)"
        print("  round: " + ", ".join(cells), flush=True)

    per_tx = run(modes, args.rounds, workload, report, args.interval)
    off = per_tx["off"]
    print(
        "\n| telemetry | CPU ms per tx (95% CI) | overhead vs off (95% CI) | of which scrapes/exports "
        "| CPU ms per scrape/export | rounds |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    verdicts = []
    for mode in modes:
        values = per_tx[mode]
        mean = statistics.fmean(values) * 1000
        cell = f"{mean:.3f} ± {half_width(values) * 1000:.3f}"
        ticks = f"{statistics.fmean(tick_cpu[mode]) * 1000:.1f}" if tick_cpu[mode] else "-"
        if mode == "off":
            print(f"| {mode} | {cell} | - | - | {ticks} | {len(values)} |")
            continue
        ratios = [(value / base - 1) * 100 for value, base in zip(values, off, strict=True)]
        overhead, width = statistics.fmean(ratios), half_width(ratios)
        share = statistics.fmean(tick_share[mode])
        print(f"| {mode} | {cell} | {overhead:+.2f}% ± {width:.2f}% | {share:.2f}% | {ticks} | {len(values)} |")
        if mode in ("prometheus", "otlp"):
            met = overhead + width <= 1.0 and width <= 0.5
            verdicts.append(f"{mode} {overhead:+.2f}% ± {width:.2f}% {'met' if met else 'NOT met'}")
    if verdicts:
        where = "" if args.interval == INTERVAL_S else f" (read at {INTERVAL_S:g} s; this run: {args.interval:g} s)"
        print(f"\nTarget{where}: at most 1% CPU per tx, CI half-width at most 0.5%: {'; '.join(verdicts)}.")
    traced = [mode for mode in modes if mode.startswith("traces")]
    if traced and "otlp" in modes:
        print("\n| traces (OTLP metrics too) | CPU per tx against traces off (`otlp`), 95% CI | rounds |")
        print("|---|---:|---:|")
        for mode in traced:
            ratios = [(value / base - 1) * 100 for value, base in zip(per_tx[mode], per_tx["otlp"], strict=True)]
            print(f"| {mode} | {statistics.fmean(ratios):+.2f}% ± {half_width(ratios):.2f}% | {len(ratios)} |")


if __name__ == "__main__":
    main()
