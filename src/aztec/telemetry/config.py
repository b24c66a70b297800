"""Telemetry configuration, read from the environment with the names the Aztec client uses.

Nothing configured means no exporter, and the factory then hands out the no-op client.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import urlsplit, urlunsplit

from aztec.foundation.config import (
    ConfigError,
    env_bool,
    env_choice,
    env_int,
    env_key_values,
    env_list,
    env_path,
    env_port,
    env_str,
    env_url,
)
from aztec.telemetry.trace_settings import TRACE_ENVIRONMENT_VARIABLES, SamplerSettings

OTLP_PROTOCOLS: Final = ("http/protobuf", "grpc")
DEFAULT_PROMETHEUS_PORT: Final = 9464

ENVIRONMENT_VARIABLES: Final[dict[str, str]] = {
    "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT": "OTLP metrics endpoint URL; unset means no OTLP push. "
    "For http/protobuf a URL without a path gets /v1/metrics.",
    "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL": "http/protobuf (default) or grpc",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "OTLP/HTTP traces endpoint URL; unset means spans are not exported",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT": "OTLP/HTTP logs endpoint URL; unset means logs are not exported",
    **TRACE_ENVIRONMENT_VARIABLES,
    "OTEL_SERVICE_NAME": "service.name resource attribute (default: the service's own name, e.g. aztec-node)",
    "OTEL_RESOURCE_ATTRIBUTES": "extra resource attributes, k1=v1,k2=v2 (service.instance.id defaults to the host)",
    "OTEL_COLLECT_INTERVAL_MS": "how often push exporters (OTLP, NDJSON, console) collect and send (default 60000)",
    "OTEL_EXPORT_TIMEOUT_MS": "deadline for one export, and for shutdown (default 30000)",
    "OTEL_INCLUDE_METRICS": "comma-separated name prefixes; when set, only matching metrics are recorded",
    "OTEL_EXCLUDE_METRICS": "comma-separated name prefixes of metrics not to record",
    "AZTEC_PROMETHEUS_PORT": "serve a Prometheus scrape endpoint on this port (0 = any free port); unset = none",
    "AZTEC_PROMETHEUS_HOST": "address the scrape endpoint binds (default 127.0.0.1; 0.0.0.0 exposes it)",
    "AZTEC_METRICS_NDJSON_FILE": "append every collected data point to this NDJSON file (benchmarks)",
    "AZTEC_METRICS_CONSOLE": "print collected metrics to stdout (true/false, default false)",
    "AZTEC_HOST_METRICS": "collect host, process and runtime metrics (true/false, default true)",
    "AZTEC_TELEMETRY_STRICT": "raise on a banned or undeclared attribute instead of dropping (default false)",
    "AZTEC_TELEMETRY_LOCAL_AGGREGATION": (
        "aggregate synchronous instruments in the node's own cells, about 10x cheaper per record than the "
        "SDK's pipeline (default true; false records through the OpenTelemetry SDK)"
    ),
}


@dataclass(frozen=True)
class TelemetryConfig:
    """Everything the OpenTelemetry-backed client needs; ``has_exporter`` false means no-op."""

    service_name: str = "aztec-node"
    resource_attributes: Mapping[str, str] = field(default_factory=dict)
    otlp_metrics_endpoint: str | None = None
    otlp_metrics_protocol: str = "http/protobuf"
    otlp_traces_endpoint: str | None = None
    collect_interval_ms: int = 60_000
    export_timeout_ms: int = 30_000
    include_metrics: tuple[str, ...] = ()
    exclude_metrics: tuple[str, ...] = ()
    prometheus_port: int | None = None
    prometheus_host: str = "127.0.0.1"
    ndjson_path: Path | None = None
    console: bool = False
    host_metrics: bool = True
    strict: bool = False
    local_aggregation: bool = True
    # Traces and logs (issue 13): the sampler, and where logs go (endpoint resolution: see from_env).
    trace_sampler: SamplerSettings = field(default_factory=SamplerSettings)
    otlp_logs_endpoint: str | None = None

    @property
    def traces_enabled(self) -> bool:
        return self.otlp_traces_endpoint is not None

    @property
    def has_exporter(self) -> bool:
        return (
            self.otlp_metrics_endpoint is not None
            or self.prometheus_port is not None
            or self.ndjson_path is not None
            or self.console
            or self.otlp_traces_endpoint is not None
            or self.otlp_logs_endpoint is not None
        )

    @property
    def service_instance_id(self) -> str:
        return self.resource_attributes.get("service.instance.id") or socket.gethostname()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, service_name: str = "aztec-node") -> TelemetryConfig:
        """Read the variables in :data:`ENVIRONMENT_VARIABLES`; a bad value raises :class:`ConfigError`."""
        env = os.environ if env is None else env
        protocol = env_choice(env, "OTEL_EXPORTER_OTLP_METRICS_PROTOCOL", "http/protobuf", OTLP_PROTOCOLS)
        endpoint = env_url(env, "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT")
        if endpoint is not None and protocol == "http/protobuf":
            endpoint = with_default_path(endpoint, "/v1/metrics")
        host = env_str(env, "AZTEC_PROMETHEUS_HOST", "127.0.0.1")
        if any(c.isspace() for c in host) or "/" in host:
            raise ConfigError("AZTEC_PROMETHEUS_HOST", host, "expected an IP address or host name")
        return cls(
            service_name=env_str(env, "OTEL_SERVICE_NAME", service_name),
            resource_attributes=env_key_values(env, "OTEL_RESOURCE_ATTRIBUTES"),
            otlp_metrics_endpoint=endpoint,
            otlp_metrics_protocol=protocol,
            otlp_traces_endpoint=env_url(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"),
            collect_interval_ms=env_int(env, "OTEL_COLLECT_INTERVAL_MS", 60_000, minimum=10),
            export_timeout_ms=env_int(env, "OTEL_EXPORT_TIMEOUT_MS", 30_000, minimum=10),
            include_metrics=env_list(env, "OTEL_INCLUDE_METRICS"),
            exclude_metrics=env_list(env, "OTEL_EXCLUDE_METRICS"),
            prometheus_port=env_port(env, "AZTEC_PROMETHEUS_PORT", None),
            prometheus_host=host,
            ndjson_path=env_path(env, "AZTEC_METRICS_NDJSON_FILE"),
            console=env_bool(env, "AZTEC_METRICS_CONSOLE", False),
            host_metrics=env_bool(env, "AZTEC_HOST_METRICS", True),
            strict=env_bool(env, "AZTEC_TELEMETRY_STRICT", False),
            local_aggregation=env_bool(env, "AZTEC_TELEMETRY_LOCAL_AGGREGATION", True),
            trace_sampler=SamplerSettings.from_env(env),
            otlp_logs_endpoint=env_url(env, "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT"),
        )


def with_default_path(url: str, path: str) -> str:
    """Add ``path`` to a URL that has none (``http://collector:4318`` -> ``.../v1/metrics``)."""
    parts = urlsplit(url)
    if parts.path in ("", "/"):
        return urlunsplit(parts._replace(path=path))
    return url
