"""The collector topology of deploy/terraform/collector run for real: node -> agent -> gateway -> receiver.

No OpenTelemetry Collector build with the contrib components runs here, so the two hops are rotel processes
(a real collector: OTLP in, batching, OTLP/gRPC out) configured from what the contrib configs say: the agent
listens for OTLP/HTTP and gRPC, upserts the resource attributes of its ``resource/agent`` processor (its
``${env:K8S_NODE_NAME}`` expanded as the DaemonSet's env gives it) and forwards over OTLP/gRPC to the gateway,
which forwards to a receiver standing in for the gateway's Prometheus exporter (rotel has none). The node is
a real ``aztec start`` with the role flags and the OpenTelemetry environment of the Terraform nodes module
(``OTEL_RESOURCE_ATTRIBUTES=service.instance.id=$(POD_NAME)``, with Kubernetes' ``$(VAR)`` expansion); its
identity must arrive at the end unchanged, with the agent's node name added. Beside it runs the module's prover
workload: the prover StatefulSet's ``aztec start`` arguments, fetching txs from the sequencer's JSON-RPC
(``AZTEC_PROVER_NODE_URL``, here its local address), sending through the same agent, its probe path answering
on its scrape port. The k8sattributes lookup (pod
metadata from the Kubernetes API) has no stand-in here; tests/deploy/test_collector_topology.py checks it
statically.
"""

from __future__ import annotations

import re
import shlex
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Final

import pytest

from aztec.deploy.paths import DEPLOY_DIR, TERRAFORM_DIR
from aztec.telemetry.metrics.node import NODE_INFO
from tests.deploy.terraform_render import Module
from tests.e2e.sandbox_process import SandboxProcess
from tests.support.deploy.consistency import load_yaml
from tests.support.otlp_receivers import OtlpGrpcReceiver, ReceivedPoint
from tests.support.rotel import RotelCollector

pytestmark = pytest.mark.e2e

AGENT_CONFIG: Final = DEPLOY_DIR / "otel-collector" / "agent.yaml"
NODE_NAME: Final = "host-a"
"""What ``spec.nodeName`` gives the agent's K8S_NODE_NAME on this "node"."""
POD_NAME: Final = "aztec-sequencer-0"
"""What ``metadata.name`` gives the sequencer pod's POD_NAME."""
PROVER_POD_NAME: Final = "aztec-prover-0"
FAST_ARGS: Final = (
    *("--prover-kind", "native", "--prover-scale", "0.01"),
    *("--l1-block-time", "0.5", "--slot-duration", "0.5", "--max-block-wait", "1"),
)


def _kubernetes_expand(value: str, env: dict[str, str]) -> str:
    """Kubernetes' ``$(VAR)`` expansion of a container env value from the variables defined before it."""
    return re.sub(r"\$\((\w+)\)", lambda m: env.get(m.group(1), m.group(0)), value)


def agent_resource_attributes(config: dict[str, Any], env: dict[str, str]) -> str:
    """The agent's ``resource/agent`` upserts as rotel's ``--otel-resource-attributes`` (which upserts too)."""
    pairs = []
    for action in config["processors"]["resource/agent"]["attributes"]:
        assert action["action"] in ("upsert", "insert"), action
        value = re.sub(r"\$\{env:(\w+)\}", lambda m: env[m.group(1)], str(action["value"]))
        pairs.append(f"{action['key']}={value}")
    return ",".join(pairs)


@dataclass
class Hop:
    receiver: OtlpGrpcReceiver
    node: SandboxProcess
    prover: SandboxProcess
    prover_probe_urls: list[str]


def _prover_workload(nodes: Module) -> tuple[list[str], dict[str, str], list[str]]:
    """The prover container's ``aztec start`` arguments, its environment and its probes' paths, rendered."""
    (container,) = nodes.manifest("kubernetes_stateful_set_v1", "prover")["spec"]["template"]["spec"]["containers"]
    command = shlex.split(container["command"][2].split("exec ", 1)[1])
    assert command[:2] == ["aztec", "start"], command
    env = {e["name"]: e["value"] for e in container["env"] if "value" in e}
    probes = [container[p]["httpGet"]["path"] for p in ("livenessProbe", "readinessProbe")]
    return command[2:], env, probes


@pytest.fixture(scope="module")
def hop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hop]:
    base = tmp_path_factory.mktemp("hop")
    agent_config = load_yaml(AGENT_CONFIG)
    nodes = Module(TERRAFORM_DIR / "nodes", {"otlp_endpoint": "http://otel-agent:4318"})
    sequencer_flags = nodes.local("roles")["sequencer"]["flags"].split()
    settings = nodes.local("settings")
    prover_args, prover_settings, prover_probes = _prover_workload(nodes)
    receiver = OtlpGrpcReceiver()
    collectors: list[RotelCollector] = []
    node = prover = None
    try:
        (base / "gateway").mkdir()
        gateway = RotelCollector(receiver.endpoint, base / "gateway")
        collectors.append(gateway)
        (base / "agent").mkdir()
        agent = RotelCollector(
            gateway.grpc_endpoint,
            base / "agent",
            batch_timeout=str(agent_config["processors"]["batch"]["timeout"]),
            extra_args=(
                "--otel-resource-attributes",
                agent_resource_attributes(agent_config, {"K8S_NODE_NAME": NODE_NAME}),
            ),
        )
        collectors.append(agent)
        env = {
            "OTEL_RESOURCE_ATTRIBUTES": _kubernetes_expand(
                settings["OTEL_RESOURCE_ATTRIBUTES"], {"POD_NAME": POD_NAME}
            ),
            "OTEL_EXPORTER_OTLP_ENDPOINT": agent.http_base,  # the node-local agent Service, here the local rotel
            "OTEL_METRIC_EXPORT_INTERVAL": "500",
            "OTEL_TRACES_EXPORTER": "none",  # the receiver takes metrics only
            "OTEL_LOGS_EXPORTER": "none",
        }
        node = SandboxProcess(base / "node", *sequencer_flags, *FAST_ARGS, env=env)
        # The prover shares the sequencer's data directory (its L1 file, as the pods share the L1 volume) and
        # binds 127.0.0.1 on any port (the module's 0.0.0.0 and fixed ports are checked in tests/deploy).
        prover_env = {
            **env,
            "OTEL_RESOURCE_ATTRIBUTES": _kubernetes_expand(
                prover_settings["OTEL_RESOURCE_ATTRIBUTES"], {"POD_NAME": PROVER_POD_NAME}
            ),
            "AZTEC_PROVER_NODE_URL": node.urls()["node_rpc"],
        }
        assert set(prover_env) - set(env) <= set(prover_settings)
        prover = SandboxProcess(base / "node", *prover_args, *FAST_ARGS, env=prover_env)
        metrics = prover.wait_for_line(r"prover metrics: Prometheus scrape endpoint (http://127\.0\.0\.1:\d+)/metrics")
        yield Hop(receiver, node, prover, [metrics.group(1) + path for path in prover_probes])
    finally:
        if prover is not None:
            prover.interrupt()
        if node is not None:
            node.interrupt()
        for collector in reversed(collectors):
            collector.close()
        receiver.close()


def _node_info(points: list[ReceivedPoint]) -> list[ReceivedPoint]:
    return [p for p in points if p.metric == NODE_INFO.name]


def test_the_node_s_identity_arrives_unchanged_with_the_agent_s_node_name(hop: Hop) -> None:
    points = _node_info(hop.receiver.wait_for(lambda ps: bool(_node_info(ps)), timeout_s=90))
    point = points[0]
    assert point.resource is not None
    assert point.service == "aztec-node" and point.instance == POD_NAME
    assert point.resource["k8s.node.name"] == NODE_NAME
    assert point.resource["process.pid"] == hop.node.pid  # the rest of the node's resource passes through
    assert point.attributes.get("aztec.service.role") == "sequencer", point.attributes


def test_every_point_through_the_hop_carries_its_process_s_resource(hop: Hop) -> None:
    hop.receiver.wait_for(lambda ps: len({p.metric for p in ps if p.instance == POD_NAME}) > 20, timeout_s=60)
    resources = {tuple(sorted(p.resource.items())) for p in hop.receiver.points() if p.resource is not None}
    by_instance = {dict(r)["service.instance.id"]: dict(r) for r in resources}
    assert len(by_instance) == len(resources), resources  # one resource per process
    assert set(by_instance) <= {POD_NAME, PROVER_POD_NAME}
    assert all(r["k8s.node.name"] == NODE_NAME for r in by_instance.values())


def test_the_prover_workload_sends_through_the_agent_and_answers_its_probes(hop: Hop) -> None:
    def prover_info(points: list[ReceivedPoint]) -> list[ReceivedPoint]:
        return [p for p in _node_info(points) if p.instance == PROVER_POD_NAME]

    (point, *_) = prover_info(hop.receiver.wait_for(lambda ps: bool(prover_info(ps)), timeout_s=90))
    assert point.resource is not None and point.service == "aztec-node"
    assert point.resource["k8s.node.name"] == NODE_NAME and point.resource["process.pid"] == hop.prover.pid
    assert point.attributes.get("aztec.service.role") == "prover", point.attributes
    for url in hop.prover_probe_urls:
        with urllib.request.urlopen(url, timeout=10) as response:
            assert response.status == 200, url
