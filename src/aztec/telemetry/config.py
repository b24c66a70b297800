"""Telemetry configuration, read from the environment: OpenTelemetry's standard variables, as the SDK
specification defines them, plus the Aztec client's names and the project's own.

Nothing configured means no exporter, and the factory then hands out the no-op client.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import unquote, urlsplit, urlunsplit

from opentelemetry.util.re import parse_env_headers

from aztec.foundation.config import (
    ConfigError,
    env_bool,
    env_choice,
    env_list,
    env_optional_str,
    env_port,
    env_str,
    env_url,
    parse_int,
)
from aztec.foundation.otel_defaults import (
    METRIC_EXPORT_INTERVAL_MS,
    METRIC_EXPORT_TIMEOUT_MS,
    OTLP_TIMEOUT_MS,
    PROMETHEUS_EXPORTER_PORT,
)
from aztec.foundation.settings import (
    IntSetting,
    ListSetting,
    PathSetting,
    Setting,
    Switch,
    TextSetting,
    markdown_table,
)
from aztec.telemetry.standard_variables import unsupported_settings
from aztec.telemetry.trace_settings import SamplerSettings

OTLP_PROTOCOLS: Final = ("http/protobuf", "grpc")
OTLP_COMPRESSIONS: Final = ("gzip", "none")
TEMPORALITY_PREFERENCES: Final = ("cumulative", "delta", "lowmemory")
HISTOGRAM_AGGREGATIONS: Final = ("explicit_bucket_histogram", "base2_exponential_bucket_histogram")
DEFAULT_PROMETHEUS_PORT: Final = PROMETHEUS_EXPORTER_PORT
"""The scrape endpoint's port when none is given (``OTEL_METRICS_EXPORTER=prometheus``, the sandbox's
``--metrics-port``): the OpenTelemetry Prometheus exporter's default. Use this constant, not the number."""
DEFAULT_SCRAPE_URL: Final = f"http://127.0.0.1:{DEFAULT_PROMETHEUS_PORT}/metrics"
"""Where ``aztec start`` serves the sequencer node's (or the sandbox's) metrics on default settings."""
SIGNAL_PATHS: Final = {"METRICS": "/v1/metrics", "TRACES": "/v1/traces", "LOGS": "/v1/logs"}
SPEC_DEFAULT_ENDPOINTS: Final = {"http/protobuf": "http://localhost:4318", "grpc": "http://localhost:4317"}
"""The specification's default endpoints, used when an ``OTEL_*_EXPORTER`` asks for otlp and none is set."""

COLLECT_INTERVAL: Final = IntSetting(
    key="collect_interval_ms",
    flag=None,
    variable="OTEL_COLLECT_INTERVAL_MS",
    also_read=("OTEL_METRIC_EXPORT_INTERVAL",),
    default=METRIC_EXPORT_INTERVAL_MS,
    minimum=10,
    unit="ms",
    help="Aztec name of `OTEL_METRIC_EXPORT_INTERVAL`: ms between push exports",
)
EXPORT_TIMEOUT: Final = IntSetting(
    key="export_timeout_ms",
    flag=None,
    variable="OTEL_EXPORT_TIMEOUT_MS",
    also_read=("OTEL_METRIC_EXPORT_TIMEOUT",),
    default=METRIC_EXPORT_TIMEOUT_MS,
    minimum=10,
    unit="ms",
    help="Aztec name of `OTEL_METRIC_EXPORT_TIMEOUT`: ms for one push export, and for shutdown",
)
INCLUDE_METRICS: Final = ListSetting(
    key="include_metrics",
    flag=None,
    variable="OTEL_INCLUDE_METRICS",
    help="name prefixes; when set, only matching metrics are recorded",
    default_doc="every metric",
)
EXCLUDE_METRICS: Final = ListSetting(
    key="exclude_metrics",
    flag=None,
    variable="OTEL_EXCLUDE_METRICS",
    help="name prefixes of metrics not to record (exclude wins)",
)
PROMETHEUS_PORT: Final = IntSetting(
    key="prometheus_port",
    flag=None,
    variable="AZTEC_PROMETHEUS_PORT",
    also_read=("OTEL_EXPORTER_PROMETHEUS_PORT",),
    default=DEFAULT_PROMETHEUS_PORT,
    minimum=0,
    maximum=65535,
    help="serve a Prometheus scrape endpoint on this port (0 = any free port)",
    default_doc=f"none: no endpoint (`{DEFAULT_PROMETHEUS_PORT}` when `OTEL_METRICS_EXPORTER` names `prometheus`; "
    "`aztec start`: its `--metrics-port`)",
)
PROMETHEUS_HOST: Final = TextSetting(
    key="prometheus_host",
    flag=None,
    variable="AZTEC_PROMETHEUS_HOST",
    also_read=("OTEL_EXPORTER_PROMETHEUS_HOST",),
    default="127.0.0.1",
    help="address the scrape endpoint binds (`0.0.0.0` exposes it)",
    accepted_doc="an IP address or a host name",
)
NDJSON_FILE: Final = PathSetting(
    key="ndjson_path",
    flag=None,
    variable="AZTEC_METRICS_NDJSON_FILE",
    help="append every collected data point to this NDJSON file (benchmarks)",
)
CONSOLE: Final = Switch(
    key="console", flag=None, variable="AZTEC_METRICS_CONSOLE", default=False, help="print collected metrics to stdout"
)
HOST_METRICS: Final = Switch(
    key="host_metrics",
    flag=None,
    variable="AZTEC_HOST_METRICS",
    default=True,
    help="collect host, process and runtime metrics",
)
STRICT: Final = Switch(
    key="strict",
    flag=None,
    variable="AZTEC_TELEMETRY_STRICT",
    default=False,
    help="raise on a banned or undeclared attribute instead of dropping it",
)
LOCAL_AGGREGATION: Final = Switch(
    key="local_aggregation",
    flag=None,
    variable="AZTEC_TELEMETRY_LOCAL_AGGREGATION",
    default=True,
    help="aggregate counters, histograms and gauges in the node's own per-series cells, about 10x cheaper per "
    "record than the SDK (off: records through the OpenTelemetry SDK's pipeline)",
)
TELEMETRY_SETTINGS: Final[tuple[Setting[Any], ...]] = (
    COLLECT_INTERVAL,
    EXPORT_TIMEOUT,
    INCLUDE_METRICS,
    EXCLUDE_METRICS,
    PROMETHEUS_PORT,
    PROMETHEUS_HOST,
    NDJSON_FILE,
    CONSOLE,
    HOST_METRICS,
    STRICT,
    LOCAL_AGGREGATION,
)
"""The project's own variables, one definition each (the standard ones are in
:mod:`aztec.telemetry.standard_variables`)."""

ENVIRONMENT_VARIABLES: Final[dict[str, str]] = {s.variable: s.help for s in TELEMETRY_SETTINGS if s.variable}
"""The project's own variable names, with their meaning."""


def own_variables_table() -> str:
    """The README's table of the project's own telemetry variables."""
    return markdown_table(TELEMETRY_SETTINGS)


@dataclass(frozen=True)
class OtlpExport:
    """Where and how one signal is pushed over OTLP."""

    endpoint: str
    protocol: str = "http/protobuf"
    headers: Mapping[str, str] = field(default_factory=dict)
    timeout_ms: int = OTLP_TIMEOUT_MS
    compression: str = "none"

    @property
    def kind(self) -> str:
        """The exporter's name in self-metrics and messages: ``otlp_http`` or ``otlp_grpc``."""
        return "otlp_grpc" if self.protocol == "grpc" else "otlp_http"


@dataclass(frozen=True)
class TelemetryConfig:
    """Everything the OpenTelemetry-backed client needs; ``has_exporter`` false means no-op."""

    service_name: str = "aztec-node"
    resource_attributes: Mapping[str, str] = field(default_factory=dict)
    otlp_metrics: OtlpExport | None = None
    otlp_traces: OtlpExport | None = None
    otlp_logs: OtlpExport | None = None
    metrics_temporality: str = "cumulative"
    histogram_aggregation: str = "explicit_bucket_histogram"
    collect_interval_ms: int = COLLECT_INTERVAL.default
    export_timeout_ms: int = EXPORT_TIMEOUT.default
    include_metrics: tuple[str, ...] = ()
    exclude_metrics: tuple[str, ...] = ()
    prometheus_port: int | None = None
    prometheus_host: str = PROMETHEUS_HOST.default
    ndjson_path: Path | None = NDJSON_FILE.default
    console: bool = CONSOLE.default
    host_metrics: bool = HOST_METRICS.default
    strict: bool = STRICT.default
    local_aggregation: bool = LOCAL_AGGREGATION.default
    sdk_disabled: bool = False
    sdk_log_level: str | None = None
    trace_sampler: SamplerSettings = field(default_factory=SamplerSettings)
    """``OTEL_TRACES_SAMPLER`` / ``OTEL_TRACES_SAMPLER_ARG`` (see :mod:`aztec.telemetry.trace_settings`)."""
    notices: tuple[str, ...] = ()
    """Warnings for start-up: standard variables set but not supported, aliases that disagree."""

    @property
    def traces_enabled(self) -> bool:
        return self.otlp_traces is not None and not self.sdk_disabled

    @property
    def otlp_logs_endpoint(self) -> str | None:
        return None if self.otlp_logs is None or self.sdk_disabled else self.otlp_logs.endpoint

    @property
    def has_exporter(self) -> bool:
        if self.sdk_disabled:
            return False
        return (
            self.otlp_metrics is not None
            or self.otlp_traces is not None
            or self.prometheus_port is not None
            or self.ndjson_path is not None
            or self.console
            or self.otlp_traces_endpoint is not None
            or self.otlp_logs_endpoint is not None
        )

    @property
    def otlp_metrics_endpoint(self) -> str | None:
        return None if self.otlp_metrics is None else self.otlp_metrics.endpoint

    @property
    def otlp_traces_endpoint(self) -> str | None:
        return None if self.otlp_traces is None else self.otlp_traces.endpoint

    @property
    def service_instance_id(self) -> str:
        return self.resource_attributes.get("service.instance.id") or socket.gethostname()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, service_name: str = "aztec-node") -> TelemetryConfig:
        """Read the standard and the project's variables; a bad value raises :class:`ConfigError`."""
        env = os.environ if env is None else env
        notices: list[str] = unsupported_settings(env, ENVIRONMENT_VARIABLES)
        metric_exporters = _exporters(env, "OTEL_METRICS_EXPORTER", ("otlp", "prometheus", "console", "none"))
        interval = _aliased_int(env, COLLECT_INTERVAL, notices)
        timeout = _aliased_int(env, EXPORT_TIMEOUT, notices)
        host = _prometheus_host(env, notices)
        port = _aliased_port(env, notices)
        if port is None and metric_exporters is not None and "prometheus" in metric_exporters:
            port = DEFAULT_PROMETHEUS_PORT
        console = CONSOLE.from_env(env) or (metric_exporters is not None and "console" in metric_exporters)
        return cls(
            service_name=env_str(env, "OTEL_SERVICE_NAME", service_name),
            resource_attributes=resource_attributes_from(env),
            otlp_metrics=otlp_export(env, "METRICS", metric_exporters),
            otlp_traces=otlp_export(env, "TRACES", _exporters(env, "OTEL_TRACES_EXPORTER", ("otlp", "none"))),
            otlp_logs=otlp_export(env, "LOGS", _exporters(env, "OTEL_LOGS_EXPORTER", ("otlp", "none"))),
            metrics_temporality=env_choice(
                env, "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE", "cumulative", TEMPORALITY_PREFERENCES
            ),
            histogram_aggregation=env_choice(
                env,
                "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
                "explicit_bucket_histogram",
                HISTOGRAM_AGGREGATIONS,
            ),
            collect_interval_ms=interval,
            export_timeout_ms=timeout,
            include_metrics=INCLUDE_METRICS.from_env(env),
            exclude_metrics=EXCLUDE_METRICS.from_env(env),
            prometheus_port=port,
            prometheus_host=host,
            ndjson_path=NDJSON_FILE.from_env(env),
            console=console,
            host_metrics=HOST_METRICS.from_env(env),
            strict=STRICT.from_env(env),
            local_aggregation=LOCAL_AGGREGATION.from_env(env),
            sdk_disabled=env_bool(env, "OTEL_SDK_DISABLED", False),
            sdk_log_level=env_choice(env, "OTEL_LOG_LEVEL", "", ("", *SDK_LOG_LEVELS)) or None,
            trace_sampler=SamplerSettings.from_env(env),
            notices=tuple(notices),
        )


SDK_LOG_LEVELS: Final = ("debug", "info", "warn", "warning", "error")


def _exporters(env: Mapping[str, str], name: str, choices: tuple[str, ...]) -> frozenset[str] | None:
    """An ``OTEL_*_EXPORTER`` list, or None when unset (then an endpoint being set decides)."""
    values = env_list(env, name)
    if not values:
        return None
    for value in values:
        if value not in choices:
            raise ConfigError(name, env[name], f"expected a comma-separated list of {', '.join(choices)}")
    return frozenset(values)


def _aliased_int(env: Mapping[str, str], setting: IntSetting, notices: list[str]) -> int:
    """The standard variable (read first) wins over the Aztec alias; both set and different is worth a notice."""
    (standard,), alias = setting.also_read, setting.variable
    alias_value = setting.from_env({k: v for k, v in env.items() if k != standard})
    value = setting.from_env(env)
    both = env_optional_str(env, standard) is not None and env_optional_str(env, alias or "") is not None
    if both and alias_value != value:
        notices.append(f"{standard}={value} and {alias}={alias_value} are both set; {standard} wins")
    return value


def _aliased_port(env: Mapping[str, str], notices: list[str]) -> int | None:
    (standard,), alias = PROMETHEUS_PORT.also_read, PROMETHEUS_PORT.variable or ""
    alias_value = env_port(env, alias, None)
    value = env_port(env, standard, None)
    if value is None:
        return alias_value
    if alias_value is not None and alias_value != value:
        notices.append(f"{standard}={value} and {alias}={alias_value} are both set; {standard} wins")
    return value


def _prometheus_host(env: Mapping[str, str], notices: list[str]) -> str:
    (standard,), alias = PROMETHEUS_HOST.also_read, PROMETHEUS_HOST.variable or ""
    chosen = standard if env_optional_str(env, standard) is not None else alias
    host = env_str(env, chosen, PROMETHEUS_HOST.default)
    if any(c.isspace() for c in host) or "/" in host:
        raise ConfigError(chosen, host, "expected an IP address or host name")
    other = env_optional_str(env, alias)
    if chosen == standard and other is not None and other != host:
        notices.append(f"{standard}={host} and {alias}={other} are both set; {standard} wins")
    return host


def _signal_or_generic(env: Mapping[str, str], signal: str, suffix: str) -> tuple[str, str | None]:
    """The per-signal variable if set, else the generic one: (name read, raw value)."""
    specific = f"OTEL_EXPORTER_OTLP_{signal}_{suffix}"
    value = env_optional_str(env, specific)
    if value is not None:
        return specific, value
    generic = f"OTEL_EXPORTER_OTLP_{suffix}"
    return generic, env_optional_str(env, generic)


def otlp_export(env: Mapping[str, str], signal: str, exporters: frozenset[str] | None) -> OtlpExport | None:
    """One signal's OTLP settings, as the specification resolves them; None when it is not pushed.

    A signal's own endpoint is used as given; the generic ``OTEL_EXPORTER_OTLP_ENDPOINT`` gets the
    signal's path (``/v1/metrics``...) for HTTP. ``OTEL_<SIGNAL>_EXPORTER=none`` turns the signal off,
    ``=otlp`` with no endpoint uses the specification's default (``http://localhost:4318``).
    """
    protocol_name, protocol = _signal_or_generic(env, signal, "PROTOCOL")
    protocol = protocol or "http/protobuf"
    if protocol not in OTLP_PROTOCOLS:
        reason = "http/json is not supported by the Python exporters" if protocol == "http/json" else ""
        raise ConfigError(protocol_name, protocol, reason or f"expected one of {', '.join(OTLP_PROTOCOLS)}")
    headers_name, raw_headers = _signal_or_generic(env, signal, "HEADERS")
    headers = parse_headers(headers_name, raw_headers) if raw_headers else {}
    timeout_name, raw_timeout = _signal_or_generic(env, signal, "TIMEOUT")
    timeout_ms = OTLP_TIMEOUT_MS if raw_timeout is None else parse_int(timeout_name, raw_timeout, minimum=1)
    compression_name, compression = _signal_or_generic(env, signal, "COMPRESSION")
    compression = compression or "none"
    if compression not in OTLP_COMPRESSIONS:
        raise ConfigError(compression_name, compression, f"expected one of {', '.join(OTLP_COMPRESSIONS)}")
    endpoint = env_url(env, f"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT")
    generic = env_url(env, "OTEL_EXPORTER_OTLP_ENDPOINT")
    if exporters is not None and "otlp" not in exporters:
        return None
    if endpoint is None:
        if generic is None and exporters is not None:
            generic = SPEC_DEFAULT_ENDPOINTS[protocol]
        if generic is None:
            return None
        endpoint = generic if protocol == "grpc" else append_signal_path(generic, SIGNAL_PATHS[signal])
    return OtlpExport(endpoint, protocol, headers, timeout_ms, compression)


def append_signal_path(base: str, path: str) -> str:
    """``http://collector:4318`` (or ``.../prefix/``) + ``/v1/metrics``, as the specification appends it."""
    parts = urlsplit(base)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + path))


def parse_headers(name: str, raw: str) -> dict[str, str]:
    """``k1=v1,k2=v2`` with percent-decoding, by the SDK's own parser; a malformed entry names the variable."""
    items = [item for item in raw.split(",") if item.strip()]
    if any("=" not in item or not item.split("=", 1)[0].strip() for item in items):
        raise ConfigError(name, raw, "expected key=value pairs separated by commas")
    return dict(parse_env_headers(raw, liberal=True))


def resource_attributes_from(env: Mapping[str, str]) -> dict[str, str]:
    """``OTEL_RESOURCE_ATTRIBUTES``, decoded as the SDK's ``OTELResourceDetector`` does (a test compares)."""
    raw = env_optional_str(env, "OTEL_RESOURCE_ATTRIBUTES")
    if raw is None:
        return {}
    result: dict[str, str] = {}
    for item in raw.split(","):
        if not item.strip():
            continue
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(
                "OTEL_RESOURCE_ATTRIBUTES", raw, f"expected key=value pairs separated by commas, got {item!r}"
            )
        result[key.strip()] = unquote(value.strip())
    return result
