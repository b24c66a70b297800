"""An in-memory telemetry client for tests, with readable accessors for what was recorded.

    telemetry = InMemoryTelemetryClient()
    prover = TestCircuitProver(telemetry)
    ...
    assert telemetry.histogram(CIRCUIT_SIMULATION_DURATION, {PROTOCOL_CIRCUIT_NAME: "base-rollup"}).count == 1

It is strict by default: a banned or undeclared attribute raises at the call site.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from opentelemetry.sdk.metrics.export import Gauge as GaugeData
from opentelemetry.sdk.metrics.export import Histogram as HistogramData
from opentelemetry.sdk.metrics.export import InMemoryMetricReader, MetricsData
from opentelemetry.sdk.metrics.export import Sum as SumData
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import Attributes, MetricDefinition
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.trace_settings import SamplerSettings


@dataclass(frozen=True)
class HistogramSnapshot:
    count: int
    sum: float
    bounds: tuple[float, ...]
    bucket_counts: tuple[int, ...]

    @property
    def mean(self) -> float:
        return self.sum / self.count if self.count else 0.0


@dataclass(frozen=True)
class Series:
    attributes: dict[str, Any]
    point: Any


class MissingSeriesError(AssertionError):
    """Nothing was recorded for that metric and those attributes."""


class InMemoryTelemetryClient(OtelTelemetryClient):
    def __init__(self, config: TelemetryConfig | None = None, *, strict: bool = True) -> None:
        self.reader = InMemoryMetricReader()
        self.spans = InMemorySpanExporter()
        base = config or TelemetryConfig(
            service_name="test", host_metrics=False, trace_sampler=SamplerSettings("always_on", 1.0)
        )
        super().__init__(
            replace(base, strict=strict),
            extra_readers=[self.reader],
            extra_span_processors=[SimpleSpanProcessor(self.spans)],
        )

    def finished_spans(self, name: str | None = None) -> list[ReadableSpan]:
        """The spans ended so far, those named ``name`` only when given."""
        return [s for s in self.spans.get_finished_spans() if name is None or s.name == name]

    def collect(self) -> MetricsData:
        return self.reader.get_metrics_data() or MetricsData(resource_metrics=[])

    def series(self, definition: MetricDefinition, attributes: Attributes | None = None) -> list[Series]:
        """Every data point of the metric whose attributes include ``attributes``."""
        wanted = {str(k): v for k, v in (attributes or {}).items()}
        found: list[Series] = []
        for resource_metrics in self.collect().resource_metrics:
            for scope_metrics in resource_metrics.scope_metrics:
                for metric in scope_metrics.metrics:
                    if metric.name != definition.name:
                        continue
                    for point in metric.data.data_points:
                        point_attributes = dict(point.attributes or {})
                        if all(point_attributes.get(k) == v for k, v in wanted.items()):
                            found.append(Series(point_attributes, point))
        return found

    def _require(self, definition: MetricDefinition, attributes: Attributes | None) -> list[Series]:
        found = self.series(definition, attributes)
        if not found:
            raise MissingSeriesError(f"nothing recorded for {definition.name} with {dict(attributes or {})}")
        return found

    def histogram(self, definition: MetricDefinition, attributes: Attributes | None = None) -> HistogramSnapshot:
        """Count, sum and buckets over every matching series."""
        found = self._require(definition, attributes)
        points = [s.point for s in found]
        bounds = tuple(points[0].explicit_bounds)
        buckets = [sum(col) for col in zip(*(p.bucket_counts for p in points), strict=True)]
        return HistogramSnapshot(
            count=sum(p.count for p in points),
            sum=sum(p.sum for p in points),
            bounds=bounds,
            bucket_counts=tuple(buckets),
        )

    def counter_value(self, definition: MetricDefinition, attributes: Attributes | None = None) -> float:
        """The sum over every matching series (0 when nothing was counted)."""
        return float(sum(s.point.value for s in self.series(definition, attributes)))

    def gauge_value(self, definition: MetricDefinition, attributes: Attributes | None = None) -> float:
        """The value of the single matching series."""
        found = self._require(definition, attributes)
        if len(found) > 1:
            raise AssertionError(f"{definition.name}: {len(found)} series match {dict(attributes or {})}")
        return float(found[0].point.value)

    def metric_names(self) -> set[str]:
        return {
            metric.name
            for rm in self.collect().resource_metrics
            for sm in rm.scope_metrics
            for metric in sm.metrics
            if isinstance(metric.data, HistogramData | SumData | GaugeData)
        }
