"""Export health: failed exports are counted and reported, never raised into the node.

OpenTelemetry's OTLP exporters log every retry on their own loggers. Those lines are captured here
(per exporting thread) and folded into one warning per endpoint and report interval, naming the
endpoint and the reason, so that an operator sees that export fails without a flood of lines.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from opentelemetry.sdk.metrics.export import MetricExporter, MetricExportResult, MetricsData

from aztec.telemetry.exporters.otlp import failure_reason
from aztec.telemetry.otel.private_api import (
    OTLP_HTTP_LOG_EXPORTER_LOGGER,
    exporter_preferred_aggregation,
    exporter_preferred_temporality,
)

_log = logging.getLogger("aztec.telemetry")

OTLP_LOGGERS = (
    "opentelemetry.exporter.otlp.proto.http.metric_exporter",
    "opentelemetry.exporter.otlp.proto.grpc.exporter",
    "opentelemetry.exporter.otlp.proto.grpc.metric_exporter",
    "opentelemetry.exporter.otlp.common.http",
    "opentelemetry.exporter.otlp.proto.http.trace_exporter",
    OTLP_HTTP_LOG_EXPORTER_LOGGER,
)


class _ExporterLogCapture(logging.Filter):
    """Keeps the warnings an OTLP exporter logs on each thread, and silences them."""

    def __init__(self) -> None:
        super().__init__()
        self._messages: dict[int, list[str]] = {}
        self._lock = threading.Lock()

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING:
            return True
        with self._lock:
            messages = self._messages.setdefault(threading.get_ident(), [])
            message = record.getMessage()
            if message not in messages and len(messages) < 5:
                messages.append(message)
        return False

    def take(self) -> str | None:
        """What this thread's exporter said since the last call, oldest first, or None."""
        with self._lock:
            messages = self._messages.pop(threading.get_ident(), None)
        return " / ".join(messages) if messages else None


_CAPTURE = _ExporterLogCapture()
_installed = False
_install_lock = threading.Lock()


def take_captured() -> str | None:
    """What the OTLP exporters logged on this thread since the last call (for span and log exporters)."""
    return _CAPTURE.take()


def install_log_capture() -> None:
    global _installed
    with _install_lock:
        if not _installed:
            for name in OTLP_LOGGERS:
                logging.getLogger(name).addFilter(_CAPTURE)
            _installed = True


@dataclass
class EndpointHealth:
    exporter: str
    endpoint: str
    successes: int = 0
    failures: int = 0
    failing: bool = False
    last_error: str | None = None
    unreported_failures: int = 0
    last_report: float = 0.0


_MAX_REASON = 100
_REASONS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"ConnectionRefused|Connection refused|ECONNREFUSED|StatusCode.UNAVAILABLE.*refused", re.I),
     "connection refused"),
    (re.compile(r"ReadTimeout|timed out|DEADLINE_EXCEEDED|TimeoutError", re.I), "no answer in time"),
    (re.compile(r"NameResolutionError|Name or service not known|getaddrinfo|DNS resolution", re.I),
     "host name not found"),
    (re.compile(r"RemoteDisconnected|Connection reset|ECONNRESET|connection aborted", re.I), "connection reset"),
    (re.compile(r"Failed to encode", re.I), "the batch could not be encoded"),
    (re.compile(r"UNAVAILABLE", re.I), "gRPC UNAVAILABLE"),
)  # fmt: skip
_HTTP_STATUS = re.compile(r"HTTP (\d{3})(?: [A-Za-z ]+)?")


def summarise_reason(reason: str | None) -> str:
    """A short reason for an export failure, without the transport library's own text."""
    if not reason:
        return "the exporter reported failure"
    status = _HTTP_STATUS.search(reason)
    if status:
        return status.group(0).strip()
    for pattern, summary in _REASONS:
        if pattern.search(reason):
            return summary
    first = reason.split(" / ")[0].strip()
    return first if len(first) <= _MAX_REASON else first[: _MAX_REASON - 3] + "..."


class ExportHealth:
    """Per-endpoint success/failure state of one client's exporters."""

    def __init__(self, *, report_interval_s: float, service_name: str, instance: str = "") -> None:
        self._interval = report_interval_s
        self._service = service_name
        self.who = f"{service_name} {instance}".strip()
        """How this client names itself in messages: service and instance, so two nodes can be told apart."""
        self._lock = threading.Lock()
        self._endpoints: dict[tuple[str, str], EndpointHealth] = {}
        self._count: Callable[[str, bool], None] = lambda _exporter, _ok: None

    def set_counter(self, count: Callable[[str, bool], None]) -> None:
        self._count = count

    def endpoints(self) -> Sequence[EndpointHealth]:
        with self._lock:
            return [EndpointHealth(**vars(e)) for e in self._endpoints.values()]

    def report(self, exporter: str, endpoint: str, ok: bool, reason: str | None) -> None:
        self._count(exporter, ok)
        now = time.monotonic()
        with self._lock:
            state = self._endpoints.setdefault((exporter, endpoint), EndpointHealth(exporter, endpoint))
            if ok:
                state.successes += 1
                if state.failing:
                    _log.warning("telemetry (%s): %s export to %s recovered", self.who, exporter, endpoint)
                state.failing = False
                state.unreported_failures = 0
                return
            state.failures += 1
            state.unreported_failures += 1
            state.last_error = summarise_reason(reason)
            if not state.failing or now - state.last_report >= self._interval:
                _log.warning(
                    "telemetry (%s): %s export to %s failing: %s (%d since last report)",
                    self.who,
                    exporter,
                    endpoint,
                    state.last_error,
                    state.unreported_failures,
                )
                state.last_report = now
                state.unreported_failures = 0
            state.failing = True


class HealthCheckedExporter(MetricExporter):
    """Wraps an exporter: never raises, reports every outcome to :class:`ExportHealth`."""

    def __init__(self, inner: MetricExporter, exporter: str, endpoint: str, health: ExportHealth) -> None:
        super().__init__(
            preferred_temporality=exporter_preferred_temporality(inner),
            preferred_aggregation=exporter_preferred_aggregation(inner),
        )
        self._inner = inner
        self._exporter = exporter
        self._endpoint = endpoint
        self._health = health

    def export(self, metrics_data: MetricsData, timeout_millis: float = 10_000, **kwargs: Any) -> MetricExportResult:
        _CAPTURE.take()
        try:
            result = self._inner.export(metrics_data, timeout_millis=timeout_millis, **kwargs)
            logged = _CAPTURE.take()
            known = failure_reason(self._inner) if result is not MetricExportResult.SUCCESS else None
            reason = " / ".join(r for r in (known, logged) if r) or None
        except Exception as error:  # an exporter bug must not reach the reader thread
            result, reason = MetricExportResult.FAILURE, f"{type(error).__name__}: {error}"
        self._health.report(self._exporter, self._endpoint, result is MetricExportResult.SUCCESS, reason)
        return result

    def force_flush(self, timeout_millis: float = 10_000) -> bool:
        return self._inner.force_flush(timeout_millis)

    def abandon(self) -> None:
        """Shut the inner exporter down now, so that a pending export stops retrying (used at stop)."""
        try:
            self._inner.shutdown(timeout_millis=100)
        except Exception as error:
            _log.debug("telemetry: %s exporter shutdown failed: %s", self._exporter, error)

    def shutdown(self, timeout_millis: float = 30_000, **kwargs: Any) -> None:
        try:
            self._inner.shutdown(timeout_millis=timeout_millis, **kwargs)
        except Exception as error:
            _log.warning("telemetry: %s exporter shutdown failed: %s", self._exporter, error)
