"""Spans over an OpenTelemetry SDK tracer owned by the client (exported only when configured)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from opentelemetry import trace

from aztec.telemetry.api import Span
from aztec.telemetry.definitions import AttributeKey, Attributes, AttributeValue


class _OtelSpan:
    def __init__(self, span: trace.Span) -> None:
        self._span = span

    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None:
        self._span.set_attribute(str(key), value)

    def record_exception(self, error: BaseException) -> None:
        self._span.record_exception(error)
        self._span.set_status(trace.Status(trace.StatusCode.ERROR, str(error)))


class OtelTracer:
    def __init__(self, tracer: trace.Tracer) -> None:
        self._tracer = tracer

    def start_span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]:
        return self._span(name, attributes)

    @contextmanager
    def _span(self, name: str, attributes: Attributes | None) -> Iterator[Span]:
        otel_attributes = {str(k): v for k, v in (attributes or {}).items()}
        with self._tracer.start_as_current_span(name, attributes=otel_attributes) as span:
            yield _OtelSpan(span)
