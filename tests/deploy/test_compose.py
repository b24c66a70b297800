"""docker-compose.yml checked statically: files exist, profiles as documented, ports agree end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from aztec.deploy.paths import COMPOSE_FILE, DEPLOY_DIR
from tests.deploy.deploy_copy import copy_deploy, edit_yaml
from tests.support.deploy.consistency import METRICS_SERVICES, Service, compose_problems, load_yaml


def test_the_committed_stack_is_consistent() -> None:
    assert compose_problems() == []


def test_profiles_are_as_documented() -> None:
    services = load_yaml(COMPOSE_FILE)["services"]
    assert "profiles" not in services["node"]
    assert {name for name, spec in services.items() if spec.get("profiles") == ["metrics"]} == METRICS_SERVICES
    readme = (DEPLOY_DIR / "README.md").read_text()
    assert "docker compose -f deploy/docker-compose.yml --profile metrics up" in readme


def test_node_points_at_the_collector_and_exposes_its_endpoint_inside_the_container() -> None:
    node = Service("node", load_yaml(COMPOSE_FILE)["services"]["node"], DEPLOY_DIR)
    assert node.environment["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://otel-collector:4318"  # /v1/metrics appended
    assert node.environment["AZTEC_PROMETHEUS_HOST"] == "0.0.0.0"
    assert node.environment["AZTEC_RPC_HOST"] == "0.0.0.0"
    assert set(node.published_ports()) == {8080, 8081, 9464, 9465, 9466}
    assert set(node.published_ports().values()) == {"127.0.0.1"}
    assert node.spec["command"] == ["start", "--sandbox"]


def _set(path: list[str | int], value: Any) -> Callable[[Any], None]:
    def change(data: Any) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


@pytest.mark.parametrize(
    ("file", "change", "problem"),
    [
        (
            "docker-compose.yml",
            _set(["services", "node", "environment", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"], "http://collector:4318"),
            "is not the collector's http/protobuf receiver http://otel-collector:4318",
        ),
        (
            "docker-compose.yml",
            _set(["services", "node", "environment", "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL"], "grpc"),
            "receiver http://otel-collector:4317",
        ),
        (
            "docker-compose.yml",
            _set(["services", "node", "environment", "AZTEC_PROMETHEUS_HOST"], "127.0.0.1"),
            "AZTEC_PROMETHEUS_HOST must be 0.0.0.0",
        ),
        (
            "docker-compose.yml",
            _set(["services", "prometheus", "image"], "prom/prometheus:latest"),
            "prometheus: image 'prom/prometheus:latest' is not pinned",
        ),
        (
            "docker-compose.yml",
            _set(["services", "grafana", "profiles"], ["dashboards"]),
            "grafana: profiles must be [metrics]",
        ),
        (
            "docker-compose.yml",
            _set(["services", "node", "depends_on"], ["otel-collector"]),
            "node: depends on otel-collector, which only runs with profile ['metrics']",
        ),
        (
            "docker-compose.yml",
            _set(["services", "grafana", "ports"], ["3000:3000"]),
            "grafana: port 3000 is published on 0.0.0.0",
        ),
        (
            "docker-compose.yml",
            _set(["services", "otel-collector", "volumes"], ["./otel/config.yaml:/etc/otelcol-contrib/config.yaml:ro"]),
            "otel-collector: mounts",
        ),
        (
            "otel-collector/config.yaml",
            _set(["exporters", "prometheus", "endpoint"], "0.0.0.0:9999"),
            "job otel-collector does not scrape otel-collector:9999",
        ),
        (
            "docker-compose.yml",
            _set(
                ["services", "node", "environment", "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"], "http://otel-collector:4318"
            ),
            "is not the collector's http/protobuf receiver http://otel-collector:4318/v1/metrics",
        ),
        (
            "otel-collector/config.yaml",
            _set(["extensions", "health_check", "endpoint"], "0.0.0.0:13134"),
            "otel-collector-health: healthcheck does not probe http://otel-collector:13134/",
        ),
        (
            "docker-compose.yml",
            _set(["services", "prometheus", "depends_on"], ["otel-collector"]),
            "prometheus: does not wait for otel-collector-health",
        ),
        (
            "otel-collector/config.yaml",
            _set(["service", "telemetry", "metrics", "readers", 0, "pull", "exporter", "prometheus", "port"], 8887),
            "job otel-collector-telemetry does not scrape otel-collector:8887",
        ),
        (
            "otel-collector/config.yaml",
            _set(["receivers", "otlp", "protocols", "http", "endpoint"], "0.0.0.0:4319"),
            "receiver http://otel-collector:4319",
        ),
        (
            "prometheus/prometheus.yml",
            _set(["scrape_configs", 1, "static_configs", 0, "targets"], ["node:9464"]),
            "job aztec-node does not scrape node:9466",
        ),
        (
            "prometheus/prometheus.yml",
            _set(["scrape_configs", 2, "static_configs", 0, "targets"], []),
            "job aztec-bot does not scrape node:9465",
        ),
        (
            "docker-compose.yml",
            _set(["services", "node", "ports"], ["127.0.0.1:8080:8080", "127.0.0.1:9464:9464"]),
            "node: metrics port 9465 (aztec-bot) is not published",
        ),
        (
            "docker-compose.yml",
            _set(["services", "node", "environment", "AZTEC_RPC_HOST"], "127.0.0.1"),
            "JSON-RPC must listen on 0.0.0.0",
        ),
        (
            "prometheus/prometheus.yml",
            _set(["rule_files"], ["alerts/*.yml"]),
            "rule_files 'alerts/*.yml'",
        ),
        (
            "prometheus/prometheus.yml",
            _set(["alerting", "alertmanagers", 0, "static_configs", 0, "targets"], ["alertmanager:9999"]),
            "prometheus: alerting does not send to alertmanager:9093",
        ),
        (
            "docker-compose.yml",
            _set(
                ["services", "alertmanager", "volumes"],
                ["./alerting/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro"],
            ),
            "alertmanager: mounts",
        ),
        (
            "docker-compose.yml",
            _set(["services", "alertmanager", "command"], ["--config.file=/etc/alertmanager/other.yml"]),
            "alertmanager: --config.file=/etc/alertmanager/other.yml is not a mounted repository file",
        ),
        (
            "docker-compose.yml",
            _set(["services", "alertmanager", "image"], "prom/alertmanager:latest"),
            "alertmanager: image 'prom/alertmanager:latest' is not pinned",
        ),
        (
            "grafana/provisioning/datasources/prometheus.yml",
            _set(["datasources", 0, "url"], "http://localhost:9090"),
            "grafana: no provisioned Prometheus data source at http://prometheus:9090",
        ),
        (
            "docker-compose.yml",
            _set(
                ["services", "node", "environment", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"], "http://otel-collector:4318"
            ),
            "its OTLP traces endpoint 'http://otel-collector:4318' is not the collector's",
        ),
        (
            "docker-compose.yml",
            _set(["services", "node", "environment", "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"], "http://jaeger:4318/v1/logs"),
            "its OTLP logs endpoint 'http://jaeger:4318/v1/logs' is not the collector's",
        ),
        (
            "docker-compose.yml",
            _set(["services", "jaeger", "image"], "jaegertracing/all-in-one:latest"),
            "jaeger: image 'jaegertracing/all-in-one:latest' is not pinned",
        ),
        (
            "docker-compose.yml",
            _set(["services", "jaeger", "profiles"], ["traces"]),
            "jaeger: profiles must be [metrics]",
        ),
        (
            "docker-compose.yml",
            _set(["services", "prometheus", "command", 4], "--storage.tsdb.retention.size=1GB"),
            "--enable-feature=exemplar-storage is missing",
        ),
        (
            "otel-collector/config.yaml",
            _set(["exporters", "otlp/jaeger", "endpoint"], "tempo:4317"),
            "the traces pipeline exports to 'tempo:4317', not to Jaeger's OTLP receiver",
        ),
        (
            "grafana/provisioning/datasources/prometheus.yml",
            _set(["datasources", 1, "url"], "http://jaeger:16687"),
            "no provisioned Jaeger data source at http://jaeger:16686",
        ),
        (
            "grafana/provisioning/datasources/prometheus.yml",
            _set(["datasources", 0, "jsonData", "exemplarTraceIdDestinations"], []),
            "exemplars (trace_id) do not link to the Jaeger data source 'jaeger'",
        ),
        (
            "grafana/provisioning/dashboards/aztec.yml",
            _set(["providers", 0, "options", "path"], "/var/lib/grafana/dashboards"),
            "grafana: provider aztec reads /var/lib/grafana/dashboards",
        ),
    ],
)
def test_a_broken_link_is_reported(tmp_path: Path, file: str, change: Callable[[Any], None], problem: str) -> None:
    deploy = copy_deploy(tmp_path)
    edit_yaml(deploy / file, change)
    problems = compose_problems(deploy / "docker-compose.yml")
    assert any(problem in p for p in problems), problems


def test_a_missing_dockerfile_is_reported(tmp_path: Path) -> None:
    deploy = copy_deploy(tmp_path)
    (deploy / "Dockerfile").unlink()
    assert any("Dockerfile deploy/Dockerfile not found" in p for p in compose_problems(deploy / "docker-compose.yml"))


def test_the_dockerfile_starts_the_sandbox_with_the_endpoint_exposed() -> None:
    text = (DEPLOY_DIR / "Dockerfile").read_text()
    assert 'CMD ["start", "--sandbox"]' in text and 'ENTRYPOINT ["aztec"]' in text
    assert "AZTEC_PROMETHEUS_HOST=0.0.0.0" in text and "AZTEC_RPC_HOST=0.0.0.0" in text
    assert "uv sync --frozen --no-dev" in text
    assert "USER aztec" in text
