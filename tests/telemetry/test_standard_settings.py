"""OpenTelemetry's standard variables, as the SDK specification defines them, applied to real exporters."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from opentelemetry.sdk.resources import OTELResourceDetector

from aztec.telemetry import attributes as a
from aztec.telemetry import create_telemetry_client
from aztec.telemetry.config import TelemetryConfig, own_variables_table, resource_attributes_from
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.metrics.sequencer import SEQUENCER_BLOCK_COUNT
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.otel.client import OtelTelemetryClient
from aztec.telemetry.standard_variables import STANDARD_VARIABLES, Support, markdown_table
from tests.support.otlp_receivers import OtlpGrpcReceiver, OtlpHttpReceiver

ROOT = Path(__file__).resolve().parents[2]
ATTRS = {a.PROTOCOL_CIRCUIT_NAME: "merge-rollup", a.PROVER_TYPE: "native"}


def test_generic_endpoint_gets_each_signals_path_and_signal_endpoints_are_used_as_given() -> None:
    generic = TelemetryConfig.from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318/prefix/"})
    assert generic.otlp_metrics_endpoint == "http://collector:4318/prefix/v1/metrics"
    assert generic.otlp_traces_endpoint == "http://collector:4318/prefix/v1/traces"
    assert generic.otlp_logs is not None and generic.otlp_logs.endpoint == "http://collector:4318/prefix/v1/logs"
    specific = TelemetryConfig.from_env(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "http://metrics:9999/custom",
        }
    )
    assert specific.otlp_metrics_endpoint == "http://metrics:9999/custom"
    assert specific.otlp_traces_endpoint == "http://collector:4318/v1/traces"
    grpc = TelemetryConfig.from_env(
        {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4317", "OTEL_EXPORTER_OTLP_PROTOCOL": "grpc"}
    )
    assert grpc.otlp_metrics is not None and grpc.otlp_metrics.endpoint == "http://collector:4317"
    assert grpc.otlp_metrics.kind == "otlp_grpc"


def test_signal_settings_win_over_generic_ones() -> None:
    config = TelemetryConfig.from_env(
        {
            "OTEL_EXPORTER_OTLP_ENDPOINT": "http://collector:4318",
            "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20generic",
            "OTEL_EXPORTER_OTLP_METRICS_HEADERS": "x-tenant=metrics",
            "OTEL_EXPORTER_OTLP_TIMEOUT": "4000",
            "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT": "2500",
            "OTEL_EXPORTER_OTLP_COMPRESSION": "gzip",
            "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL": "grpc",
        }
    )
    assert config.otlp_metrics is not None and config.otlp_traces is not None
    assert dict(config.otlp_metrics.headers) == {"x-tenant": "metrics"}
    assert dict(config.otlp_traces.headers) == {"authorization": "Bearer generic"}  # percent-decoded
    assert (config.otlp_metrics.timeout_ms, config.otlp_traces.timeout_ms) == (4000, 2500)
    assert config.otlp_metrics.compression == "gzip"
    assert (config.otlp_metrics.protocol, config.otlp_traces.protocol) == ("http/protobuf", "grpc")
    assert config.otlp_traces.endpoint == "http://collector:4318"  # gRPC takes the base URL


def test_exporter_selection_variables() -> None:
    none = TelemetryConfig.from_env({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318", "OTEL_METRICS_EXPORTER": "none"})
    assert none.otlp_metrics is None and none.otlp_traces is not None
    default = TelemetryConfig.from_env({"OTEL_METRICS_EXPORTER": "otlp,prometheus", "OTEL_TRACES_EXPORTER": "none"})
    assert default.otlp_metrics_endpoint == "http://localhost:4318/v1/metrics"  # the specification's default
    assert default.prometheus_port == 9464 and default.otlp_traces is None
    assert TelemetryConfig.from_env({"OTEL_METRICS_EXPORTER": "console"}).console


def test_standard_names_win_over_the_aztec_aliases_with_a_notice() -> None:
    config = TelemetryConfig.from_env(
        {
            "OTEL_METRIC_EXPORT_INTERVAL": "5000",
            "OTEL_COLLECT_INTERVAL_MS": "7000",
            "OTEL_METRIC_EXPORT_TIMEOUT": "3000",
            "OTEL_EXPORTER_PROMETHEUS_PORT": "9470",
            "AZTEC_PROMETHEUS_PORT": "9471",
        }
    )
    assert (config.collect_interval_ms, config.export_timeout_ms, config.prometheus_port) == (5000, 3000, 9470)
    assert any("OTEL_METRIC_EXPORT_INTERVAL=5000 and OTEL_COLLECT_INTERVAL_MS=7000" in n for n in config.notices)
    assert any("OTEL_EXPORTER_PROMETHEUS_PORT=9470" in n for n in config.notices)
    assert TelemetryConfig.from_env({"OTEL_COLLECT_INTERVAL_MS": "7000"}).collect_interval_ms == 7000


def test_unsupported_and_unknown_standard_variables_are_never_silently_ignored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    env = {"OTEL_PROPAGATORS": "b3", "OTEL_EXPORTER_ZIPKIN_ENDPOINT": "http://z", "OTEL_MADE_UP": "1"}
    config = TelemetryConfig.from_env({**env, "AZTEC_PROMETHEUS_PORT": "0", "AZTEC_HOST_METRICS": "false"})
    assert len(config.notices) == 3 and all(any(name in n for n in config.notices) for name in env)
    caplog.set_level(logging.WARNING, logger="aztec.telemetry")
    client = create_telemetry_client(config)
    client.stop()
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert all(name in logged for name in env)
    sdk_own = TelemetryConfig.from_env({"OTEL_PYTHON_LOG_CORRELATION": "true", "OTEL_BSP_MAX_QUEUE_SIZE": "10"})
    assert sdk_own.notices == ()


def test_sdk_disabled_gives_the_noop_client_even_with_exporters() -> None:
    env = {"OTEL_SDK_DISABLED": "true", "AZTEC_PROMETHEUS_PORT": "0", "OTEL_EXPORTER_OTLP_ENDPOINT": "http://c:4318"}
    assert isinstance(create_telemetry_client(TelemetryConfig.from_env(env)), NoopTelemetryClient)


@pytest.mark.parametrize(
    "raw",
    [
        "deployment.environment=prod,team=a%20b",
        " k = v ,, x=%3D%2C ",
        "url=http%3A%2F%2Fexample%3A80%2Fpath,empty=",
    ],
)
def test_resource_attributes_decode_as_the_sdk_detector_does(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_RESOURCE_ATTRIBUTES", raw)
    monkeypatch.delenv("OTEL_SERVICE_NAME", raising=False)
    sdk = dict(OTELResourceDetector().detect().attributes)
    assert resource_attributes_from({"OTEL_RESOURCE_ATTRIBUTES": raw}) == sdk


def test_headers_reach_the_collector_on_exports_and_on_the_start_up_probe() -> None:
    receiver = OtlpHttpReceiver()
    try:
        config = TelemetryConfig.from_env(
            {
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": receiver.endpoint,
                "OTEL_EXPORTER_OTLP_HEADERS": "authorization=Bearer%20s3cret,x-scope-orgid=tenant-1",
                "AZTEC_HOST_METRICS": "false",
            }
        )
        client = OtelTelemetryClient(config)  # probes the endpoint at start, with the headers
        client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION).record(0.1, ATTRS)
        client.stop()
        assert len(receiver.headers) >= 2  # the probe and the final export
        for headers in receiver.headers:
            lowered = {k.lower(): v for k, v in headers.items()}
            assert lowered["authorization"] == "Bearer s3cret" and lowered["x-scope-orgid"] == "tenant-1"
    finally:
        receiver.close()


def test_delta_temporality_preference_sends_deltas() -> None:
    receiver = OtlpGrpcReceiver()
    try:
        config = TelemetryConfig.from_env(
            {
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": receiver.endpoint,
                "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc",
                "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE": "delta",
                "AZTEC_HOST_METRICS": "false",
            }
        )
        client = OtelTelemetryClient(config, probe_otlp=False)
        counter = client.get_meter("T").create_counter(SEQUENCER_BLOCK_COUNT)
        counter.add(2, {a.OUTCOME: "success"})
        assert client.flush()
        counter.add(3, {a.OUTCOME: "success"})
        client.stop()
        values = [p.point.as_int for p in receiver.points() if p.metric == SEQUENCER_BLOCK_COUNT.name]
        assert values == [2, 3]  # deltas, not 2 then 5
        temporality = {
            p.point.start_time_unix_nano for p in receiver.points() if p.metric == SEQUENCER_BLOCK_COUNT.name
        }
        assert len(temporality) == 2  # each delta starts where the last ended
    finally:
        receiver.close()


def test_exponential_histograms_when_asked() -> None:
    receiver = OtlpGrpcReceiver()
    try:
        config = TelemetryConfig.from_env(
            {
                "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": receiver.endpoint,
                "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "grpc",
                "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION": "base2_exponential_bucket_histogram",
                "AZTEC_HOST_METRICS": "false",
            }
        )
        client = OtelTelemetryClient(config, probe_otlp=False)
        histogram = client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
        for value in (0.001, 0.01, 0.1, 1.0):
            histogram.record(value, ATTRS)
        client.stop()
        (point,) = [p for p in receiver.points() if p.metric == CIRCUIT_SIMULATION_DURATION.name]
        assert point.kind == "exponential_histogram" and point.point.count == 4
    finally:
        receiver.close()


def test_the_readme_lists_every_standard_variable_as_the_registry_renders_it() -> None:
    readme = (ROOT / "README.md").read_text()
    assert markdown_table() in readme, (
        "README's standard-variable table is stale: paste standard_variables.markdown_table()"
    )
    assert own_variables_table() in readme, "README's table of the project's variables is stale"
    assert {v.support for v in STANDARD_VARIABLES} == set(Support)
