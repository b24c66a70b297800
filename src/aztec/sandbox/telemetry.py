"""One telemetry client per service in the process, each with its own endpoint and identity."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping

from aztec.telemetry import TelemetryClient, create_telemetry_client
from aztec.telemetry.config import TelemetryConfig


def service_telemetry(
    service_name: str,
    *,
    instance_suffix: str = "",
    metrics_host: str,
    metrics_port: int | None,
    env: Mapping[str, str] | None = None,
) -> TelemetryClient:
    """The environment's settings, with this service's name, instance id and scrape endpoint.

    ``OTEL_SERVICE_NAME`` names the node; the bot and the follower keep their own identities so their
    series never merge with the node's. ``metrics_port`` is this service's scrape port (None: no
    endpoint) whatever ``AZTEC_PROMETHEUS_PORT`` says: ``aztec start`` reads that variable into the
    node's port (a ``--metrics-port`` flag beating it) and derives the bot's and follower's from it.
    """
    env = os.environ if env is None else env
    config = TelemetryConfig.from_env(env, service_name=service_name)
    if service_name != "aztec-node" or instance_suffix:
        config = dataclasses.replace(config, service_name=service_name)
    if instance_suffix:
        attributes = {**config.resource_attributes, "service.instance.id": config.service_instance_id + instance_suffix}
        config = dataclasses.replace(config, resource_attributes=attributes)
    config = dataclasses.replace(config, prometheus_port=metrics_port, prometheus_host=metrics_host)
    return create_telemetry_client(config)
