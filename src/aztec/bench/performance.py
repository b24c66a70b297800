"""Which series are performance figures, and which way each improves, from the metric registry.

A metric's definition declares ``better`` (``lower`` or ``higher``) when it is a performance figure
that is not a duration: throughput, sizes, gas. Durations (unit ``s``) are lower-is-better unless
declared otherwise. Everything else (heights, counts of operations, configured sizes, balances) is
not a performance figure: reports and github-action-benchmark output leave it out.

A few durations are waits, not work, in the scenarios (:data:`WAITS`): they follow the development L1's
10 ms block clock, the scenario's own pace, or (a proving job's wait in the queue) the jobs ahead, so
benchmarks leave them out too; the work they wait for is measured on its own. In production they matter,
and dashboards and alerts show them.
"""

from __future__ import annotations

from typing import Final

from aztec.telemetry.definitions import Better
from aztec.telemetry.metrics.l1 import L1_PUBLISHER_TX_DURATION
from aztec.telemetry.metrics.mempool import MEMPOOL_TX_MINED_DELAY
from aztec.telemetry.metrics.proving import PROVING_QUEUE_JOB_WAIT
from aztec.telemetry.metrics.sequencer import SEQUENCER_INTER_BLOCK_TIME
from aztec.telemetry.registry import metrics_by_name

DURATION_UNIT: Final = "s"
WAITS: Final = frozenset(
    definition.name
    for definition in (
        SEQUENCER_INTER_BLOCK_TIME,
        L1_PUBLISHER_TX_DURATION,
        MEMPOOL_TX_MINED_DELAY,
        PROVING_QUEUE_JOB_WAIT,
    )
)
"""Time between blocks, to L1 inclusion, from pool to block, and in the proving queue."""


def better_of(metric: str, unit: str) -> Better | None:
    """``lower``, ``higher``, or None when ``metric`` is not a performance figure."""
    if metric in WAITS:
        return None
    definition = metrics_by_name().get(metric)
    if definition is not None and definition.better is not None:
        return definition.better
    return "lower" if unit == DURATION_UNIT else None
