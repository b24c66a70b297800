"""Compose's Prometheus keeps the node's telemetry self-metrics from its embedded endpoint, so that the
export-failure alert can fire while OTLP export fails (when nothing reaches the collector)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from aztec.deploy.paths import PROMETHEUS_DIR
from aztec.telemetry.config import OtlpExport, TelemetryConfig
from aztec.telemetry.otel.client import OtelTelemetryClient
from tests.support.otlp_receivers import OtlpHttpReceiver
from tests.support.prometheus_server import PrometheusServer


def _compose_config_against(target: str) -> str:
    """deploy/prometheus/prometheus.yml, its aztec-node job pointed at ``target``, every other job removed."""
    config: dict[str, Any] = yaml.safe_load((PROMETHEUS_DIR / "prometheus.yml").read_text())
    (job,) = [copy.deepcopy(j) for j in config["scrape_configs"] if j["job_name"] == "aztec-node"]
    job["static_configs"] = [{"targets": [target]}]
    job["scrape_interval"] = "1s"
    config["scrape_configs"] = [job]
    config.pop("rule_files", None)
    config["global"] = {"scrape_interval": "1s", "evaluation_interval": "1s"}
    return yaml.safe_dump(config)


def test_self_metrics_survive_the_keep_list_while_otlp_fails(tmp_path: Path) -> None:
    refusing = OtlpHttpReceiver(status=503)
    client = OtelTelemetryClient(
        TelemetryConfig(
            otlp_metrics=OtlpExport(refusing.endpoint),
            collect_interval_ms=200,
            export_timeout_ms=1000,
            prometheus_port=0,
        ),
        probe_otlp=False,
    )
    assert client.prometheus is not None
    prometheus = PrometheusServer(_compose_config_against(f"127.0.0.1:{client.prometheus.port}"), tmp_path)
    try:
        failures = prometheus.wait_for_query(
            'aztec_telemetry_export_count_total{job="aztec-node", aztec_outcome="failure"} > 0'
        )
        assert failures[0]["metric"]["aztec_telemetry_exporter"] == "otlp_http"
        ratio = prometheus.wait_for_query(
            'sum(rate(aztec_telemetry_export_count_total{aztec_outcome="failure", job!="otel-collector"}[10s]))'
            ' / sum(rate(aztec_telemetry_export_count_total{job!="otel-collector"}[10s])) > 0.5'
        )
        assert ratio  # the alert's expression, on the kept samples
        assert prometheus.query('{job="aztec-node", __name__=~"process_.+|target_info"}') == []
        assert prometheus.query('up{job="aztec-node"} == 1')
    finally:
        prometheus.stop()
        client.stop()
        refusing.close()
