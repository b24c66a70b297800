"""Configuration from the environment; a bad value names the variable and the value."""

from __future__ import annotations

from pathlib import Path

import pytest

from aztec.foundation.config import ConfigError
from aztec.telemetry.config import TelemetryConfig


def test_defaults_configure_nothing() -> None:
    config = TelemetryConfig.from_env({})
    assert not config.has_exporter
    assert config.service_name == "aztec-node"
    assert config.prometheus_host == "127.0.0.1"
    assert config.collect_interval_ms == 60_000
    assert config.export_timeout_ms == 30_000
    assert config.local_aggregation


def test_every_variable_is_read() -> None:
    config = TelemetryConfig.from_env(
        {
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://collector:4318/v1/traces",
            "OTEL_SERVICE_NAME": "my-node",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment=test, service.instance.id=node-1",
            "OTEL_COLLECT_INTERVAL_MS": "5000",
            "OTEL_EXPORT_TIMEOUT_MS": "2000",
            "OTEL_INCLUDE_METRICS": "aztec.circuit,aztec.sequencer",
            "OTEL_EXCLUDE_METRICS": "aztec.sequencer.slot",
            "AZTEC_PROMETHEUS_PORT": "9470",
            "AZTEC_PROMETHEUS_HOST": "0.0.0.0",
            "AZTEC_METRICS_NDJSON_FILE": "/tmp/metrics.ndjson",
            "AZTEC_METRICS_CONSOLE": "yes",
            "AZTEC_HOST_METRICS": "false",
            "AZTEC_TELEMETRY_STRICT": "true",
            "AZTEC_TELEMETRY_LOCAL_AGGREGATION": "false",
        }
    )
    assert config.otlp_metrics_endpoint == "http://collector:4318"
    assert config.otlp_traces_endpoint == "http://collector:4318/v1/traces"
    assert config.service_name == "my-node"
    assert config.resource_attributes == {"deployment.environment": "test", "service.instance.id": "node-1"}
    assert config.service_instance_id == "node-1"
    assert (config.collect_interval_ms, config.export_timeout_ms) == (5000, 2000)
    assert config.include_metrics == ("aztec.circuit", "aztec.sequencer")
    assert config.exclude_metrics == ("aztec.sequencer.slot",)
    assert (config.prometheus_host, config.prometheus_port) == ("0.0.0.0", 9470)
    assert config.ndjson_path == Path("/tmp/metrics.ndjson")
    assert config.console and not config.host_metrics
    assert config.strict and not config.local_aggregation


def test_grpc_endpoint_keeps_its_url() -> None:
    config = TelemetryConfig.from_env(
        {"OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc"}
    )
    assert config.otlp_metrics_endpoint == "http://collector:4317"


@pytest.mark.parametrize(
    ("variable", "value", "reason"),
    [
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "collector:4318", "scheme"),
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://", "no host"),
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://collector:99999", "Port out of range"),
        ("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT", "http://collector:abc", "not a valid URL"),
        ("OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/json", "not supported"),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", "thrift", "expected one of"),
        ("OTEL_EXPORTER_OTLP_HEADERS", "novalue", "key=value"),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "soon", "whole number"),
        ("OTEL_EXPORTER_OTLP_METRICS_COMPRESSION", "zstd", "expected one of"),
        ("OTEL_METRIC_EXPORT_INTERVAL", "5s", "whole number"),
        ("OTEL_SDK_DISABLED", "perhaps", "true/false"),
        ("OTEL_METRICS_EXPORTER", "zipkin", "comma-separated list"),
        ("OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "sometimes", "expected one of"),
        ("OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION", "summary", "expected one of"),
        ("OTEL_EXPORTER_PROMETHEUS_PORT", "99999", "at most 65535"),
        ("OTEL_COLLECT_INTERVAL_MS", "ten", "whole number"),
        ("OTEL_COLLECT_INTERVAL_MS", "0", "at least"),
        ("OTEL_EXPORT_TIMEOUT_MS", "1.5", "whole number"),
        ("AZTEC_PROMETHEUS_PORT", "70000", "at most 65535"),
        ("AZTEC_PROMETHEUS_PORT", "-1", "at least 0"),
        ("AZTEC_PROMETHEUS_PORT", "http", "whole number"),
        ("AZTEC_PROMETHEUS_HOST", "127.0.0.1/8", "IP address or host name"),
        ("AZTEC_HOST_METRICS", "maybe", "true/false"),
        ("AZTEC_TELEMETRY_LOCAL_AGGREGATION", "sdk", "true/false"),
        ("OTEL_RESOURCE_ATTRIBUTES", "novalue", "key=value"),
    ],
)
def test_bad_values_name_the_variable_and_the_value(variable: str, value: str, reason: str) -> None:
    with pytest.raises(ConfigError) as raised:
        TelemetryConfig.from_env({variable: value})
    message = str(raised.value)
    assert variable in message
    assert repr(value) in message
    assert reason in message
