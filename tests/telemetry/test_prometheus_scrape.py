"""The embedded scrape endpoint, scraped by a real Prometheus, answering histogram_quantile."""

from __future__ import annotations

import urllib.request
from pathlib import Path

import pytest

from aztec.telemetry import attributes as a
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.exporters.prometheus import PrometheusEndpointError
from aztec.telemetry.metrics.circuit import CIRCUIT_SIMULATION_DURATION
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.prometheus_server import PrometheusServer


def _scrape(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        text: str = response.read().decode()
        return text


def test_endpoint_binds_loopback_and_has_no_scope_labels() -> None:
    client = OtelTelemetryClient(TelemetryConfig(service_name="svc", prometheus_port=0, host_metrics=False))
    try:
        assert client.prometheus is not None
        assert client.prometheus.url.startswith("http://127.0.0.1:")
        client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION).record(
            0.2, {a.PROTOCOL_CIRCUIT_NAME: "root-rollup"}
        )
        text = _scrape(client.prometheus.url)
        assert "aztec_circuit_simulation_duration_seconds_bucket{" in text
        assert "otel_scope" not in text
        assert 'service_name="svc"' in text
        assert 'aztec_circuit_protocol_circuit_name="root-rollup"' in text
    finally:
        client.stop()


def test_a_port_in_use_is_a_clear_error() -> None:
    first = OtelTelemetryClient(TelemetryConfig(prometheus_port=0, host_metrics=False))
    try:
        assert first.prometheus is not None
        with pytest.raises(PrometheusEndpointError, match=rf"127\.0\.0\.1:{first.prometheus.port}.*AZTEC_PROMETHEUS"):
            OtelTelemetryClient(TelemetryConfig(prometheus_port=first.prometheus.port, host_metrics=False))
    finally:
        first.stop()


def test_real_prometheus_scrapes_and_answers_histogram_quantile(tmp_path: Path) -> None:
    client = OtelTelemetryClient(TelemetryConfig(service_name="quantiles", prometheus_port=0, host_metrics=True))
    assert client.prometheus is not None
    server = PrometheusServer(
        f"""
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: node
    static_configs:
      - targets: ["127.0.0.1:{client.prometheus.port}"]
""",
        tmp_path,
    )
    try:
        histogram = client.get_meter("T").create_histogram(CIRCUIT_SIMULATION_DURATION)
        base = histogram.bind({a.PROTOCOL_CIRCUIT_NAME: "base-rollup"})
        # 100 observations evenly in the (0.05, 0.1] bucket: the median interpolates to 0.075.
        for _ in range(100):
            base.record(0.07)
        server.wait_for_query('up{job="node"} == 1')
        result = server.wait_for_query(
            "histogram_quantile(0.5, sum by (le) (aztec_circuit_simulation_duration_seconds_bucket"
            '{aztec_circuit_protocol_circuit_name="base-rollup"}))'
        )
        assert float(result[0]["value"][1]) == pytest.approx(0.075)
        cpu = server.wait_for_query('process_cpu_time_seconds_total{service_name="quantiles"}')
        assert {r["metric"]["type"] for r in cpu} == {"user", "system"}
    finally:
        server.stop()
        client.stop()
