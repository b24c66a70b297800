"""Base-2 exponential histograms on the local-aggregation path give exactly the SDK's points."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest
from opentelemetry.sdk.metrics import Histogram
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    ExponentialHistogramDataPoint,
    InMemoryMetricReader,
    MetricsData,
)
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation

from aztec.telemetry import attributes as a
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.otel.exponential import map_to_index

CONFIG = TelemetryConfig(
    service_name="test", host_metrics=False, histogram_aggregation="base2_exponential_bucket_histogram"
)
ATTRS = {a.PROTOCOL_CIRCUIT_NAME: "merge-rollup", a.PROVER_TYPE: "native"}


def _reader(temporality: AggregationTemporality) -> InMemoryMetricReader:
    return InMemoryMetricReader(
        preferred_temporality={Histogram: temporality},
        preferred_aggregation={Histogram: ExponentialBucketHistogramAggregation()},
    )


def _point(data: MetricsData | None) -> ExponentialHistogramDataPoint:
    assert data is not None
    (point,) = [
        p
        for rm in data.resource_metrics
        for sm in rm.scope_metrics
        for m in sm.metrics
        if m.name == CIRCUIT_SIMULATION_DURATION.name
        for p in m.data.data_points
    ]
    assert isinstance(point, ExponentialHistogramDataPoint)
    return point


def _comparable(point: ExponentialHistogramDataPoint) -> tuple[Any, ...]:
    """The point's data; trailing empty buckets are left out (the SDK sends its whole backing array)."""
    counts = list(point.positive.bucket_counts)
    while len(counts) > 1 and counts[-1] == 0:
        counts.pop()
    return (
        point.count,
        point.sum,
        point.scale,
        point.zero_count,
        point.positive.offset,
        tuple(counts),
        point.min,
        point.max,
    )


@pytest.mark.parametrize("temporality", [AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA])
def test_local_exponential_histograms_match_the_sdk(temporality: AggregationTemporality) -> None:
    rng = random.Random(7)
    batches = [
        [0.0, 0.001, 0.002, 0.004, 0.25, 1.0, 3.0],  # zeros, exact powers of two, a few decades
        [rng.lognormvariate(-3, 2) for _ in range(500)],  # wide: forces downscaling
        [0.5],
    ]
    readers = {"local": _reader(temporality), "sdk": _reader(temporality)}
    clients = {
        "local": OtelTelemetryClient(CONFIG, extra_readers=[readers["local"]]),
        "sdk": OtelTelemetryClient(replace(CONFIG, local_aggregation=False), extra_readers=[readers["sdk"]]),
    }
    try:
        histograms = {
            name: c.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION) for name, c in clients.items()
        }
        for batch in batches:
            for value in batch:
                for histogram in histograms.values():
                    histogram.record(value, ATTRS)
            ours = _point(readers["local"].get_metrics_data())
            theirs = _point(readers["sdk"].get_metrics_data())
            assert _comparable(ours) == _comparable(theirs)
        assert ours.scale < 20  # the wide batch made both downscale
    finally:
        for client in clients.values():
            client.stop()


def test_index_mapping_agrees_with_the_sdk_at_every_scale() -> None:
    from opentelemetry.sdk.metrics._internal.exponential_histogram.mapping.exponent_mapping import ExponentMapping
    from opentelemetry.sdk.metrics._internal.exponential_histogram.mapping.logarithm_mapping import (
        LogarithmMapping,
    )

    rng = random.Random(3)
    values = [2.0**e for e in range(-20, 20)] + [rng.lognormvariate(0, 6) for _ in range(300)]
    for scale in range(-10, 21):
        mapping = LogarithmMapping(scale) if scale > 0 else ExponentMapping(scale)
        for value in values:
            assert map_to_index(value, scale) == mapping.map_to_index(value), (scale, value)
