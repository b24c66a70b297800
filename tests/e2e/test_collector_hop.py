"""The collector topology of deploy/terraform/collector run for real: node -> agent -> gateway -> receiver.

No OpenTelemetry Collector build with the contrib components runs here, so the two hops are rotel processes
(a real collector: OTLP in, batching, OTLP/gRPC out) configured from what the contrib configs say: the agent
listens for OTLP/HTTP and gRPC, upserts the resource attributes of its ``resource/agent`` processor (its
``${env:K8S_NODE_NAME}`` expanded as the DaemonSet's env gives it) and forwards over OTLP/gRPC to the gateway,
which forwards to a receiver standing in for the gateway's Prometheus exporter (rotel has none). The node is
a real ``aztec start`` with the role flags and the OpenTelemetry environment of the Terraform nodes module
(``OTEL_RESOURCE_ATTRIBUTES=service.instance.id=$(POD_NAME)``, with Kubernetes' ``$(VAR)`` expansion); its
identity must arrive at the end unchanged, with the agent's node name added. The k8sattributes lookup (pod
metadata from the Kubernetes API) has no stand-in here; tests/deploy/test_collector_topology.py checks it
statically.
"""

from __future__ import annotations

import re
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


@pytest.fixture(scope="module")
def hop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hop]:
    base = tmp_path_factory.mktemp("hop")
    agent_config = load_yaml(AGENT_CONFIG)
    nodes = Module(TERRAFORM_DIR / "nodes", {"otlp_endpoint": "http://otel-agent:4318"})
    sequencer_flags = nodes.local("roles")["sequencer"]["flags"].split()
    settings = nodes.local("settings")
    receiver = OtlpGrpcReceiver()
    collectors: list[RotelCollector] = []
    node = None
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
        yield Hop(receiver, node)
    finally:
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


def test_every_point_through_the_hop_carries_the_same_resource(hop: Hop) -> None:
    hop.receiver.wait_for(lambda ps: len({p.metric for p in ps}) > 20, timeout_s=60)
    resources = {tuple(sorted(p.resource.items())) for p in hop.receiver.points() if p.resource is not None}
    assert len(resources) == 1, resources
    (resource,) = resources
    assert dict(resource)["service.instance.id"] == POD_NAME and dict(resource)["k8s.node.name"] == NODE_NAME
