"""Each service of the sandbox process gets its own telemetry client: name, instance id and scrape port."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from aztec.sandbox.telemetry import service_telemetry
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


def _otel(client: TelemetryClient) -> OtelTelemetryClient:
    assert isinstance(client, OtelTelemetryClient)
    return client


def test_node_bot_and_follower_have_distinct_identities_and_ports(clients: list[TelemetryClient]) -> None:
    node = _otel(service_telemetry("aztec-node", metrics_host="127.0.0.1", metrics_port=0, env=ENV))
    clients.append(node)
    bot = _otel(service_telemetry("aztec-bot", metrics_host="127.0.0.1", metrics_port=0, env=ENV))
    clients.append(bot)
    follower = _otel(
        service_telemetry("aztec-node", instance_suffix="-follower", metrics_host="127.0.0.1", metrics_port=0, env=ENV)
    )
    clients.append(follower)

    identities = [(c.config.service_name, c.config.service_instance_id) for c in (node, bot, follower)]
    assert identities == [("aztec-node", "host-1"), ("aztec-bot", "host-1"), ("aztec-node", "host-1-follower")]
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
    for name, suffix in [("aztec-node", ""), ("aztec-bot", ""), ("aztec-node", "-follower")]:
        client = service_telemetry(name, instance_suffix=suffix, metrics_host="127.0.0.1", metrics_port=None, env=env)
        clients.append(client)
        assert isinstance(client, NoopTelemetryClient), (name, suffix)


def test_the_given_port_wins_over_the_environment(clients: list[TelemetryClient]) -> None:
    """An explicit ``--metrics-port`` beats AZTEC_PROMETHEUS_PORT, as every other flag beats its variable."""
    client = _otel(
        service_telemetry(
            "aztec-node", metrics_host="127.0.0.1", metrics_port=0, env={**ENV, "AZTEC_PROMETHEUS_PORT": "1"}
        )
    )
    clients.append(client)
    assert client.prometheus is not None and client.prometheus.port != 1
