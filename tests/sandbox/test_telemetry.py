"""Each service of the sandbox process gets its own telemetry client: name, instance id and scrape port."""

from __future__ import annotations

import socket
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aztec.foundation.version import package_version
from aztec.sandbox.telemetry import default_instance_id
from aztec.sandbox.telemetry import service_telemetry as _service_telemetry
from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.noop import NoopTelemetryClient
from aztec.telemetry.otel.client import OtelTelemetryClient

ENV = {"OTEL_RESOURCE_ATTRIBUTES": "service.instance.id=host-1", "AZTEC_HOST_METRICS": "false"}


@pytest.fixture
def clients() -> Iterator[list[TelemetryClient]]:
    made: list[TelemetryClient] = []
    yield made
    for client in made:
        client.stop()


def service_telemetry(
    name: str, *, role: str = "", data_dir: Path = Path("/tmp/aztec-test"), **kwargs: Any
) -> TelemetryClient:
    """The sandbox's factory; the node is the primary service unless a role says otherwise."""
    role = role or ("bot" if name == "aztec-bot" else "sequencer")
    return _service_telemetry(name, role=role, data_dir=data_dir, primary=role == "sequencer", **kwargs)


def _otel(client: TelemetryClient) -> OtelTelemetryClient:
    assert isinstance(client, OtelTelemetryClient)
    return client


def test_node_bot_and_follower_have_distinct_identities_and_ports(clients: list[TelemetryClient]) -> None:
    node = _otel(service_telemetry("aztec-node", metrics_host="127.0.0.1", metrics_port=0, env=ENV))
    clients.append(node)
    bot = _otel(service_telemetry("aztec-bot", metrics_host="127.0.0.1", metrics_port=0, env=ENV))
    clients.append(bot)
    follower = _otel(
        service_telemetry("aztec-node", role="follower", metrics_host="127.0.0.1", metrics_port=0, env=ENV)
    )
    clients.append(follower)

    identities = [(c.config.service_name, c.config.service_instance_id) for c in (node, bot, follower)]
    assert identities == [("aztec-node", "host-1"), ("aztec-bot", "host-1-bot"), ("aztec-node", "host-1-follower")]
    urls = [c.prometheus.url if c.prometheus else None for c in (node, bot, follower)]
    assert None not in urls and len(set(urls)) == 3, urls


def test_otel_service_name_names_the_node_not_the_bot(clients: list[TelemetryClient]) -> None:
    env = {**ENV, "OTEL_SERVICE_NAME": "my-node"}
    node = _otel(service_telemetry("aztec-node", metrics_host="127.0.0.1", metrics_port=0, env=env))
    clients.append(node)
    bot = _otel(service_telemetry("aztec-bot", metrics_host="127.0.0.1", metrics_port=0, env=env))
    clients.append(bot)
    assert (node.config.service_name, bot.config.service_name) == ("my-node", "aztec-bot")


def test_no_metrics_port_means_no_scrape_endpoint_whatever_the_environment_says(
    clients: list[TelemetryClient],
) -> None:
    """``aztec start`` reads AZTEC_PROMETHEUS_PORT into the node's port and derives the others; ``--no-metrics``
    passes None. A service must then not bind the variable's port itself (the bot would clash with the node)."""
    env = {**ENV, "AZTEC_PROMETHEUS_PORT": "0"}
    for name, role in [("aztec-node", "sequencer"), ("aztec-bot", "bot"), ("aztec-node", "follower")]:
        client = service_telemetry(name, role=role, metrics_host="127.0.0.1", metrics_port=None, env=env)
        clients.append(client)
        assert isinstance(client, NoopTelemetryClient), (name, role)


def test_the_given_port_wins_over_the_environment(clients: list[TelemetryClient]) -> None:
    """An explicit ``--metrics-port`` beats AZTEC_PROMETHEUS_PORT, as every other flag beats its variable."""
    client = _otel(
        service_telemetry(
            "aztec-node", metrics_host="127.0.0.1", metrics_port=0, env={**ENV, "AZTEC_PROMETHEUS_PORT": "1"}
        )
    )
    clients.append(client)
    assert client.prometheus is not None and client.prometheus.port != 1


def test_default_instance_ids_are_unique_per_service_and_stable_across_restarts(
    clients: list[TelemetryClient], tmp_path: Path
) -> None:
    """No service.instance.id configured: host, role and data directory decide it, so a sequencer and a
    follower started separately on one host differ, and a restart on the same directory keeps its id."""
    env = {"AZTEC_HOST_METRICS": "false"}
    made: dict[tuple[str, Path], set[str]] = {}
    for role, data_dir in [("sequencer", tmp_path / "a"), ("follower", tmp_path / "a"), ("follower", tmp_path / "b")]:
        for _restart in range(2):
            client = _otel(service_telemetry("aztec-node", role=role, data_dir=data_dir, metrics_port=0, **_host(env)))
            clients.append(client)
            made.setdefault((role, data_dir), set()).add(client.config.service_instance_id)
    assert all(len(ids) == 1 for ids in made.values()), made  # stable across restarts
    ids = [next(iter(ids)) for ids in made.values()]
    assert len(set(ids)) == 3, ids  # unique per role and data directory
    assert ids[0] == default_instance_id("sequencer", tmp_path / "a")
    assert ids[0].startswith(f"{socket.gethostname()}-sequencer-")


def _host(env: dict[str, str]) -> dict[str, Any]:
    return {"metrics_host": "127.0.0.1", "env": env}


def test_every_service_reports_its_build_and_role(clients: list[TelemetryClient]) -> None:
    """``aztec.node.info`` = 1 with version, commit and role, so dashboards show what each instance runs."""
    for role in ("sequencer", "follower", "bot"):
        client = _service_telemetry(
            "aztec-node", role=role, data_dir=Path("/tmp/x"), primary=True, metrics_port=0, **_host(ENV)
        )
        clients.append(client)
        text = _scrape(_otel(client))
        (line,) = [line for line in text.splitlines() if line.startswith("aztec_node_info{")]
        assert f'aztec_service_role="{role}"' in line and f'aztec_build_version="{package_version()}"' in line
        assert line.endswith(" 1")  # integers are written as integers


def _scrape(client: OtelTelemetryClient) -> str:
    assert client.prometheus is not None
    with urllib.request.urlopen(client.prometheus.url, timeout=10) as response:
        return str(response.read().decode())
