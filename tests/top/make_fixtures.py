"""Writes tests/top/fixtures/scrape_{1,2}.txt: two scrapes of a real embedded endpoint, 10 s of node life apart.

Run ``.venv/bin/python -m tests.top.make_fixtures`` to regenerate. Between the scrapes the node built 4 blocks
(build times 0.2, 0.4, 0.4, 0.8 s), received 35 txs (30 accepted, 5 rejected), mined 28, used 5.5 CPU seconds,
and its event loop woke 20 timers late (10 x 0.3 ms, 8 x 0.8 ms, 2 ms, 4 ms).
"""

from __future__ import annotations

import urllib.request
from dataclasses import dataclass
from pathlib import Path

from aztec.telemetry import attributes as a
from aztec.telemetry.api import ObservableResult
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.archiver import ARCHIVER_BLOCK_HEIGHT, ARCHIVER_TX_COUNT
from aztec.telemetry.metrics.host import PROCESS_CPU_TIME, PROCESS_MEMORY_USAGE
from aztec.telemetry.metrics.mempool import MEMPOOL_CAPACITY, MEMPOOL_PENDING_TXS
from aztec.telemetry.metrics.node import JSON_RPC_REQUEST_COUNT, NODE_RECEIVE_TX_COUNT
from aztec.telemetry.metrics.proving import PROVING_QUEUE_SIZE
from aztec.telemetry.metrics.runtime import EVENT_LOOP_LAG
from aztec.telemetry.metrics.sequencer import SEQUENCER_BLOCK_BUILD_DURATION
from aztec.telemetry.metrics.world_state import WORLD_STATE_COMMITTED_HEIGHT
from aztec.telemetry.otel.client import OtelTelemetryClient

FIXTURES = Path(__file__).parent / "fixtures"


@dataclass(frozen=True)
class NodeState:
    """What the node's observable gauges and counters report at one scrape."""

    proposed: int
    proven: int
    world: int
    pool: int
    queue: dict[str, int]
    user_cpu_s: float
    system_cpu_s: float
    rss: int


STATES = (
    NodeState(41, 38, 41, 12, {"base-rollup": 1}, 100.0, 20.0, 250 * 2**20),
    NodeState(42, 40, 42, 17, {"base-rollup": 2, "root-rollup": 1}, 104.5, 21.0, 256 * 2**20),
)


def _scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        text: str = response.read().decode()
        return text


def main() -> None:
    client = OtelTelemetryClient(
        TelemetryConfig(
            service_name="aztec-node",
            resource_attributes={"service.instance.id": "sandbox"},
            prometheus_port=0,
            host_metrics=False,
        )
    )
    states = list(STATES)
    meter = client.get_meter("FixtureNode")

    def heights(result: ObservableResult) -> None:
        result.observe(states[0].proposed, {a.CHAIN_STATUS: "proposed"})
        result.observe(states[0].proven, {a.CHAIN_STATUS: "proven"})

    def queue(result: ObservableResult) -> None:
        for job_type, size in states[0].queue.items():
            result.observe(size, {a.PROVING_JOB_TYPE: job_type})

    def cpu(result: ObservableResult) -> None:
        result.observe(states[0].user_cpu_s, {a.HOST_TYPE: "user"})
        result.observe(states[0].system_cpu_s, {a.HOST_TYPE: "system"})

    meter.create_observable_gauge(ARCHIVER_BLOCK_HEIGHT, heights)
    meter.create_observable_gauge(WORLD_STATE_COMMITTED_HEIGHT, lambda r: r.observe(states[0].world))
    meter.create_observable_gauge(MEMPOOL_PENDING_TXS, lambda r: r.observe(states[0].pool))
    meter.create_observable_gauge(MEMPOOL_CAPACITY, lambda r: r.observe(10_000))
    meter.create_observable_gauge(PROVING_QUEUE_SIZE, queue)
    meter.create_observable_counter(PROCESS_CPU_TIME, cpu)
    meter.create_observable_up_down_counter(PROCESS_MEMORY_USAGE, lambda r: r.observe(states[0].rss))
    received = meter.create_counter(NODE_RECEIVE_TX_COUNT)
    mined = meter.create_counter(ARCHIVER_TX_COUNT)
    rpc = meter.create_counter(JSON_RPC_REQUEST_COUNT)
    build = meter.create_histogram(SEQUENCER_BLOCK_BUILD_DURATION)
    lag = meter.create_histogram(EVENT_LOOP_LAG)

    received.add(500, {a.OUTCOME: "accepted"})
    received.add(20, {a.OUTCOME: "rejected"})
    mined.add(480)
    rpc.add(1200, {a.RPC_METHOD: "node_sendTx", a.RPC_STATUS: "ok"})
    for value, times in ((0.05, 2), (0.2, 8), (0.4, 20), (0.8, 8), (2.0, 2)):
        for _ in range(times):
            build.record(value)
    for _ in range(100):
        lag.record(0.0003)
    assert client.prometheus is not None
    FIXTURES.mkdir(exist_ok=True)
    (FIXTURES / "scrape_1.txt").write_text(_scrape(client.prometheus.url))

    states.pop(0)
    received.add(30, {a.OUTCOME: "accepted"})
    received.add(5, {a.OUTCOME: "rejected"})
    mined.add(28)
    rpc.add(40, {a.RPC_METHOD: "node_sendTx", a.RPC_STATUS: "ok"})
    for value in (0.2, 0.4, 0.4, 0.8):
        build.record(value)
    for value, times in ((0.0003, 10), (0.0008, 8), (0.002, 1), (0.004, 1)):
        for _ in range(times):
            lag.record(value)
    (FIXTURES / "scrape_2.txt").write_text(_scrape(client.prometheus.url))
    client.stop()


if __name__ == "__main__":
    main()
