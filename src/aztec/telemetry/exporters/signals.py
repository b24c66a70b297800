"""OTLP span and log exporters with the same failure handling as metric export.

Each export's outcome goes to :class:`~aztec.telemetry.exporters.health.ExportHealth` (one warning per
endpoint and report interval, a recovery line, the ``aztec.telemetry.export.count`` self-metric with
exporter ``otlp_http_traces`` / ``otlp_http_logs``); OpenTelemetry's own per-retry warnings are folded
into those lines. An exporter never raises into the SDK's batch processor thread.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export import SpanExporter, SpanExportResult

from aztec.telemetry.exporters.health import ExportHealth, install_log_capture, take_captured
from aztec.telemetry.exporters.otlp import failure_reason, keep_http_results
from aztec.telemetry.otel.private_api import (
    LogRecordExporter,
    LogRecordExportResult,
    ReadableLogRecord,
    otlp_http_log_exporter,
)

TRACES_EXPORTER: Final = "otlp_http_traces"
LOGS_EXPORTER: Final = "otlp_http_logs"


def _reason(inner: object, ok: bool) -> str | None:
    logged = take_captured()
    known = None if ok else failure_reason(inner)
    return " / ".join(r for r in (known, logged) if r) or None


class HealthCheckedSpanExporter(SpanExporter):
    def __init__(self, inner: SpanExporter, endpoint: str, health: ExportHealth) -> None:
        """``inner``: the OTLP span exporter (HTTP or gRPC, see ``exporters.otlp.build_span_exporter``)."""
        install_log_capture()
        self._inner = keep_http_results(inner)
        self._endpoint = endpoint
        self._health = health

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        take_captured()
        try:
            result = self._inner.export(spans)
            ok = result is SpanExportResult.SUCCESS
            reason = _reason(self._inner, ok)
        except Exception as error:  # an exporter bug must not reach the processor thread
            result, ok, reason = SpanExportResult.FAILURE, False, f"{type(error).__name__}: {error}"
        self._health.report(TRACES_EXPORTER, self._endpoint, ok, reason)
        return result

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._inner.force_flush(timeout_millis)

    def shutdown(self) -> None:
        self._inner.shutdown()


class HealthCheckedLogExporter(LogRecordExporter):
    def __init__(self, endpoint: str, timeout_ms: int, health: ExportHealth) -> None:
        install_log_capture()
        self._inner = keep_http_results(otlp_http_log_exporter(endpoint, timeout_ms / 1000))
        self._endpoint = endpoint
        self._health = health

    def export(self, batch: Sequence[ReadableLogRecord]) -> LogRecordExportResult:
        take_captured()
        try:
            result = self._inner.export(batch)
            ok = result is LogRecordExportResult.SUCCESS
            reason = _reason(self._inner, ok)
        except Exception as error:
            result, ok, reason = LogRecordExportResult.FAILURE, False, f"{type(error).__name__}: {error}"
        self._health.report(LOGS_EXPORTER, self._endpoint, ok, reason)
        return result

    def force_flush(self, timeout_millis: int = 30_000) -> bool:
        return self._inner.force_flush(timeout_millis)

    def shutdown(self) -> None:
        self._inner.shutdown()  # type: ignore[no-untyped-call]
