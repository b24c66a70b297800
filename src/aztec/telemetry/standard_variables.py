"""Every environment variable the OpenTelemetry specification defines, and what this client does with it.

One definition per variable: the configuration reads the ones marked honoured, start-up warns about
any set variable marked unsupported (and any unknown ``OTEL_*`` one), and the README's table is
rendered from this list (a test fails when it is stale).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Final

from aztec.foundation.otel_defaults import METRIC_EXPORT_INTERVAL_MS, METRIC_EXPORT_TIMEOUT_MS, OTLP_TIMEOUT_MS
from aztec.telemetry.trace_settings import DEFAULT_RATIO, DEFAULT_SAMPLER


class Support(enum.Enum):
    HONOURED = "honoured"
    """Read and applied by this client."""
    SDK = "by the SDK"
    """Read from the process environment by the OpenTelemetry SDK objects this client builds."""
    UNSUPPORTED = "not supported"
    """Ignored: start-up warns when it is set."""


@dataclass(frozen=True)
class StandardVariable:
    name: str
    support: Support
    meaning: str


def _signals(template: str, support: Support, meaning: str) -> list[StandardVariable]:
    """The generic variable and its per-signal forms (``{}`` is ``""``, ``METRICS_``, ...)."""
    return [
        StandardVariable(template.format(signal), support, meaning) for signal in ("", "METRICS_", "TRACES_", "LOGS_")
    ]


_H, _S, _U = Support.HONOURED, Support.SDK, Support.UNSUPPORTED

STANDARD_VARIABLES: Final[tuple[StandardVariable, ...]] = (
    StandardVariable("OTEL_SDK_DISABLED", _H, "`true`: the no-op client for every signal (no scrape endpoint either)"),
    StandardVariable("OTEL_SERVICE_NAME", _H, "`service.name` (default: the service's own, `aztec-node`, `aztec-bot`)"),
    StandardVariable(
        "OTEL_RESOURCE_ATTRIBUTES", _H, "extra resource attributes, `k1=v1,k2=v2`, values percent-decoded"
    ),
    StandardVariable("OTEL_LOG_LEVEL", _H, "level of the SDK's own loggers: `debug`, `info`, `warn`, `error`"),
    StandardVariable(
        "OTEL_METRICS_EXPORTER",
        _H,
        "`otlp`, `prometheus`, `console`, `none` (comma-separated); unset: OTLP when an endpoint is set",
    ),
    StandardVariable("OTEL_TRACES_EXPORTER", _H, "`otlp` or `none`; unset: OTLP when an endpoint is set"),
    StandardVariable("OTEL_LOGS_EXPORTER", _H, "`otlp` or `none`; unset: OTLP when an endpoint is set"),
    StandardVariable(
        "OTEL_METRIC_EXPORT_INTERVAL", _H, f"ms between push exports (default {METRIC_EXPORT_INTERVAL_MS})"
    ),
    StandardVariable(
        "OTEL_METRIC_EXPORT_TIMEOUT",
        _H,
        f"ms for one push export, and for shutdown (default {METRIC_EXPORT_TIMEOUT_MS})",
    ),
    StandardVariable(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        _H,
        "base URL for every signal: `/v1/metrics`, `/v1/traces`, `/v1/logs` are appended for HTTP",
    ),
    *_signals("OTEL_EXPORTER_OTLP_{}ENDPOINT", _H, "a signal's endpoint, used as given")[1:],
    *_signals("OTEL_EXPORTER_OTLP_{}PROTOCOL", _H, "`http/protobuf` (default) or `grpc`; `http/json` is refused"),
    *_signals("OTEL_EXPORTER_OTLP_{}HEADERS", _H, "headers, `k1=v1,k2=v2`, percent-decoded; the signal's own win"),
    *_signals("OTEL_EXPORTER_OTLP_{}TIMEOUT", _H, f"ms allowed for one request (default {OTLP_TIMEOUT_MS})"),
    *_signals("OTEL_EXPORTER_OTLP_{}COMPRESSION", _H, "`gzip` or `none` (default)"),
    *_signals("OTEL_EXPORTER_OTLP_{}INSECURE", _H, "gRPC transport security follows the URL scheme, which wins"),
    *_signals("OTEL_EXPORTER_OTLP_{}CERTIFICATE", _S, "CA certificate file for TLS"),
    *_signals("OTEL_EXPORTER_OTLP_{}CLIENT_KEY", _S, "client private key file for mTLS"),
    *_signals("OTEL_EXPORTER_OTLP_{}CLIENT_CERTIFICATE", _S, "client certificate file for mTLS"),
    StandardVariable(
        "OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE",
        _H,
        "`cumulative` (default), `delta` or `lowmemory`, for the OTLP exporter",
    ),
    StandardVariable(
        "OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION",
        _H,
        "`explicit_bucket_histogram` (default) or `base2_exponential_bucket_histogram`, for the OTLP exporter",
    ),
    StandardVariable("OTEL_EXPORTER_PROMETHEUS_HOST", _H, "scrape endpoint address (alias of `AZTEC_PROMETHEUS_HOST`)"),
    StandardVariable("OTEL_EXPORTER_PROMETHEUS_PORT", _H, "scrape endpoint port (alias of `AZTEC_PROMETHEUS_PORT`)"),
    StandardVariable(
        "OTEL_TRACES_SAMPLER",
        _H,
        f"the specification's six samplers; default `{DEFAULT_SAMPLER}` at {DEFAULT_RATIO:g} when traces are on",
    ),
    StandardVariable("OTEL_TRACES_SAMPLER_ARG", _H, "the ratio of the `*traceidratio` samplers (default 1.0 if named)"),
    StandardVariable("OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT", _S, "span and log attribute value limit"),
    StandardVariable("OTEL_ATTRIBUTE_COUNT_LIMIT", _S, "span and log attribute count limit"),
    StandardVariable("OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT", _S, "span attribute value limit"),
    StandardVariable("OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT", _S, "span attribute count limit"),
    StandardVariable("OTEL_SPAN_EVENT_COUNT_LIMIT", _S, "span event count limit"),
    StandardVariable("OTEL_SPAN_LINK_COUNT_LIMIT", _S, "span link count limit"),
    StandardVariable("OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT", _S, "span event attribute count limit"),
    StandardVariable("OTEL_LINK_ATTRIBUTE_COUNT_LIMIT", _S, "span link attribute count limit"),
    StandardVariable("OTEL_LOGRECORD_ATTRIBUTE_VALUE_LENGTH_LIMIT", _S, "log record attribute value limit"),
    StandardVariable("OTEL_LOGRECORD_ATTRIBUTE_COUNT_LIMIT", _S, "log record attribute count limit"),
    StandardVariable("OTEL_BSP_SCHEDULE_DELAY", _S, "span batch delay (ms)"),
    StandardVariable("OTEL_BSP_EXPORT_TIMEOUT", _S, "span batch export timeout (ms)"),
    StandardVariable("OTEL_BSP_MAX_QUEUE_SIZE", _S, "span queue bound"),
    StandardVariable("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", _S, "spans per export"),
    StandardVariable("OTEL_BLRP_SCHEDULE_DELAY", _S, "log batch delay (ms)"),
    StandardVariable("OTEL_BLRP_EXPORT_TIMEOUT", _S, "log batch export timeout (ms)"),
    StandardVariable("OTEL_BLRP_MAX_QUEUE_SIZE", _S, "log queue bound"),
    StandardVariable("OTEL_BLRP_MAX_EXPORT_BATCH_SIZE", _S, "logs per export"),
    StandardVariable("OTEL_PROPAGATORS", _U, "W3C `tracecontext` and `baggage` are always used"),
    StandardVariable("OTEL_METRICS_EXEMPLAR_FILTER", _U, "no exemplar filter is configurable"),
    StandardVariable("OTEL_EXPORTER_ZIPKIN_ENDPOINT", _U, "no Zipkin exporter (use OTLP)"),
    StandardVariable("OTEL_EXPORTER_ZIPKIN_TIMEOUT", _U, "no Zipkin exporter (use OTLP)"),
    StandardVariable("OTEL_CONFIG_FILE", _U, "no declarative configuration file"),
    StandardVariable("OTEL_EXPERIMENTAL_RESOURCE_DETECTORS", _U, "the detectors are fixed: process, OS, host"),
)

BY_NAME: Final[Mapping[str, StandardVariable]] = {v.name: v for v in STANDARD_VARIABLES}

SDK_PREFIXES: Final = ("OTEL_PYTHON_",)
"""The Python SDK's own variables: read by the SDK objects where they apply, never warned about."""


def unsupported_settings(env: Mapping[str, str], own: Iterable[str]) -> list[str]:
    """Notices for every set ``OTEL_*`` variable this client does not apply (``own``: the project's names)."""
    known_own = frozenset(own)
    notices = []
    for name in sorted(env):
        if not name.startswith("OTEL_") or not env[name].strip() or name in known_own:
            continue
        if name.startswith(SDK_PREFIXES):
            continue
        variable = BY_NAME.get(name)
        if variable is None:
            notices.append(f"{name} is not an OpenTelemetry variable this client knows; it is ignored")
        elif variable.support is Support.UNSUPPORTED:
            notices.append(f"{name} is not supported and is ignored ({variable.meaning})")
    return notices


def markdown_table() -> str:
    """The README's table of standard variables."""
    lines = ["| Variable | Support | Meaning here |", "|---|---|---|"]
    lines += [f"| `{v.name}` | {v.support.value} | {v.meaning} |" for v in STANDARD_VARIABLES]
    return "\n".join(lines) + "\n"
