"""The nodes' ServiceMonitor/PodMonitor relabelings, run by a real Prometheus.

No Kubernetes API server runs here, so the targets come from a file SD file carrying the
``__meta_kubernetes_pod_label_*`` labels Kubernetes SD would give each pod (its labels from the rendered
StatefulSets, the provers' StatefulSet and the bot's Deployment); the monitors' ``relabelings`` and
``metricRelabelings`` become the scrape config's ``relabel_configs`` and ``metric_relabel_configs``, as the
Prometheus Operator writes them (after its own, which select the pods and port). The target serves a real
exposition with a telemetry self-metric and a chain metric, named from the registry.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Final

import pytest
import yaml

from aztec.deploy.paths import TERRAFORM_DIR
from aztec.telemetry.exporters.prometheus_names import prometheus_series
from aztec.telemetry.metrics.archiver import ARCHIVER_BLOCK_HEIGHT
from aztec.telemetry.metrics.telemetry import TELEMETRY_EXPORT_COUNT
from tests.deploy.terraform_render import Module
from tests.support.polling import wait_until
from tests.support.prometheus_server import PrometheusServer

NODES_DIR: Final = TERRAFORM_DIR / "nodes"
TELEMETRY_SERIES: Final = prometheus_series(TELEMETRY_EXPORT_COUNT).name
CHAIN_SERIES: Final = prometheus_series(ARCHIVER_BLOCK_HEIGHT).name
EXPOSITION: Final = (
    f'# TYPE {TELEMETRY_SERIES} counter\n{TELEMETRY_SERIES}{{aztec_outcome="failure"}} 3\n'
    f'# TYPE {CHAIN_SERIES} gauge\n{CHAIN_SERIES}{{aztec_chain_status="proposed"}} 7\n'
)


def _snake(rule: dict[str, Any]) -> dict[str, Any]:
    """A Prometheus Operator RelabelConfig as Prometheus's relabel_config."""
    return {re.sub(r"[A-Z]", lambda m: "_" + m.group(0).lower(), k): v for k, v in rule.items()}


def _endpoint(variables: dict[str, Any]) -> dict[str, Any]:
    monitor = Module(NODES_DIR, {"monitor_kind": "PodMonitor", **variables}).manifest(
        "kubernetes_manifest", "pod_monitor"
    )
    (endpoint,) = monitor["spec"]["podMetricsEndpoints"]
    service = Module(NODES_DIR, {"monitor_kind": "ServiceMonitor", **variables}).manifest(
        "kubernetes_manifest", "service_monitor"
    )
    assert service["spec"]["endpoints"] == [endpoint]  # both kinds relabel alike
    return dict(endpoint)


def _pod_labels() -> list[dict[str, str]]:
    nodes = Module(NODES_DIR, {"bot_enabled": True})
    workloads = [
        nodes.manifest("kubernetes_stateful_set_v1", "role", each)
        for each in nodes.instances("kubernetes_stateful_set_v1", "role")
    ] + [nodes.manifest("kubernetes_stateful_set_v1", "prover"), nodes.manifest("kubernetes_deployment_v1", "bot")]
    return [w["spec"]["template"]["metadata"]["labels"] for w in workloads]


class _Exposition(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = EXPOSITION.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; version=0.0.4")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def prometheus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrometheusServer]:
    base = tmp_path_factory.mktemp("monitors")
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Exposition)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    address = f"127.0.0.1:{server.server_address[1]}"
    jobs = []
    for variant, variables in (("keep", {}), ("all", {"scrape_all_metrics": True})):
        endpoint = _endpoint(variables)
        groups = [
            {
                "targets": [address],
                "labels": {
                    "variant": variant,
                    **{f"__meta_kubernetes_pod_label_{re.sub(r'[^A-Za-z0-9_]', '_', k)}": v for k, v in pod.items()},
                },
            }
            for pod in _pod_labels()
        ]
        sd_file = base / f"{variant}.json"
        sd_file.write_text(json.dumps(groups))
        jobs.append(
            {
                "job_name": f"monitor-{variant}",
                "scrape_interval": "1s",
                "metrics_path": endpoint["path"],
                "file_sd_configs": [{"files": [str(sd_file)], "refresh_interval": "1s"}],
                "relabel_configs": [_snake(r) for r in endpoint["relabelings"]],
                "metric_relabel_configs": [_snake(r) for r in endpoint["metricRelabelings"]],
            }
        )
    prometheus = PrometheusServer(yaml.safe_dump({"scrape_configs": jobs}), base / "prometheus")
    try:
        yield prometheus
    finally:
        prometheus.stop()
        server.shutdown()


def test_the_targets_get_the_rules_jobs_and_their_roles(prometheus: PrometheusServer) -> None:
    for variant in ("keep", "all"):

        def four_up(query: str = f'up{{variant="{variant}"}} == 1') -> list[dict[str, Any]] | None:
            found = prometheus.query(query)
            return found if len(found) == 4 else None

        found = wait_until(four_up, timeout=30, interval=0.2, message=f"four {variant} targets up")
        assert found is not None
        assert {(r["metric"]["job"], r["metric"]["role"]) for r in found} == {
            ("aztec-node", "sequencer"),
            ("aztec-node", "follower"),
            ("aztec-node", "prover"),
            ("aztec-bot", "bot"),
        }, variant


def test_only_the_telemetry_self_metrics_are_kept_unless_scrape_all_metrics(prometheus: PrometheusServer) -> None:
    def names(variant: str) -> set[str]:
        query = f'count by (__name__) ({{variant="{variant}", __name__!~"up|scrape_.+"}})'
        return {r["metric"]["__name__"] for r in prometheus.wait_for_query(query)}

    assert names("keep") == {TELEMETRY_SERIES}
    prometheus.wait_for_query(f'{CHAIN_SERIES}{{variant="all"}}')
    assert names("all") == {TELEMETRY_SERIES, CHAIN_SERIES}
