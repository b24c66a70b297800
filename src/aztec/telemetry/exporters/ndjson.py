"""An exporter that appends one JSON line per data point, for benchmarks (the spec's NDJSON files).

Schema of a line (see the README, "NDJSON metrics files"):

``time`` (ISO 8601, UTC), ``time_unix_nano``, ``service``, ``scope`` (meter name), ``metric``, ``unit``,
``kind`` (histogram, counter, up_down_counter or gauge), ``temporality`` (delta for counters and
histograms: sum the lines; cumulative for up-down counters; null for gauges), ``attributes``, and
either ``value`` or, for histograms, ``count``, ``sum``, ``min``, ``max``, ``bounds`` and
``bucket_counts`` (``len(bounds) + 1`` entries; bucket i counts values <= bounds[i]).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from opentelemetry.sdk.metrics import (
    Counter,
    Histogram,
    ObservableCounter,
    ObservableUpDownCounter,
    UpDownCounter,
)
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    Gauge,
    MetricExporter,
    MetricExportResult,
    MetricsData,
    Sum,
)
from opentelemetry.sdk.metrics.export import (
    Histogram as HistogramData,
)

_TEMPORALITY: dict[type, AggregationTemporality] = {
    Counter: AggregationTemporality.DELTA,
    ObservableCounter: AggregationTemporality.DELTA,
    Histogram: AggregationTemporality.DELTA,
    UpDownCounter: AggregationTemporality.CUMULATIVE,
    ObservableUpDownCounter: AggregationTemporality.CUMULATIVE,
}


class NdjsonMetricExporter(MetricExporter):
    def __init__(self, path: Path) -> None:
        super().__init__(preferred_temporality=_TEMPORALITY)
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._file = path.open("a", encoding="utf-8")
        self._lock = threading.Lock()

    def export(self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any) -> MetricExportResult:
        lines = [json.dumps(line, separators=(",", ":")) for line in data_point_lines(metrics_data)]
        if not lines:
            return MetricExportResult.SUCCESS
        with self._lock:
            if self._file.closed:
                return MetricExportResult.FAILURE
            self._file.write("\n".join(lines) + "\n")
            self._file.flush()
        return MetricExportResult.SUCCESS

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        with self._lock:
            if not self._file.closed:
                self._file.flush()
        return True

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        with self._lock:
            self._file.close()


def data_point_lines(metrics_data: MetricsData) -> Iterator[dict[str, Any]]:
    """Flatten OpenTelemetry's nested metrics data into one dictionary per data point."""
    for resource_metrics in metrics_data.resource_metrics:
        service = resource_metrics.resource.attributes.get("service.name")
        for scope_metrics in resource_metrics.scope_metrics:
            for metric in scope_metrics.metrics:
                data = metric.data
                base = {
                    "service": service,
                    "scope": scope_metrics.scope.name,
                    "metric": metric.name,
                    "unit": metric.unit,
                }
                for point in data.data_points:
                    line: dict[str, Any] = {
                        "time": _iso(point.time_unix_nano),
                        "time_unix_nano": point.time_unix_nano,
                        **base,
                        "attributes": dict(point.attributes or {}),
                    }
                    if isinstance(data, HistogramData):
                        if point.count == 0:  # type: ignore[union-attr]
                            continue
                        line |= _histogram_fields(point, data.aggregation_temporality)
                    elif isinstance(data, Sum):
                        delta = data.aggregation_temporality is AggregationTemporality.DELTA
                        if delta and point.value == 0:  # type: ignore[union-attr]
                            continue
                        line |= {
                            "kind": "counter" if data.is_monotonic else "up_down_counter",
                            "temporality": "delta" if delta else "cumulative",
                            "value": point.value,  # type: ignore[union-attr]
                        }
                    elif isinstance(data, Gauge):
                        line |= {"kind": "gauge", "temporality": None, "value": point.value}  # type: ignore[union-attr]
                    else:
                        continue
                    yield line


def _histogram_fields(point: Any, temporality: AggregationTemporality) -> dict[str, Any]:
    return {
        "kind": "histogram",
        "temporality": "delta" if temporality is AggregationTemporality.DELTA else "cumulative",
        "count": point.count,
        "sum": point.sum,
        "min": point.min,
        "max": point.max,
        "bounds": list(point.explicit_bounds),
        "bucket_counts": list(point.bucket_counts),
    }


def _iso(time_unix_nano: int) -> str:
    return datetime.fromtimestamp(time_unix_nano / 1e9, tz=UTC).isoformat().replace("+00:00", "Z")
