"""OTLP log export through the SDK's ``LoggerProvider``: Python log records out, with their trace context.

One handler per process on the root logger (the first client with a logs endpoint owns it; in the
sandbox that is the node, so every line of the process goes out under the node's resource). The
handler emits each record in the active span's context, so the SDK sets its trace and span ids. The
SDK's own records (``opentelemetry.*``) are not exported, so a failing export cannot feed itself.
"""

from __future__ import annotations

import logging
import threading
import time
import traceback
from typing import Final

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource

from aztec.telemetry.exporters.health import ExportHealth
from aztec.telemetry.exporters.signals import HealthCheckedLogExporter
from aztec.telemetry.otel.private_api import BatchLogRecordProcessor, LoggerProvider, LogRecord, SeverityNumber
from aztec.telemetry.otel.tracer import otel_span
from aztec.telemetry.span_context import ACTIVE_SPAN

_owner_lock = threading.Lock()
_owner: OtlpLogExport | None = None


_SEVERITIES: Final = (
    (logging.CRITICAL, SeverityNumber.FATAL, "FATAL"),
    (logging.ERROR, SeverityNumber.ERROR, "ERROR"),
    (logging.WARNING, SeverityNumber.WARN, "WARN"),
    (logging.INFO, SeverityNumber.INFO, "INFO"),
    (logging.NOTSET, SeverityNumber.DEBUG, "DEBUG"),
)


def _severity(levelno: int) -> tuple[SeverityNumber, str]:
    return next((number, text) for level, number, text in _SEVERITIES if levelno >= level)


class OtlpLogHandler(logging.Handler):
    """Hands each Python log record to the SDK's logger provider, in the active span's context.

    Written over the Logs API rather than the SDK's ``LoggingHandler``, which 1.45 deprecates in favour of
    a separate instrumentation package, and which reads OpenTelemetry's global context (never set here).
    """

    def __init__(self, provider: LoggerProvider) -> None:
        super().__init__(logging.NOTSET)
        self._provider = provider

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith("opentelemetry"):
            return
        try:
            active = ACTIVE_SPAN.get()
            context = Context() if active is None else trace.set_span_in_context(otel_span(active), Context())
            number, text = _severity(record.levelno)
            attributes: dict[str, str | int] = {
                "code.file.path": record.pathname,
                "code.function.name": record.funcName,
                "code.line.number": record.lineno,
            }
            if record.exc_info and record.exc_info[1] is not None:
                error = record.exc_info[1]
                attributes["exception.type"] = type(error).__name__
                attributes["exception.message"] = str(error)
                attributes["exception.stacktrace"] = "".join(traceback.format_exception(*record.exc_info))
            self._provider.get_logger(record.name).emit(
                LogRecord(
                    timestamp=int(record.created * 1e9),
                    observed_timestamp=time.time_ns(),
                    context=context,
                    severity_number=number,
                    severity_text=text,
                    body=record.getMessage(),
                    attributes=attributes,
                )
            )
        except Exception:
            self.handleError(record)


class OtlpLogExport:
    """A logger provider exporting to ``endpoint``; :meth:`attach` puts its handler on the root logger."""

    def __init__(self, resource: Resource, endpoint: str, timeout_ms: int, health: ExportHealth) -> None:
        self.endpoint = endpoint
        self._provider = LoggerProvider(resource=resource, shutdown_on_exit=False)
        self._provider.add_log_record_processor(
            BatchLogRecordProcessor(
                HealthCheckedLogExporter(endpoint, timeout_ms, health), export_timeout_millis=timeout_ms
            )
        )
        self._handler = OtlpLogHandler(self._provider)
        self.attached = False

    def attach(self) -> bool:
        """Export the process's log records; False if another client of this process already does."""
        global _owner
        with _owner_lock:
            if _owner is not None:
                return False
            _owner = self
        logging.getLogger().addHandler(self._handler)
        self.attached = True
        return True

    def flush(self, timeout_ms: float) -> bool:
        return bool(self._provider.force_flush(int(timeout_ms)))

    def shutdown(self) -> None:
        global _owner
        if self.attached:
            logging.getLogger().removeHandler(self._handler)
            with _owner_lock:
                if _owner is self:
                    _owner = None
        self._provider.shutdown()
