"""The Terraform module, parsed with hcl2: the files it reads exist, it matches compose, and checkov passes."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from aztec.deploy.consistency import load_yaml
from aztec.deploy.paths import COMPOSE_FILE, TERRAFORM_DIR
from aztec.deploy.terraform_files import file_references, load_module, string_locals
from tests.deploy.deploy_copy import copy_deploy

_SKIP_COMMENT = re.compile(r"#\s*checkov:skip=([A-Z0-9_]+)(:?)(.*)")


def _blocks(kind: str) -> dict[str, Any]:
    """Top-level blocks of one kind across the module: variables and outputs by name, resources by type and name."""
    found: dict[str, Any] = {}
    for parsed in load_module().values():
        for block in parsed.get(kind, []):
            for name, body in block.items():
                if kind == "resource":
                    found.setdefault(name, {}).update(body)
                else:
                    found[name] = body
    return found


def test_the_module_parses_and_has_the_documented_interface() -> None:
    variables = _blocks("variable")
    assert {"namespace", "prometheus_retention", "prometheus_storage_size", "storage_class_name"} <= variables.keys()
    assert variables["namespace"]["default"] == ["aztec-metrics"]
    assert variables["prometheus_retention"]["default"] == ["15d"]
    assert "collector_otlp_http_endpoint" in _blocks("output")
    resources = _blocks("resource")
    assert set(resources["helm_release"]) == {"otel_collector", "prometheus", "grafana", "jaeger"}
    assert set(resources["kubernetes_config_map"]) == {"alert_rules", "dashboards"}
    charts = {name: r["chart"][0] for name, r in resources["helm_release"].items()}
    assert charts == {
        "otel_collector": "opentelemetry-collector",
        "prometheus": "prometheus",
        "grafana": "grafana",
        "jaeger": "jaeger",
    }


def test_every_file_the_module_reads_exists() -> None:
    references = file_references()
    assert len(references) >= 4
    missing = [r.expression for r in references if not r.matches()]
    assert not missing
    read = {r.path.name for r in references}
    assert {"config.yaml", "prometheus.yml", "alertmanager.yml", "rules", "dashboards"} <= read


def test_a_missing_file_is_noticed(tmp_path: Path) -> None:
    deploy = copy_deploy(tmp_path)
    for rule_file in (deploy / "prometheus" / "rules").glob("*.yml"):
        rule_file.unlink()
    empty = [r.expression for r in file_references(deploy / "terraform") if not r.matches()]
    assert empty == ['fileset(local.rules_dir, "*.yml")']


def test_images_and_versions_are_pinned_and_match_compose() -> None:
    defaults = _blocks("variable")
    tags = defaults["image_tags"]["default"][0]
    charts = defaults["chart_versions"]["default"][0]
    assert all(re.fullmatch(r"\d+\.\d+\.\d+", v) for v in charts.values()), charts
    images = {name: s["image"] for name, s in load_yaml(COMPOSE_FILE)["services"].items()}
    assert images["otel-collector"].endswith(f":{tags['collector']}")
    assert images["prometheus"].endswith(f":{tags['prometheus']}")
    assert images["grafana"].endswith(f":{tags['grafana']}")
    assert images["alertmanager"].endswith(f":{tags['alertmanager']}")
    assert images["jaeger"] == f"jaegertracing/all-in-one:{tags['jaeger']}"


def test_alertmanager_is_enabled_with_the_compose_config() -> None:
    """The chart's Alertmanager gets deploy/alertmanager/alertmanager.yml, the file compose mounts."""
    prometheus = _blocks("resource")["helm_release"]["prometheus"]
    values = prometheus["values"][0][0]
    assert "alertmanager = {" in (TERRAFORM_DIR / "main.tf").read_text()
    assert "local.alertmanager_config" in str(values) and "var.image_tags.alertmanager" in str(values)
    local_exprs = {
        k: v for parsed in load_module().values() for block in parsed.get("locals", []) for k, v in block.items()
    }
    assert "alertmanager/alertmanager.yml" in str(local_exprs["alertmanager_config"])
    compose = load_yaml(COMPOSE_FILE)["services"]["alertmanager"]
    assert "./alertmanager/alertmanager.yml:/etc/alertmanager/alertmanager.yml:ro" in compose["volumes"]


def test_traces_go_to_the_in_cluster_jaeger_and_grafana_links_exemplars_to_it() -> None:
    text = (TERRAFORM_DIR / "main.tf").read_text()
    releases = _blocks("resource")["helm_release"]
    assert "jaeger" in releases
    # The compose collector config is reused with only its Jaeger exporter endpoint changed.
    assert '"otlp/jaeger" = merge(local.compose_collector.exporters["otlp/jaeger"]' in text
    assert 'endpoint = "${local.jaeger_collector_host}:4317"' in text
    assert 'exemplarTraceIdDestinations = [{ name = "trace_id", datasourceUid = "jaeger" }]' in text
    assert '"enable-feature=exemplar-storage"' in text


def test_dashboards_and_rules_come_from_the_repository() -> None:
    local_values = string_locals(load_module())
    assert local_values["dashboards_dir"] == "${local.deploy_dir}/grafana/dashboards"
    assert local_values["rules_dir"] == "${local.deploy_dir}/prometheus/rules"
    text = (TERRAFORM_DIR / "main.tf").read_text()
    assert 'job.job_name == "otel-collector"' in text  # the compose collector job, relabelling included


def _checkov(directory: Path) -> dict[str, Any]:
    checkov = Path(sys.executable).parent / "checkov"
    result = subprocess.run(
        [str(checkov), "-d", str(directory), "--framework", "terraform", "-o", "json", "--skip-download", "--quiet"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout)
    if isinstance(report, list):
        (report,) = (r for r in report if r.get("check_type") == "terraform")
    return dict(report)


@pytest.fixture(scope="module")
def checkov_report() -> dict[str, Any]:
    return _checkov(TERRAFORM_DIR)


def test_checkov_reports_no_failed_check(checkov_report: dict[str, Any]) -> None:
    """Offline checkov reports no severities, so no failure is allowed at all beyond commented skips."""
    summary = checkov_report["summary"]
    assert summary["parsing_errors"] == 0
    assert summary["resource_count"] >= 6
    failed = checkov_report["results"]["failed_checks"]
    assert not [(c["check_id"], c["resource"], c.get("severity")) for c in failed]
    high = [c for c in failed if (c.get("severity") or "").upper() in {"HIGH", "CRITICAL"}]
    assert not high


def test_every_checkov_skip_gives_a_reason() -> None:
    for path in TERRAFORM_DIR.glob("*.tf"):
        for line in path.read_text().splitlines():
            match = _SKIP_COMMENT.search(line)
            if match:
                assert match.group(2) == ":" and len(match.group(3).strip()) > 10, f"{path.name}: {line.strip()}"


def test_checkov_catches_a_misconfiguration(tmp_path: Path) -> None:
    """The scan is not vacuous: a pod in the default namespace with a privileged container fails it."""
    (tmp_path / "pod.tf").write_text(
        """
resource "kubernetes_pod" "bad" {
  metadata {
    name = "bad"
  }
  spec {
    container {
      name  = "x"
      image = "busybox"
      security_context {
        privileged = true
      }
    }
  }
}
"""
    )
    failed = {c["check_id"] for c in _checkov(tmp_path)["results"]["failed_checks"]}
    assert {"CKV_K8S_21", "CKV_K8S_16"} <= failed
