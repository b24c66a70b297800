"""Where local aggregation meets the OpenTelemetry SDK's readers: the only SDK internals we touch.

The Python SDK has no MetricProducer (the specification's way to feed pre-aggregated data to readers),
so we do what one would do: each reader's collect callback, which the MeterProvider installs, is
wrapped to append the locally aggregated metrics to what the SDK collected. Every exporter behind the
reader (Prometheus, OTLP, NDJSON, in-memory) then sees one ``MetricsData``. Two private names are
used, both stable across SDK releases and pinned by ``uv.lock``: ``MetricReader._collect`` (the
callback ``_set_collect_callback`` installs), ``MetricReader._instrument_class_temporality`` and
``MetricReader._instrument_class_aggregation``.
``tests/telemetry/test_local_aggregation.py`` fails if either changes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry.metrics import Instrument
from opentelemetry.sdk.metrics._internal.instrument import _Counter, _Gauge, _Histogram, _UpDownCounter
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

ProduceScopes = Callable[[MetricReader], Sequence[ScopeMetrics]]
PostProcess = Callable[[MetricsData | None], MetricsData | None]

_SDK_CLASS: dict[InstrumentKind, type[Instrument]] = {
    InstrumentKind.HISTOGRAM: _Histogram,
    InstrumentKind.COUNTER: _Counter,
    InstrumentKind.UP_DOWN_COUNTER: _UpDownCounter,
    InstrumentKind.GAUGE: _Gauge,
}


def temporalities(reader: MetricReader) -> dict[InstrumentKind, AggregationTemporality]:
    """The reader's preferred temporality for each synchronous instrument kind."""
    preferred = reader._instrument_class_temporality
    return {kind: preferred.get(sdk_class, AggregationTemporality.CUMULATIVE) for kind, sdk_class in _SDK_CLASS.items()}


def prefers_exponential_histograms(reader: MetricReader) -> bool:
    """Whether the reader's exporter asked for base-2 exponential histograms (OTLP with that preference)."""
    preferred = reader._instrument_class_aggregation.get(_Histogram)
    return isinstance(preferred, ExponentialBucketHistogramAggregation)


def install_producer(
    reader: MetricReader, produce: ProduceScopes | None, resource: Resource, post_process: PostProcess | None = None
) -> None:
    """Make ``reader`` export what ``produce`` returns along with the SDK's own collection.

    ``post_process`` then sees (and may rewrite) the whole collection before any exporter does.
    """
    sdk_collect: Callable[..., MetricsData | None] | None = reader._collect  # type: ignore[assignment]
    if sdk_collect is None:
        raise RuntimeError("install_producer needs a reader registered on a MeterProvider")

    def collect(collecting: MetricReader, **kwargs: Any) -> MetricsData | None:
        collected = sdk_collect(collecting, **kwargs)
        if produce is not None:
            collected = merge(collected, produce(collecting), resource)
        return collected if post_process is None else post_process(collected)

    # The SDK's annotation of the callback is looser than what it calls it with (reader, timeout_millis=).
    reader._set_collect_callback(collect)  # type: ignore[arg-type]


def merge(collected: MetricsData | None, scopes: Sequence[ScopeMetrics], resource: Resource) -> MetricsData | None:
    """The SDK's collection with ``scopes`` added, metrics of one scope kept under one ScopeMetrics."""
    if not scopes:
        return collected
    if collected is None or not collected.resource_metrics:
        return MetricsData(resource_metrics=[ResourceMetrics(resource=resource, scope_metrics=scopes, schema_url="")])
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
