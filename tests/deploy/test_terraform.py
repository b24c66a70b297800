"""The Terraform module, parsed with hcl2: the files it reads exist, it matches compose, and checkov passes."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from aztec.deploy.paths import COMPOSE_FILE, TERRAFORM_DIR
from tests.deploy.deploy_copy import copy_deploy
from tests.deploy.terraform_render import Module, dump
from tests.support.deploy.consistency import load_yaml
from tests.support.deploy.terraform_files import file_references, load_module, string_locals

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
    assert set(resources["helm_release"]) == {"prometheus", "grafana", "jaeger"}
    assert set(resources["kubernetes_config_map"]) == {"alert_rules", "dashboards"}
    modules = {
        name: body for parsed in load_module().values() for b in parsed.get("module", []) for name, body in b.items()
    }
    assert modules["collector"]["source"] == ["./collector"]  # agent + gateway: tests/deploy/test_collector_topology.py
    charts = {name: r["chart"][0] for name, r in resources["helm_release"].items()}
    assert charts == {
        "prometheus": "prometheus",
        "grafana": "grafana",
        "jaeger": "jaeger",
    }


def test_every_file_the_module_reads_exists() -> None:
    references = file_references() + file_references(TERRAFORM_DIR / "collector")
    assert len(references) >= 6
    missing = [r.expression for r in references if not r.matches()]
    assert not missing
    read = {r.path.name for r in references}
    assert {"config.yaml", "agent.yaml", "prometheus.yml", "alertmanager.yml", "rules", "dashboards"} <= read


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
    # The gateway runs the compose collector config with only its Jaeger exporter endpoint changed.
    gateway = (TERRAFORM_DIR / "collector" / "main.tf").read_text()
    assert '"otlp/jaeger" = merge(local.compose_collector.exporters["otlp/jaeger"]' in gateway
    assert 'jaeger_endpoint  = "${local.jaeger_collector_host}:4317"' in text
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
    for path in TERRAFORM_DIR.rglob("*.tf"):
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


# --- the node's roles (deploy/terraform/nodes) ---------------------------------------------------------

NODES_DIR = TERRAFORM_DIR / "nodes"
PINNED_IMAGE = "registry.example/aztec-node@sha256:" + "0" * 64
_REPEATED = {
    "container": "containers",
    "port": "ports",
    "env": "env",
    "volume_mount": "volumeMounts",
    "volume": "volumes",
    "volume_claim_template": "volumeClaimTemplates",
    "ingress": "ingress",
    "from": "from",
}
_LIST_ATTRIBUTES = {"access_modes", "command", "args", "drop", "add", "policy_types"}


def _nodes_resources() -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for parsed in load_module(NODES_DIR).values():
        for block in parsed.get("resource", []):
            for kind, named in block.items():
                found.setdefault(kind, {}).update(named)
    return found


def _nodes_locals() -> dict[str, Any]:
    return {k: v for parsed in load_module(NODES_DIR).values() for b in parsed.get("locals", []) for k, v in b.items()}


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _k8s(value: Any, key: str = "") -> Any:
    """hcl2's parse of a Kubernetes provider block as the Kubernetes object it stands for (camelCase, lists for
    repeated blocks, ``dynamic`` blocks dropped, the image pinned as an operator would give it)."""
    if isinstance(value, list):
        if key in _REPEATED:
            return [_k8s(item) for item in value]
        if key in _LIST_ATTRIBUTES:
            inner = value[0] if len(value) == 1 and isinstance(value[0], list) else value
            return [_k8s(item) for item in inner]
        return _k8s(value[0], key) if len(value) == 1 else [_k8s(item) for item in value]
    if isinstance(value, dict):
        attributes_only = key == "http_get"  # its ``port`` is an attribute, not a repeated port block
        return {
            (None if attributes_only else _REPEATED.get(k)) or _camel(k): _k8s(v, "" if attributes_only else k)
            for k, v in value.items()
            if k not in ("dynamic", "for_each")
        }
    if value == "${var.image}":
        return PINNED_IMAGE
    if key == "labels" and isinstance(value, str):  # ``merge(local.labels, ...)``: an expression here
        return {"app.kubernetes.io/part-of": "aztec-node"}
    return value


NODES_VARIABLES = {
    "image": PINNED_IMAGE,
    "bot_enabled": True,
    "otlp_endpoint": "http://otel-agent.aztec-metrics.svc.cluster.local:4318",
}


def _nodes(**variables: Any) -> Module:
    return Module(NODES_DIR, {**NODES_VARIABLES, **variables})


def _manifests() -> str:
    """Every workload, Service, volume claim and NetworkPolicy of the module (each role's StatefulSet, the
    provers', the bot's Deployment), rendered as Kubernetes YAML for checkov's Kubernetes checks: its Terraform
    checks do not cover kubernetes_stateful_set_v1 (only the namespace check does)."""
    return dump(_nodes().manifests())


def _checkov_kubernetes(path: Path) -> dict[str, Any]:
    checkov = Path(sys.executable).parent / "checkov"
    result = subprocess.run(
        [str(checkov), "-f", str(path), "--framework", "kubernetes", "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.stdout.strip(), result.stderr
    report = json.loads(result.stdout)
    return dict(report if isinstance(report, dict) else report[0])


def test_nodes_module_has_the_roles_as_stateful_sets() -> None:
    resources = _nodes_resources()
    roles = _nodes_locals()["roles"][0]
    assert set(roles) == {"sequencer", "follower"}
    assert roles["sequencer"]["replicas"] == [1] or roles["sequencer"]["replicas"] == 1
    assert "${var.follower_replicas}" in str(roles["follower"]["replicas"])
    assert set(resources["kubernetes_stateful_set_v1"]) == {"role", "prover"}
    assert set(resources["kubernetes_deployment_v1"]) == {"bot"}
    for name in ("role", "prover"):
        statefulset = _k8s(resources["kubernetes_stateful_set_v1"][name]["spec"])
        (claim,) = statefulset["volumeClaimTemplates"]
        assert claim["metadata"]["name"] == "data" and claim["spec"]["accessModes"] == ["ReadWriteOnce"]
    assert _nodes().manifest("kubernetes_stateful_set_v1", "prover")["spec"]["replicas"] == 1
    assert _nodes(prover_replicas=4).manifest("kubernetes_stateful_set_v1", "prover")["spec"]["replicas"] == 4
    assert resources["kubernetes_stateful_set_v1"]["prover"]["count"] == ["${var.prover_replicas > 0 ? 1 : 0}"]


def _sequencer_command(nodes: Module) -> list[str]:
    sequencer = nodes.manifest("kubernetes_stateful_set_v1", "role", ("sequencer", nodes.local("roles")["sequencer"]))
    (container,) = sequencer["spec"]["template"]["spec"]["containers"]
    return shlex.split(container["command"][2].split("exec ", 1)[1])


def test_the_sequencer_proves_in_its_process_only_without_prover_replicas() -> None:
    assert _sequencer_command(_nodes()) == ["aztec", "start", "--l1", "--sequencer", "--no-status"]
    assert "--prover" not in _sequencer_command(_nodes(prover_replicas=3))
    assert _sequencer_command(_nodes(prover_replicas=0)) == [
        "aztec",
        "start",
        "--l1",
        "--sequencer",
        "--prover",
        "--no-status",
    ]


def test_the_bot_s_probes_ask_its_scrape_endpoint() -> None:
    bot = _nodes().manifest("kubernetes_deployment_v1", "bot")
    (container,) = bot["spec"]["template"]["spec"]["containers"]
    assert {p["name"] for p in container["ports"]} == {"metrics"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}


def test_the_metrics_port_probes_are_paths_a_real_scrape_endpoint_answers() -> None:
    """Every probe on a ``metrics`` port (the prover's, the bot's) GETs 200 from a real scrape endpoint."""
    import urllib.request

    from aztec.telemetry.config import TelemetryConfig
    from aztec.telemetry.otel.client import OtelTelemetryClient

    nodes = _nodes()
    paths = set()
    for kind, name in (("kubernetes_stateful_set_v1", "prover"), ("kubernetes_deployment_v1", "bot")):
        (container,) = nodes.manifest(kind, name)["spec"]["template"]["spec"]["containers"]
        for probe in ("livenessProbe", "readinessProbe"):
            get = container[probe]["httpGet"]
            assert get["port"] == "metrics", (name, probe)
            paths.add(get["path"])
    assert paths == {"/healthz", "/readyz"}
    client = OtelTelemetryClient(TelemetryConfig(service_name="probe", prometheus_port=0, host_metrics=False))
    try:
        assert client.prometheus is not None
        base = client.prometheus.url.removesuffix("/metrics")
        for path in sorted(paths):
            with urllib.request.urlopen(base + path, timeout=5) as response:
                assert response.status == 200, path
    finally:
        client.stop()


def test_the_prover_wiring_matches_the_node_s_settings() -> None:
    """A prover-only process: its scrape port (the only one it serves), its settings, its own volume with the
    shared L1, and the sequencer Service's JSON-RPC port as the node it fetches txs from."""
    from aztec.sandbox import settings as start_settings
    from aztec.telemetry.standard_variables import STANDARD_VARIABLES

    nodes = _nodes()
    prover = nodes.manifest("kubernetes_stateful_set_v1", "prover")
    pod = prover["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    metrics_port = start_settings.METRICS_PORT.default + start_settings.PROVER_METRICS_OFFSET
    assert {p["name"]: p["containerPort"] for p in container["ports"]} == {"metrics": metrics_port}
    assert shlex.split(container["command"][2].split("exec ", 1)[1]) == ["aztec", "start", "--prover", "--no-status"]
    # A prover-only process serves no JSON-RPC: the probes ask its scrape endpoint's /healthz and /readyz.
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "metrics"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "metrics"}

    env = {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}
    known = {v for s in start_settings.START_SETTINGS for v in s.variables}
    standard = {v.name for v in STANDARD_VARIABLES}
    assert {n for n in env if n.startswith("AZTEC_")} <= known, {n for n in env if n.startswith("AZTEC_")} - known
    assert set(env) - {"POD_NAME"} <= known | standard, set(env) - known - standard
    assert env["AZTEC_PROMETHEUS_PORT"] == str(start_settings.METRICS_PORT.default)
    assert env["AZTEC_PROMETHEUS_HOST"] == "0.0.0.0"
    assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == NODES_VARIABLES["otlp_endpoint"]
    assert env["OTEL_RESOURCE_ATTRIBUTES"] == "service.instance.id=$(POD_NAME)"
    assert env["POD_NAME"] == {"fieldRef": {"fieldPath": "metadata.name"}}

    url = urlsplit(env["AZTEC_PROVER_NODE_URL"])
    service = nodes.manifest("kubernetes_service_v1", "role", ("sequencer", nodes.local("roles")["sequencer"]))
    sequencer = nodes.manifest("kubernetes_stateful_set_v1", "role", ("sequencer", nodes.local("roles")["sequencer"]))
    name, namespace = service["metadata"]["name"], service["metadata"]["namespace"]
    assert sequencer["spec"]["serviceName"] == name and sequencer["spec"]["replicas"] == 1
    assert (
        url.scheme == "http"
        and url.hostname == f"{sequencer['metadata']['name']}-0.{name}.{namespace}.svc.cluster.local"
    )
    rpc = next(p for p in service["spec"]["ports"] if p["name"] == "rpc")
    (sequencer_container,) = sequencer["spec"]["template"]["spec"]["containers"]
    sequencer_rpc = next(p for p in sequencer_container["ports"] if p["name"] == rpc["targetPort"])
    assert url.port == rpc["port"] == sequencer_rpc["containerPort"] == int(env["AZTEC_RPC_PORT"])

    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    (claim,) = prover["spec"]["volumeClaimTemplates"]
    assert mounts[claim["metadata"]["name"]] == env["AZTEC_DATA_DIR"]  # data/prover/ on the replica's own volume
    volumes = {v["name"]: v for v in pod["volumes"]}
    l1_claim = nodes.manifest("kubernetes_persistent_volume_claim_v1", "l1")
    assert volumes["l1"]["persistentVolumeClaim"]["claimName"] == l1_claim["metadata"]["name"]
    assert l1_claim["spec"]["accessModes"] == ["ReadWriteMany"]
    assert f"ln -sf {mounts['l1']}/l1.sqlite" in container["command"][2]
    assert mounts["l1"] == {m["name"]: m["mountPath"] for m in sequencer_container["volumeMounts"]}["l1"]

    resources = container["resources"]
    assert resources["requests"] == {"cpu": "1", "memory": "1Gi"} and resources["limits"] == {
        "cpu": "2",
        "memory": "2Gi",
    }
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]} and security["runAsNonRoot"] is True
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["automountServiceAccountToken"] is False


def test_nodes_wiring_matches_the_node_s_settings() -> None:
    """Every variable set is an `aztec start` setting or a standard OTel one; ports and paths agree with them."""
    from aztec.sandbox import settings as start_settings
    from aztec.sandbox import validation
    from aztec.sandbox.roles import Roles
    from aztec.stdlib.config.node import FOLLOWER_RPC_OFFSET
    from aztec.telemetry.standard_variables import STANDARD_VARIABLES

    local_values = _nodes_locals()
    settings = local_values["settings"][0]
    known = {v for s in start_settings.START_SETTINGS for v in s.variables}
    standard = {v.name for v in STANDARD_VARIABLES}
    assert set(settings) <= known | standard, set(settings) - known - standard
    assert {"AZTEC_DATA_DIR", "AZTEC_RPC_PORT", "AZTEC_PROMETHEUS_PORT", "OTEL_EXPORTER_OTLP_ENDPOINT"} <= set(settings)
    defaults = validation.StartArgs(roles=Roles())
    assert local_values["rpc_port"] == [int(defaults.rpc_port)] or local_values["rpc_port"] == int(defaults.rpc_port)
    assert str(local_values["metrics_port"]).strip("[]") == defaults.metrics_port
    assert settings["AZTEC_RPC_HOST"] == "0.0.0.0" and settings["AZTEC_PROMETHEUS_HOST"] == "0.0.0.0"
    roles = local_values["roles"][0]
    offsets = {
        ("follower", "rpc_port"): FOLLOWER_RPC_OFFSET,
        ("follower", "metrics_port"): start_settings.FOLLOWER_METRICS_OFFSET,
    }
    for (role, port), offset in offsets.items():
        assert re.fullmatch(rf"\$\{{local\.{port} \+ {offset}\}}", str(roles[role][port]).strip("[]'")), roles[role]
    assert re.fullmatch(
        rf"\$\{{local\.metrics_port \+ {start_settings.BOT_METRICS_OFFSET}\}}",
        str(local_values["bot_metrics_port"]).strip("[]'"),
    )
    statefulset = _k8s(_nodes_resources()["kubernetes_stateful_set_v1"]["role"]["spec"])
    pod = statefulset["template"]["spec"]
    (container,) = pod["containers"]
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    assert mounts["data"] == "${local.data_dir}" and settings["AZTEC_DATA_DIR"] == "${local.data_dir}"
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "rpc"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "rpc"}
    assert {p["name"] for p in container["ports"]} == {"rpc", "metrics"}
    assert "exec aztec start ${each.value.flags}" in container["command"][2]
    # the pod annotations (rendered): tests/deploy/test_collector_topology.py
    assert "local.scrape_annotations" in statefulset["template"]["metadata"]["annotations"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert pod["securityContext"]["runAsNonRoot"] is True and pod["securityContext"]["runAsUser"] == 10001


@pytest.fixture(scope="module")
def nodes_checkov(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, Any]]:
    """checkov's Terraform checks on the module (bot enabled), and its Kubernetes checks on the workloads."""
    directory = tmp_path_factory.mktemp("nodes")
    for path in NODES_DIR.glob("*.tf"):
        (directory / path.name).write_text(path.read_text().replace("var.bot_enabled ? 1 : 0", "1"))
    manifests = directory / "workloads.yaml"
    manifests.write_text(_manifests())
    return _checkov(directory), _checkov_kubernetes(manifests)


def test_checkov_passes_on_the_node_roles(
    nodes_checkov: tuple[dict[str, Any], dict[str, Any]], capsys: pytest.CaptureFixture[str]
) -> None:
    terraform, kubernetes = nodes_checkov
    for report in (terraform, kubernetes):
        assert report["summary"]["parsing_errors"] == 0
        failed = report["results"]["failed_checks"]
        assert not [(c["check_id"], c["resource"]) for c in failed]
    passed = kubernetes["results"]["passed_checks"]
    kubernetes_ids = {c["check_id"] for c in passed}
    workloads = {"StatefulSet.aztec.aztec-sequencer", "StatefulSet.aztec.aztec-follower"}
    workloads |= {"StatefulSet.aztec.aztec-prover", "Deployment.aztec.aztec-bot"}
    for workload in workloads:
        ids = {c["check_id"] for c in passed if c["resource"] == workload}
        for required in ("CKV_K8S_8", "CKV_K8S_9", "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_23", "CKV_K8S_28"):
            assert required in ids, (workload, required)
    # The image checks are skipped by the module's own comments (var.image is pinned by its validation).
    skipped = {(c["check_id"], c["resource"]) for c in kubernetes["results"]["skipped_checks"]}
    assert skipped == {(check, w) for check in ("CKV_K8S_14", "CKV_K8S_43") for w in workloads}
    assert terraform["summary"]["passed"] >= 25 and kubernetes["summary"]["passed"] >= 300
    with capsys.disabled():
        print(
            f"\ncheckov on deploy/terraform/nodes: terraform {terraform['summary']['passed']} passed, "
            f"{terraform['summary']['failed']} failed, {terraform['summary']['skipped']} skipped; kubernetes (the "
            f"rendered {kubernetes['summary']['resource_count']} resources: StatefulSets of the sequencer, followers "
            f"and provers, the bot's Deployment, Services, volume claim, NetworkPolicies) "
            f"{kubernetes['summary']['passed']} passed ({len(kubernetes_ids)} distinct checks), "
            f"{kubernetes['summary']['failed']} failed, {kubernetes['summary']['skipped']} skipped with reasons"
        )


def test_checkov_fails_a_root_writable_stateful_set(tmp_path: Path) -> None:
    """The rendering is not vacuous: the same StatefulSet with a writable root and escalation allowed fails."""
    text = (
        _manifests()
        .replace("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
        .replace("allowPrivilegeEscalation: false", "allowPrivilegeEscalation: true")
    )
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    failed = {c["check_id"] for c in _checkov_kubernetes(path)["results"]["failed_checks"]}
    assert {"CKV_K8S_20", "CKV_K8S_22"} <= failed
