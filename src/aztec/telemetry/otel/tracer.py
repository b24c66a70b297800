"""Spans over an OpenTelemetry SDK tracer owned by the client (exported only when configured).

The current span lives in :data:`aztec.telemetry.span_context.ACTIVE_SPAN`, which the metric cells and
the log filter read (one ``ContextVar.get`` instead of OpenTelemetry's context API). It is also made
OpenTelemetry's current context while the span runs, so that the SDK's own trace-based exemplar filter
sees it; no global provider is ever set.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from contextvars import Token
from types import TracebackType
from typing import Final

from opentelemetry import context as otel_context
from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator

from aztec.telemetry.api import Carrier, Span, SpanKind, SpanScope
from aztec.telemetry.definitions import AttributeKey, Attributes, AttributeValue
from aztec.telemetry.span_context import ACTIVE_SPAN, ActiveSpan, SpanRef
from aztec.telemetry.trace_settings import ChildProcessTracing

PROPAGATOR: Final = TraceContextTextMapPropagator()
_KINDS: Final = {
    "internal": trace.SpanKind.INTERNAL,
    "server": trace.SpanKind.SERVER,
    "client": trace.SpanKind.CLIENT,
    "producer": trace.SpanKind.PRODUCER,
    "consumer": trace.SpanKind.CONSUMER,
}
_SAMPLED: Final = trace.TraceFlags(trace.TraceFlags.SAMPLED)
_NOT_SAMPLED: Final = trace.TraceFlags(trace.TraceFlags.DEFAULT)


def ref_of(span: trace.Span) -> SpanRef:
    context = span.get_span_context()
    return SpanRef(context.trace_id, context.span_id, context.trace_flags.sampled)


def _link(ref: SpanRef) -> trace.Link:
    flags = _SAMPLED if ref.sampled else _NOT_SAMPLED
    return trace.Link(trace.SpanContext(ref.trace_id, ref.span_id, is_remote=True, trace_flags=flags))


def _otel_attributes(attributes: Attributes | None) -> dict[str, AttributeValue]:
    return {str(k): v for k, v in attributes.items()} if attributes else {}


class _OtelSpan:
    __slots__ = ("_span", "ref")

    def __init__(self, span: trace.Span, ref: SpanRef) -> None:
        self._span = span
        self.ref: SpanRef | None = ref

    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None:
        self._span.set_attribute(str(key), value)

    def set_attributes(self, attributes: Attributes) -> None:
        self._span.set_attributes(_otel_attributes(attributes))

    def add_links(self, refs: Iterable[SpanRef]) -> None:
        for ref in refs:
            link = _link(ref)
            self._span.add_link(link.context)

    def record_exception(self, error: BaseException) -> None:
        self._span.record_exception(error)
        self._span.set_status(trace.Status(trace.StatusCode.ERROR, f"{type(error).__name__}: {error}"))


class _UnsampledChild:
    """The span of a child of an unsampled span under a parent-based sampler: it would not be sampled either,
    so the SDK is not asked (about 0.3 us instead of 4 us); the parent stays current and is propagated."""

    __slots__ = ("ref",)

    def __init__(self, parent: SpanRef) -> None:
        self.ref: SpanRef | None = parent

    def set_attribute(self, key: AttributeKey, value: AttributeValue) -> None:
        pass

    def set_attributes(self, attributes: Attributes) -> None:
        pass

    def add_links(self, refs: Iterable[SpanRef]) -> None:
        pass

    def record_exception(self, error: BaseException) -> None:
        pass


class _OtelScope:
    """Starts the span on entry (making it current), ends it on exit, recording an escaping error."""

    __slots__ = (
        "_attributes",
        "_kind",
        "_links",
        "_name",
        "_otel_token",
        "_parent",
        "_parent_based",
        "_span",
        "_token",
        "_tracer",
    )

    def __init__(
        self,
        tracer: trace.Tracer,
        name: str,
        attributes: Attributes | None,
        kind: SpanKind,
        links: Sequence[SpanRef | None],
        parent: Carrier | None,
        parent_based: bool,
    ) -> None:
        self._parent_based = parent_based
        self._tracer = tracer
        self._name = name
        self._attributes = attributes
        self._kind = kind
        self._links = links
        self._parent = parent
        self._span: _OtelSpan | None = None
        self._token: Token[ActiveSpan | None] | None = None
        self._otel_token: object = None

    def __enter__(self) -> Span:
        if self._parent is not None:
            context = PROPAGATOR.extract(self._parent, context=Context())
        else:
            active = ACTIVE_SPAN.get()
            if active is not None and self._parent_based and not active.ref.sampled:
                return _UnsampledChild(active.ref)
            context = Context() if active is None else trace.set_span_in_context(active.span, Context())
        span = self._tracer.start_span(
            self._name,
            context=context,
            kind=_KINDS[self._kind],
            attributes=_otel_attributes(self._attributes),
            links=[_link(ref) for ref in self._links if ref is not None],
            record_exception=False,
            set_status_on_exception=False,
        )
        ref = ref_of(span)
        self._token = ACTIVE_SPAN.set(ActiveSpan(ref, span))
        # OpenTelemetry's own context too, for the SDK's trace-based exemplar filter (local aggregation off).
        self._otel_token = otel_context.attach(trace.set_span_in_context(span, Context()))
        self._span = _OtelSpan(span, ref)
        return self._span

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        span, token = self._span, self._token
        if span is None or token is None:
            return
        if exc is not None:
            span.record_exception(exc)
        span._span.end()
        otel_context.detach(self._otel_token)  # type: ignore[arg-type]
        ACTIVE_SPAN.reset(token)

    async def __aenter__(self) -> Span:
        return self.__enter__()

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.__exit__(exc_type, exc, tb)


class OtelTracer:
    def __init__(
        self, tracer: trace.Tracer, child_process: ChildProcessTracing | None = None, *, parent_based: bool = True
    ) -> None:
        """``parent_based``: the sampler follows the parent's decision (children of unsampled spans are skipped)."""
        self._tracer = tracer
        self._child_process = child_process
        self._parent_based = parent_based

    @property
    def enabled(self) -> bool:
        return True

    def span(
        self,
        name: str,
        attributes: Attributes | None = None,
        *,
        kind: SpanKind = "internal",
        links: Sequence[SpanRef | None] = (),
        parent: Carrier | None = None,
    ) -> SpanScope:
        return _OtelScope(self._tracer, name, attributes, kind, links, parent, self._parent_based)

    def start_span(self, name: str, attributes: Attributes | None = None) -> AbstractContextManager[Span]:
        return _OtelScope(self._tracer, name, attributes, "internal", (), None, self._parent_based)

    def inject(self) -> Carrier:
        return inject_current()

    def child_process_settings(self) -> ChildProcessTracing | None:
        return self._child_process


def inject_current() -> Carrier:
    """The current span's W3C headers ({} outside a span)."""
    active = ACTIVE_SPAN.get()
    if active is None:
        return {}
    carrier: Carrier = {}
    PROPAGATOR.inject(carrier, context=trace.set_span_in_context(active.span, Context()))
    return carrier
