"""Process logging: levels per module, text or JSON lines, and the trace context on every record.

``configure_logging`` installs one stream handler on the root logger. Every record gets ``trace_id`` and
``span_id`` (hex, empty outside a span) from the active span, and ``service_name`` /
``service_instance_id``. JSON lines carry them as fields; text lines end with ``trace_id=... span_id=...``
when inside a span.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from typing import Any, TextIO

from aztec.telemetry.log_settings import LogSettings
from aztec.telemetry.span_context import ACTIVE_SPAN

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class TraceContextFilter(logging.Filter):
    """Stamps the active span's ids and the service identity on each record (never drops one)."""

    def __init__(self, service_name: str, service_instance_id: str) -> None:
        super().__init__()
        self._service = service_name
        self._instance = service_instance_id

    def filter(self, record: logging.LogRecord) -> bool:
        active = ACTIVE_SPAN.get()
        if active is None:
            record.trace_id = record.span_id = ""
        else:
            record.trace_id, record.span_id = active.ref.trace_id_hex, active.ref.span_id_hex
        record.service_name = self._service
        record.service_instance_id = self._instance
        return True


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__(TEXT_FORMAT)

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        trace_id = getattr(record, "trace_id", "")
        return f"{line} trace_id={trace_id} span_id={getattr(record, 'span_id', '')}" if trace_id else line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, service identity, trace and span ids."""

    converter = time.gmtime  # type: ignore[assignment]  # typeshed types it without the optional argument

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": f"{self.formatTime(record, '%Y-%m-%dT%H:%M:%S')}.{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "service.name": getattr(record, "service_name", ""),
            "service.instance.id": getattr(record, "service_instance_id", ""),
        }
        trace_id = getattr(record, "trace_id", "")
        if trace_id:
            entry["trace_id"] = trace_id
            entry["span_id"] = getattr(record, "span_id", "")
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(
    settings: LogSettings, *, service_name: str, service_instance_id: str, stream: TextIO | None = None
) -> logging.Handler:
    """Replace the root logger's stream handlers with one formatting as ``settings`` says; returns it.

    The root logger gets the default level and each overridden module its own: a logger without a level
    of its own takes its nearest configured ancestor's, so ``debug:sequencer`` covers ``aztec.sequencer.*``.
    """
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.addFilter(TraceContextFilter(service_name, service_instance_id))
    handler.setFormatter(JsonFormatter() if settings.format == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if type(old) is logging.StreamHandler:
            root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(settings.level)
    for name, level in settings.overrides.items():
        logging.getLogger(name).setLevel(level)
    return handler
