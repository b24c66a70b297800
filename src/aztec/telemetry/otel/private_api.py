"""Every private OpenTelemetry name the package uses, each behind one small named function or alias.

Nothing else in ``src/`` touches a private (underscore) attribute or module of ``opentelemetry`` or
``prometheus_client``; ``tests/telemetry/test_private_api_pins.py`` checks that, and pins each name
here against the installed packages: when an upgrade renames or reshapes one, a test names the
package, the pinned version (:data:`PINNED_VERSIONS`, as ``uv.lock`` has them) and the attribute.

Why each is needed:

- reader hooks (``MetricReader._collect``, ``_set_collect_callback``, ``_instrument_class_temporality``,
  ``_instrument_class_aggregation``, the SDK's ``_Counter`` ... instrument classes): the Python SDK has
  no MetricProducer, so local aggregation wraps each reader's collect callback (see ``sdk_bridge``);
- an exporter's ``_preferred_temporality`` / ``_preferred_aggregation``: a wrapping exporter passes on
  the preferences of the one it wraps;
- the OTLP/HTTP exporter's ``_client``: its exporter only logs a failed request's status, so we keep it;
- the OTLP/HTTP metric exporter's ``_export_batch``, ``_shutdown`` and ``_max_export_batch_size``: it has
  no way to export a request encoded elsewhere (ours, ``exporters/otlp_encoding``, costs 40% of its
  encoder's CPU), and ``_export_batch`` does all it does with one (its own metrics, the size limit,
  retries);
- ``opentelemetry.sdk.resources._HostResourceDetector``: the SDK's host detector has no public name;
- ``SystemMetricsInstrumentor`` built with ``object.__new__`` and ``_instrument``: the instrumentor is a
  process-wide singleton, and each telemetry client needs its own on its own meter provider;
- ``opentelemetry.exporter.prometheus._mapping``: the exporter's own name, unit and label rules, so that
  our scrape rendering and the Prometheus name predictions match what the exporter produces;
- the logs signal (``opentelemetry._logs``, ``opentelemetry.sdk._logs``, the OTLP/HTTP ``_log_exporter``):
  the Python SDK still ships it under underscore modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final

from opentelemetry._logs import LogRecord, SeverityNumber
from opentelemetry.exporter.prometheus._mapping import map_unit, sanitize_attribute, sanitize_full_name
from opentelemetry.metrics import Instrument
from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import ExportMetricsServiceRequest
from opentelemetry.sdk._logs import LoggerProvider, ReadableLogRecord
from opentelemetry.sdk._logs.export import BatchLogRecordProcessor, LogRecordExporter, LogRecordExportResult
from opentelemetry.sdk.metrics._internal.instrument import (
    _Counter,
    _Gauge,
    _Histogram,
    _ObservableCounter,
    _ObservableGauge,
    _ObservableUpDownCounter,
    _UpDownCounter,
)
from opentelemetry.sdk.metrics.export import (
    AggregationTemporality,
    MetricExporter,
    MetricExportResult,
    MetricReader,
    MetricsData,
)
from opentelemetry.sdk.metrics.view import Aggregation
from opentelemetry.sdk.resources import ResourceDetector, _HostResourceDetector

if TYPE_CHECKING:
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
    from opentelemetry.metrics import MeterProvider

__all__ = [
    "OTLP_HTTP_LOG_EXPORTER_LOGGER",
    "PINNED_VERSIONS",
    "SDK_COUNTER",
    "SDK_GAUGE",
    "SDK_HISTOGRAM",
    "SDK_OBSERVABLE_COUNTER",
    "SDK_OBSERVABLE_GAUGE",
    "SDK_OBSERVABLE_UP_DOWN_COUNTER",
    "SDK_UP_DOWN_COUNTER",
    "BatchLogRecordProcessor",
    "LogRecord",
    "LogRecordExportResult",
    "LogRecordExporter",
    "LoggerProvider",
    "ReadableLogRecord",
    "SeverityNumber",
    "exporter_preferred_aggregation",
    "exporter_preferred_temporality",
    "host_resource_detector",
    "instrument_system_metrics",
    "otlp_http_client",
    "otlp_http_log_exporter",
    "otlp_http_metric_export_request",
    "otlp_http_metric_exporter_exports_whole",
    "prometheus_label",
    "prometheus_metric_name",
    "prometheus_unit",
    "reader_aggregations",
    "reader_collect",
    "reader_temporalities",
    "replace_otlp_http_client",
    "set_reader_collect",
]

PINNED_VERSIONS: Final[Mapping[str, str]] = {
    "opentelemetry-api": "1.45.1",
    "opentelemetry-sdk": "1.45.1",
    "opentelemetry-exporter-otlp-proto-http": "1.45.1",
    "opentelemetry-exporter-prometheus": "0.66b1",
    "opentelemetry-instrumentation-system-metrics": "0.66b1",
}
"""The versions whose private names this module was written against (``uv.lock``)."""

# --- the SDK's metric readers ------------------------------------------------------------------------

SDK_HISTOGRAM: Final[type[Instrument]] = _Histogram
SDK_COUNTER: Final[type[Instrument]] = _Counter
SDK_UP_DOWN_COUNTER: Final[type[Instrument]] = _UpDownCounter
SDK_GAUGE: Final[type[Instrument]] = _Gauge
"""The SDK's synchronous instrument classes: the keys of a reader's temporality and aggregation maps."""
SDK_OBSERVABLE_COUNTER: Final[type[Instrument]] = _ObservableCounter
SDK_OBSERVABLE_UP_DOWN_COUNTER: Final[type[Instrument]] = _ObservableUpDownCounter
SDK_OBSERVABLE_GAUGE: Final[type[Instrument]] = _ObservableGauge
"""The SDK's observable instrument classes, keys of the same maps."""

Collect = Callable[..., "MetricsData | None"]


def reader_collect(reader: MetricReader) -> Collect | None:
    """The collect callback the MeterProvider installed on ``reader`` (None before registration)."""
    collect: Collect | None = reader._collect  # type: ignore[assignment]
    return collect


def set_reader_collect(reader: MetricReader, collect: Collect) -> None:
    """Replace ``reader``'s collect callback; the SDK calls it as ``collect(reader, timeout_millis=...)``."""
    # The SDK's annotation of the callback is narrower than what it calls it with (reader, timeout_millis=).
    reader._set_collect_callback(collect)  # type: ignore[arg-type]


def reader_temporalities(reader: MetricReader) -> Mapping[type[Instrument], AggregationTemporality]:
    """The reader's temporality per SDK instrument class (keys: :data:`SDK_COUNTER` ...)."""
    return reader._instrument_class_temporality


def reader_aggregations(reader: MetricReader) -> Mapping[type[Instrument], Aggregation]:
    """The reader's default aggregation per SDK instrument class."""
    return reader._instrument_class_aggregation


# --- metric exporters --------------------------------------------------------------------------------


def exporter_preferred_temporality(exporter: MetricExporter) -> dict[type, AggregationTemporality]:
    """The temporality preferences ``exporter`` was built with (to hand to a wrapping exporter)."""
    return exporter._preferred_temporality  # type: ignore[return-value]


def exporter_preferred_aggregation(exporter: MetricExporter) -> dict[type, Aggregation]:
    """The aggregation preferences ``exporter`` was built with (to hand to a wrapping exporter)."""
    return exporter._preferred_aggregation  # type: ignore[return-value]


def otlp_http_client(exporter: object) -> Any | None:
    """The HTTP client an OTLP/HTTP exporter (metrics, spans, logs) posts with; None for other exporters."""
    return getattr(exporter, "_client", None)


def replace_otlp_http_client(exporter: object, client: object) -> None:
    """Make an OTLP/HTTP exporter post through ``client`` (a wrapper around :func:`otlp_http_client`)."""
    exporter._client = client  # type: ignore[attr-defined]


def otlp_http_metric_export_request(exporter: Any, request: ExportMetricsServiceRequest) -> MetricExportResult:
    """Send ``request`` as the OTLP/HTTP metric exporter sends one it encoded (after its encoder, as one batch)."""
    result: MetricExportResult = exporter._export_batch(request)
    return result


def otlp_http_metric_exporter_exports_whole(exporter: Any) -> bool:
    """Whether the OTLP/HTTP metric exporter is live and sends each collection as one request (no batch size)."""
    return not exporter._shutdown and exporter._max_export_batch_size is None


OTLP_HTTP_LOG_EXPORTER_LOGGER: Final = "opentelemetry.exporter.otlp.proto.http._log_exporter"
"""The logger the OTLP/HTTP log exporter reports failures on (its module's name)."""


def otlp_http_log_exporter(endpoint: str, timeout_s: float) -> OTLPLogExporter:
    """OpenTelemetry's OTLP/HTTP log exporter (imported on first use: it loads protobuf and requests)."""
    from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter

    return OTLPLogExporter(endpoint=endpoint, timeout=timeout_s)


# --- resources and host metrics ------------------------------------------------------------------------------------


def host_resource_detector() -> ResourceDetector:
    """The SDK's detector of ``host.name`` and ``host.arch`` (its class is private in SDK 1.45)."""
    return _HostResourceDetector()


def instrument_system_metrics(provider: MeterProvider, config: dict[str, list[str] | None]) -> None:
    """Register OpenTelemetry's system-metrics instruments on ``provider``, once per call.

    ``SystemMetricsInstrumentor`` is a process-wide singleton whose ``instrument()`` refuses a second
    call; an instance built past the singleton's ``__new__`` lets every client have its own.
    """
    from opentelemetry.instrumentation.system_metrics import SystemMetricsInstrumentor

    instrumentor = object.__new__(SystemMetricsInstrumentor)
    SystemMetricsInstrumentor.__init__(instrumentor, config=config)
    instrumentor._instrument(meter_provider=provider)


# --- the Prometheus exporter's naming rules -----------------------------------------------------------


def prometheus_metric_name(name: str) -> str:
    """An OpenTelemetry metric name as the Prometheus exporter sanitises it (``aztec.x.y`` -> ``aztec_x_y``)."""
    return sanitize_full_name(name)


def prometheus_unit(unit: str) -> str:
    """The Prometheus unit word for a UCUM unit (``s`` -> ``seconds``, ``{tx}`` -> ``""``)."""
    return map_unit(unit)


def prometheus_label(key: str) -> str:
    """The Prometheus label an attribute key becomes (``aztec.chain.status`` -> ``aztec_chain_status``)."""
    return sanitize_attribute(key)
