"""OTLP push exporters (HTTP/protobuf and gRPC) over OpenTelemetry's own implementations."""

from __future__ import annotations

from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import OTLPMetricExporter as GrpcExporter
from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter as HttpExporter
from opentelemetry.sdk.metrics.export import MetricExporter


def exporter_kind(protocol: str) -> str:
    return "otlp_grpc" if protocol == "grpc" else "otlp_http"


def build_otlp_exporter(endpoint: str, protocol: str, timeout_ms: int) -> MetricExporter:
    timeout_s = timeout_ms / 1000.0
    if protocol == "grpc":
        return GrpcExporter(endpoint=endpoint, insecure=endpoint.startswith("http://"), timeout=timeout_s)
    return HttpExporter(endpoint=endpoint, timeout=timeout_s)
