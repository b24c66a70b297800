"""The collector as agent (DaemonSet) and gateway (Deployment) on Kubernetes (deploy/terraform/collector), and
the Prometheus Operator objects of the collectors and the nodes: parsed with python-hcl2, rendered to Kubernetes
objects, checked against the collector configs and the node's settings, and scanned by checkov's Kubernetes
checks. The agent -> gateway hop itself runs with real collectors in tests/e2e/test_collector_hop.py."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import pytest
import yaml

from aztec.deploy.paths import COLLECTOR_CONFIG, DEPLOY_DIR, PROMETHEUS_DIR, TERRAFORM_DIR
from tests.deploy.terraform_render import Module, dump
from tests.support.deploy.broken import broken_copy
from tests.support.deploy.consistency import collector_ports, load_yaml

COLLECTOR_DIR: Final = TERRAFORM_DIR / "collector"
NODES_DIR: Final = TERRAFORM_DIR / "nodes"
AGENT_CONFIG: Final = DEPLOY_DIR / "otel-collector" / "agent.yaml"
NAMESPACE: Final = "aztec-metrics"
PINNED_IMAGE: Final = "registry.example/aztec-node@sha256:" + "0" * 64
_ENV_REFERENCE: Final = re.compile(r"\$\{env:(\w+)\}")
_AGENT_COMPONENTS: Final = {
    "receivers": frozenset({"otlp"}),
    "processors": frozenset({"memory_limiter", "k8sattributes", "resource", "batch"}),
    "exporters": frozenset({"loadbalancing", "otlp"}),
    "extensions": frozenset({"health_check"}),
}
"""Component types of the contrib distribution the agent may use; anything else is a typo."""


# --- the agent's config ----------------------------------------------------------------------------------


def _endpoint_port(endpoint: str) -> int:
    return int(str(endpoint).rsplit(":", 1)[1])


def agent_problems(config: dict[str, Any], gateway_grpc_port: int) -> list[str]:
    """What would make the agent drop, mislabel or misroute data: undefined or unused components, the
    processor order, its receivers, the hop to the gateway, and a resource processor touching service.*."""
    problems: list[str] = []
    service = config.get("service") or {}
    pipelines = service.get("pipelines") or {}
    used: dict[str, set[str]] = {kind: set() for kind in _AGENT_COMPONENTS}
    used["extensions"] |= set(service.get("extensions") or [])
    for signal in ("metrics", "traces", "logs"):
        if signal not in pipelines:
            problems.append(f"service: no {signal} pipeline")
    for name, pipeline in pipelines.items():
        for kind in ("receivers", "processors", "exporters"):
            for component in pipeline.get(kind) or []:
                used[kind].add(component)
                if component not in (config.get(kind) or {}):
                    problems.append(f"pipeline {name}: {kind[:-1]} {component} is not defined under {kind}")
        processors = [p.split("/")[0] for p in pipeline.get("processors") or []]
        if processors[:1] != ["memory_limiter"]:
            problems.append(f"pipeline {name}: memory_limiter must be the first processor")
        if processors[-1:] != ["batch"]:
            problems.append(f"pipeline {name}: batch must be the last processor")
        if "k8sattributes" not in processors:
            problems.append(f"pipeline {name}: no k8sattributes (the sender's pod metadata)")
    for kind, known in _AGENT_COMPONENTS.items():
        for component in config.get(kind) or {}:
            if component.split("/")[0] not in known:
                problems.append(f"{kind}: unknown component type {component.split('/')[0]!r} in {component!r}")
            elif component not in used[kind]:
                problems.append(f"{kind}: {component} is defined but no pipeline uses it")
    protocols = ((config.get("receivers") or {}).get("otlp") or {}).get("protocols") or {}
    for protocol in ("grpc", "http"):
        endpoint = str((protocols.get(protocol) or {}).get("endpoint", ""))
        if not endpoint.startswith("0.0.0.0:"):
            problems.append(f"receivers.otlp: {protocol} must listen on 0.0.0.0 (pods send to the node's agent)")
    for name, processor in (config.get("processors") or {}).items():
        if name.split("/")[0] == "resource":
            for action in processor.get("attributes") or []:
                if not str(action.get("key", "")).startswith("k8s."):
                    problems.append(f"processors.{name}: sets {action.get('key')}; the agent may add k8s.* only")
    exporters = config.get("exporters") or {}
    for name in (pipelines.get("metrics") or {}).get("exporters") or []:
        exporter = exporters.get(name) or {}
        if name.split("/")[0] != "loadbalancing" or exporter.get("routing_key") != "resource":
            problems.append(
                f"pipeline metrics: {name} must be loadbalancing with routing_key resource (one node's series, one "
                "gateway)"
            )
        dns = (exporter.get("resolver") or {}).get("dns") or {}
        if dns.get("hostname") != "${env:OTEL_GATEWAY_HOST}" or int(dns.get("port", 0)) != gateway_grpc_port:
            problems.append(f"exporters.{name}: must resolve ${{env:OTEL_GATEWAY_HOST}}:{gateway_grpc_port}")
    for signal in ("traces", "logs"):
        for name in (pipelines.get(signal) or {}).get("exporters") or []:
            endpoint = str((exporters.get(name) or {}).get("endpoint", ""))
            if endpoint != f"${{env:OTEL_GATEWAY_HOST}}:{gateway_grpc_port}":
                problems.append(f"pipeline {signal}: {name} does not send to the gateway ({endpoint!r})")
    if "health_check" not in used["extensions"]:
        problems.append("service.extensions: health_check is not enabled")
    return problems


def env_references(config: dict[str, Any]) -> set[str]:
    """Every ``${env:NAME}`` the collector expands in a config."""
    return set(_ENV_REFERENCE.findall(yaml.safe_dump(config)))


@pytest.fixture(scope="module")
def agent_config() -> dict[str, Any]:
    return load_yaml(AGENT_CONFIG)


@pytest.fixture(scope="module")
def gateway_config() -> dict[str, Any]:
    """The gateway's config: compose's collector config (deploy/otel-collector/config.yaml)."""
    return load_yaml(COLLECTOR_CONFIG)


def test_the_agent_config_is_consistent(agent_config: dict[str, Any], gateway_config: dict[str, Any]) -> None:
    assert agent_problems(agent_config, collector_ports(gateway_config)["otlp_grpc"]) == []


@pytest.mark.parametrize(
    ("path", "value", "problem"),
    [
        (["service", "pipelines", "metrics", "exporters"], ["otlp/gateway"], "must be loadbalancing"),
        (["exporters", "loadbalancing/gateway", "routing_key"], "service", "routing_key resource"),
        (["exporters", "loadbalancing/gateway", "resolver", "dns", "port"], "4318", "must resolve"),
        (["exporters", "otlp/gateway", "endpoint"], "otel-gateway:4317", "does not send to the gateway"),
        (["processors", "resource/agent", "attributes"], [{"key": "service.instance.id", "value": "x"}], "k8s.*"),
        (["service", "pipelines", "logs", "processors"], ["memory_limiter", "batch"], "no k8sattributes"),
        (["service", "pipelines", "traces", "processors"], ["batch", "memory_limiter"], "memory_limiter must be"),
        (["receivers", "otlp", "protocols", "http", "endpoint"], "localhost:4318", "0.0.0.0"),
        (["processors", "k8sattribute"], {}, "unknown component type 'k8sattribute'"),
        (["service", "pipelines", "logs"], None, "no logs pipeline"),
        (["service", "extensions"], [], "health_check is not enabled"),
    ],
)
def test_a_broken_agent_config_is_reported(
    agent_config: dict[str, Any], path: list[str], value: Any, problem: str
) -> None:
    problems = agent_problems(broken_copy(agent_config, path, value), 4317)
    assert any(problem in p for p in problems), problems


def test_the_agent_adds_only_the_node_name_and_the_pod_metadata(agent_config: dict[str, Any]) -> None:
    (action,) = agent_config["processors"]["resource/agent"]["attributes"]
    assert action == {"key": "k8s.node.name", "value": "${env:K8S_NODE_NAME}", "action": "upsert"}
    k8s = agent_config["processors"]["k8sattributes"]
    assert k8s["filter"] == {"node_from_env_var": "K8S_NODE_NAME"}  # only the pods of its own node
    assert k8s["pod_association"] == [{"sources": [{"from": "connection"}]}]
    assert {"k8s.pod.name", "k8s.namespace.name"} <= set(k8s["extract"]["metadata"])


# --- the module, rendered --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def collector() -> Module:
    return Module(COLLECTOR_DIR, {"namespace": NAMESPACE, "jaeger_endpoint": "jaeger-collector:4317"})


def _container(workload: dict[str, Any]) -> dict[str, Any]:
    (container,) = workload["spec"]["template"]["spec"]["containers"]
    return dict(container)


def _ports(container: dict[str, Any]) -> dict[str, int]:
    return {p["name"]: p["containerPort"] for p in container["ports"]}


def _env(container: dict[str, Any]) -> dict[str, Any]:
    return {e["name"]: e.get("value", e.get("valueFrom")) for e in container["env"]}


def test_the_module_has_an_agent_daemon_set_and_a_gateway_deployment(collector: Module) -> None:
    assert set(collector.resources["kubernetes_daemon_set_v1"]) == {"agent"}
    assert set(collector.resources["kubernetes_deployment_v1"]) == {"gateway"}
    gateway = collector.manifest("kubernetes_deployment_v1", "gateway")
    assert gateway["spec"]["replicas"] == collector.defaults["gateway_replicas"] == 2
    assert (
        Module(COLLECTOR_DIR, {"namespace": "x", "gateway_replicas": 5}).manifest(
            "kubernetes_deployment_v1", "gateway"
        )["spec"]["replicas"]
        == 5
    )


def test_the_agent_listens_where_its_config_does_and_its_service_stays_on_the_node(
    collector: Module, agent_config: dict[str, Any]
) -> None:
    agent = collector.manifest("kubernetes_daemon_set_v1", "agent")
    container = _container(agent)
    protocols = agent_config["receivers"]["otlp"]["protocols"]
    assert _ports(container) == {
        "otlp-grpc": _endpoint_port(protocols["grpc"]["endpoint"]),
        "otlp-http": _endpoint_port(protocols["http"]["endpoint"]),
        "telemetry": agent_config["service"]["telemetry"]["metrics"]["readers"][0]["pull"]["exporter"]["prometheus"][
            "port"
        ],
        "health": _endpoint_port(agent_config["extensions"]["health_check"]["endpoint"]),
    }
    service = collector.manifest("kubernetes_service_v1", "agent")
    assert service["spec"]["internalTrafficPolicy"] == "Local"
    assert service["spec"]["selector"].items() <= agent["spec"]["template"]["metadata"]["labels"].items()
    assert agent["spec"]["selector"]["matchLabels"].items() <= agent["spec"]["template"]["metadata"]["labels"].items()
    for port in service["spec"]["ports"]:
        assert _ports(container)[port["targetPort"]] == port["port"], port
    for probe in ("livenessProbe", "readinessProbe"):
        assert container[probe]["httpGet"] == {"path": "/", "port": "health"}


def test_every_env_variable_a_config_expands_is_set_and_the_hop_names_the_gateway_service(
    collector: Module, agent_config: dict[str, Any], gateway_config: dict[str, Any]
) -> None:
    agent = _container(collector.manifest("kubernetes_daemon_set_v1", "agent"))
    env = _env(agent)
    assert env_references(agent_config) <= env.keys(), env_references(agent_config) - env.keys()
    assert env["K8S_NODE_NAME"] == {"fieldRef": {"fieldPath": "spec.nodeName"}}
    gateway_service = collector.manifest("kubernetes_service_v1", "gateway")
    assert env["OTEL_GATEWAY_HOST"] == f"{gateway_service['metadata']['name']}.{NAMESPACE}.svc.cluster.local"
    # headless, so that the name resolves to every replica for the load-balancing exporter
    assert gateway_service["spec"]["clusterIP"] == "None"
    grpc = next(p for p in gateway_service["spec"]["ports"] if p["name"] == "otlp-grpc")
    dns = agent_config["exporters"]["loadbalancing/gateway"]["resolver"]["dns"]
    assert int(dns["port"]) == grpc["port"] == collector_ports(gateway_config)["otlp_grpc"]
    gateway = collector.manifest("kubernetes_deployment_v1", "gateway")
    assert gateway_service["spec"]["selector"].items() <= gateway["spec"]["template"]["metadata"]["labels"].items()
    assert env_references(gateway_config) <= _env(_container(gateway)).keys()


def test_the_gateway_serves_the_compose_collector_s_ports(collector: Module, gateway_config: dict[str, Any]) -> None:
    gateway = collector.manifest("kubernetes_deployment_v1", "gateway")
    ports = collector_ports(gateway_config)
    assert _ports(_container(gateway)) == {
        "otlp-grpc": ports["otlp_grpc"],
        "otlp-http": ports["otlp_http"],
        "prom-exporter": ports["prometheus"],
        "telemetry": ports["telemetry"],
        "health": ports["health_check"],
    }
    service = collector.manifest("kubernetes_service_v1", "gateway")
    for port in service["spec"]["ports"]:
        assert _ports(_container(gateway))[port["targetPort"]] == port["port"], port
    # The compose config, with only the Jaeger endpoint changed.
    text = (COLLECTOR_DIR / "main.tf").read_text()
    assert 'compose_collector = yamldecode(file("${local.deploy_dir}/otel-collector/config.yaml"))' in text
    assert (
        '"otlp/jaeger" = merge(local.compose_collector.exporters["otlp/jaeger"], { endpoint = var.jaeger_endpoint })'
        in (text)
    )


def test_each_collector_reads_its_config_from_its_config_map(collector: Module) -> None:
    for workload_kind, name in (("kubernetes_daemon_set_v1", "agent"), ("kubernetes_deployment_v1", "gateway")):
        workload = collector.manifest(workload_kind, name)
        container = _container(workload)
        (volume,) = workload["spec"]["template"]["spec"]["volumes"]
        (mount,) = container["volumeMounts"]
        config_map = collector.manifest("kubernetes_config_map_v1", name)
        assert volume["configMap"]["name"] == config_map["metadata"]["name"] and mount["name"] == volume["name"]
        (key,) = config_map["data"]
        assert container["args"] == [f"--config={mount['mountPath']}/{key}"] and mount["readOnly"] is True
    agent_data = collector.manifest("kubernetes_config_map_v1", "agent")["data"]["config.yaml"]
    assert yaml.safe_load(agent_data) == load_yaml(AGENT_CONFIG)


def test_the_agent_may_read_what_k8sattributes_needs_and_the_gateway_no_api_at_all(collector: Module) -> None:
    agent = collector.manifest("kubernetes_daemon_set_v1", "agent")
    pod = agent["spec"]["template"]["spec"]
    account = collector.manifest("kubernetes_service_account_v1", "agent")["metadata"]["name"]
    assert pod["serviceAccountName"] == account and pod["automountServiceAccountToken"] is True
    binding = collector.manifest("kubernetes_cluster_role_binding_v1", "agent")
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account, "namespace": NAMESPACE}]
    role = collector.manifest("kubernetes_cluster_role_v1", "agent")
    assert binding["roleRef"]["name"] == role["metadata"]["name"]
    granted = {
        (group, resource): set(rule["verbs"])
        for rule in role["rules"]
        for group in rule["apiGroups"]
        for resource in rule["resources"]
    }
    assert granted == {
        ("", "pods"): {"get", "list", "watch"},
        ("", "namespaces"): {"get", "list", "watch"},
        ("apps", "replicasets"): {"get", "list", "watch"},
    }
    gateway = collector.manifest("kubernetes_deployment_v1", "gateway")["spec"]["template"]["spec"]
    assert gateway["automountServiceAccountToken"] is False


def test_the_workloads_send_to_their_node_s_agent() -> None:
    """The metrics module's endpoint output (the nodes module's otlp_endpoint) is the agent Service's OTLP/HTTP."""
    collector = Module(COLLECTOR_DIR, {"namespace": NAMESPACE})
    service = collector.manifest("kubernetes_service_v1", "agent")
    http = next(p for p in service["spec"]["ports"] if p["name"] == "otlp-http")
    assert collector.output("otlp_http_endpoint") == (
        f"http://{service['metadata']['name']}.{NAMESPACE}.svc.cluster.local:{http['port']}"
    )
    metrics = (TERRAFORM_DIR / "outputs.tf").read_text()
    assert re.search(
        r'output "collector_otlp_http_endpoint" \{[^}]*value\s*=\s*module\.collector\.otlp_http_endpoint', metrics
    )
    main = (TERRAFORM_DIR / "main.tf").read_text()
    assert 'source = "./collector"' in main and 'helm_release" "otel_collector"' not in main


def test_the_metrics_module_s_prometheus_discovers_every_gateway_and_collector(collector: Module) -> None:
    """Kubernetes SD instead of a static Service address (which would reach another replica at each scrape),
    keeping the gateway Service's exporter port and every collector pod's telemetry port, with compose's jobs."""
    main = (TERRAFORM_DIR / "main.tf").read_text()
    assert 'regex         = "${module.collector.gateway_service};${module.collector.prometheus_port_name}"' in main
    assert (
        collector.output("gateway_service")
        == collector.manifest("kubernetes_service_v1", "gateway")["metadata"]["name"]
    )
    gateway_ports = {p["name"] for p in collector.manifest("kubernetes_service_v1", "gateway")["spec"]["ports"]}
    assert collector.output("prometheus_port_name") in gateway_ports
    assert 'regex         = "otel-collector;telemetry"' in main
    for name, kind in (("agent", "kubernetes_daemon_set_v1"), ("gateway", "kubernetes_deployment_v1")):
        workload = collector.manifest(kind, name)
        assert workload["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/part-of"] == "otel-collector"
        assert "telemetry" in _ports(_container(workload))
    compose_jobs = {j["job_name"] for j in load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"]}
    for job in ("otel-collector", "otel-collector-telemetry"):
        assert job in compose_jobs and f'job.job_name == "{job}"' in main


# --- Prometheus Operator objects ---------------------------------------------------------------------------


def _relabelled_job(relabelings: list[dict[str, Any]], pod_labels: dict[str, str]) -> dict[str, str]:
    """The target labels a monitor's relabelings give a target of a pod with these labels (replace actions)."""
    meta = {f"__meta_kubernetes_pod_label_{re.sub(r'[^a-zA-Z0-9_]', '_', k)}": v for k, v in pod_labels.items()}
    labels: dict[str, str] = {}
    for rule in relabelings:
        assert rule["action"] == "replace", rule
        source = ";".join(meta.get(s, "") for s in rule.get("sourceLabels", []))
        match = re.fullmatch(rule.get("regex", "(.*)"), source)
        if match:
            labels[rule["targetLabel"]] = match.expand(rule.get("replacement", r"\1").replace("$1", r"\1"))
    return labels


def test_the_collector_monitors_select_the_services_and_pods_and_name_their_ports(collector: Module) -> None:
    services = [collector.manifest("kubernetes_service_v1", n) for n in ("agent", "gateway")]
    workloads = [
        collector.manifest("kubernetes_daemon_set_v1", "agent"),
        collector.manifest("kubernetes_deployment_v1", "gateway"),
    ]
    monitor = Module(COLLECTOR_DIR, {"namespace": NAMESPACE, "monitor_kind": "ServiceMonitor"}).manifest(
        "kubernetes_manifest", "service_monitor"
    )
    assert monitor["kind"] == "ServiceMonitor" and monitor["metadata"]["namespace"] == NAMESPACE
    selected = [
        s for s in services if monitor["spec"]["selector"]["matchLabels"].items() <= s["metadata"]["labels"].items()
    ]
    assert len(selected) == 2
    service_ports = {p["name"] for s in selected for p in s["spec"]["ports"]}
    jobs = {}
    for endpoint in monitor["spec"]["endpoints"]:
        assert endpoint["port"] in service_ports
        jobs[endpoint["port"]] = _relabelled_job(endpoint["relabelings"], {})["job"]
    assert jobs == {"prom-exporter": "otel-collector", "telemetry": "otel-collector-telemetry"}

    pod_monitor = Module(COLLECTOR_DIR, {"namespace": NAMESPACE, "monitor_kind": "PodMonitor"}).manifest(
        "kubernetes_manifest", "pod_monitor"
    )
    labels = [w["spec"]["template"]["metadata"]["labels"] for w in workloads]
    assert all(pod_monitor["spec"]["selector"]["matchLabels"].items() <= pod.items() for pod in labels)
    container_ports = {name for w in workloads for name in _ports(_container(w))}
    pod_jobs = {
        e["port"]: _relabelled_job(e["relabelings"], {})["job"] for e in pod_monitor["spec"]["podMetricsEndpoints"]
    }
    assert pod_jobs == jobs and set(pod_jobs) <= container_ports
    assert collector.resources["kubernetes_manifest"]["service_monitor"]["count"] == [
        '${var.monitor_kind == "ServiceMonitor" ? 1 : 0}'
    ]


@pytest.mark.parametrize("kind", ["ServiceMonitor", "PodMonitor"])
def test_the_node_monitors_match_the_node_s_metrics_ports_jobs_and_keep_list(kind: str) -> None:
    """Selectors match the role Services (ServiceMonitor) or the pods (PodMonitor), the port is the containers'
    `metrics` port, which is the node's metrics port from its settings; jobs are the rules' aztec-node /
    aztec-bot; only compose's keep-list unless scrape_all_metrics."""
    from aztec.sandbox import settings

    nodes = Module(NODES_DIR, {"monitor_kind": kind, "bot_enabled": True, "image": PINNED_IMAGE})
    resource = "service_monitor" if kind == "ServiceMonitor" else "pod_monitor"
    monitor = nodes.manifest("kubernetes_manifest", resource)
    (endpoint,) = monitor["spec"]["endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints"]
    assert endpoint["port"] == "metrics" and endpoint["path"] == "/metrics"
    selector = monitor["spec"]["selector"]["matchLabels"]
    base = settings.METRICS_PORT.default
    expected_ports = {
        "sequencer": base,
        "follower": base + settings.FOLLOWER_METRICS_OFFSET,
        "bot": base + settings.BOT_METRICS_OFFSET,
        "prover": base + settings.PROVER_METRICS_OFFSET,
    }
    workloads = _node_workloads(nodes)
    seen: dict[str, dict[str, str]] = {}
    for workload in workloads:
        pod_labels = workload["spec"]["template"]["metadata"]["labels"]
        role = pod_labels["app.kubernetes.io/component"]
        assert _ports(_container(workload))["metrics"] == expected_ports[role], role
        if kind == "PodMonitor":
            assert selector.items() <= pod_labels.items(), role
        seen[role] = _relabelled_job(endpoint["relabelings"], pod_labels)
    assert seen == {
        "sequencer": {"job": "aztec-node", "role": "sequencer"},
        "follower": {"job": "aztec-node", "role": "follower"},
        "bot": {"job": "aztec-bot", "role": "bot"},
        "prover": {"job": "aztec-node", "role": "prover"},
    }
    if kind == "ServiceMonitor":
        services = [
            nodes.manifest("kubernetes_service_v1", "role", each)
            for each in nodes.instances("kubernetes_service_v1", "role")
        ] + [nodes.manifest("kubernetes_service_v1", name) for name in ("bot", "prover")]
        assert len(services) == len(workloads)
        for service in services:
            assert selector.items() <= service["metadata"]["labels"].items(), service["metadata"]["name"]
            metrics = next(p for p in service["spec"]["ports"] if p["name"] == "metrics")
            role = service["metadata"]["labels"]["app.kubernetes.io/component"]
            assert metrics["port"] == expected_ports[role] and metrics["targetPort"] == "metrics"
            workload = next(
                w
                for w in workloads
                if w["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"] == role
            )
            assert service["spec"]["selector"].items() <= workload["spec"]["template"]["metadata"]["labels"].items()
        # not ready (syncing, a prover behind, a bot whose node is down) is still scraped through its Service
        assert all(s["spec"].get("publishNotReadyAddresses") is True for s in services), services
    compose = next(
        j for j in load_yaml(PROMETHEUS_DIR / "prometheus.yml")["scrape_configs"] if j["job_name"] == "aztec-node"
    )
    keep = [
        {"sourceLabels": r["source_labels"], "regex": r["regex"], "action": r["action"]}
        for r in compose["metric_relabel_configs"]
    ]
    assert endpoint["metricRelabelings"] == keep
    everything = Module(NODES_DIR, {"monitor_kind": kind, "scrape_all_metrics": True}).manifest(
        "kubernetes_manifest", resource
    )
    (all_endpoint,) = everything["spec"]["endpoints" if kind == "ServiceMonitor" else "podMetricsEndpoints"]
    assert all_endpoint["metricRelabelings"] == []


def test_pod_annotations_scrape_the_nodes_only_when_they_send_no_otlp() -> None:
    """The prometheus chart's kubernetes-pods job would scrape every series the collector also delivers."""
    for scrape_all, expected in ((False, "false"), (True, "true")):
        nodes = Module(NODES_DIR, {"scrape_all_metrics": scrape_all, "bot_enabled": True})
        workloads = _node_workloads(nodes)
        assert len(workloads) == 4
        for workload in workloads:
            annotations = workload["spec"]["template"]["metadata"]["annotations"]
            assert annotations["prometheus.io/scrape"] == expected
            assert int(annotations["prometheus.io/port"]) == _ports(_container(workload))["metrics"]


def test_the_nodes_scrape_targets_output_names_every_metrics_endpoint() -> None:
    text = (NODES_DIR / "outputs.tf").read_text()
    assert (
        "aztec-sequencer-0.aztec-sequencer.${local.namespace}.svc.cluster.local:${local.roles.sequencer.metrics_port}"
        in text
    )
    assert "for i in range(var.follower_replicas)" in text
    nodes = Module(NODES_DIR, {})
    prover = nodes.manifest("kubernetes_stateful_set_v1", "prover")
    service = nodes.manifest("kubernetes_service_v1", "prover")
    assert prover["spec"]["serviceName"] == service["metadata"]["name"] == prover["metadata"]["name"]
    assert (
        '[for i in range(var.prover_replicas) : "aztec-prover-${i}.aztec-prover.${local.namespace}.svc.cluster.local:'
        '${local.prover_metrics_port}"]'
    ) in text


def test_a_prover_may_reach_only_the_sequencer_s_rpc_its_node_s_agent_and_dns(collector: Module) -> None:
    """The provers' egress policy names the sequencer pods' `rpc` port and the collector agents' OTLP ports (in
    the collector module's namespace, with its labels and port names), and the endpoint the nodes send to."""
    nodes = Module(
        NODES_DIR, {"collector_namespace": NAMESPACE, "otlp_endpoint": collector.output("otlp_http_endpoint")}
    )
    policy = nodes.manifest("kubernetes_network_policy_v1", "prover")
    prover = nodes.manifest("kubernetes_stateful_set_v1", "prover")
    assert (
        policy["spec"]["podSelector"]["matchLabels"].items() <= prover["spec"]["template"]["metadata"]["labels"].items()
    )
    assert policy["spec"]["policyTypes"] == ["Egress"]
    sequencer = nodes.manifest("kubernetes_stateful_set_v1", "role", ("sequencer", nodes.local("roles")["sequencer"]))
    agent = collector.manifest("kubernetes_daemon_set_v1", "agent")
    to_sequencer, to_agent, to_dns = policy["spec"]["egress"]
    (peer,) = to_sequencer["to"]
    assert peer["podSelector"]["matchLabels"].items() <= sequencer["spec"]["template"]["metadata"]["labels"].items()
    assert [p["port"] for p in to_sequencer["ports"]] == ["rpc"] and "rpc" in _ports(_container(sequencer))
    (peer,) = to_agent["to"]
    assert peer["namespaceSelector"]["matchLabels"] == {"kubernetes.io/metadata.name": NAMESPACE}
    assert peer["podSelector"]["matchLabels"].items() <= agent["spec"]["template"]["metadata"]["labels"].items()
    agent_ports = _ports(_container(agent))
    assert {p["port"] for p in to_agent["ports"]} == {"otlp-http", "otlp-grpc"} <= agent_ports.keys()
    endpoint = next(e["value"] for e in _container(prover)["env"] if e["name"] == "OTEL_EXPORTER_OTLP_ENDPOINT")
    assert _endpoint_port(endpoint) == agent_ports["otlp-http"]
    assert {(p["port"], p["protocol"]) for p in to_dns["ports"]} == {("53", "UDP"), ("53", "TCP")}
    # Ingress: the nodes' policy, which selects the provers too, opens their metrics port.
    ingress = nodes.manifest("kubernetes_network_policy_v1", "nodes")
    assert (
        ingress["spec"]["podSelector"]["matchLabels"].items()
        <= prover["spec"]["template"]["metadata"]["labels"].items()
    )
    assert "metrics" in {p["port"] for p in ingress["spec"]["ingress"][0]["ports"]}


def _node_workloads(nodes: Module) -> list[dict[str, Any]]:
    """The sequencer's and followers' StatefulSets, the provers' StatefulSet and the bot's Deployment."""
    return [
        nodes.manifest("kubernetes_stateful_set_v1", "role", each)
        for each in nodes.instances("kubernetes_stateful_set_v1", "role")
    ] + [nodes.manifest("kubernetes_stateful_set_v1", "prover"), nodes.manifest("kubernetes_deployment_v1", "bot")]


# --- checkov ---------------------------------------------------------------------------------------------


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


@pytest.fixture(scope="module")
def collector_checkov(tmp_path_factory: pytest.TempPathFactory, collector: Module) -> dict[str, Any]:
    path = tmp_path_factory.mktemp("collector") / "collector.yaml"
    path.write_text(dump(collector.manifests()))
    return _checkov_kubernetes(path)


def test_checkov_passes_on_the_agent_and_gateway(
    collector_checkov: dict[str, Any], collector: Module, capsys: pytest.CaptureFixture[str]
) -> None:
    summary = collector_checkov["summary"]
    assert summary["parsing_errors"] == 0
    failed = collector_checkov["results"]["failed_checks"]
    assert not [(c["check_id"], c["resource"]) for c in failed]
    kinds = {m["kind"] for m in collector.manifests()}
    assert {"DaemonSet", "Deployment", "Service", "ClusterRole", "ClusterRoleBinding", "NetworkPolicy"} <= kinds
    passed = {c["check_id"] for c in collector_checkov["results"]["passed_checks"]}
    for required in ("CKV_K8S_8", "CKV_K8S_9", "CKV_K8S_20", "CKV_K8S_22", "CKV_K8S_23", "CKV_K8S_28", "CKV_K8S_40"):
        assert required in passed, required
    skipped = sorted(
        (c["check_id"], c["resource"].split(".")[0]) for c in collector_checkov["results"]["skipped_checks"]
    )
    assert skipped == [("CKV_K8S_38", "DaemonSet"), ("CKV_K8S_43", "DaemonSet"), ("CKV_K8S_43", "Deployment")]
    assert summary["passed"] >= 150
    with capsys.disabled():
        print(
            f"\ncheckov (kubernetes) on deploy/terraform/collector: {summary['passed']} passed ({len(passed)} distinct"
            f" checks), {summary['failed']} failed, {summary['skipped']} skipped with reasons, on "
            f"{summary['resource_count']} resources"
        )


def test_checkov_s_terraform_checks_pass_on_the_collector_module(capsys: pytest.CaptureFixture[str]) -> None:
    checkov = Path(sys.executable).parent / "checkov"
    result = subprocess.run(
        [str(checkov), "-d", str(COLLECTOR_DIR), "--framework", "terraform", "-o", "json", "--skip-download"],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    report = json.loads(result.stdout)
    report = report if isinstance(report, dict) else next(r for r in report if r.get("check_type") == "terraform")
    summary = report["summary"]
    assert summary["parsing_errors"] == 0 and summary["resource_count"] >= 10
    assert not [(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]]
    skipped = {(c["check_id"], c["resource"]) for c in report["results"]["skipped_checks"]}
    assert {check for check, _ in skipped} <= {"CKV_K8S_38", "CKV_K8S_43"}, skipped
    with capsys.disabled():
        print(
            f"\ncheckov (terraform) on deploy/terraform/collector: {summary['passed']} passed, {summary['failed']} "
            f"failed, {summary['skipped']} skipped with reasons ({sorted(skipped)})"
        )


def test_checkov_fails_a_writable_privileged_agent(tmp_path: Path, collector: Module) -> None:
    """The rendering is not vacuous: the agent with a writable root, escalation and host networking fails."""
    agent = collector.manifest("kubernetes_daemon_set_v1", "agent")
    agent["spec"]["template"]["spec"]["hostNetwork"] = True
    context = agent["spec"]["template"]["spec"]["containers"][0]["securityContext"]
    context.update(readOnlyRootFilesystem=False, allowPrivilegeEscalation=True)
    path = tmp_path / "bad.yaml"
    path.write_text(dump([agent]))
    failed = {c["check_id"] for c in _checkov_kubernetes(path)["results"]["failed_checks"]}
    assert {"CKV_K8S_19", "CKV_K8S_20", "CKV_K8S_22"} <= failed


def test_every_skip_in_the_collector_module_gives_a_reason() -> None:
    for line in (COLLECTOR_DIR / "main.tf").read_text().splitlines():
        if "checkov:skip=" in line:
            assert re.search(r"checkov:skip=CKV_\w+: .{20,}", line), line
