"""Builds the telemetry client from configuration: no exporter configured means the no-op client."""

from __future__ import annotations

from collections.abc import Mapping

from aztec.telemetry.api import TelemetryClient
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.noop import NoopTelemetryClient


def create_telemetry_client(config: TelemetryConfig) -> TelemetryClient:
    if not config.has_exporter:
        return NoopTelemetryClient()
    from aztec.telemetry.otel.client import OtelTelemetryClient  # the SDK is only loaded when needed

    return OtelTelemetryClient(config)


def telemetry_client_from_env(
    env: Mapping[str, str] | None = None, *, service_name: str = "aztec-node"
) -> TelemetryClient:
    """Read the environment (raising ``ConfigError`` on a bad value) and build the client."""
    return create_telemetry_client(TelemetryConfig.from_env(env, service_name=service_name))
