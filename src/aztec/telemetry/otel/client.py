"""The OpenTelemetry-backed client. Each instance owns its providers, readers and listener.

Nothing here touches OpenTelemetry's global providers or prometheus_client's global registry, so any
number of clients (the node and a bot, say) run side by side in one process and stop independently.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
from collections.abc import Callable, Sequence

from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor

from aztec.telemetry import attributes as attrs
from aztec.telemetry.api import Meter, Tracer
from aztec.telemetry.config import TelemetryConfig
from aztec.telemetry.definitions import MetricDefinition
from aztec.telemetry.exporters.health import ExportHealth, HealthCheckedExporter, install_log_capture
from aztec.telemetry.exporters.ndjson import NdjsonMetricExporter
from aztec.telemetry.exporters.otlp import build_otlp_exporter, exporter_kind
from aztec.telemetry.exporters.prometheus import PrometheusEndpoint
from aztec.telemetry.exporters.signals import LOGS_EXPORTER, TRACES_EXPORTER, HealthCheckedSpanExporter
from aztec.telemetry.filtering import MetricFilter
from aztec.telemetry.host_metrics import instrument_host_metrics
from aztec.telemetry.metrics.telemetry import TELEMETRY_DROPPED_RECORDS, TELEMETRY_EXPORT_COUNT
from aztec.telemetry.noop import NOOP_TRACER
from aztec.telemetry.otel.guard import AttributeGuard
from aztec.telemetry.otel.local_aggregation import LocalAggregation
from aztec.telemetry.otel.log_export import OtlpLogExport
from aztec.telemetry.otel.meter import OtelMeter
from aztec.telemetry.otel.observable import OtelObservable
from aztec.telemetry.otel.sampling import build_sampler
from aztec.telemetry.otel.tracer import OtelTracer
from aztec.telemetry.trace_settings import ChildProcessTracing

_log = logging.getLogger("aztec.telemetry")
_SELF_METER = "aztec.telemetry"


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
        traces_on = config.traces_enabled or bool(extra_span_processors)
        self._local = LocalAggregation(self._guard, exemplars=traces_on) if config.local_aggregation else None
        self.health = ExportHealth(
            report_interval_s=max(60.0, config.collect_interval_ms / 1000.0), service_name=config.service_name
        )
        resource = Resource(
            {
                "service.name": config.service_name,
                "service.instance.id": config.service_instance_id,
                "telemetry.sdk.name": "opentelemetry",
                "telemetry.sdk.language": "python",
                **config.resource_attributes,
            }
        )
        self.prometheus: PrometheusEndpoint | None = None
        if config.prometheus_port is not None:
            self.prometheus = PrometheusEndpoint(config.prometheus_host, config.prometheus_port)
        readers: list[MetricReader] = [*self._push_readers(config), *extra_readers]
        if self.prometheus is not None:
            readers.append(self.prometheus.reader)
        self._provider = MeterProvider(
            metric_readers=readers,
            resource=resource,
            shutdown_on_exit=False,
        )
        if self._local is not None:
            self._local.attach(readers, resource)
        self._tracer_provider = TracerProvider(
            resource=resource, sampler=build_sampler(config.trace_sampler), shutdown_on_exit=False
        )
        self._child_tracing: ChildProcessTracing | None = None
        if config.otlp_traces_endpoint is not None:
            span_exporter = HealthCheckedSpanExporter(
                config.otlp_traces_endpoint, config.export_timeout_ms, self.health
            )
            self._tracer_provider.add_span_processor(
                BatchSpanProcessor(span_exporter, export_timeout_millis=config.export_timeout_ms)
            )
            self._child_tracing = ChildProcessTracing(
                config.otlp_traces_endpoint,
                config.export_timeout_ms,
                config.trace_sampler,
                {str(k): str(v) for k, v in resource.attributes.items()},
            )
        for processor in extra_span_processors:
            self._tracer_provider.add_span_processor(processor)
        self._traces_on = traces_on
        self._logs: OtlpLogExport | None = None
        if config.otlp_logs_endpoint is not None:
            self._logs = OtlpLogExport(resource, config.otlp_logs_endpoint, config.export_timeout_ms, self.health)
            self._logs.attach()
        self._wire_self_metrics()
        if config.host_metrics:
            instrument_host_metrics(self._provider, self._filter)
        if self.prometheus is not None:
            try:
                self.prometheus.start()
            except OSError:
                self._provider.shutdown(timeout_millis=1000)
                raise
        if config.otlp_metrics_endpoint is not None and probe_otlp:
            threading.Thread(target=self._probe_otlp, name="otlp-probe", daemon=True).start()

    def describe(self) -> list[str]:
        """Where this client's metrics go, one line each, for start-up messages."""
        config = self.config
        every = f"every {config.collect_interval_ms / 1000:g} s"
        lines = []
        if self.prometheus is not None:
            lines.append(f"Prometheus scrape endpoint {self.prometheus.url}")
        if config.otlp_metrics_endpoint is not None:
            lines.append(f"OTLP ({config.otlp_metrics_protocol}) push to {config.otlp_metrics_endpoint} {every}")
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
        assert config.otlp_metrics_endpoint is not None
        check = check_otlp_grpc if config.otlp_metrics_protocol == "grpc" else check_otlp_http
        result = check(config.otlp_metrics_endpoint, min(5.0, config.export_timeout_ms / 1000))
        if not result.ok:
            _log.warning(
                "telemetry (%s): OTLP endpoint %s %s; the service keeps running and retries every %g s",
                config.service_name,
                result.target,
                result.detail,
                config.collect_interval_ms / 1000,
            )

    def _push_readers(self, config: TelemetryConfig) -> list[MetricReader]:
        interval, timeout = config.collect_interval_ms, config.export_timeout_ms
        exporters: list[tuple[MetricExporter, str, str]] = []
        if config.otlp_metrics_endpoint is not None:
            install_log_capture()
            inner = build_otlp_exporter(config.otlp_metrics_endpoint, config.otlp_metrics_protocol, timeout)
            exporters.append((inner, exporter_kind(config.otlp_metrics_protocol), config.otlp_metrics_endpoint))
        if config.ndjson_path is not None:
            exporters.append((NdjsonMetricExporter(config.ndjson_path), "ndjson", str(config.ndjson_path)))
        if config.console:
            exporters.append((ConsoleMetricExporter(out=sys.stdout), "console", "stdout"))
        return [
            PeriodicExportingMetricReader(
                HealthCheckedExporter(exporter, kind, endpoint, self.health),
                export_interval_millis=interval,
                export_timeout_millis=timeout,
            )
            for exporter, kind, endpoint in exporters
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
            dropped.add(1, {attrs.TELEMETRY_METRIC: definition.name})

        self._guard.set_drop_handler(on_drop)

    def is_enabled(self) -> bool:
        return True

    def get_meter(self, name: str) -> Meter:
        return OtelMeter(
            name, self._provider.get_meter(name), self._filter, self._guard, self._observables, self._local
        )

    def get_tracer(self, name: str) -> Tracer:
        """A tracer over this client's provider; the no-op tracer when traces are off (spans cost nothing)."""
        if not self._traces_on:
            return NOOP_TRACER
        parent_based = self.config.trace_sampler.name.startswith("parentbased")
        return OtelTracer(self._tracer_provider.get_tracer(name), self._child_tracing, parent_based=parent_based)

    @property
    def meter_provider(self) -> MeterProvider:
        return self._provider

    def flush(self, timeout_s: float | None = None) -> bool:
        if self._stopped:
            return True
        timeout_ms = self.config.export_timeout_ms if timeout_s is None else timeout_s * 1000
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
        """Export what is pending, then shut down within the export timeout. Idempotent."""
        with self._stop_lock:
            if self._stopped:
                return
            self._stopped = True
        timeout_ms = self.config.export_timeout_ms
        deadline = time.monotonic() + timeout_ms / 1000
        signals = self._in_background("shutdown", self._shutdown_signals, timeout_ms)
        try:
            self._provider.shutdown(timeout_millis=timeout_ms)
        except Exception as error:
            _log.warning(
                "telemetry (%s): shutdown did not finish within %g s (an exporter is still waiting on its "
                "endpoint); metrics not yet sent are dropped: %s",
                self.config.service_name,
                timeout_ms / 1000,
                error,
            )
        signals.join(max(0.0, deadline - time.monotonic()))
        if signals.is_alive():
            _log.warning(
                "telemetry (%s): span and log export did not finish within %g s; those not yet sent are dropped",
                self.config.service_name,
                timeout_ms / 1000,
            )
        if self.prometheus is not None:
            self.prometheus.stop()
