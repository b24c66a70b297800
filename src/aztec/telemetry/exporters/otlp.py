"""OTLP push exporters (HTTP/protobuf and gRPC) over OpenTelemetry's own implementations."""

from __future__ import annotations

from typing import Any, TypeVar

from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GrpcExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HttpExporter
from opentelemetry.sdk.metrics.export import MetricExporter


def exporter_kind(protocol: str) -> str:
    return "otlp_grpc" if protocol == "grpc" else "otlp_http"


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


def build_otlp_exporter(endpoint: str, protocol: str, timeout_ms: int) -> MetricExporter:
    timeout_s = timeout_ms / 1000.0
    if protocol == "grpc":
        return GrpcExporter(endpoint=endpoint, insecure=endpoint.startswith("http://"), timeout=timeout_s)
    return keep_http_results(HttpExporter(endpoint=endpoint, timeout=timeout_s))


E = TypeVar("E")


def keep_http_results(exporter: E) -> E:
    """Make an OTLP/HTTP exporter (metrics, spans or logs) keep its last result for :func:`failure_reason`."""
    if hasattr(exporter, "_client"):
        exporter._client = _RecordingHttpClient(exporter._client)
    return exporter


def failure_reason(exporter: object) -> str | None:
    """The status or error of an OTLP/HTTP exporter's last failed request, if it kept one."""
    client = getattr(exporter, "_client", None)
    result = client.last if isinstance(client, _RecordingHttpClient) else None
    if result is None or getattr(result, "success", True):
        return None
    status, reason, error = result.status_code, result.reason, result.error
    if status is not None:
        return f"HTTP {status} {reason or ''}".strip()
    if error is not None:
        return f"{type(error).__name__}: {error}"
    return None
