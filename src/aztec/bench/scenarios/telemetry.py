"""The ``telemetry`` scenario: the telemetry client measuring itself, through the demo metrics
(:mod:`aztec.bench.demo_metrics`, outside the node's registry).

It needs no node component, so the whole flow (run, aggregate, report) works end to end today:

- ``hash`` operations do real work (SHA-256 of 1 MiB) timed through :class:`aztec.telemetry.timing.timed`
  on a bound histogram, the hot-path recording API;
- ``sleep`` operations record a known ramp of durations, 1 ms, 2 ms ... n ms, without sleeping, so the
  aggregated mean ((n + 1) / 2 ms), count, min and max can be checked exactly;
- every operation is counted (a delta counter) and tracked in flight (a cumulative up-down counter);
- halfway, the client is flushed while one operation is under way: the NDJSON file then holds two
  delta lines per series (to be summed) and an in-flight value of 1 that the final value 0 supersedes.
"""

from __future__ import annotations

import hashlib
from typing import Final

from aztec.bench.demo_metrics import DEMO_IN_FLIGHT, DEMO_OPERATION, DEMO_OPERATION_COUNT, DEMO_OPERATION_DURATION
from aztec.bench.scenarios.base import RunSettings, Scenario, scaled
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.timing import timed

OPERATIONS: Final = 200
"""Operations of each kind at scale 1."""
PAYLOAD: Final = bytes(range(256)) * 4096
"""1 MiB: hashing it takes about a millisecond, well inside the duration buckets."""
HASH: Final = {DEMO_OPERATION: "hash"}
SLEEP: Final = {DEMO_OPERATION: "sleep"}


def known_duration(index: int) -> float:
    """The ``index``-th (from 0) known duration of the ``sleep`` kind, in seconds: (index + 1) ms."""
    return (index + 1) / 1000


def run(telemetry: TelemetryClient, settings: RunSettings) -> None:
    scale = settings.scale
    operations = scaled(OPERATIONS, scale)
    meter = telemetry.get_meter("TelemetryBenchmark")
    duration = meter.create_histogram(DEMO_OPERATION_DURATION)
    hash_duration = duration.bind(HASH)
    count = meter.create_counter(DEMO_OPERATION_COUNT)
    hash_count, sleep_count = count.bind(HASH), count.bind(SLEEP)
    in_flight = meter.create_up_down_counter(DEMO_IN_FLIGHT)
    for index in range(operations):
        in_flight.add(1)
        if index == operations // 2:
            telemetry.flush()
        with timed(hash_duration):
            hashlib.sha256(PAYLOAD).digest()
        hash_count.add()
        duration.record(known_duration(index), SLEEP)
        sleep_count.add()
        in_flight.add(-1)


SCENARIO: Final = Scenario(
    "telemetry",
    "The telemetry client itself: timed hashing and known durations through the demo metrics",
    run,
)
