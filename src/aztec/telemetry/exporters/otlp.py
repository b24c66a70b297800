"""OTLP push exporters (HTTP/protobuf and gRPC) over OpenTelemetry's own implementations."""

from __future__ import annotations

import logging
from typing import Any, TypeVar

from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GrpcExporter
from opentelemetry.exporter.otlp.proto.http import Compression as HttpCompression
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HttpExporter
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.sdk.metrics import (
    Counter,
    Histogram,
    ObservableCounter,
    ObservableGauge,
    ObservableUpDownCounter,
    UpDownCounter,
)
from opentelemetry.sdk.metrics.export import AggregationTemporality, MetricExporter, MetricExportResult, MetricsData
from opentelemetry.sdk.metrics.view import Aggregation, ExponentialBucketHistogramAggregation
from opentelemetry.sdk.trace.export import SpanExporter

from aztec.telemetry.config import OtlpExport
from aztec.telemetry.exporters.otlp_encoding import MetricsRequestEncoder
from aztec.telemetry.otel.private_api import (
    otlp_http_client,
    otlp_http_metric_export_request,
    otlp_http_metric_exporter_exports_whole,
    replace_otlp_http_client,
)

_log = logging.getLogger(__name__)

_CUMULATIVE, _DELTA = AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA


def temporality_preference(preference: str) -> dict[type, AggregationTemporality]:
    """``OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE`` as the specification defines its three values."""
    delta_kinds: tuple[type, ...] = {
        "cumulative": (),
        "delta": (Counter, Histogram, ObservableCounter),
        "lowmemory": (Counter, Histogram),
    }[preference]
    kinds = (Counter, UpDownCounter, Histogram, ObservableCounter, ObservableUpDownCounter, ObservableGauge)
    return {kind: _DELTA if kind in delta_kinds else _CUMULATIVE for kind in kinds}


def histogram_aggregation(name: str) -> dict[type, Aggregation]:
    """``OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION``: explicit buckets unless base-2 exponential."""
    if name == "base2_exponential_bucket_histogram":
        return {Histogram: ExponentialBucketHistogramAggregation()}
    return {}


def _grpc_compression(compression: str) -> Any:
    from grpc import Compression

    return Compression.Gzip if compression == "gzip" else Compression.NoCompression


class _RecordingHttpClient:
    """Keeps the last result of OpenTelemetry's OTLP/HTTP client, which its exporter only logs."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.last: Any = None

    def export(self, data: bytes) -> Any:
        self.last = self._client.export(data)
        return self.last

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class OtlpHttpMetricExporter(HttpExporter):
    """OpenTelemetry's OTLP/HTTP metric exporter, its requests encoded by :class:`MetricsRequestEncoder`.

    The encoded request is parsed back into OTLP's message (which checks it) and sent as the SDK sends
    its own: its retries, size limit and self-metrics unchanged. With a batch size set, or after
    shutdown, the SDK's own ``export`` runs.
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._encoder = MetricsRequestEncoder()

    def export(
        self, metrics_data: MetricsData, timeout_millis: float | None = 10_000, **kwargs: Any
    ) -> MetricExportResult:
        if not otlp_http_metric_exporter_exports_whole(self):
            return super().export(metrics_data, timeout_millis, **kwargs)
        try:
            request = ExportMetricsServiceRequest.FromString(self._encoder.encode(metrics_data))
        except Exception as error:  # what the SDK's export does when its encoder fails
            _log.error("Failed to encode metrics batch: %s", error)
            return MetricExportResult.FAILURE
        return otlp_http_metric_export_request(self, request)


def build_otlp_exporter(
    export: OtlpExport, *, temporality: str = "cumulative", aggregation: str = "explicit_bucket_histogram"
) -> MetricExporter:
    """OpenTelemetry's OTLP metric exporter for ``export``, with every setting passed explicitly."""
    timeout_s = export.timeout_ms / 1000.0
    preferred = temporality_preference(temporality)
    aggregations = histogram_aggregation(aggregation)
    if export.protocol == "grpc":
        return GrpcExporter(
            endpoint=export.endpoint,
            insecure=export.endpoint.startswith("http://"),
            headers=dict(export.headers),
            timeout=timeout_s,
            compression=_grpc_compression(export.compression),
            preferred_temporality=preferred,
            preferred_aggregation=aggregations,
        )
    exporter = OtlpHttpMetricExporter(
        endpoint=export.endpoint,
        headers=dict(export.headers),
        timeout=timeout_s,
        compression=HttpCompression.Gzip if export.compression == "gzip" else HttpCompression.NoCompression,
        preferred_temporality=preferred,
        preferred_aggregation=aggregations,
    )
    return keep_http_results(exporter)


E = TypeVar("E")


def keep_http_results(exporter: E) -> E:
    """Make an OTLP/HTTP exporter (metrics, spans or logs) keep its last result for :func:`failure_reason`."""
    client = otlp_http_client(exporter)
    if client is not None:
        replace_otlp_http_client(exporter, _RecordingHttpClient(client))
    return exporter


def build_span_exporter(export: OtlpExport) -> SpanExporter:
    """OpenTelemetry's OTLP span exporter for ``export`` (HTTP/protobuf or gRPC)."""
    timeout_s = export.timeout_ms / 1000.0
    if export.protocol == "grpc":
        from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import OTLPSpanExporter as GrpcSpanExporter

        return GrpcSpanExporter(
            endpoint=export.endpoint,
            insecure=export.endpoint.startswith("http://"),
            headers=dict(export.headers),
            timeout=timeout_s,
            compression=_grpc_compression(export.compression),
        )
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter as HttpSpanExporter

    return HttpSpanExporter(
        endpoint=export.endpoint,
        headers=dict(export.headers),
        timeout=timeout_s,
        compression=HttpCompression.Gzip if export.compression == "gzip" else HttpCompression.NoCompression,
    )


def failure_reason(exporter: object) -> str | None:
    """The status or error of an OTLP/HTTP exporter's last failed request, if it kept one."""
    client = otlp_http_client(exporter)
    result = client.last if isinstance(client, _RecordingHttpClient) else None
    if result is None or getattr(result, "success", True):
        return None
    status, reason, error = result.status_code, result.reason, result.error
    if status is not None:
        return f"HTTP {status} {reason or ''}".strip()
    if error is not None:
        return f"{type(error).__name__}: {error}"
    return None
