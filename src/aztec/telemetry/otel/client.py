"""The OpenTelemetry-backed client. Each instance owns its providers, readers and listener.

Nothing here touches OpenTelemetry's global providers or prometheus_client's global registry, so any
number of clients (the node and a bot, say) run side by side in one process and stop independently.
"""

from __future__ import annotations

import dataclasses
import logging
import sys
import threading
from collections.abc import Callable, Sequence

from opentelemetry.metrics import MeterProvider as ApiMeterProvider
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
    ScopeMetrics,
)
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from aztec.foundation.http.health import Readiness
from aztec.telemetry import attributes as attrs
from aztec.telemetry.api import Meter, Tracer
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import MetricDefinition
from aztec.telemetry.exporters.health import ExportHealth, HealthCheckedExporter, install_log_capture
from aztec.telemetry.exporters.ndjson import NdjsonMetricExporter
from aztec.telemetry.exporters.otlp import build_otlp_exporter, build_span_exporter
from aztec.telemetry.exporters.prometheus import PrometheusEndpoint
from aztec.telemetry.exporters.signals import LOGS_EXPORTER, TRACES_EXPORTER, HealthCheckedSpanExporter
from aztec.telemetry.filtering import MetricFilter
from aztec.telemetry.host_metrics import host_metric_renames, host_metric_views, instrument_host_metrics
from aztec.telemetry.metrics.telemetry import TELEMETRY_DROPPED_RECORDS, TELEMETRY_EXPORT_COUNT
from aztec.telemetry.noop import NOOP_TRACER
from aztec.telemetry.otel.guard import AttributeGuard
from aztec.telemetry.otel.local_aggregation import LocalAggregation
from aztec.telemetry.otel.local_observables import LocalObservables
from aztec.telemetry.otel.log_export import OtlpLogExport
from aztec.telemetry.otel.meter import OtelMeter
from aztec.telemetry.otel.observable import OtelObservable
from aztec.telemetry.otel.sampling import PresetIdGenerator, build_sampler, unsampled_root_bound
from aztec.telemetry.otel.sdk_bridge import install_producer
from aztec.telemetry.otel.tracer import OtelTracer
from aztec.telemetry.otel.value_types import ValueConformer
from aztec.telemetry.registry import metrics_by_name
from aztec.telemetry.resource import build_resource
from aztec.telemetry.trace_settings import ChildProcessTracing

_log = logging.getLogger("aztec.telemetry")
_SELF_METER = "aztec.telemetry"
_logged_notices: set[str] = set()
_notices_lock = threading.Lock()


def log_notices(notices: Sequence[str]) -> None:
    """Warn about each configuration notice once per process (several clients read one environment)."""
    for notice in notices:
        with _notices_lock:
            if notice in _logged_notices:
                continue
            _logged_notices.add(notice)
        _log.warning("telemetry: %s", notice)


def apply_sdk_log_level(level: str | None) -> None:
    """``OTEL_LOG_LEVEL``: the level of the OpenTelemetry SDK's own loggers."""
    if level is not None:
        logging.getLogger("opentelemetry").setLevel("WARNING" if level == "warn" else level.upper())


class OtelTelemetryClient:
    """A ``TelemetryClient`` over the OpenTelemetry SDK, built from a :class:`TelemetryConfig`."""

    def __init__(
        self,
        config: TelemetryConfig,
        *,
        extra_readers: Sequence[MetricReader] = (),
        extra_span_processors: Sequence[SpanProcessor] = (),
        probe_otlp: bool = True,
    ) -> None:
        self.config = config
        self._stopped = False
        self._stop_lock = threading.Lock()
        self._filter = MetricFilter(config.include_metrics, config.exclude_metrics)
        self._guard = AttributeGuard(strict=config.strict)
        self._observables: dict[tuple[str, str], OtelObservable] = {}
        exponential = config.histogram_aggregation == "base2_exponential_bucket_histogram"
        traces_on = config.traces_enabled or bool(extra_span_processors)
        self._local = (
            LocalAggregation(self._guard, exponential=exponential, exemplars=traces_on)
            if config.local_aggregation
            else None
        )
        self._local_observables = LocalObservables(metrics_by_name()) if config.local_aggregation else None
        self.health = ExportHealth(
            report_interval_s=max(60.0, config.collect_interval_ms / 1000.0),
            service_name=config.service_name,
            instance=config.service_instance_id,
        )
        self._conformer = ValueConformer(metrics_by_name())
        apply_sdk_log_level(config.sdk_log_level)
        log_notices(config.notices)
        resource = build_resource(config.service_name, config.service_instance_id, config.resource_attributes)
        self.resource = resource
        self.prometheus: PrometheusEndpoint | None = None
        if config.prometheus_port is not None:
            self.prometheus = PrometheusEndpoint(
                config.prometheus_host,
                config.prometheus_port,
                resource=resource,
                local=self._local,
                observables=self._local_observables,
            )
        readers: list[MetricReader] = [*self._push_readers(config), *extra_readers]
        sdk_scrape = [] if self.prometheus is None or self.prometheus.reader is None else [self.prometheus.reader]
        self._provider = MeterProvider(
            metric_readers=[*readers, *sdk_scrape],
            resource=resource,
            shutdown_on_exit=False,
            views=host_metric_views(),
        )
        # With local aggregation, push readers get the cells and the observations as OpenTelemetry data, and
        # the scrape endpoint renders them itself; without, the SDK collects everything. Every push
        # collection passes the value-type conformance (the scrape renderer conforms as it writes).
        for reader in readers:
            if self._local is not None and self._local_observables is not None:
                self._local.attach(reader)
                self._local_observables.attach(reader)
            install_producer(reader, self._produce, resource, self._conformer.conform)
        for reader in sdk_scrape:
            install_producer(reader, None, resource, self._conformer.conform)
        self._span_ids = PresetIdGenerator()
        self._tracer_provider = TracerProvider(
            resource=resource,
            sampler=build_sampler(config.trace_sampler),
            shutdown_on_exit=False,
            id_generator=self._span_ids,
        )
        self._child_tracing: ChildProcessTracing | None = None
        if config.traces_enabled and config.otlp_traces is not None:
            traces = dataclasses.replace(
                config.otlp_traces, timeout_ms=min(config.otlp_traces.timeout_ms, config.export_timeout_ms)
            )
            span_exporter = HealthCheckedSpanExporter(build_span_exporter(traces), traces.endpoint, self.health)
            self._tracer_provider.add_span_processor(
                BatchSpanProcessor(span_exporter, export_timeout_millis=config.export_timeout_ms)
            )
            if traces.protocol != "grpc":  # worker processes export their spans over OTLP/HTTP
                self._child_tracing = ChildProcessTracing(
                    traces.endpoint,
                    config.export_timeout_ms,
                    config.trace_sampler,
                    {str(k): str(v) for k, v in resource.attributes.items()},
                )
        for processor in extra_span_processors:
            self._tracer_provider.add_span_processor(processor)
        self._traces_on = traces_on
        self._logs: OtlpLogExport | None = None
        logs = config.otlp_logs
        if logs is not None and not config.sdk_disabled:
            if logs.protocol == "grpc":
                log_notices(
                    ["logs over OTLP/gRPC are not supported: set OTEL_EXPORTER_OTLP_LOGS_PROTOCOL=http/protobuf"]
                )
            else:
                self._logs = OtlpLogExport(resource, logs.endpoint, config.export_timeout_ms, self.health)
                self._logs.attach()
        self._wire_self_metrics()
        if config.host_metrics:
            host_provider: ApiMeterProvider = (
                self._provider
                if self._local_observables is None
                else self._local_observables.meter_provider(host_metric_renames())
            )
            instrument_host_metrics(host_provider, self._filter)
        if self.prometheus is not None:
            try:
                self.prometheus.start()
            except OSError:
                self._provider.shutdown(timeout_millis=1000)
                raise
        if config.otlp_metrics is not None and probe_otlp:
            threading.Thread(target=self._probe_otlp, name="otlp-probe", daemon=True).start()

    def _produce(self, reader: MetricReader) -> list[ScopeMetrics]:
        """The observations and the cells' data for push ``reader`` (nothing: the SDK collects everything)."""
        if self._local is None or self._local_observables is None:
            return []
        return [*self._local_observables.produce(reader), *self._local.produce(reader)]

    def describe(self) -> list[str]:
        """Where this client's metrics go, one line each, for start-up messages."""
        config = self.config
        every = f"every {config.collect_interval_ms / 1000:g} s"
        lines = []
        if self.prometheus is not None:
            lines.append(f"Prometheus scrape endpoint {self.prometheus.url}")
        if config.otlp_metrics is not None:
            lines.append(f"OTLP ({config.otlp_metrics.protocol}) push to {config.otlp_metrics.endpoint} {every}")
        if config.ndjson_path is not None:
            lines.append(f"NDJSON file {config.ndjson_path} {every}")
        if config.console:
            lines.append(f"console {every}")
        if config.otlp_traces_endpoint is not None:
            lines.append(
                f"traces: OTLP push to {config.otlp_traces_endpoint}, sampler {config.trace_sampler.description}"
            )
        if self._logs is not None and self._logs.attached:
            lines.append(f"logs: OTLP push to {config.otlp_logs_endpoint}")
        return lines

    def _probe_otlp(self) -> None:
        """Say at once when the collector cannot be reached, instead of after the first interval."""
        from aztec.telemetry.check import check_otlp_grpc, check_otlp_http

        config = self.config
        export = config.otlp_metrics
        assert export is not None
        check = check_otlp_grpc if export.protocol == "grpc" else check_otlp_http
        result = check(export.endpoint, min(5.0, export.timeout_ms / 1000), export.headers)
        if not result.ok:
            _log.warning(
                "telemetry (%s): OTLP endpoint %s %s; the service keeps running and retries every %g s",
                self.health.who,
                result.target,
                result.detail,
                config.collect_interval_ms / 1000,
            )

    def _push_readers(self, config: TelemetryConfig) -> list[MetricReader]:
        interval, timeout = config.collect_interval_ms, config.export_timeout_ms
        exporters: list[tuple[MetricExporter, str, str]] = []
        if config.otlp_metrics is not None:
            install_log_capture()
            # One export, retries included, never outlasts the reader's export timeout.
            export = dataclasses.replace(config.otlp_metrics, timeout_ms=min(config.otlp_metrics.timeout_ms, timeout))
            inner = build_otlp_exporter(
                export,
                temporality=config.metrics_temporality,
                aggregation=config.histogram_aggregation,
            )
            exporters.append((inner, config.otlp_metrics.kind, config.otlp_metrics.endpoint))
        if config.ndjson_path is not None:
            exporters.append((NdjsonMetricExporter(config.ndjson_path), "ndjson", str(config.ndjson_path)))
        if config.console:
            exporters.append((ConsoleMetricExporter(out=sys.stdout), "console", "stdout"))
        self._push_exporters = [
            HealthCheckedExporter(exporter, kind, endpoint, self.health) for exporter, kind, endpoint in exporters
        ]
        return [
            PeriodicExportingMetricReader(exporter, export_interval_millis=interval, export_timeout_millis=timeout)
            for exporter in self._push_exporters
        ]

    def _wire_self_metrics(self) -> None:
        meter = self.get_meter(_SELF_METER)
        exports = meter.create_counter(TELEMETRY_EXPORT_COUNT)
        bound = {
            (kind, ok): exports.bind({attrs.TELEMETRY_EXPORTER: kind, attrs.OUTCOME: "success" if ok else "failure"})
            for kind in ("otlp_http", "otlp_grpc", "ndjson", "console", TRACES_EXPORTER, LOGS_EXPORTER)
            for ok in (True, False)
        }
        self.health.set_counter(lambda kind, ok: bound[(kind, ok)].add(1))
        dropped = meter.create_counter(TELEMETRY_DROPPED_RECORDS)

        def on_drop(definition: MetricDefinition) -> None:
            dropped.add(1, {attrs.TELEMETRY_METRIC: definition.name, attrs.TELEMETRY_DROP_REASON: "banned_attribute"})

        def on_value_drop(metric: str, reason: str) -> None:
            dropped.add(1, {attrs.TELEMETRY_METRIC: metric, attrs.TELEMETRY_DROP_REASON: reason})

        self._guard.set_drop_handler(on_drop)
        self._conformer.set_drop_handler(on_value_drop)

    def is_enabled(self) -> bool:
        return True

    def get_meter(self, name: str) -> Meter:
        return OtelMeter(
            name,
            self._provider.get_meter(name),
            self._filter,
            self._guard,
            self._observables,
            self._local,
            self._local_observables,
        )

    def get_tracer(self, name: str) -> Tracer:
        """A tracer over this client's provider; the no-op tracer when traces are off (spans cost nothing)."""
        if not self._traces_on:
            return NOOP_TRACER
        parent_based = self.config.trace_sampler.name.startswith("parentbased")
        bound = unsampled_root_bound(self.config.trace_sampler)
        return OtelTracer(
            self._tracer_provider.get_tracer(name),
            self._child_tracing,
            parent_based=parent_based,
            root_sampling=None if bound is None else (self._span_ids, bound),
            sdk_context=self._local is None,
        )

    def flush(self, timeout_s: float | None = None) -> bool:
        if self._stopped:
            return True
        timeout_ms = self.config.export_timeout_ms if timeout_s is None else timeout_s * 1000
        if not self._traces_on and self._logs is None:  # metrics only: no thread to start
            return bool(self._provider.force_flush(timeout_millis=timeout_ms))
        signals = self._in_background("flush", self._flush_signals, timeout_ms)
        flushed = bool(self._provider.force_flush(timeout_millis=timeout_ms))
        signals.join(timeout_ms / 1000)
        return flushed and not signals.is_alive()

    def _flush_signals(self, timeout_ms: float) -> None:
        self._tracer_provider.force_flush(int(timeout_ms))
        if self._logs is not None:
            self._logs.flush(timeout_ms)

    def _shutdown_signals(self, timeout_ms: float) -> None:
        self._tracer_provider.shutdown()
        if self._logs is not None:
            self._logs.shutdown()

    def _in_background(self, what: str, work: Callable[[float], None], timeout_ms: float) -> threading.Thread:
        """Span and log export in a thread of its own: the SDK's span and log processors export in the caller
        and may take the exporter's whole timeout, so they run beside the metric readers' under one deadline."""

        def run() -> None:
            try:
                work(timeout_ms)
            except Exception as error:
                _log.warning("telemetry (%s): span or log %s failed: %s", self.config.service_name, what, error)

        thread = threading.Thread(target=run, name=f"telemetry-{what}", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        """Export what is pending, then shut down within the export timeout, whatever the endpoints do.

        The SDK's shutdown runs on a daemon thread: when an endpoint is down, slow or black-holed the
        client gives up at the deadline (the thread cannot keep the process alive) and says once what
        was not delivered. Idempotent; :func:`aztec.telemetry.shutdown.stop_all` stops several in parallel.
        """
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
        timeout_s = self.config.export_timeout_ms / 1000
        failing = [e for e in self.health.endpoints() if e.failing]
        if failing:
            # The collector is not answering: a final export would only retry until the deadline.
            for exporter in self._push_exporters:
                exporter.abandon()
        done = threading.Event()
        errors: list[Exception] = []

        def shut_down() -> None:
            # Metrics, spans and logs flush side by side: the SDK's span and log processors export in the
            # caller and may take an exporter's whole timeout.
            signals = self._in_background("shutdown", self._shutdown_signals, timeout_s * 1000)
            try:
                self._provider.shutdown(timeout_millis=timeout_s * 1000)
            except Exception as error:  # a reader whose final export failed
                errors.append(error)
            finally:
                signals.join(timeout_s)
                done.set()

        threading.Thread(target=shut_down, name="telemetry-shutdown", daemon=True).start()
        finished = done.wait(timeout_s + 0.5)
        if self.prometheus is not None:
            self.prometheus.stop()
        failing = [e for e in self.health.endpoints() if e.failing]
        if failing or errors or not finished:
            where = ", ".join(f"{e.exporter} {e.endpoint}" for e in failing) or "its push exporters"
            if not finished:
                reason = f"no answer within {timeout_s:g} s"
            else:
                reason = failing[0].last_error if failing and failing[0].last_error else "the final export failed"
            _log.warning(
                "telemetry (%s): stopped without delivering the metrics since the last successful export to %s (%s)",
                self.health.who,
                where,
                reason,
            )

    def set_readiness(self, readiness: Readiness | None) -> None:
        """The checks of the scrape endpoint's ``GET /readyz``; nothing to do without an endpoint."""
        if self.prometheus is not None:
            self.prometheus.set_readiness(readiness)
