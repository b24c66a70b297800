"""Where local aggregation meets the OpenTelemetry SDK's readers.

The Python SDK has no MetricProducer (the specification's way to feed pre-aggregated data to readers),
so we do what one would do: each reader's collect callback, which the MeterProvider installs, is
wrapped to append the locally aggregated metrics to what the SDK collected. Every exporter behind the
reader (Prometheus, OTLP, NDJSON, in-memory) then sees one ``MetricsData``. The reader's private
hooks this needs are in :mod:`aztec.telemetry.otel.private_api`, pinned by
``tests/telemetry/test_private_api_pins.py``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry.metrics import Instrument
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    MetricReader,
    MetricsData,
    ResourceMetrics,
    ScopeMetrics,
)
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation
from opentelemetry.sdk.resources import Resource

from aztec.telemetry.definitions import InstrumentKind
from aztec.telemetry.otel.private_api import (
    SDK_COUNTER,
    SDK_GAUGE,
    SDK_HISTOGRAM,
    SDK_OBSERVABLE_COUNTER,
    SDK_OBSERVABLE_GAUGE,
    SDK_OBSERVABLE_UP_DOWN_COUNTER,
    SDK_UP_DOWN_COUNTER,
    reader_aggregations,
    reader_collect,
    reader_temporalities,
    set_reader_collect,
)

ProduceScopes = Callable[[MetricReader], Sequence[ScopeMetrics]]
PostProcess = Callable[[MetricsData | None], MetricsData | None]

_SDK_CLASS: dict[InstrumentKind, type[Instrument]] = {
    InstrumentKind.HISTOGRAM: SDK_HISTOGRAM,
    InstrumentKind.COUNTER: SDK_COUNTER,
    InstrumentKind.UP_DOWN_COUNTER: SDK_UP_DOWN_COUNTER,
    InstrumentKind.GAUGE: SDK_GAUGE,
    InstrumentKind.OBSERVABLE_COUNTER: SDK_OBSERVABLE_COUNTER,
    InstrumentKind.OBSERVABLE_UP_DOWN_COUNTER: SDK_OBSERVABLE_UP_DOWN_COUNTER,
    InstrumentKind.OBSERVABLE_GAUGE: SDK_OBSERVABLE_GAUGE,
}


def temporalities(reader: MetricReader) -> dict[InstrumentKind, AggregationTemporality]:
    """The reader's preferred temporality for each instrument kind."""
    preferred = reader_temporalities(reader)
    return {kind: preferred.get(sdk_class, AggregationTemporality.CUMULATIVE) for kind, sdk_class in _SDK_CLASS.items()}


def prefers_exponential_histograms(reader: MetricReader) -> bool:
    """Whether the reader's exporter asked for base-2 exponential histograms (OTLP with that preference)."""
    preferred = reader_aggregations(reader).get(SDK_HISTOGRAM)
    return isinstance(preferred, ExponentialBucketHistogramAggregation)


def install_producer(
    reader: MetricReader, produce: ProduceScopes | None, resource: Resource, post_process: PostProcess | None = None
) -> None:
    """Make ``reader`` export what ``produce`` returns along with the SDK's own collection.

    ``post_process`` then sees (and may rewrite) the whole collection before any exporter does.
    """
    sdk_collect = reader_collect(reader)
    if sdk_collect is None:
        raise RuntimeError("install_producer needs a reader registered on a MeterProvider")

    def collect(collecting: MetricReader, **kwargs: Any) -> MetricsData | None:
        collected = sdk_collect(collecting, **kwargs)
        if produce is not None:
            collected = merge(collected, produce(collecting), resource)
        return collected if post_process is None else post_process(collected)

    set_reader_collect(reader, collect)


def merge(collected: MetricsData | None, scopes: Sequence[ScopeMetrics], resource: Resource) -> MetricsData | None:
    """The SDK's collection with ``scopes`` added, metrics of one scope kept under one ScopeMetrics."""
    if not scopes:
        return collected
    if collected is None or not collected.resource_metrics:
        first, rest = ResourceMetrics(resource=resource, scope_metrics=[], schema_url=""), []
    else:
        first, *rest = collected.resource_metrics
    merged = list(first.scope_metrics)
    position = {scope_metrics.scope.name: index for index, scope_metrics in enumerate(merged)}
    for scope_metrics in scopes:
        index = position.get(scope_metrics.scope.name)
        if index is None:
            position[scope_metrics.scope.name] = len(merged)
            merged.append(scope_metrics)
        else:
            existing = merged[index]
            merged[index] = ScopeMetrics(
                scope=existing.scope,
                metrics=[*existing.metrics, *scope_metrics.metrics],
                schema_url=existing.schema_url,
            )
    combined = ResourceMetrics(resource=first.resource, scope_metrics=merged, schema_url=first.schema_url)
    return MetricsData(resource_metrics=[combined, *rest])
