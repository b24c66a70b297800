"""One telemetry client per service in the process, each with its own endpoint and identity."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
from collections.abc import Mapping
from pathlib import Path

from aztec.telemetry import TelemetryClient, create_telemetry_client
from aztec.telemetry.build_info import register_build_info
from aztec.telemetry.config import TelemetryConfig


def default_instance_id(role: str, data_dir: Path) -> str:
    """``<host>-<role>-<8 hex of the data directory>``: unique per running service, stable across restarts.

    Two services on one host differ by role or by data directory (a second follower needs its own
    directory anyway); the same role restarted on the same directory keeps its id, so its series
    continue. Readable rather than a UUID, so that dashboards' instance picker says what each is.
    """
    digest = hashlib.sha256(str(data_dir.expanduser().resolve()).encode()).hexdigest()[:8]
    return f"{socket.gethostname()}-{role}-{digest}"


def service_telemetry(
    service_name: str,
    *,
    role: str,
    data_dir: Path,
    primary: bool,
    metrics_host: str,
    metrics_port: int | None,
    env: Mapping[str, str] | None = None,
) -> TelemetryClient:
    """The environment's settings, with this service's name, instance id and scrape endpoint.

    ``OTEL_SERVICE_NAME`` names the node; the bot and the follower keep their own identities so their
    series never merge with the node's. A ``service.instance.id`` set in ``OTEL_RESOURCE_ATTRIBUTES``
    is the ``primary`` service's; the process's other services append their role to it. Without one,
    :func:`default_instance_id`. ``metrics_port`` is this service's scrape port (None: no endpoint).
    """
    env = os.environ if env is None else env
    config = TelemetryConfig.from_env(env, service_name=service_name)
    if service_name != "aztec-node" or not primary:
        config = dataclasses.replace(config, service_name=service_name)
    configured = config.resource_attributes.get("service.instance.id")
    if configured:
        instance = configured if primary else f"{configured}-{role}"
    else:
        instance = default_instance_id(role, data_dir)
    attributes = {**config.resource_attributes, "service.instance.id": instance}
    config = dataclasses.replace(
        config, resource_attributes=attributes, prometheus_port=metrics_port, prometheus_host=metrics_host
    )
    client = create_telemetry_client(config)
    register_build_info(client, role)
    return client
