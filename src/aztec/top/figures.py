"""The key figures of a node, computed from two scrapes: rates from counter deltas, quantiles from bucket deltas."""

from __future__ import annotations

import math
from dataclasses import dataclass

from aztec.telemetry import attributes as a
from aztec.telemetry.definitions import MetricDefinition
from aztec.telemetry.exporters.prometheus_names import label_name, prometheus_series
from aztec.telemetry.metrics.archiver import ARCHIVER_BLOCK_HEIGHT, ARCHIVER_TX_COUNT
from aztec.telemetry.metrics.host import PROCESS_CPU_TIME, PROCESS_MEMORY_USAGE
from aztec.telemetry.metrics.mempool import MEMPOOL_CAPACITY, MEMPOOL_PENDING_TXS
from aztec.telemetry.metrics.node import NODE_RECEIVE_TX_COUNT
from aztec.telemetry.metrics.proving import PROVING_QUEUE_SIZE
from aztec.telemetry.metrics.runtime import EVENT_LOOP_LAG
from aztec.telemetry.metrics.sequencer import SEQUENCER_BLOCK_BUILD_DURATION
from aztec.top.scrape import Snapshot


@dataclass(frozen=True)
class Figures:
    """What ``aztec top`` shows; None where the node exposes nothing (yet) for a figure."""

    interval_s: float
    proposed_height: float | None
    proven_height: float | None
    txs_received_per_s: float | None
    txs_mined_per_s: float | None
    pending_txs: float | None
    pool_capacity: float | None
    block_build_p50_s: float | None
    block_build_p95_s: float | None
    proving_queue: float | None
    cpu_cores: float | None
    """CPU seconds per second: 1.0 is one core fully busy."""
    memory_bytes: float | None
    event_loop_lag_p50_s: float | None
    event_loop_lag_p99_s: float | None


def _name(definition: MetricDefinition) -> str:
    return prometheus_series(definition).name


def counter_rate(earlier: Snapshot, later: Snapshot, definition: MetricDefinition) -> float | None:
    """Per-second increase of a counter summed over its series; a series that went down restarted from 0."""
    name = _name(definition)
    now = later.samples.get(name)
    elapsed = later.at - earlier.at
    if now is None or elapsed <= 0:
        return None
    before = earlier.samples.get(name, {})
    increase = math.fsum(v - before[k] if before.get(k, math.inf) <= v else v for k, v in now.items())
    return increase / elapsed


def bucket_quantile(q: float, buckets: dict[float, float]) -> float | None:
    """Prometheus's ``histogram_quantile`` over cumulative bucket counts (linear within a bucket)."""
    bounds = sorted(buckets)
    if len(bounds) < 2 or bounds[-1] != math.inf or buckets[math.inf] <= 0:
        return None
    rank = q * buckets[math.inf]
    index = next((i for i, bound in enumerate(bounds[:-1]) if buckets[bound] >= rank), len(bounds) - 1)
    if index == len(bounds) - 1:
        return bounds[-2]
    if index == 0 and bounds[0] <= 0:
        return bounds[0]
    start, count = 0.0, buckets[bounds[index]]
    if index > 0:
        start = bounds[index - 1]
        count -= buckets[start]
        rank -= buckets[start]
    if count <= 0:
        return start
    return start + (bounds[index] - start) * (rank / count)


def window_quantile(earlier: Snapshot, later: Snapshot, definition: MetricDefinition, q: float) -> float | None:
    """The q-quantile of the observations made between the two scrapes."""
    name = _name(definition)
    before, now = earlier.buckets(name), later.buckets(name)
    delta = {bound: count - before.get(bound, 0.0) for bound, count in now.items()}
    if any(v < 0 for v in delta.values()):  # the node restarted: its buckets started again from zero
        delta = now
    return bucket_quantile(q, delta)


def compute(earlier: Snapshot, later: Snapshot) -> Figures:
    """The figures for the interval from ``earlier`` to ``later`` (gauges are read from ``later``)."""
    status = label_name(a.CHAIN_STATUS)
    heights = {s: later.values(_name(ARCHIVER_BLOCK_HEIGHT), {status: s}) for s in ("proposed", "proven")}
    return Figures(
        interval_s=later.at - earlier.at,
        proposed_height=max(heights["proposed"], default=None),
        proven_height=max(heights["proven"], default=None),
        txs_received_per_s=counter_rate(earlier, later, NODE_RECEIVE_TX_COUNT),
        txs_mined_per_s=counter_rate(earlier, later, ARCHIVER_TX_COUNT),
        pending_txs=later.total(_name(MEMPOOL_PENDING_TXS)),
        pool_capacity=later.total(_name(MEMPOOL_CAPACITY)),
        block_build_p50_s=window_quantile(earlier, later, SEQUENCER_BLOCK_BUILD_DURATION, 0.5),
        block_build_p95_s=window_quantile(earlier, later, SEQUENCER_BLOCK_BUILD_DURATION, 0.95),
        proving_queue=later.total(_name(PROVING_QUEUE_SIZE)),
        cpu_cores=counter_rate(earlier, later, PROCESS_CPU_TIME),
        memory_bytes=later.total(_name(PROCESS_MEMORY_USAGE)),
        event_loop_lag_p50_s=window_quantile(earlier, later, EVENT_LOOP_LAG, 0.5),
        event_loop_lag_p99_s=window_quantile(earlier, later, EVENT_LOOP_LAG, 0.99),
    )
